// Offline structural verification of secrets: the verify/ stage.
//
// A rule names a verifier (`verify: github_checksum` in its YAML); after a match, the pipeline
// calls verify(rule.verify, rule.id, finding.secret, finding.match) and stores the result in
// Finding::verification. A verifier checks what the format itself carries (a checksum, a JWT's
// header and claims, a private key's ASN.1 or container structure, an AWS key id's account
// field, a connection string's host) and never touches the network or the disk; the only clock
// it reads is the `now` it is given (the system clock in the overload without one). Every result
// says why in `reasons` and leaves what it learned in `attributes` for later stages (reach,
// reporters). The stage owns no state: every function here is pure and safe to call from any
// thread at once. verify/README.md lists the verifiers, what each checks and the attributes it
// sets.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.h"

namespace reachscan::verify {

// A secret longer than this is rejected as kInvalidStructure without being parsed, and a longer
// context is ignored: no secret format we know comes close, and the bound keeps every
// verifier's work small.
inline constexpr std::size_t kMaxInputSize = 1 << 20;

// Runs the verifier named `verifier` on `secret` (capture group 1 of the rule's match).
// `context` is the text the secret was found in: the whole line or lines of the match. Only
// verifiers that need neighbours read it (connection_string: the rule's secret is the password,
// the host lives around it); an empty context means "the secret is all there is". `rule_id` is
// passed through for verifiers that treat a rule's variants differently; none does today.
//
// Never throws. The status says what happened:
//   kValidStructure    the format checked out (checksum matched, key parsed, ...);
//   kInvalidStructure  checked and failed; `reasons` says what was wrong;
//   kUnverifiable      the value has this verifier's shape but carries nothing to check;
//   kNotChecked        no verifier of that name exists (or it failed internally).
// `verifier` in the result is the name asked for. JWT expiry is judged against `now`.
[[nodiscard]] Verification verify(std::string_view verifier, std::string_view rule_id,
                                  std::string_view secret, std::string_view context,
                                  std::chrono::system_clock::time_point now);

// Same, judged against the current time.
[[nodiscard]] Verification verify(std::string_view verifier, std::string_view rule_id,
                                  std::string_view secret, std::string_view context);

// Names accepted by verify(), sorted. For `rules check` and for rule linting.
[[nodiscard]] std::vector<std::string> verifier_names();

// True if verify() knows `name`. An empty name is not a verifier.
[[nodiscard]] bool known_verifier(std::string_view name);

}  // namespace reachscan::verify
