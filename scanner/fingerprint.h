// Stable finding fingerprints and secret redaction.
//
// A fingerprint is keyed on the rule and a hash of the secret value, never on its line or path,
// so a suppressed secret stays suppressed when code moves and a different secret on the same line
// is still reported. The secret cannot be recovered from it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/types.h"

namespace reachscan {

// "<rule_id>:<32 hex chars>". Thread-safe.
std::string fingerprint(std::string_view rule_id, std::string_view secret);

// Hex SHA-256 of `data`. Thread-safe.
std::string sha256_hex(std::string_view data);

// A masked form for humans: at most the first 4 characters of a long secret, then "*****".
std::string redact(std::string_view secret);

// `text` with every occurrence of `secret` replaced by redact(secret).
std::string redact_in(std::string_view text, std::string_view secret);

// Masks every finding's secret, and in each match fragment the secrets of every finding from the
// same path (a line may hold several). Run once before reporting; reporters print what they get.
void redact_findings(std::vector<Finding>& findings);

// The secrets of `findings` by path, each path's longest first (ties in byte order), without
// repeats: what redact_finding masks a match fragment with.
PathSecrets secrets_by_path(const std::vector<Finding>& findings);
// Orders one path's secrets as secrets_by_path does (removes repeats).
void order_for_masking(std::vector<std::string>& secrets);
// Masks `f`'s secret and parts, and in its match fragment every secret `secrets` holds for its
// path.
void redact_finding(Finding& f, const PathSecrets& secrets);

}  // namespace reachscan
