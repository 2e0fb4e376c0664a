#include "scanner/pairing.h"

#include <gtest/gtest.h>

#include "patterns/rule_database.h"
#include "scanner/detector.h"
#include "scanner/fingerprint.h"
#include "tests/support/temp_dir.h"

namespace reachscan {
namespace {

using testing::fake_token;

// A secret rule with two identifier companions, one of which is no secret alone.
std::vector<patterns::Rule> demo_rules() {
  auto set = patterns::parse_rules(R"yaml(
- id: demo.secret
  name: Demo secret
  pattern: 'sec=([a-z0-9]{20})'
  companions: [demo.id, demo.client_id]
  companion_lines: 5
- id: demo.id
  name: Demo key id
  pattern: 'id=([A-Z0-9]{16})'
- id: demo.client_id
  name: Demo client id
  pattern: 'cid=([A-Z0-9]{12})'
  companion_only: true
)yaml",
                                   "demo.yaml");
  EXPECT_TRUE(set.errors.empty());
  set.check_companions();
  EXPECT_TRUE(set.errors.empty());
  return set.rules;
}

Finding at(const std::string& rule, std::uint64_t line, const std::string& secret) {
  Finding f;
  f.rule_id = rule;
  f.path = "f.env";
  f.line = line;
  f.column = 5;
  f.offset = line * 100;  // one finding per line, lines 100 bytes apart
  f.secret = secret;
  f.fingerprint = fingerprint(rule, secret);
  return f;
}

TEST(Pairing, JoinsSecretAndIdWithinDistanceIntoOneFinding) {
  const auto rules = demo_rules();
  const Pairing pairing(rules);
  std::vector<Finding> fs = {at("demo.id", 2, "IDAAAAAAAAAAAAA1"), at("demo.secret", 4, "s1")};
  fs[0].verification.status = VerifyStatus::kValidStructure;
  fs[0].verification.attributes["account"] = "123";
  const std::string fp = fs[1].fingerprint;
  pairing.apply(fs);
  ASSERT_EQ(fs.size(), 1u);
  const Finding& f = fs[0];
  EXPECT_EQ(f.rule_id, "demo.secret");
  EXPECT_EQ(f.line, 4u);
  EXPECT_EQ(f.fingerprint, fp);  // baselines keep matching
  ASSERT_EQ(f.parts.size(), 2u);
  EXPECT_EQ(f.parts[0].rule_id, "demo.id");
  EXPECT_EQ(f.parts[0].line, 2u);
  EXPECT_EQ(f.parts[0].value, "IDAAAAAAAAAAAAA1");
  EXPECT_FALSE(f.parts[0].secret);
  EXPECT_EQ(f.parts[1].rule_id, "demo.secret");
  EXPECT_TRUE(f.parts[1].secret);
  // The secret had no check of its own: the id's (an account id, say) comes along.
  EXPECT_EQ(f.verification.status, VerifyStatus::kValidStructure);
  EXPECT_EQ(f.verification.attributes.at("account"), "123");
}

TEST(Pairing, LeavesPartsApartBeyondTheDistance) {
  const auto rules = demo_rules();
  std::vector<Finding> fs = {at("demo.id", 1, "A"), at("demo.secret", 7, "s1")};
  Pairing(rules).apply(fs);
  ASSERT_EQ(fs.size(), 2u);
  EXPECT_TRUE(fs[0].parts.empty());
  EXPECT_TRUE(fs[1].parts.empty());
}

TEST(Pairing, TakesTheNearestCompanion) {
  const auto rules = demo_rules();
  std::vector<Finding> fs = {at("demo.id", 1, "FAR"), at("demo.id", 4, "NEAR"),
                             at("demo.secret", 5, "s1")};
  Pairing(rules).apply(fs);
  ASSERT_EQ(fs.size(), 2u);  // the far id stays a finding of its own
  EXPECT_EQ(fs[0].secret, "FAR");
  ASSERT_EQ(fs[1].parts.size(), 2u);
  EXPECT_EQ(fs[1].parts[0].value, "NEAR");
}

TEST(Pairing, InterleavedPairsEachKeepTheirOwnId) {
  // id1, s1, id2, s2: s1 is one line from both ids; the one before it wins the tie.
  const auto rules = demo_rules();
  std::vector<Finding> fs = {at("demo.id", 1, "ID1"), at("demo.secret", 2, "s1"),
                             at("demo.id", 3, "ID2"), at("demo.secret", 4, "s2")};
  Pairing(rules).apply(fs);
  ASSERT_EQ(fs.size(), 2u);
  EXPECT_EQ(fs[0].parts[0].value, "ID1");
  EXPECT_EQ(fs[1].parts[0].value, "ID2");
}

TEST(Pairing, OneIdSharedByTwoSecrets) {
  // A client id with two client secrets (rotation): both secrets name it.
  const auto rules = demo_rules();
  std::vector<Finding> fs = {at("demo.client_id", 1, "CID"), at("demo.secret", 2, "s1"),
                             at("demo.secret", 3, "s2")};
  Pairing(rules).apply(fs);
  ASSERT_EQ(fs.size(), 2u);
  for (const Finding& f : fs) {
    EXPECT_EQ(f.rule_id, "demo.secret");
    ASSERT_EQ(f.parts.size(), 2u);
    EXPECT_EQ(f.parts[0].value, "CID");
  }
}

TEST(Pairing, MissingCompanionLeavesSecretAloneAndDropsCompanionOnlyIds) {
  const auto rules = demo_rules();
  std::vector<Finding> alone = {at("demo.secret", 3, "s1")};
  Pairing(rules).apply(alone);
  ASSERT_EQ(alone.size(), 1u);
  EXPECT_TRUE(alone[0].parts.empty());

  // An id that is reported alone stays; a companion-only one is no secret without its pair.
  std::vector<Finding> ids = {at("demo.id", 1, "ID"), at("demo.client_id", 20, "CID")};
  Pairing(rules).apply(ids);
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(ids[0].rule_id, "demo.id");
}

TEST(Pairing, CompanionIdsMustNameRules) {
  auto set = patterns::parse_rules(R"yaml(
- id: demo.secret
  name: Demo secret
  pattern: 'sec=([a-z0-9]{20})'
  companions: [demo.nope]
- id: demo.lonely
  name: Demo id nobody names
  pattern: 'id=([A-Z0-9]{16})'
  companion_only: true
)yaml",
                                   "demo.yaml");
  ASSERT_TRUE(set.errors.empty());
  set.check_companions();
  ASSERT_EQ(set.errors.size(), 2u);
  EXPECT_NE(set.errors[0].find("companion 'demo.nope' is not a rule"), std::string::npos);
  EXPECT_NE(set.errors[1].find("demo.lonely"), std::string::npos);

  auto bad = patterns::parse_rules(R"yaml(
- id: demo.secret
  name: Demo secret
  pattern: 'sec=([a-z0-9]{20})'
  companions: [demo.secret]
  companion_lines: 500
)yaml",
                                   "demo.yaml");
  ASSERT_EQ(bad.errors.size(), 2u);  // its own companion; distance too large
}

// The built-in AWS rules, end to end: one finding, the key id as a part, the account id kept.
TEST(Pairing, AwsKeyIdAndSecretAreOneFindingWithTheAccountId) {
  patterns::DatabaseOptions o;
  o.use_cache = false;
  auto db = patterns::RuleDatabase::build(patterns::embedded_rules().rules, o).database;
  const Detector d(db);
  // A first body character of Q-Z or 2-7 marks the newer format, which encodes the account.
  const std::string id = fake_token("AKIA3", 15, 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
  const std::string secret = fake_token("", 40, 4);
  const auto fs = d.detect_all("[default]\naws_access_key_id = " + id +
                               "\naws_secret_access_key = " + secret + "\n");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].rule_id, "aws.secret_access_key");
  EXPECT_EQ(fs[0].line, 3u);
  EXPECT_EQ(fs[0].fingerprint, fingerprint("aws.secret_access_key", secret));
  ASSERT_EQ(fs[0].parts.size(), 2u);
  EXPECT_EQ(fs[0].parts[0].rule_id, "aws.access_key_id");
  EXPECT_EQ(fs[0].parts[0].value, id);
  EXPECT_EQ(fs[0].parts[0].line, 2u);
  EXPECT_EQ(fs[0].parts[0].column, 21u);
  EXPECT_EQ(fs[0].verification.status, VerifyStatus::kValidStructure);
  EXPECT_EQ(fs[0].verification.attributes.count("aws_account_id"), 1u)
      << ::testing::PrintToString(fs[0].verification.attributes);

  // Redaction masks the secret part, not the key id.
  auto shown = fs;
  redact_findings(shown);
  EXPECT_EQ(shown[0].parts[0].value, id);
  EXPECT_EQ(shown[0].parts[1].value, redact(secret));
}

}  // namespace
}  // namespace reachscan
