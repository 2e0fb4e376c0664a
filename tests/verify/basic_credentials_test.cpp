// basic_credentials: base64 "user:password" values (Docker config auths, .dockercfg, npm _auth)
// are decoded; the user name becomes an attribute, the password is measured and never quoted.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "verify/verify.h"

namespace reachscan::verify {
namespace {

Verification run(std::string_view secret) {
  return verify("basic_credentials", "test.rule", secret, {});
}

std::string all_reasons(const Verification& v) {
  std::string out;
  for (const std::string& r : v.reasons) out += r + "\n";
  return out;
}

TEST(BasicCredentials, DecodesUserAndMeasuresPassword) {
  // base64("deploy:T7qXv9kLmP2wRs4z")
  const Verification v = run("ZGVwbG95OlQ3cVh2OWtMbVAyd1JzNHo=");
  EXPECT_EQ(v.status, VerifyStatus::kValidStructure) << all_reasons(v);
  EXPECT_EQ(v.verifier, "basic_credentials");
  EXPECT_EQ(v.attributes.at("username"), "deploy");
  EXPECT_EQ(v.attributes.at("password_length"), "16");
  EXPECT_EQ(all_reasons(v).find("T7qXv9kLmP2wRs4z"), std::string::npos);
}

TEST(BasicCredentials, PasswordMayHoldColons) {
  // base64("ci:a:b:c") splits at the first colon (RFC 7617)
  const Verification v = run("Y2k6YTpiOmM=");
  EXPECT_EQ(v.status, VerifyStatus::kValidStructure) << all_reasons(v);
  EXPECT_EQ(v.attributes.at("username"), "ci");
  EXPECT_EQ(v.attributes.at("password_length"), "5");
}

TEST(BasicCredentials, RejectsWhatIsNotAUserPasswordPair) {
  EXPECT_EQ(run("bm9jb2xvbmhlcmVhdGFsbA==").status, VerifyStatus::kInvalidStructure);  // no ':'
  EXPECT_EQ(run("OnBhc3N3b3JkMTIz").status, VerifyStatus::kInvalidStructure);  // ":password123"
  EXPECT_EQ(run("ZGVwbG95Og==").status, VerifyStatus::kInvalidStructure);      // "deploy:"
  EXPECT_EQ(run("AAECAzo6BAUG").status, VerifyStatus::kInvalidStructure);      // binary
  EXPECT_EQ(run("not base64 at all!").status, VerifyStatus::kInvalidStructure);
}

}  // namespace
}  // namespace reachscan::verify
