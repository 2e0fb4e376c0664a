#include "patterns/matcher.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "patterns/rule_database.h"
#include "scanner/detector.h"
#include "tests/support/temp_dir.h"

namespace reachscan::patterns {
namespace {

std::vector<Rule> rules_from(const std::string& yaml) {
  RuleSet set = parse_rules(yaml, "test.yaml");
  EXPECT_TRUE(set.errors.empty()) << (set.errors.empty() ? "" : set.errors.front());
  return set.rules;
}

DatabaseOptions no_cache() {
  DatabaseOptions o;
  o.use_cache = false;
  return o;
}

const char* kRules = R"yaml(
- id: demo.token
  name: Demo token
  pattern: '\b(dmo_[A-Za-z0-9]{20})\b'
- id: demo.run
  name: Long hex run
  pattern: 'hex=([a-f0-9]{16,64})'
- id: demo.block
  name: Demo block
  pattern: 'BEGIN\n([A-Za-z0-9\n]{10,}?)\nEND'
  max_length: 4096
)yaml";

std::vector<Match> scan_all(const Matcher& m, std::string_view data) {
  std::vector<Match> out;
  EXPECT_TRUE(m.scan(data, [&](const Match& x) {
                 out.push_back(x);
                 return true;
               }).ok());
  return out;
}

TEST(Matcher, ConfirmsAndExtractsGroupOne) {
  auto built = RuleDatabase::build(rules_from(kRules), no_cache());
  ASSERT_TRUE(built.errors.empty());
  Matcher m(built.database);
  const std::string tok = testing::fake_token("dmo_", 20, 3);
  const std::string text =
      "a = " + tok + "; b = " + tok + "x; hex=" + std::string(40, 'a') + "0123beef ok";
  const auto matches = scan_all(m, text);
  ASSERT_EQ(matches.size(), 2u);  // the second token is glued to 'x': no word boundary
  EXPECT_EQ(text.substr(matches[0].secret_start, matches[0].secret_end - matches[0].secret_start),
            tok);
  // Hyperscan reports every end of the hex run; one greedy match comes back, capped at 64.
  EXPECT_EQ(matches[1].secret_end - matches[1].secret_start, 48u);
  EXPECT_EQ(m.unconfirmed_hits(), 0u);
}

TEST(Matcher, ManyMatchesOfOneRuleAreAllReported) {
  auto built = RuleDatabase::build(rules_from(kRules), no_cache());
  Matcher m(built.database);
  std::string text;
  for (unsigned i = 0; i < 500; ++i) text += testing::fake_token("dmo_", 20, i) + "\n";
  EXPECT_EQ(scan_all(m, text).size(), 500u);
}

TEST(Matcher, MultiLineMatch) {
  auto built = RuleDatabase::build(rules_from(kRules), no_cache());
  Matcher m(built.database);
  const std::string text = "x\nBEGIN\nAAAAbbbbCCCC\nDDDDeeee\nEND\n";
  const auto matches = scan_all(m, text);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(text.substr(matches[0].secret_start, matches[0].secret_end - matches[0].secret_start),
            "AAAAbbbbCCCC\nDDDDeeee");
}

TEST(RuleDatabase, DropsRulesEitherEngineRejects) {
  auto built = RuleDatabase::build(rules_from(R"yaml(
- id: ok.rule
  name: fine
  pattern: '(ok_[a-z]{5})'
- id: re2.rejects
  name: lookahead
  pattern: '(a)(?=b)'
- id: no.group
  name: no capture
  pattern: 'abc'
- id: hs.rejects
  name: matches empty
  pattern: '(a*)'
)yaml"),
                                   no_cache());
  ASSERT_EQ(built.database->rules().size(), 1u);
  EXPECT_EQ(built.database->rules()[0].id, "ok.rule");
  ASSERT_EQ(built.errors.size(), 3u);
  EXPECT_NE(built.errors[0].find("re2.rejects"), std::string::npos);
  EXPECT_NE(built.errors[1].find("no.group"), std::string::npos);
  EXPECT_NE(built.errors[2].find("hs.rejects"), std::string::npos);
  EXPECT_NE(built.errors[2].find("Hyperscan"), std::string::npos);
  Matcher m(built.database);
  EXPECT_EQ(scan_all(m, "xx ok_abcde yy").size(), 1u);
}

TEST(RuleDatabase, SerialisedCacheIsReused) {
  testing::TempDir dir;
  DatabaseOptions o;
  o.cache_dir = dir.str() + "/cache";
  auto first = RuleDatabase::build(rules_from(kRules), o);
  EXPECT_FALSE(first.from_cache);
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(o.cache_dir))
    files += e.is_regular_file();
  EXPECT_EQ(files, 2u);  // the database and its rules' Hyperscan forms
  auto second = RuleDatabase::build(rules_from(kRules), o);
  EXPECT_TRUE(second.from_cache);
  Matcher m(second.database);
  EXPECT_EQ(scan_all(m, "k " + testing::fake_token("dmo_", 20, 9)).size(), 1u);
  // A rule without a literal keeps its relaxed form and end slack from the cache.
  const char* bare =
      "[{id: x, name: x, pattern: '(?m)(?:^|[^0-9])([0-9]{15}\\|[a-z]{9})(?:[^a-z]|$)'}]";
  auto built = RuleDatabase::build(rules_from(bare), o);
  auto cached = RuleDatabase::build(rules_from(bare), o);
  ASSERT_TRUE(cached.from_cache);
  EXPECT_TRUE(built.database->relaxed(0));
  EXPECT_TRUE(cached.database->relaxed(0));
  EXPECT_EQ(cached.database->end_slack(0), 1u);
  Matcher bm(cached.database);
  EXPECT_EQ(scan_all(bm, "id 123456789012345|abcdefghi.").size(), 1u);
  EXPECT_EQ(scan_all(bm, "id 123456789012345|abcdefghij").size(), 0u);
  EXPECT_EQ(bm.unconfirmed_hits(), 0u);
  // A changed rule set gets its own entry.
  auto third = RuleDatabase::build(rules_from("[{id: x, name: x, pattern: '(zz_[0-9]{4})'}]"), o);
  EXPECT_FALSE(third.from_cache);
}

TEST(RuleDatabase, CorruptCacheFileIsRecompiled) {
  testing::TempDir dir;
  DatabaseOptions o;
  o.cache_dir = dir.str();
  auto first = RuleDatabase::build(rules_from(kRules), o);
  for (const auto& e : std::filesystem::directory_iterator(o.cache_dir))
    dir.write(e.path().filename().string(), "garbage");
  auto second = RuleDatabase::build(rules_from(kRules), o);
  EXPECT_FALSE(second.from_cache);
  Matcher m(second.database);
  EXPECT_EQ(scan_all(m, testing::fake_token("dmo_", 20, 1)).size(), 1u);
}

TEST(Detector, GatesAndPositions) {
  auto built = RuleDatabase::build(rules_from(R"yaml(
- id: demo.token
  name: Demo token
  pattern: '\b(dmo_[A-Za-z0-9]{20})\b'
  min_entropy: 3.0
- id: generic.secret
  name: Generic
  pattern: 'secret\s*=\s*"([^"]{8,})"'
  keywords: [secret]
  min_entropy: 2.5
)yaml"),
                                   no_cache());
  Detector d(built.database);
  const std::string tok = testing::fake_token("dmo_", 20, 5);
  const std::string text = "line one\n  key " + tok + "\nlow dmo_aaaaaaaaaaaaaaaaaaaa\n" +
                           "secret = \"" + tok + "\"\n" + "allowed " +
                           testing::fake_token("dmo_", 20, 6) + " # reachscan:allow\n" + "old " +
                           testing::fake_token("dmo_", 20, 7) + " // gitleaks:allow\n";
  const auto fs = d.detect_all(text, "f.txt");
  // Low entropy dropped, allow markers honoured, generic yields to the specific rule.
  ASSERT_EQ(fs.size(), 2u);
  EXPECT_EQ(fs[0].rule_id, "demo.token");
  EXPECT_EQ(fs[0].line, 2u);
  EXPECT_EQ(fs[0].column, 7u);
  EXPECT_EQ(fs[0].end_column, 30u);
  EXPECT_EQ(fs[0].match, "  key " + tok);
  EXPECT_EQ(fs[1].rule_id, "demo.token");
  EXPECT_EQ(fs[1].line, 4u);
  EXPECT_EQ(fs[0].fingerprint, fs[1].fingerprint);  // same rule, same secret
}

TEST(Detector, OtherScannersAllowMarkers) {
  auto built = RuleDatabase::build(rules_from(R"yaml(
- id: demo.token
  name: Demo token
  pattern: '\b(dmo_[A-Za-z0-9]{20})\b'
  min_entropy: 3.0
- id: generic.secret
  name: Generic
  pattern: 'secret"?\s*[=:]\s*"([^"]{8,})"'
  keywords: [secret]
  min_entropy: 2.5
)yaml"),
                                   no_cache());
  Detector d(built.database);
  auto tok = [](int seed) { return testing::fake_token("dmo_", 20, seed); };
  const std::string text = "a " + tok(1) + "  # pragma: allowlist secret\n" +
                           "# pragma: allowlist nextline secret\n" + "b " + tok(2) + "\n" + "c " +
                           tok(3) + " // trufflehog:ignore\n" + "d " + tok(4) +
                           " # kingfisher:allow\n" + "e " + tok(5) + " # kingfisher:ignore\n" +
                           "      \"hashed_secret\": \"" + tok(6) + "\",\n" + "f " + tok(7) + "\n" +
                           "# pragma: allowlist nextline secret\n\n" + "g " + tok(8) + "\n";
  const auto fs = d.detect_all(text, "f.txt");
  // Only f (no marker) and g (the nextline marker is two lines up) are reported.
  ASSERT_EQ(fs.size(), 2u);
  EXPECT_EQ(fs[0].secret, tok(7));
  EXPECT_EQ(fs[1].secret, tok(8));
}

TEST(Detector, OverlappingGenericFindingsKeepTheMostConfident) {
  auto finding = [](const char* rule, Confidence c, std::uint64_t offset) {
    Finding f;
    f.rule_id = rule;
    f.confidence = c;
    f.offset = offset;
    f.secret = "Xk9mP2vL8qR4wZ7n";
    return f;
  };
  // A low-confidence weak-password finding found first yields to a medium one on the same bytes.
  std::vector<Finding> fs = {finding("generic.weak_password", Confidence::kLow, 10),
                             finding("generic.env_assignment", Confidence::kMedium, 10)};
  drop_shadowed_generic(fs);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].rule_id, "generic.env_assignment");
  // Equal confidence: the earlier one stays. A specific rule beats any generic one.
  fs = {finding("generic.password", Confidence::kMedium, 10),
        finding("generic.secret", Confidence::kMedium, 12),
        finding("demo.token", Confidence::kLow, 14)};
  drop_shadowed_generic(fs);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].rule_id, "demo.token");
  fs = {finding("generic.password", Confidence::kMedium, 10),
        finding("generic.secret", Confidence::kMedium, 12)};
  drop_shadowed_generic(fs);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].rule_id, "generic.password");
}

TEST(Detector, NamedKeyFindingsYieldToSpecificOnesAndBeatGenericOnes) {
  auto finding = [](const char* rule, Confidence c, bool named) {
    Finding f;
    f.rule_id = rule;
    f.confidence = c;
    f.offset = 10;
    f.secret = "pk_Xk9mP2vL8qR4wZ7nXk9mP2vL8qR4wZ7n";
    if (named) f.tags = {"long-tail", "named-key"};
    return f;
  };
  // The provider's own key format wins over the name-and-value rule, whatever the confidence.
  std::vector<Finding> fs = {finding("klaviyo.private_key.named", Confidence::kHigh, true),
                             finding("klaviyo.private_key", Confidence::kMedium, false)};
  drop_shadowed_generic(fs);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].rule_id, "klaviyo.private_key");
  // A named-key finding hides a generic one on the same bytes, even a more confident one.
  fs = {finding("generic.api_key", Confidence::kHigh, false),
        finding("signupgenius.api_key", Confidence::kMedium, true)};
  drop_shadowed_generic(fs);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].rule_id, "signupgenius.api_key");
}

}  // namespace
}  // namespace reachscan::patterns
