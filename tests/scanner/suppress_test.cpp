#include "scanner/suppress.h"

#include <gtest/gtest.h>

#include "scanner/fingerprint.h"
#include "tests/support/temp_dir.h"

namespace reachscan {
namespace {

Finding finding(const std::string& rule, const std::string& secret, std::uint64_t line) {
  Finding f;
  f.rule_id = rule;
  f.secret = secret;
  f.line = line;
  f.path = "a.txt";
  f.fingerprint = fingerprint(rule, secret);
  return f;
}

TEST(Fingerprint, KeyedOnRuleAndSecretNotPlace) {
  EXPECT_EQ(fingerprint("r", "s1"), fingerprint("r", "s1"));
  EXPECT_NE(fingerprint("r", "s1"), fingerprint("r", "s2"));
  EXPECT_NE(fingerprint("r", "s1"), fingerprint("q", "s1"));
  EXPECT_EQ(fingerprint("r", "s1").rfind("r:", 0), 0u);
  EXPECT_EQ(fingerprint("r", "s1").find("s1"), std::string::npos);
}

TEST(Redact, MasksEverySecretOnTheLine) {
  std::vector<Finding> fs = {finding("a", "AAAAsecretvalue-1234", 1), finding("b", "shortpw99", 1)};
  fs[0].match = fs[1].match = "k=AAAAsecretvalue-1234 p=shortpw99";
  redact_findings(fs);
  EXPECT_EQ(fs[0].secret, "AAAA*****");
  EXPECT_EQ(fs[1].secret, "*****");
  EXPECT_EQ(fs[0].match, "k=AAAA***** p=*****");
  EXPECT_EQ(fs[1].match, fs[0].match);
}

TEST(Suppressions, IgnoreFileSurvivesMovedCodeButNotNewSecret) {
  testing::TempDir dir;
  const Finding old = finding("demo", "s3cr3t-value-A", 10);
  const std::string ignore =
      dir.write(".reachscanignore", "# reviewed\n" + old.fingerprint + "  # test key\n\n");
  Suppressions s;
  ASSERT_TRUE(s.add_ignore_file(ignore).ok());
  std::vector<Finding> fs = {finding("demo", "s3cr3t-value-A", 99),   // moved
                             finding("demo", "s3cr3t-value-B", 10)};  // new secret, same line
  EXPECT_EQ(s.apply(fs), 1u);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].secret, "s3cr3t-value-B");
}

TEST(Suppressions, BaselineFormats) {
  testing::TempDir dir;
  const Finding a = finding("demo", "value-a-123456", 1), b = finding("demo", "value-b-123456", 2);
  const std::string json = dir.write(
      "r.json", R"({"findings":[{"fingerprint":")" + a.fingerprint + R"("}],"summary":{}})");
  const std::string jsonl = dir.write("r.jsonl", R"({"fingerprint":")" + b.fingerprint + "\"}\n");
  Suppressions s;
  ASSERT_TRUE(s.add_baseline(json).ok());
  ASSERT_TRUE(s.add_baseline(jsonl).ok());
  EXPECT_TRUE(s.suppressed(a));
  EXPECT_TRUE(s.suppressed(b));
  EXPECT_FALSE(s.suppressed(finding("demo", "value-c-123456", 1)));
  const std::string bad = dir.write("bad.json", "this is not json\n");
  EXPECT_FALSE(s.add_baseline(bad).ok());
  EXPECT_FALSE(s.add_baseline(dir.str() + "/missing.json").ok());
}

// Issue 18: every suppression file is all or nothing, also when the bad line comes last and the
// good ones are gitleaks fingerprints; a line number that overflows is malformed, not line 0.
TEST(Suppressions, RejectedFilesAddNothing) {
  Finding f = finding("aws.key", "AKIAEXAMPLEEXAMPLE01", 12);
  f.path = "src/app/config.py";
  Suppressions s;
  EXPECT_FALSE(
      s.add_gitleaks_ignore_text("src/app/config.py:aws.key:12\nnot a fingerprint\n", "g.txt")
          .ok());
  EXPECT_FALSE(s.suppressed(f)) << "the good line before the bad one must not apply";
  EXPECT_FALSE(
      s.add_baseline_text(
           R"([{"Fingerprint": "src/app/config.py:aws.key:12"}, {"Fingerprint": 7}])", "b.json")
          .ok());
  EXPECT_FALSE(s.suppressed(f));
  for (const char* overflow : {"src/app/config.py:aws.key:18446744073709551628",
                               "src/app/config.py:aws.key:99999999999999999999999"})
    EXPECT_FALSE(s.add_gitleaks_fingerprint(overflow)) << overflow;
  EXPECT_FALSE(s.suppressed(f));
  EXPECT_TRUE(s.add_gitleaks_ignore_text("# ok\nsrc/app/config.py:aws.key:12\n", "g.txt").ok());
  EXPECT_TRUE(s.suppressed(f));
}

TEST(Suppressions, SecretPatterns) {
  Suppressions s;
  ASSERT_TRUE(s.add_secret_pattern("^sk_test_").ok());
  EXPECT_TRUE(s.suppressed(finding("x", "sk_test_abc", 1)));
  EXPECT_FALSE(s.suppressed(finding("x", "sk_live_abc", 1)));
  EXPECT_FALSE(s.add_secret_pattern("(unclosed").ok());
}

}  // namespace
}  // namespace reachscan
