#include "patterns/rule.h"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace reachscan::patterns {
namespace {

TEST(ParseRules, ReadsEveryField) {
  const RuleSet set = parse_rules(R"yaml(
- id: demo.token
  name: Demo token
  pattern: '\b(dmo_[a-z0-9]{20})\b'
  keywords: [DMO_]
  min_entropy: 3.5
  confidence: high
  variant: live
  max_length: 64
  tags: [demo]
  references: ['https://example.invalid/docs']
  examples: ['a']
  negative_examples: ['b', 'c']
)yaml",
                                  "demo.yaml");
  ASSERT_TRUE(set.errors.empty()) << set.errors.front();
  ASSERT_EQ(set.rules.size(), 1u);
  const Rule& r = set.rules[0];
  EXPECT_EQ(r.id, "demo.token");
  EXPECT_EQ(r.keywords, std::vector<std::string>{"dmo_"});  // lower-cased
  EXPECT_DOUBLE_EQ(r.min_entropy, 3.5);
  EXPECT_EQ(r.confidence, Confidence::kHigh);
  EXPECT_EQ(r.variant, "live");
  EXPECT_EQ(r.max_length, 64u);
  EXPECT_EQ(r.negative_examples.size(), 2u);
  EXPECT_EQ(r.source, "demo.yaml");
}

TEST(ParseRules, MalformedYamlNamesFileAndLine) {
  const RuleSet set = parse_rules("- id: a\n  name: [unclosed\n", "bad.yaml");
  ASSERT_EQ(set.errors.size(), 1u);
  EXPECT_NE(set.errors[0].find("bad.yaml:"), std::string::npos);
  EXPECT_NE(set.errors[0].find("malformed YAML"), std::string::npos);
}

TEST(ParseRules, BadRuleIsDroppedOthersKept) {
  const RuleSet set = parse_rules(R"yaml(
- id: Bad..ID
  name: x
  pattern: '(x)'
- id: good.one
  name: y
  pattern: '(y+)'
- id: unknown.field
  name: z
  pattern: '(z)'
  colour: red
)yaml",
                                  "mixed.yaml");
  ASSERT_EQ(set.rules.size(), 1u);
  EXPECT_EQ(set.rules[0].id, "good.one");
  ASSERT_EQ(set.errors.size(), 2u);
  EXPECT_NE(set.errors[0].find("rule Bad..ID"), std::string::npos);
  EXPECT_NE(set.errors[1].find("unknown field 'colour'"), std::string::npos);
}

TEST(SelectRules, OnlyAndSkipAndUnknown) {
  RuleSet set = parse_rules(
      "[{id: a, name: a, pattern: '(a)'}, {id: b, name: b, pattern: '(b)'},"
      " {id: c, name: c, pattern: '(c)'}]",
      "x");
  auto rules = set.rules;
  EXPECT_TRUE(select_rules(rules, {"a", "b"}, {"b"}).empty());
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].id, "a");
  auto again = set.rules;
  EXPECT_EQ(select_rules(again, {}, {"nope"}), std::vector<std::string>{"nope"});
}

TEST(OptInRules, OffUnlessEnabledOrNamed) {
  RuleSet set = parse_rules(
      "[{id: a, name: a, pattern: '(a)'},"
      " {id: generic.e, name: e, pattern: '(e)', opt_in: entropy-strings}]",
      "x");
  ASSERT_TRUE(set.errors.empty()) << set.errors.front();
  EXPECT_EQ(set.rules[1].opt_in, "entropy-strings");
  auto off = set.rules;
  drop_opt_in_rules(off, {}, {});
  ASSERT_EQ(off.size(), 1u);
  EXPECT_EQ(off[0].id, "a");
  auto on = set.rules;
  drop_opt_in_rules(on, {"entropy-strings"}, {});
  EXPECT_EQ(on.size(), 2u);
  auto named = set.rules;
  drop_opt_in_rules(named, {}, {"generic.e"});
  EXPECT_EQ(named.size(), 2u);
  const RuleSet bad = parse_rules("[{id: z, name: z, pattern: '(z)', opt_in: everything}]", "y");
  EXPECT_TRUE(bad.rules.empty());
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_NE(bad.errors[0].find("opt_in 'everything'"), std::string::npos) << bad.errors[0];
}

TEST(OptInRules, EmbeddedSetLeavesThemOut) {
  const RuleSet all = embedded_rules_with_opt_in();
  const RuleSet on = embedded_rules();
  std::size_t opt_in = 0;
  for (const Rule& r : all.rules) opt_in += !r.opt_in.empty();
  EXPECT_GE(opt_in, 2u);
  EXPECT_EQ(on.rules.size() + opt_in, all.rules.size());
  for (const Rule& r : on.rules) EXPECT_TRUE(r.opt_in.empty()) << r.id;
}

TEST(RuleSet, DuplicateIdsKeepFirst) {
  RuleSet set = parse_rules(
      "[{id: a, name: one, pattern: '(a)'}, {id: a, name: two, pattern: '(b)'}]", "dup.yaml");
  set.drop_duplicate_ids();
  ASSERT_EQ(set.rules.size(), 1u);
  EXPECT_EQ(set.rules[0].name, "one");
  ASSERT_EQ(set.errors.size(), 1u);
  EXPECT_NE(set.errors[0].find("duplicate id"), std::string::npos);
}

TEST(LoadRules, FolderAndMissingFile) {
  testing::TempDir dir;
  dir.write("a.yaml", "[{id: a, name: a, pattern: '(a)'}]");
  dir.write("sub/b.yml", "[{id: b, name: b, pattern: '(b)'}]");
  dir.write("notes.txt", "not a rule file");
  const RuleSet set = load_rules(dir.str());
  EXPECT_TRUE(set.errors.empty());
  EXPECT_EQ(set.rules.size(), 2u);
  const RuleSet missing = load_rules(dir.str() + "/nope.yaml");
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_NE(missing.errors[0].find("nope.yaml"), std::string::npos);
}

}  // namespace
}  // namespace reachscan::patterns
