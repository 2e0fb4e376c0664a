// Internal to the verify/ stage: the verifier functions behind verify() and the small helpers
// they share to build results. Not for other stages; they go through verify/verify.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "codec/codec.h"
#include "core/types.h"

namespace reachscan::verify::detail {

// The shared decoders (codec/codec.h) are the verifiers' everyday vocabulary.
using namespace ::reachscan::codec;

struct Input {
  std::string_view rule_id;
  std::string_view secret;
  std::string_view context;  // may be empty
  std::int64_t now = 0;      // Unix seconds
};

using VerifierFn = Verification (*)(const Input&);

// Result builders. The dispatcher fills in `verifier`.
inline Verification valid(std::string reason) {
  Verification v;
  v.status = VerifyStatus::kValidStructure;
  v.reasons.push_back(std::move(reason));
  return v;
}
inline Verification invalid(std::string reason) {
  Verification v;
  v.status = VerifyStatus::kInvalidStructure;
  v.reasons.push_back(std::move(reason));
  return v;
}
inline Verification unverifiable(std::string reason) {
  Verification v;
  v.status = VerifyStatus::kUnverifiable;
  v.reasons.push_back(std::move(reason));
  return v;
}
// Turns `v` into an invalid result, keeping what was learned so far.
inline Verification& fail(Verification& v, std::string reason) {
  v.status = VerifyStatus::kInvalidStructure;
  v.reasons.push_back(std::move(reason));
  return v;
}

// tokens.cpp: checksummed and prefixed API tokens.
Verification github_checksum(const Input& in);
Verification npm_checksum(const Input& in);
Verification grafana_checksum(const Input& in);
Verification grafana_cloud_token(const Input& in);
Verification sentry_token(const Input& in);
Verification slack_token(const Input& in);
Verification stripe_key(const Input& in);
// aws.cpp
Verification aws_access_key_id(const Input& in);
// jwt.cpp
Verification jwt(const Input& in);
// pem.cpp
Verification pem_private_key(const Input& in);
// openssh.cpp
Verification openssh_private_key(const Input& in);
// Reads an SSH public key blob (RFC 4253 section 6.6 and its successors) into `v`'s attributes:
// ssh_key_type, key_type, bits, curve, security_key. Returns a reason if the blob is malformed.
std::optional<std::string> read_ssh_public_key(std::string_view blob, Verification& v);
// putty.cpp
Verification putty_private_key(const Input& in);
// pgp.cpp
Verification pgp_private_key(const Input& in);
// connection_string.cpp
Verification connection_string(const Input& in);
// pypi.cpp
Verification pypi_macaroon(const Input& in);
// basic_credentials.cpp
Verification basic_credentials(const Input& in);

}  // namespace reachscan::verify::detail
