// patterns/rule_cache.h: the binary table the built-in rules are read from on a warm start.
#include "patterns/rule_cache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace reachscan::patterns {
namespace {

// Every field the table carries, compared one by one (Rule has no operator==).
void expect_same(const Rule& a, const Rule& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.pattern, b.pattern);
  EXPECT_EQ(a.description, b.description);
  EXPECT_EQ(a.keywords, b.keywords);
  EXPECT_EQ(a.min_entropy, b.min_entropy);
  EXPECT_EQ(a.confidence, b.confidence);
  EXPECT_EQ(a.variant, b.variant);
  EXPECT_EQ(a.max_length, b.max_length);
  EXPECT_EQ(a.verify, b.verify);
  EXPECT_EQ(a.tags, b.tags);
  EXPECT_EQ(a.references, b.references);
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.companions, b.companions);
  EXPECT_EQ(a.companion_lines, b.companion_lines);
  EXPECT_EQ(a.companion_only, b.companion_only);
  EXPECT_EQ(a.opaque, b.opaque);
  EXPECT_EQ(a.secret_group, b.secret_group);
  EXPECT_EQ(a.path, b.path);
  EXPECT_EQ(a.keywords_anywhere, b.keywords_anywhere);
  EXPECT_EQ(a.opt_in, b.opt_in);
  ASSERT_EQ(a.allowlists.size(), b.allowlists.size());
  for (std::size_t i = 0; i < a.allowlists.size(); ++i) {
    const Allowlist &x = a.allowlists[i], &y = b.allowlists[i];
    EXPECT_EQ(x.description, y.description);
    EXPECT_EQ(x.all, y.all);
    EXPECT_EQ(x.commits, y.commits);
    EXPECT_EQ(x.paths, y.paths);
    EXPECT_EQ(x.regex_target, y.regex_target);
    EXPECT_EQ(x.regexes, y.regexes);
    EXPECT_EQ(x.stopwords, y.stopwords);
  }
}

// A rule with every field away from its default, allowlists included.
Rule full_rule() {
  Rule r;
  r.id = "test.full";
  r.name = "Full";
  r.pattern = "(?i)key=([a-z0-9]{20})";
  r.description = "every field set";
  r.keywords = {"key", "k\xE9y"};
  r.min_entropy = 3.25;
  r.confidence = Confidence::kHigh;
  r.variant = "live";
  r.max_length = 77;
  r.verify = "github_checksum";
  r.tags = {"a", "b"};
  r.references = {"https://example.invalid/doc"};
  r.source = "rules/test.yaml";
  r.companions = {"test.id"};
  r.companion_lines = 9;
  r.companion_only = true;
  r.opaque = true;
  r.opt_in = "entropy-strings";
  r.secret_group = 0;
  r.path = "\\.env$";
  r.keywords_anywhere = true;
  Allowlist a;
  a.description = "fixtures";
  a.all = true;
  a.commits = {"abc123"};
  a.paths = {"^test/"};
  a.regex_target = "line";
  a.regexes = {"EXAMPLE", std::string("nul\0inside", 10)};
  a.stopwords = {"dummy"};
  r.allowlists = {a, Allowlist{}};
  return r;
}

TEST(RuleTable, EveryFieldRoundTrips) {
  const Rule r = full_rule();
  const auto back = decode_rule_table(encode_rule_table({r, Rule{}}));
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), 2u);
  expect_same((*back)[0], r);
  expect_same((*back)[1], Rule{});
}

TEST(RuleTable, EmbeddedRulesRoundTrip) {
  const RuleSet set = embedded_rules_with_opt_in();
  ASSERT_GT(set.rules.size(), 100u);
  const auto back = decode_rule_table(encode_rule_table(set.rules));
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), set.rules.size());
  for (std::size_t i = 0; i < set.rules.size(); ++i) expect_same((*back)[i], set.rules[i]);
}

TEST(RuleTable, DamagedBytesAreNoTable) {
  const std::string bytes = encode_rule_table({full_rule(), full_rule()});
  // Every truncation, a byte too many, another magic, and lengths blown up.
  for (std::size_t cut = 0; cut < bytes.size(); ++cut)
    EXPECT_FALSE(decode_rule_table(std::string_view(bytes).substr(0, cut))) << "cut at " << cut;
  EXPECT_FALSE(decode_rule_table(bytes + "x"));
  std::string other = bytes;
  other[0] = 'X';
  EXPECT_FALSE(decode_rule_table(other));
  for (std::size_t at = 24; at + 4 <= bytes.size(); at += 7) {
    std::string broken = bytes;
    broken.replace(at, 4, "\xff\xff\xff\x7f");
    const auto back = decode_rule_table(broken);  // no crash; a table, if any, is whole
    if (back) {
      EXPECT_EQ(back->size(), 2u);
    }
  }
}

// The path of the one table file in `dir`, checked private (0600).
std::string only_table(const std::filesystem::path& dir) {
  std::string found;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".table") {
      EXPECT_TRUE(found.empty()) << "two tables";
      found = e.path().string();
      EXPECT_EQ(std::filesystem::status(e.path()).permissions() & std::filesystem::perms::all,
                std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    }
  return found;
}

TEST(RuleTable, WarmStartReadsTheTableTheColdStartWrote) {
  testing::TempDir dir;
  const RuleSet cold = embedded_rules_for_scan(dir.str());
  ASSERT_TRUE(cold.errors.empty());
  const std::string table = only_table(dir.path());
  ASSERT_FALSE(table.empty());
  const RuleSet warm = embedded_rules_for_scan(dir.str());
  ASSERT_EQ(warm.rules.size(), cold.rules.size());
  for (std::size_t i = 0; i < cold.rules.size(); ++i) expect_same(warm.rules[i], cold.rules[i]);

  // The warm start takes its rules from the table, not from the YAML: a renamed rule shows.
  std::vector<Rule> edited = cold.rules;
  edited[0].name = "renamed in the table";
  write_rule_table(table, edited);
  EXPECT_EQ(embedded_rules_for_scan(dir.str()).rules[0].name, "renamed in the table");

  // A damaged table, and one of the earlier format (4-byte lengths), are parsed again from the
  // YAML and rewritten.
  const std::string v1 = "reachscan-rule-table-v1\n" + std::string(8, '\0');
  for (const std::string& bad : {std::string("reachscan-rule-table-v2\ngarbage"), v1}) {
    std::ofstream(table, std::ios::binary | std::ios::trunc) << bad;
    const RuleSet again = embedded_rules_for_scan(dir.str());
    ASSERT_EQ(again.rules.size(), cold.rules.size());
    EXPECT_EQ(again.rules[0].name, cold.rules[0].name);
    EXPECT_TRUE(read_rule_table(table));
  }
}

}  // namespace
}  // namespace reachscan::patterns
