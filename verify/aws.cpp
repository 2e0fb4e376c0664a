// AWS access key ids. IAM documents the 4-letter prefixes. For key ids issued in recent years the
// rest of the id also carries the account id (described by Tal Be'ery, "A short note on AWS KEY
// ID", 2023; AWS's `sts get-access-key-info` API answers the same question online): base32-decode
// the 10 characters after the prefix, read the first 6 bytes as a big-endian 48-bit number z; if
// its top bit is set, the account id is (z & 0x7fffffffff80) >> 7. Ids without that bit are the
// older format, which carries no account id.
#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "codec/codec.h"
#include "verify/verifiers.h"

namespace reachscan::verify::detail {

namespace {

struct KeyPrefix {
  std::string_view prefix;
  std::string_view key_kind;
  std::string_view credential;
};

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
constexpr std::array<KeyPrefix, 4> kPrefixes = {{
    {"AKIA", "long_term", "access_key"},
    {"ASIA", "temporary", "sts_temporary_access_key"},
    {"ABIA", "temporary", "sts_service_bearer_token"},
    {"ACCA", "temporary", "context_specific_credential"},
}};

constexpr std::uint64_t kMaxAccountId = 999'999'999'999;

}  // namespace

Verification aws_access_key_id(const Input& in) {
  const KeyPrefix* prefix = nullptr;
  for (const KeyPrefix& p : kPrefixes) {
    if (in.secret.substr(0, 4) == p.prefix) prefix = &p;
  }
  if (prefix == nullptr) return invalid("not an access key id prefix (AKIA, ASIA, ABIA, ACCA)");
  Verification v;
  v.attributes["key_kind"] = std::string(prefix->key_kind);
  v.attributes["credential_type"] = std::string(prefix->credential);
  if (in.secret.size() != 20) {
    return fail(v, "access key ids are 20 characters, got " + std::to_string(in.secret.size()));
  }
  const std::optional<std::string> bytes = base32_decode(in.secret.substr(4, 10));
  if (!bytes || bytes->size() != 6 || !base32_decode(in.secret.substr(14))) {
    return fail(v, "the 16 characters after the prefix are not base32 (A-Z, 2-7)");
  }
  std::uint64_t z = 0;
  for (unsigned char c : *bytes) z = (z << 8) | c;
  if ((z >> 47) == 0) {
    v.status = VerifyStatus::kValidStructure;
    v.attributes["key_id_format"] = "legacy";
    v.reasons.push_back("older key id format: prefix and base32 body, no account id encoded");
    return v;
  }
  const std::uint64_t account = (z & 0x7FFF'FFFF'FF80ull) >> 7;
  v.attributes["key_id_format"] = "account_encoded";
  if (account > kMaxAccountId) {
    return fail(v, "the encoded account id has more than 12 digits, which AWS never issues");
  }
  char digits[16];
  std::snprintf(digits, sizeof digits, "%012llu", static_cast<unsigned long long>(account));
  v.attributes["aws_account_id"] = digits;
  v.status = VerifyStatus::kValidStructure;
  v.reasons.push_back("key id decodes to AWS account " + std::string(digits));
  return v;
}

}  // namespace reachscan::verify::detail
