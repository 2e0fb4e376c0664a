// JWT family: environment words and local hosts in `iss`/`aud`, the environments map's
// `hosts:`, and the token's lifetime (`exp`, `iat`). Claims come from the verifier, or are decoded
// here (offline, no signature check).
#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "reach/signals/common.h"
#include "reach/text.h"

namespace reachscan::reach::signals {
namespace {

struct JwtClaims {
  std::vector<std::pair<std::string, std::string>> claims;  // name, value (iss, aud...)
  std::optional<double> exp;
  std::optional<double> iat;
  bool present = false;
};

// Attribute `name` as the verify stage sets it ("iss"), or with a jwt_ prefix ("jwt_iss").
const std::string* jwt_attribute(const Finding& f, const std::string& name) {
  const auto& attrs = f.verification.attributes;
  for (const std::string& key : {name, "jwt_" + name}) {
    const auto it = attrs.find(key);
    if (it != attrs.end()) return &it->second;
  }
  return nullptr;
}

JwtClaims jwt_claims(const Finding& f, const Model& m) {
  JwtClaims out;
  for (const std::string& name : m.jwt_claims) {
    const std::string* v = jwt_attribute(f, name);
    if (!v) continue;
    out.present = true;
    // The verifier joins array claims (aud) with commas.
    std::size_t i = 0;
    while (i <= v->size()) {
      std::size_t j = v->find(',', i);
      if (j == std::string::npos) j = v->size();
      if (j > i) out.claims.emplace_back(name, v->substr(i, j - i));
      i = j + 1;
    }
  }
  auto num = [&](const char* key) -> std::optional<double> {
    const std::string* v = jwt_attribute(f, key);
    if (!v) return std::nullopt;
    char* end = nullptr;
    const double d = std::strtod(v->c_str(), &end);
    return end && *end == 0 && end != v->c_str() ? std::optional<double>(d) : std::nullopt;
  };
  if (auto e = num("exp")) out.exp = e, out.present = true;
  if (auto i = num("iat")) out.iat = i;
  if (const std::string* never = jwt_attribute(f, "never_expires"); never && *never == "true")
    out.present = true;
  if (out.present || f.verification.status == VerifyStatus::kValidStructure) return out;

  // No verifier attributes: decode the payload ourselves (offline, no signature check).
  const std::string& s = f.secret;
  if (m.jwt_prefix.empty() || s.rfind(m.jwt_prefix, 0) != 0) return out;
  const std::size_t d1 = s.find('.');
  const std::size_t d2 = d1 == std::string::npos ? d1 : s.find('.', d1 + 1);
  if (d2 == std::string::npos) return out;
  const auto payload = codec::base64_decode(std::string_view(s).substr(d1 + 1, d2 - d1 - 1),
                                            codec::Base64Alphabet::kAny);
  if (!payload) return out;
  const nlohmann::json j = nlohmann::json::parse(*payload, nullptr, false);
  if (!j.is_object()) return out;
  out.present = true;
  for (const std::string& name : m.jwt_claims) {
    if (!j.contains(name)) continue;
    const auto& v = j[name];
    if (v.is_string())
      out.claims.emplace_back(name, v.get<std::string>());
    else if (v.is_array())
      for (const auto& a : v)
        if (a.is_string()) out.claims.emplace_back(name, a.get<std::string>());
  }
  if (j.contains("exp") && j["exp"].is_number()) out.exp = j["exp"].get<double>();
  if (j.contains("iat") && j["iat"].is_number()) out.iat = j["iat"].get<double>();
  return out;
}

// A NumericDate as ISO 8601; out-of-range values (claims are attacker-controlled text) as numbers.
std::string utc_date(double epoch) {
  constexpr double kYear9999 = 253402300799.0;
  if (!(epoch >= 0 && epoch <= kYear9999)) return std::to_string(epoch);
  const std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return std::to_string(epoch);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Returns true when the token is long-lived.
bool jwt_signals(const Model& m, const ReachConfig& cfg, const JwtClaims& jwt, Collector& c) {
  bool config_done = false, claim_done = false;
  for (const auto& [name, value] : jwt.claims) {
    const std::string host =
        value.find("://") != std::string::npos ? detail::host_of(value) : value;
    if (!config_done && !cfg.empty())
      if (auto hit = lookup(cfg, &Environment::hosts, host)) {
        c.add("config_host",
              "JWT " + name + " " + value + " matches environment " + hit->env->name + " in " +
                  config_name(cfg) + " (hosts: " + quote(hit->pattern) + ")",
              hit->env->production ? m.config_production : m.config_non_production);
        config_done = true;
      }
    if (!claim_done) {
      std::string word;
      std::string labels = host;
      if (value.find("://") != std::string::npos) {
        const std::size_t dot = labels.find_last_of('.');
        if (dot != std::string::npos) labels = labels.substr(0, dot);
      }
      if (any_glob(m.local_hosts.globs, host)) {
        c.add("jwt_claim", "JWT " + name + " " + value + ": " + m.local_hosts.what,
              m.jwt_non_production);
        claim_done = true;
      } else if (const int dir = direction(m, labels, &word); dir != 0) {
        c.add("jwt_claim",
              "JWT " + name + " " + value + ": " + word + " names " +
                  (dir > 0 ? "a production" : "a non-production") + " environment",
              weight_for(dir, m.jwt_production, m.jwt_non_production));
        claim_done = true;
      }
    }
  }
  if (!jwt.exp) {
    c.add("key_lifetime", "JWT without an exp claim: it never expires", 0);
    return true;
  }
  std::string detail = "JWT exp " + utc_date(*jwt.exp);
  bool long_lived = false;
  if (jwt.iat) {
    const double days = (*jwt.exp - *jwt.iat) / 86400.0;
    if (days > m.jwt_long_lived_days) {
      detail += ", valid for " +
                (days < 1e12 ? std::to_string(static_cast<long long>(days)) : std::string("ever")) +
                " days";
      long_lived = true;
    }
  }
  c.add(long_lived ? "key_lifetime" : "jwt_expiry", detail, 0);
  return long_lived;
}

bool is_jwt(const Model& m, const Finding& f) {
  return any_glob(m.jwt_rules, f.rule_id) ||
         (!m.jwt_prefix.empty() && f.secret.rfind(m.jwt_prefix, 0) == 0);
}

}  // namespace

void jwt_family(const Input& in, Collector& c) {
  if (!is_jwt(in.model, in.finding)) return;
  const JwtClaims jwt = jwt_claims(in.finding, in.model);
  if (jwt.present && jwt_signals(in.model, in.cfg, jwt, c)) c.mark_long_lived();
}

}  // namespace reachscan::reach::signals
