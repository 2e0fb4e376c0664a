// Reuse of one secret value across environments (flag_reuse).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "reach/classify.h"

namespace reachscan::reach {
namespace {

using V = ReachVerdict;

Finding occurrence(const std::string& path, std::uint64_t line, const std::string& secret,
                   std::optional<V> verdict, const std::string& rule = "generic.api_key") {
  Finding f;
  f.rule_id = rule;
  f.path = path;
  f.line = line;
  f.secret = secret;
  if (verdict) {
    Reach r;
    r.verdict = *verdict;
    r.confidence = *verdict == V::kUnknown ? 0.0 : 0.7;
    r.frameworks = {"OWASP-NHI2"};
    f.reach = r;
  }
  return f;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(ReachReuse, ProductionAndNonProductionOccurrencesAreFlagged) {
  std::vector<Finding> fs = {
      occurrence("k8s/overlays/production/secret.yaml", 9, "Zq8xVw2LmT5rNc7Hd4Jk", V::kProduction),
      occurrence("tests/fixtures/api.json", 3, "Zq8xVw2LmT5rNc7Hd4Jk", V::kNonProduction),
      occurrence("src/client.py", 12, "Zq8xVw2LmT5rNc7Hd4Jk", V::kUnknown),
      occurrence("src/other.py", 1, "Pw3nXr8KqL2mZt6VbY9c", V::kNonProduction),
  };
  fs[2].commit = CommitInfo{};
  fs[2].commit->id = "89abcdef0123456789abcdef0123456789abcdef";
  flag_reuse(fs, "per-run-key");

  for (int i : {0, 1, 2}) {
    SCOPED_TRACE(i);
    const Reach& r = *fs[static_cast<std::size_t>(i)].reach;
    EXPECT_TRUE(has(r.flags, "reused_across_environments"));
    EXPECT_TRUE(has(r.frameworks, "OWASP-NHI8"));
    EXPECT_TRUE(has(r.frameworks, "OWASP-NHI9"));
    EXPECT_EQ(r.related.size(), 2u);
    EXPECT_EQ(r.verdict, V::kProduction);  // the same credential reaches production
  }
  EXPECT_TRUE(has(fs[0].reach->related, "tests/fixtures/api.json:3"));
  EXPECT_TRUE(has(fs[0].reach->related, "src/client.py:12@89abcdef0123"));
  EXPECT_FALSE(has(fs[0].reach->flags, "live_secret_in_non_production"));
  // The non-production occurrence holds a production credential: upgraded and flagged.
  EXPECT_TRUE(has(fs[1].reach->flags, "live_secret_in_non_production"));
  ASSERT_FALSE(fs[1].reach->evidence.empty());
  EXPECT_EQ(fs[1].reach->evidence[0].signal, "reuse");
  EXPECT_NE(fs[1].reach->evidence[0].detail.find("k8s/overlays/production/secret.yaml:9"),
            std::string::npos);
  EXPECT_GT(fs[1].reach->confidence, 0.9);
  // A different value is left alone.
  EXPECT_TRUE(fs[3].reach->flags.empty());
  EXPECT_EQ(fs[3].reach->verdict, V::kNonProduction);
  // Clear text is never copied into the reach record.
  for (const Finding& f : fs)
    for (const std::string& s : f.reach->related) EXPECT_EQ(s.find(f.secret), std::string::npos);
}

TEST(ReachReuse, ProductionAndUnknownIsNotAcrossEnvironmentsButStillProduction) {
  std::vector<Finding> fs = {
      occurrence("deploy/prod/app.env", 2, "Zq8xVw2LmT5rNc7Hd4Jk", V::kProduction),
      occurrence("src/config.py", 7, "Zq8xVw2LmT5rNc7Hd4Jk", std::nullopt),
  };
  flag_reuse(fs, "k");
  ASSERT_TRUE(fs[1].reach.has_value());
  EXPECT_EQ(fs[1].reach->verdict, V::kProduction);
  EXPECT_EQ(fs[1].reach->evidence.at(0).signal, "reuse");
  EXPECT_FALSE(has(fs[1].reach->flags, "reused_across_environments"));
  EXPECT_TRUE(fs[0].reach->related.empty());
}

TEST(ReachReuse, OnlyNonProductionOccurrencesAreNotFlagged) {
  std::vector<Finding> fs = {
      occurrence("tests/a.py", 1, "Zq8xVw2LmT5rNc7Hd4Jk", V::kNonProduction),
      occurrence("tests/b.py", 1, "Zq8xVw2LmT5rNc7Hd4Jk", V::kNonProduction),
  };
  flag_reuse(fs, "k");
  for (const Finding& f : fs) {
    EXPECT_TRUE(f.reach->flags.empty());
    EXPECT_EQ(f.reach->verdict, V::kNonProduction);
  }
}

TEST(ReachReuse, TwoRulesAtOneLocationAreOneOccurrence) {
  std::vector<Finding> fs = {
      occurrence("deploy/prod/db.env", 4, "Zq8xVw2LmT5rNc7Hd4Jk", V::kProduction, "uri.postgres"),
      occurrence("deploy/prod/db.env", 4, "Zq8xVw2LmT5rNc7Hd4Jk", V::kNonProduction,
                 "generic.password"),
  };
  flag_reuse(fs, "k");
  EXPECT_TRUE(fs[0].reach->flags.empty());
  EXPECT_TRUE(fs[1].reach->flags.empty());
  EXPECT_EQ(fs[1].reach->verdict, V::kNonProduction);
}

TEST(ReachReuse, SameFileDifferentCommitsAreDifferentLocations) {
  std::vector<Finding> fs = {
      occurrence("config/app.env", 4, "Zq8xVw2LmT5rNc7Hd4Jk", V::kProduction),
      occurrence("config/app.env", 4, "Zq8xVw2LmT5rNc7Hd4Jk", V::kNonProduction),
  };
  fs[0].commit = CommitInfo{};
  fs[0].commit->id = "1111111111111111111111111111111111111111";
  fs[1].commit = CommitInfo{};
  fs[1].commit->id = "2222222222222222222222222222222222222222";
  flag_reuse(fs, "k");
  EXPECT_TRUE(has(fs[0].reach->flags, "reused_across_environments"));
  EXPECT_EQ(fs[0].reach->related, (std::vector<std::string>{"config/app.env:4@222222222222"}));
}

TEST(ReachReuse, EmptyInputAndEmptyKey) {
  std::vector<Finding> none;
  flag_reuse(none, "");
  EXPECT_TRUE(none.empty());
  std::vector<Finding> fs = {
      occurrence("a/prod/x", 1, "Zq8xVw2LmT5rNc7Hd4Jk", V::kProduction),
      occurrence("a/dev/x", 1, "Zq8xVw2LmT5rNc7Hd4Jk", V::kNonProduction),
  };
  flag_reuse(fs, "");
  EXPECT_TRUE(has(fs[1].reach->flags, "reused_across_environments"));
}

}  // namespace
}  // namespace reachscan::reach
