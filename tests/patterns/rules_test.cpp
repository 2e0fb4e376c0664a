// Every built-in rule through the real path: examples must match, negatives must not, ids are
// unique and well-formed, every rule compiles in both engines and all compile together.
#include <gtest/gtest.h>

#include <set>

#include "patterns/rule.h"
#include "scanner/rules_check.h"

namespace reachscan {
namespace {

TEST(BuiltInRules, PassRulesCheck) {
  patterns::RuleSet set = patterns::embedded_rules();
  ASSERT_TRUE(set.errors.empty()) << set.errors.front();
  const RuleCheckReport report = check_rules(std::move(set));
  for (const std::string& p : report.problems) ADD_FAILURE() << p;
  EXPECT_GT(report.examples, 2 * report.rules);
}

TEST(BuiltInRules, CoverAtLeast150FamiliesWithDocsAndExamples) {
  const patterns::RuleSet set = patterns::embedded_rules();
  std::set<std::string> families;
  for (const patterns::Rule& r : set.rules) {
    families.insert(r.id.substr(0, r.id.find('.')));
    EXPECT_FALSE(r.references.empty()) << r.id;
    EXPECT_GE(r.examples.size(), 2u) << r.id;
    EXPECT_GE(r.negative_examples.size(), 2u) << r.id;
  }
  EXPECT_GE(set.rules.size(), 150u);
  EXPECT_GE(families.size(), 100u);
}

TEST(BuiltInRules, LiveAndTestFormsAreDistinguished) {
  const patterns::RuleSet set = patterns::embedded_rules();
  std::set<std::string> live, test;
  for (const patterns::Rule& r : set.rules) {
    if (r.variant == "live") live.insert(r.id);
    if (r.variant == "test") test.insert(r.id);
  }
  EXPECT_TRUE(live.count("stripe.secret_key.live"));
  EXPECT_TRUE(test.count("stripe.secret_key.test"));
}

TEST(RulesCheck, CatchesBrokenExamples) {
  patterns::RuleSet set = patterns::parse_rules(R"yaml(
- id: demo.token
  name: Demo
  pattern: '\b(dmo_[a-z0-9]{8})\b'
  references: [x]
  examples: ['dmo_abc']
  negative_examples: ['key dmo_q1w2e3r4']
- id: demo.token
  name: Duplicate
  pattern: '(x)'
- id: demo.checked
  name: Checked
  pattern: '\b(ghp_[A-Za-z0-9]{36})\b'
  verify: github_checksum
  references: [x]
  examples: ['t = ghp_q1W2e3R4t5Y6u7I8o9P0a1S2d3F4g5H6j7K8']
  negative_examples: ['none']
- id: demo.unknown_verifier
  name: Unknown verifier
  pattern: '(zz_[a-z]{4})'
  verify: no_such_check
)yaml",
                                                "demo.yaml");
  const RuleCheckReport report = check_rules(std::move(set));
  auto has = [&](const std::string& needle) {
    for (const std::string& p : report.problems)
      if (p.find(needle) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has("example does not match"));
  EXPECT_TRUE(has("negative example matches"));
  EXPECT_TRUE(has("duplicate id"));
  EXPECT_TRUE(has("example fails its verifier"));
  EXPECT_TRUE(has("unknown verifier 'no_such_check'"));
}

// `rules check` names the stage that dropped an example, one rule per stage.
TEST(RulesCheck, SaysWhichStageDroppedAnExample) {
  patterns::RuleSet set = patterns::parse_rules(R"yaml(
- id: demo.nomatch
  name: No match
  pattern: '\b(dmo_[a-z0-9]{8})\b'
  references: [x]
  examples: ['dmo_abc']
  negative_examples: ['none']
- id: demo.entropy
  name: Low entropy
  pattern: '\b(ent_[a-z]{8})\b'
  min_entropy: 3.5
  references: [x]
  examples: ['ent_abababab']
  negative_examples: ['none']
- id: demo.keyword
  name: Keyword
  pattern: '(kwd_[a-z0-9]{8})'
  keywords: [secret]
  references: [x]
  examples: ['value kwd_q1w2e3r4']
  negative_examples: ['none']
- id: demo.placeholder
  name: Placeholder
  pattern: '\bplh_([A-Za-z0-9_]{8,})'
  references: [x]
  examples: ['plh_xxxxxxxxxxxx']
  negative_examples: ['none']
- id: demo.allowed
  name: Allowlisted
  pattern: '\b(alw_[a-z0-9]{8})\b'
  references: [x]
  allowlists: [{stopwords: [q1w2]}]
  examples: ['alw_q1w2e3r4']
  negative_examples: ['none']
)yaml",
                                                "demo.yaml");
  ASSERT_TRUE(set.errors.empty());
  const RuleCheckReport report = check_rules(std::move(set));
  auto problem_of = [&](const std::string& id) {
    for (const std::string& p : report.problems)
      if (p.find("rule " + id + ": example does not match") != std::string::npos) return p;
    return std::string();
  };
  EXPECT_NE(problem_of("demo.nomatch").find("no Hyperscan match"), std::string::npos)
      << problem_of("demo.nomatch");
  EXPECT_NE(problem_of("demo.entropy").find("entropy filter"), std::string::npos)
      << problem_of("demo.entropy");
  EXPECT_NE(problem_of("demo.keyword").find("keyword filter"), std::string::npos)
      << problem_of("demo.keyword");
  EXPECT_NE(problem_of("demo.placeholder").find("placeholder filter"), std::string::npos)
      << problem_of("demo.placeholder");
  EXPECT_NE(problem_of("demo.allowed").find("allowlist"), std::string::npos)
      << problem_of("demo.allowed");
}

// A rule limited to some paths is checked by scanning its examples as `example_path`.
TEST(RulesCheck, PathRulesAreCheckedAtTheirExamplePath) {
  const char* rule = R"yaml(
- id: demo.keyfile
  name: Key file
  pattern: '(?m)^([a-f0-9]{32})\r?$'
  path: '(?:^|/)config/master\.key$'
  references: [x]
  examples: ['4b27b95e909348334896a68f812d810a']
  negative_examples: ['4b27b95e9093']
)yaml";
  auto problems = [](const std::string& yaml) {
    patterns::RuleSet set = patterns::parse_rules(yaml, "demo.yaml");
    EXPECT_TRUE(set.errors.empty());
    return check_rules(std::move(set)).problems;
  };
  const auto none = problems(std::string(rule) + "  example_path: 'app/config/master.key'\n");
  EXPECT_TRUE(none.empty()) << none.front();
  const auto missing = problems(rule);
  ASSERT_FALSE(missing.empty());
  EXPECT_NE(missing.front().find("needs an example_path"), std::string::npos) << missing.front();
  const auto elsewhere = problems(std::string(rule) + "  example_path: 'app/notes.txt'\n");
  bool path_filter = false;
  for (const std::string& p : elsewhere)
    path_filter = path_filter || p.find("path filter") != std::string::npos;
  EXPECT_TRUE(path_filter);
}

}  // namespace
}  // namespace reachscan
