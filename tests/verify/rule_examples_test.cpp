// Every rule that names a verifier: the verifier exists, and each of the rule's examples (they
// are synthetic but must be structurally valid) comes out valid_structure. The secret is capture
// group 1 of the rule's pattern, found with RE2 as the confirm step finds it; the context is the
// whole example, as the pipeline passes the matched lines.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "patterns/rule.h"
#include "verify/verify.h"

namespace reachscan::verify {
namespace {

// Rules whose examples may include a form that carries nothing to check (Sentry's sntryu_ user
// tokens are 64 random hex digits); at least one example must still be valid_structure.
const std::set<std::string> kMayBeUnverifiable = {"sentry.auth_token"};

patterns::RuleSet rules_on_disk() {
  return patterns::load_rules(std::string(REACHSCAN_SOURCE_DIR) + "/patterns/rules");
}

TEST(RuleExamples, RulesNameOnlyKnownVerifiers) {
  const patterns::RuleSet set = rules_on_disk();
  ASSERT_TRUE(set.errors.empty()) << set.errors.front();
  for (const patterns::Rule& rule : set.rules) {
    if (!rule.verify.empty()) {
      EXPECT_TRUE(known_verifier(rule.verify)) << rule.id << ": " << rule.verify;
    }
  }
}

TEST(RuleExamples, PositiveExamplesAreValidStructure) {
  const patterns::RuleSet set = rules_on_disk();
  ASSERT_TRUE(set.errors.empty()) << set.errors.front();
  std::map<std::string, int> rules_per_verifier;
  for (const patterns::Rule& rule : set.rules) {
    if (rule.verify.empty()) continue;
    ++rules_per_verifier[rule.verify];
    const RE2 re(rule.pattern);
    ASSERT_TRUE(re.ok()) << rule.id << ": " << re.error();
    int valid = 0;
    for (const std::string& example : rule.examples) {
      std::string secret;
      ASSERT_TRUE(RE2::PartialMatch(example, re, &secret))
          << rule.id << " does not match " << example;
      const Verification v = verify(rule.verify, rule.id, secret, example);
      std::string reasons;
      for (const std::string& r : v.reasons) reasons += "[" + r + "] ";
      if (v.status == VerifyStatus::kUnverifiable && kMayBeUnverifiable.count(rule.id)) continue;
      EXPECT_EQ(v.status, VerifyStatus::kValidStructure)
          << rule.id << " (" << rule.verify << ") on example:\n"
          << example << "\nreasons: " << reasons;
      if (v.status == VerifyStatus::kValidStructure) ++valid;
    }
    EXPECT_GT(valid, 0) << rule.id;
  }
  // The verifiers the issue asks for are all wired to at least one rule.
  for (const char* name :
       {"github_checksum", "npm_checksum", "jwt", "pem_private_key", "openssh_private_key",
        "putty_private_key", "pgp_private_key", "aws_access_key_id", "connection_string",
        "pypi_macaroon", "slack_token", "stripe_key"}) {
    EXPECT_GT(rules_per_verifier[name], 0) << "no rule uses " << name;
  }
}

}  // namespace

// The verifiers fuzz target (tests/fuzz/verifiers_fuzz.cpp) reads `NAME\nSECRET\0CONTEXT`: every
// registered verifier has a seed there that it accepts, so fuzzing starts past each one's checks.
TEST(RuleExamples, EveryVerifierHasAValidFuzzSeed) {
  const std::filesystem::path dir =
      std::filesystem::path(REACHSCAN_SOURCE_DIR) / "tests/fuzz/seeds/verifiers";
  std::set<std::string> valid;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::string name, secret, context;
    std::getline(in, name);
    std::getline(in, secret, '\0');
    std::getline(in, context, '\0');
    ASSERT_TRUE(known_verifier(name)) << entry.path() << " names no verifier: " << name;
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));
    if (verify(name, "fuzz.rule", secret, context, now).status == VerifyStatus::kValidStructure)
      valid.insert(name);
  }
  for (const std::string& name : verifier_names())
    EXPECT_TRUE(valid.count(name)) << "no seed in " << dir << " that " << name << " accepts";
}

}  // namespace reachscan::verify
