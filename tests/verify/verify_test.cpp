// The verify/ stage: each verifier on valid secrets built here (checksums computed with zlib,
// keys generated with OpenSSL, JWTs signed at test time) and on the same secrets broken by one
// change; keys written by the real tools (fixtures.h); the dispatcher's contract.
#include "verify/verify.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "tests/verify/fixtures.h"
#include "tests/verify/helpers.h"

namespace reachscan::verify {
namespace {

using namespace test_helpers;  // NOLINT(google-build-using-namespace)

// --- Dispatcher ----------------------------------------------------------------------------

TEST(Verify, UnknownVerifierIsNotCheckedWithAReason) {
  const Verification v = run("no_such_check", "ghp_x");
  EXPECT_EQ(v.status, VerifyStatus::kNotChecked);
  EXPECT_EQ(v.verifier, "no_such_check");
  ASSERT_FALSE(v.reasons.empty());
  EXPECT_NE(v.reasons.front().find("no_such_check"), std::string::npos);
  EXPECT_FALSE(known_verifier(""));
  EXPECT_FALSE(known_verifier("no_such_check"));
}

TEST(Verify, NamesAreSortedKnownAndCoverTheIssue) {
  const std::vector<std::string> names = verifier_names();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
  for (const char* required :
       {"github_checksum", "npm_checksum", "jwt", "pem_private_key", "openssh_private_key",
        "putty_private_key", "pgp_private_key", "aws_access_key_id", "connection_string",
        "pypi_macaroon", "slack_token", "stripe_key"}) {
    EXPECT_TRUE(std::find(names.begin(), names.end(), required) != names.end()) << required;
    EXPECT_TRUE(known_verifier(required)) << required;
  }
  for (const std::string& name : names) EXPECT_TRUE(known_verifier(name)) << name;
}

TEST(Verify, ResultNamesTheVerifierThatRan) {
  EXPECT_EQ(run("jwt", "x").verifier, "jwt");
  EXPECT_EQ(run("stripe_key", "sk_live_x").verifier, "stripe_key");
}

// Garbage, empty and oversized input: every verifier answers, none crashes, none claims valid.
TEST(Verify, EveryVerifierSurvivesGarbage) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  std::vector<std::string> inputs = {"",     "-",           "_",        ".",     "..",
                                     "\\n",  "-----BEGIN ", "eyJ.eyJ.", "pypi-", "ghp_",
                                     "AKIA", "postgres://", "jdbc:",    "xoxb-"};
  for (std::size_t len : {1u, 7u, 40u, 300u, 3000u}) {
    std::string s;
    for (std::size_t i = 0; i < len; ++i) s.push_back(static_cast<char>(byte(rng)));
    inputs.push_back(s);
  }
  for (const std::string& name : verifier_names()) {
    for (const std::string& input : inputs) {
      const Verification v = run(name, input, input);
      EXPECT_NE(v.status, VerifyStatus::kNotChecked) << name << " " << reasons_of(v);
      EXPECT_NE(v.status, VerifyStatus::kValidStructure) << name << " accepted garbage";
      EXPECT_FALSE(v.reasons.empty()) << name;
    }
  }
}

TEST(Verify, OversizedSecretIsRejectedWithoutParsing) {
  const std::string huge(kMaxInputSize + 1, 'A');
  const Verification v = run("pem_private_key", huge);
  EXPECT_STATUS(v, VerifyStatus::kInvalidStructure);
}

// --- GitHub and npm checksums ----------------------------------------------------------------

TEST(GithubChecksum, ValidForEveryPrefixAndInvalidAfterOneChange) {
  std::mt19937 rng(42);
  for (std::string_view prefix : {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}) {
    for (int i = 0; i < 20; ++i) {
      const std::string token = checksummed_token(prefix, rng);
      const Verification ok = run("github_checksum", token);
      EXPECT_STATUS(ok, VerifyStatus::kValidStructure);
      EXPECT_EQ(ok.attributes.at("checksum"), "crc32");
      // One changed character, in the random part or in the checksum, breaks it.
      const std::size_t pos = 4 + static_cast<std::size_t>(i) * 35 / 19;
      EXPECT_STATUS(run("github_checksum", mutate(token, pos)), VerifyStatus::kInvalidStructure);
    }
  }
}

TEST(GithubChecksum, TokenTypesAndMalformedTokens) {
  std::mt19937 rng(1);
  EXPECT_EQ(run("github_checksum", checksummed_token("ghp_", rng)).attributes.at("token_type"),
            "personal_access_token");
  EXPECT_EQ(run("github_checksum", checksummed_token("ghs_", rng)).attributes.at("token_type"),
            "server_to_server_token");
  const std::string token = checksummed_token("ghp_", rng);
  EXPECT_STATUS(run("github_checksum", token.substr(0, 39)), VerifyStatus::kInvalidStructure);
  EXPECT_STATUS(run("github_checksum", token + "A"), VerifyStatus::kInvalidStructure);
  EXPECT_STATUS(run("github_checksum", "ghx_" + token.substr(4)), VerifyStatus::kInvalidStructure);
  std::string dashed = token;
  dashed[10] = '-';
  EXPECT_STATUS(run("github_checksum", dashed), VerifyStatus::kInvalidStructure);
  EXPECT_STATUS(
      run("github_checksum", "github_pat_" + random_base62(rng, 22) + "_" + random_base62(rng, 59)),
      VerifyStatus::kUnverifiable);
}

TEST(GithubChecksum, SmallChecksumsAreLeftPaddedWithZeros) {
  // Search for a body whose CRC-32 is below 62^5, so its base62 form needs padding.
  std::mt19937 rng(3);
  for (int i = 0; i < 200000; ++i) {
    const std::string random = random_base62(rng, 30);
    const std::uint32_t crc = test_crc32(random);
    if (crc >= 916132832u) continue;  // 62^5
    const std::string token = "ghp_" + random + test_base62(crc);
    ASSERT_EQ(token[34], '0');
    EXPECT_STATUS(run("github_checksum", token), VerifyStatus::kValidStructure);
    return;
  }
  GTEST_SKIP() << "no small checksum found";
}

TEST(NpmChecksum, ValidAndInvalid) {
  std::mt19937 rng(9);
  for (int i = 0; i < 20; ++i) {
    const std::string token = checksummed_token("npm_", rng);
    EXPECT_STATUS(run("npm_checksum", token), VerifyStatus::kValidStructure);
    EXPECT_STATUS(run("npm_checksum", mutate(token, 4 + static_cast<std::size_t>(i))),
                  VerifyStatus::kInvalidStructure);
  }
  EXPECT_STATUS(run("npm_checksum", "npm_" + random_base62(rng, 35)),
                VerifyStatus::kInvalidStructure);
  EXPECT_STATUS(run("npm_checksum", checksummed_token("ghp_", rng)),
                VerifyStatus::kInvalidStructure);
}

// --- Grafana -------------------------------------------------------------------------------

std::string grafana_token(std::string_view secret) {
  const std::string key = "glsa_" + std::string(secret);
  const std::uint32_t crc = test_crc32(key);
  char hex[9];
  std::snprintf(hex, sizeof hex, "%02x%02x%02x%02x", crc & 0xFF, (crc >> 8) & 0xFF,
                (crc >> 16) & 0xFF, crc >> 24);
  return key + "_" + hex;
}

TEST(GrafanaChecksum, PublishedVectorAndGeneratedTokens) {
  // The vector from Grafana's own satokengen tests (not a credential: "invalid" spelled out).
  const Verification vector =
      run("grafana_checksum", "glsa_iNValIdinValiDinvalidinvalidinva_5b582697");
  EXPECT_STATUS(vector, VerifyStatus::kValidStructure);
  EXPECT_EQ(vector.attributes.at("token_type"), "service_account_token");
  std::mt19937 rng(5);
  for (int i = 0; i < 10; ++i) {
    const std::string token = grafana_token(random_base62(rng, 32));
    EXPECT_STATUS(run("grafana_checksum", token), VerifyStatus::kValidStructure);
    EXPECT_STATUS(run("grafana_checksum", mutate(token, 5 + static_cast<std::size_t>(i) * 3)),
                  VerifyStatus::kInvalidStructure);
  }
  EXPECT_STATUS(run("grafana_checksum", "glsa_iNValIdinValiDinvalidinvalidinva_5B582697"),
                VerifyStatus::kInvalidStructure);
  EXPECT_STATUS(run("grafana_checksum", "glsa_abc"), VerifyStatus::kInvalidStructure);
}

TEST(GrafanaCloudToken, DecodesOrgAndRegion) {
  const std::string token =
      "glc_" +
      b64(R"({"o":"536277","n":"stack-1-write","k":"6YDY1yUVNmMqc99nhRPdy8pr","m":{"r":"prod-us-east-0"}})");
  const Verification v = run("grafana_cloud_token", token);
  EXPECT_STATUS(v, VerifyStatus::kValidStructure);
  EXPECT_EQ(v.attributes.at("org_id"), "536277");
  EXPECT_EQ(v.attributes.at("region"), "prod-us-east-0");
  EXPECT_STATUS(run("grafana_cloud_token", "glc_" + b64(R"({"o":"1","n":"x"})")),
                VerifyStatus::kInvalidStructure);
  EXPECT_STATUS(run("grafana_cloud_token", "glc_" + b64("not json")),
                VerifyStatus::kInvalidStructure);
}

// --- Sentry --------------------------------------------------------------------------------

TEST(SentryToken, OrgTokenPayloadAndUserTokens) {
  std::mt19937 rng(11);
  const std::string payload = b64(
      R"({"iat":1755922427.99,"url":"https://sentry.io","region_url":"https://us.sentry.io","org":"acme"})");
  const std::string token = "sntrys_" + payload + "_" + random_base62(rng, 43);
  const Verification v = run("sentry_token", token);
  EXPECT_STATUS(v, VerifyStatus::kValidStructure);
  EXPECT_EQ(v.attributes.at("org"), "acme");
  EXPECT_EQ(v.attributes.at("region_url"), "https://us.sentry.io");
  EXPECT_EQ(v.attributes.at("iat"), "1755922427");
  EXPECT_STATUS(run("sentry_token", "sntrys_" + b64(R"({"iat":1})") + "_" + random_base62(rng, 43)),
                VerifyStatus::kInvalidStructure);
  EXPECT_STATUS(run("sentry_token", "sntryu_" + std::string(64, 'a')), VerifyStatus::kUnverifiable);
}

// --- Slack and Stripe ----------------------------------------------------------------------

TEST(SlackToken, Structures) {
  struct Row {
    std::string token;
    VerifyStatus status;
    std::string type;
  };
  const std::vector<Row> rows = {
      {"xoxb-13731415234-9523111932398-hlRhPozXuZNZQGCsSCwEVeV6", VerifyStatus::kValidStructure,
       "bot"},
      {"xoxb-13731415234-hlRhPozXuZNZQGCsSCwEVeV6", VerifyStatus::kValidStructure, "bot"},
      {"xoxp-80919457316-78458560971-4823427531131-313019058805be9ceda33c16cafb2d9e",
       VerifyStatus::kValidStructure, "user"},
      {"xapp-1-A1TYQUZLOLK-4359593871793-"
       "8719640380c0ab16760b9d08ce1d5dad84b5ab6f428e7d1c87b00c018d735432",
       VerifyStatus::kValidStructure, "app"},
      {"xoxb-1373141523x-9523111932398-hlRhPozXuZNZQGCsSCwEVeV6", VerifyStatus::kInvalidStructure,
       "bot"},
      {"xoxb-13731415234-9523111932398-hlRhPozXuZ", VerifyStatus::kInvalidStructure, "bot"},
      {"xoxp-80919457316-78458560971-4823427531131-313019058805BE9CEDA33C16CAFB2D9E",
       VerifyStatus::kInvalidStructure, "user"},
      {"xapp-1-B1TYQUZLOLK-4359593871793-"
       "8719640380c0ab16760b9d08ce1d5dad84b5ab6f428e7d1c87b00c018d735432",
       VerifyStatus::kInvalidStructure, "app"},
      {"xoxz-1-2-3", VerifyStatus::kInvalidStructure, ""},
  };
  for (const Row& row : rows) {
    const Verification v = run("slack_token", row.token);
    EXPECT_EQ(v.status, row.status) << row.token << " " << reasons_of(v);
    if (!row.type.empty()) {
      EXPECT_EQ(v.attributes.at("token_type"), row.type) << row.token;
    }
  }
  EXPECT_EQ(run("slack_token", rows[3].token).attributes.at("app_id"), "A1TYQUZLOLK");
}

TEST(StripeKey, ModeAndKind) {
  struct Row {
    std::string key;
    VerifyStatus status;
    std::string mode;
    std::string kind;
  };
  const std::vector<Row> rows = {
      {"sk_live_KGpOyQNcdOyZbkBFTFoOxtzH", VerifyStatus::kValidStructure, "live", "secret"},
      {"sk_test_KHKi7M07QbbStdd8AgdmX2sa", VerifyStatus::kValidStructure, "test", "secret"},
      {"rk_live_tzrSPbFclphD1Cu5LrH9lMnF", VerifyStatus::kValidStructure, "live", "restricted"},
      {"rk_test_b0tCYm89cZWHUWNo41jlMihe", VerifyStatus::kValidStructure, "test", "restricted"},
      {"pk_live_b0tCYm89cZWHUWNo41jlMihe", VerifyStatus::kValidStructure, "live", "publishable"},
      {"sk_prod_KGpOyQNcdOyZbkBFTFoOxtzH", VerifyStatus::kInvalidStructure, "", "secret"},
      {"sk_live_KGpOyQNcdOyZbkBFTFoOxtz", VerifyStatus::kInvalidStructure, "live", "secret"},
      {"sk_live_KGpOyQNcdOyZbkBF_FoOxtzH", VerifyStatus::kInvalidStructure, "live", "secret"},
      {"whsec_zLXiYrokk4zpavHOXPQnbGi9gKVHijEU", VerifyStatus::kUnverifiable, "", "webhook_secret"},
  };
  for (const Row& row : rows) {
    const Verification v = run("stripe_key", row.key);
    EXPECT_EQ(v.status, row.status) << row.key << " " << reasons_of(v);
    EXPECT_EQ(v.attributes.count("mode") ? v.attributes.at("mode") : "", row.mode) << row.key;
    EXPECT_EQ(v.attributes.at("key_type"), row.kind) << row.key;
  }
}

// --- AWS -----------------------------------------------------------------------------------

// The inverse of the documented decoding: account id -> 20-character key id. Bit 47 set (the
// current format), the account in bits 46..7, random low bits and random trailing characters.
std::string aws_key_id(std::string_view prefix, std::uint64_t account, std::mt19937& rng) {
  std::uniform_int_distribution<std::uint64_t> low(0, 127);
  const std::uint64_t z = (1ull << 47) | (account << 7) | low(rng);
  std::uint64_t bits = z << 2 | (low(rng) & 3);  // 50 bits = 10 base32 characters
  std::string chars(10, 'A');
  for (int i = 9; i >= 0; --i) {
    const std::uint64_t v = bits & 31;
    chars[static_cast<std::size_t>(i)] = static_cast<char>(v < 26 ? 'A' + v : '2' + (v - 26));
    bits >>= 5;
  }
  static constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::uniform_int_distribution<std::size_t> pick(0, 31);
  std::string tail;
  for (int i = 0; i < 6; ++i) tail.push_back(kBase32[pick(rng)]);
  return std::string(prefix) + chars + tail;
}

TEST(AwsAccessKeyId, DecodesTheAccountIdItWasBuiltFrom) {
  std::mt19937 rng(2024);
  for (std::uint64_t account : {123456789012ull, 1ull, 999999999999ull, 609629065308ull, 42ull}) {
    for (std::string_view prefix : {"AKIA", "ASIA"}) {
      const std::string id = aws_key_id(prefix, account, rng);
      ASSERT_EQ(id.size(), 20u);
      const Verification v = run("aws_access_key_id", id);
      EXPECT_STATUS(v, VerifyStatus::kValidStructure);
      char expected[16];
      std::snprintf(expected, sizeof expected, "%012llu", static_cast<unsigned long long>(account));
      EXPECT_EQ(v.attributes.at("aws_account_id"), expected) << id;
      EXPECT_EQ(v.attributes.at("key_kind"), prefix == "AKIA" ? "long_term" : "temporary");
    }
  }
}

TEST(AwsAccessKeyId, LegacyOutOfRangeAndMalformedIds) {
  // '8' is not a base32 character.
  EXPECT_STATUS(run("aws_access_key_id", "AKIAI44QH8DHBQAMPLZA"), VerifyStatus::kInvalidStructure);
  // 'I' (top bit clear): the older format, valid but with no account id.
  const Verification legacy_ok = run("aws_access_key_id", "AKIAI44QHXDHBQAMPLZA");
  EXPECT_STATUS(legacy_ok, VerifyStatus::kValidStructure);
  EXPECT_EQ(legacy_ok.attributes.count("aws_account_id"), 0u);
  EXPECT_EQ(legacy_ok.attributes.at("key_id_format"), "legacy");
  // Account field beyond 12 digits.
  std::mt19937 rng(1);
  EXPECT_STATUS(run("aws_access_key_id", aws_key_id("AKIA", 1'000'000'000'000ull, rng)),
                VerifyStatus::kInvalidStructure);
  EXPECT_STATUS(run("aws_access_key_id", "AKIAQYLPMN5HHHFPZAM"), VerifyStatus::kInvalidStructure);
  EXPECT_STATUS(run("aws_access_key_id", "AKIAQYLPMN5HHHFPZam2"), VerifyStatus::kInvalidStructure);
  EXPECT_STATUS(run("aws_access_key_id", "AIDAQYLPMN5HHHFPZAM2"), VerifyStatus::kInvalidStructure);
}

// --- JWT -----------------------------------------------------------------------------------

std::string hs256_jwt(std::string_view header, std::string_view claims) {
  const std::string signing_input = b64url(header) + "." + b64url(claims);
  unsigned char mac[32];
  unsigned int len = 0;
  static constexpr std::string_view kKey = "test-signing-key-not-a-secret";
  HMAC(EVP_sha256(), kKey.data(), static_cast<int>(kKey.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac,
       &len);
  return signing_input + "." + b64url(std::string_view(reinterpret_cast<const char*>(mac), len));
}

constexpr std::string_view kHs256Header = R"({"alg":"HS256","typ":"JWT"})";

TEST(Jwt, NotExpiredTokenKeepsItsClaims) {
  const std::string token = hs256_jwt(
      kHs256Header,
      R"({"iss":"https://auth.example.test","sub":"svc-reporting","aud":["api","billing"],"iat":1767225000,"exp":1893456000})");
  const Verification v = run("jwt", token);
  EXPECT_STATUS(v, VerifyStatus::kValidStructure);
  EXPECT_EQ(v.attributes.at("alg"), "HS256");
  EXPECT_EQ(v.attributes.at("typ"), "JWT");
  EXPECT_EQ(v.attributes.at("iss"), "https://auth.example.test");
  EXPECT_EQ(v.attributes.at("sub"), "svc-reporting");
  EXPECT_EQ(v.attributes.at("aud"), "api,billing");
  EXPECT_EQ(v.attributes.at("exp"), "1893456000");
  EXPECT_EQ(v.attributes.at("exp_utc"), "2030-01-01T00:00:00Z");
  EXPECT_EQ(v.attributes.at("iat"), "1767225000");
  EXPECT_EQ(v.attributes.at("expired"), "false");
  EXPECT_EQ(v.attributes.at("never_expires"), "false");
}

TEST(Jwt, ExpiredAndNeverExpiring) {
  const Verification expired =
      run("jwt", hs256_jwt(kHs256Header, R"({"sub":"a","exp":1700000000})"));
  EXPECT_STATUS(expired, VerifyStatus::kValidStructure);
  EXPECT_EQ(expired.attributes.at("expired"), "true");
  // The same token is judged against the clock it is given.
  const Verification earlier =
      verify("jwt", "r", hs256_jwt(kHs256Header, R"({"sub":"a","exp":1700000000})"), "",
             system_clock::time_point(seconds(1600000000)));
  EXPECT_EQ(earlier.attributes.at("expired"), "false");
  const Verification forever = run("jwt", hs256_jwt(kHs256Header, R"({"sub":"a","aud":"x"})"));
  EXPECT_STATUS(forever, VerifyStatus::kValidStructure);
  EXPECT_EQ(forever.attributes.at("never_expires"), "true");
  EXPECT_EQ(forever.attributes.at("expired"), "false");
  EXPECT_EQ(forever.attributes.at("aud"), "x");
}

TEST(Jwt, AlgNoneIsNoted) {
  const std::string token = b64url(R"({"alg":"none"})") + "." + b64url(R"({"sub":"admin"})") + ".";
  const Verification v = run("jwt", token);
  EXPECT_STATUS(v, VerifyStatus::kValidStructure);
  EXPECT_EQ(v.attributes.at("alg"), "none");
  EXPECT_EQ(v.attributes.at("unsigned"), "true");
  EXPECT_TRUE(std::any_of(v.reasons.begin(), v.reasons.end(), [](const std::string& r) {
    return r.find("unsigned") != std::string::npos;
  }));
}

TEST(Jwt, MalformedTokens) {
  const std::string good = hs256_jwt(kHs256Header, R"({"sub":"a"})");
  const std::size_t dot = good.rfind('.');
  const std::vector<std::string> bad = {
      good.substr(0, dot),                                                // two parts
      good.substr(0, dot) + ".",                                          // HS256, no signature
      good.substr(0, dot) + "." + b64url("short"),                        // wrong HS256 size
      b64url("not json") + "." + b64url(R"({"a":1})") + ".c2ln",          // header not JSON
      b64url(R"({"typ":"JWT"})") + "." + b64url(R"({"a":1})") + ".c2ln",  // no alg
      b64url(R"({"alg":"RS256"})") + "." + b64url("[1,2]") + ".c2ln",     // claims not an object
      b64url(R"({"alg":"RS256"})") + "." + b64url(R"({"exp":"soon"})") + ".c2ln",  // exp not a date
      b64url(R"({"alg":"none"})") + "." + b64url(R"({"a":1})") + ".c2ln",  // none but signed
      good + "." + good,                                                   // too many parts
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.abc$def",                      // bad base64url
  };
  for (const std::string& token : bad) {
    EXPECT_STATUS(run("jwt", token), VerifyStatus::kInvalidStructure) << token;
  }
  EXPECT_STATUS(run("jwt", good), VerifyStatus::kValidStructure);
}

TEST(Jwt, DeeplyNestedClaimsAreSkippedNotWalked) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const Verification v = run("jwt", hs256_jwt(kHs256Header, R"({"sub":"a","aud":)" + deep + "}"));
  EXPECT_STATUS(v, VerifyStatus::kValidStructure);
  EXPECT_EQ(v.attributes.at("aud"), "");
}

TEST(Jwt, JweHeaderIsRead) {
  const std::string token = b64url(R"({"alg":"RSA-OAEP","enc":"A256GCM"})") + "." + b64url("key") +
                            "." + b64url("iv-iv-iv-iv") + "." + b64url("ciphertext") + "." +
                            b64url("tag-tag-tag-tag!");
  const Verification v = run("jwt", token);
  EXPECT_STATUS(v, VerifyStatus::kValidStructure);
  EXPECT_EQ(v.attributes.at("form"), "jwe");
  EXPECT_EQ(v.attributes.at("enc"), "A256GCM");
}

}  // namespace
}  // namespace reachscan::verify
