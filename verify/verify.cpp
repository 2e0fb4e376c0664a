#include "verify/verify.h"

#include <algorithm>
#include <array>
#include <exception>
#include <string>
#include <utility>

#include "verify/verifiers.h"

namespace reachscan::verify {

namespace {

struct Entry {
  std::string_view name;
  detail::VerifierFn fn;
};

// Sorted by name (verifier_names() relies on it; a test checks it).
constexpr std::array<Entry, 16> kVerifiers = {{
    {"aws_access_key_id", detail::aws_access_key_id},
    {"basic_credentials", detail::basic_credentials},
    {"connection_string", detail::connection_string},
    {"github_checksum", detail::github_checksum},
    {"grafana_checksum", detail::grafana_checksum},
    {"grafana_cloud_token", detail::grafana_cloud_token},
    {"jwt", detail::jwt},
    {"npm_checksum", detail::npm_checksum},
    {"openssh_private_key", detail::openssh_private_key},
    {"pem_private_key", detail::pem_private_key},
    {"pgp_private_key", detail::pgp_private_key},
    {"putty_private_key", detail::putty_private_key},
    {"pypi_macaroon", detail::pypi_macaroon},
    {"sentry_token", detail::sentry_token},
    {"slack_token", detail::slack_token},
    {"stripe_key", detail::stripe_key},
}};

const Entry* find(std::string_view name) {
  for (const Entry& e : kVerifiers) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

}  // namespace

Verification verify(std::string_view verifier, std::string_view rule_id, std::string_view secret,
                    std::string_view context, std::chrono::system_clock::time_point now) {
  Verification result;
  try {
    const Entry* entry = find(verifier);
    if (entry == nullptr) {
      result.reasons.push_back("no verifier named '" + std::string(verifier) + "'");
    } else if (secret.size() > kMaxInputSize) {
      result = detail::invalid("secret of " + std::to_string(secret.size()) +
                               " bytes is larger than any format this verifier knows");
    } else {
      if (context.size() > kMaxInputSize) context = {};
      const detail::Input input{
          rule_id, secret, context,
          std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count()};
      result = entry->fn(input);
    }
  } catch (const std::exception& e) {
    // NOTE: only allocation failure can get here; the verifiers themselves do not throw.
    result = Verification{};
    result.reasons.push_back(std::string("verifier failed: ") + e.what());
  } catch (...) {
    result = Verification{};
    result.reasons.push_back("verifier failed");
  }
  result.verifier = std::string(verifier);
  return result;
}

Verification verify(std::string_view verifier, std::string_view rule_id, std::string_view secret,
                    std::string_view context) {
  return verify(verifier, rule_id, secret, context, std::chrono::system_clock::now());
}

std::vector<std::string> verifier_names() {
  std::vector<std::string> names;
  names.reserve(kVerifiers.size());
  for (const Entry& e : kVerifiers) names.emplace_back(e.name);
  return names;
}

bool known_verifier(std::string_view name) { return find(name) != nullptr; }

}  // namespace reachscan::verify
