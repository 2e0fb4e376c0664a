// Prefixed API tokens: checksummed ones (GitHub, npm, Grafana service accounts), ones that carry
// a decodable payload (Grafana Cloud, Sentry organisation tokens) and ones whose prefix and
// segments are all there is (Slack, Stripe).
#include <array>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "codec/codec.h"
#include "verify/verifiers.h"

namespace reachscan::verify::detail {

namespace {

struct Prefix {
  std::string_view prefix;
  std::string_view token_type;
};

// GitHub (2021) and npm (2021) share one scheme: prefix, 30 random base62 characters, then the
// CRC-32 of those 30 characters in base62, left-padded with '0' to 6 characters.
Verification base62_crc_token(const Input& in, std::string_view provider, std::string_view prefix,
                              std::string_view token_type) {
  const std::string_view body = in.secret.substr(prefix.size());
  if (body.size() != 36 || !is_alnum(body)) {
    return invalid(std::string(provider) + " token body must be 36 base62 characters, got " +
                   std::to_string(body.size()));
  }
  const std::string expected = base62_encode(crc32(body.substr(0, 30)), 6);
  Verification v;
  v.attributes["token_type"] = std::string(token_type);
  if (body.substr(30) != expected) {
    return fail(v, "checksum: the last 6 characters are not the base62 CRC-32 of the 30 before");
  }
  v.status = VerifyStatus::kValidStructure;
  v.attributes["checksum"] = "crc32";
  v.reasons.push_back("checksum: the last 6 characters are the base62 CRC-32 of the 30 before");
  return v;
}

std::optional<nlohmann::json> parse_json_object(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

std::string json_text(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  return j.dump();
}

}  // namespace

Verification github_checksum(const Input& in) {
  static constexpr std::array<Prefix, 5> kPrefixes = {{
      {"ghp_", "personal_access_token"},
      {"gho_", "oauth_access_token"},
      {"ghu_", "user_to_server_token"},
      {"ghs_", "server_to_server_token"},
      {"ghr_", "refresh_token"},
  }};
  for (const Prefix& p : kPrefixes) {
    if (in.secret.substr(0, p.prefix.size()) == p.prefix) {
      return base62_crc_token(in, "GitHub", p.prefix, p.token_type);
    }
  }
  if (in.secret.substr(0, 11) == "github_pat_") {
    Verification v =
        unverifiable("fine-grained personal access tokens carry no documented checksum");
    v.attributes["token_type"] = "fine_grained_personal_access_token";
    return v;
  }
  return invalid("not a GitHub token prefix (ghp_, gho_, ghu_, ghs_, ghr_)");
}

Verification npm_checksum(const Input& in) {
  if (in.secret.substr(0, 4) != "npm_") return invalid("npm tokens start with npm_");
  return base62_crc_token(in, "npm", "npm_", "access_token");
}

Verification grafana_checksum(const Input& in) {
  // Grafana's satokengen: "gl" + service id + "_" + 32 random characters + "_" + hex of the
  // CRC-32 of everything before the last "_", its four bytes written little-endian.
  const std::size_t last = in.secret.rfind('_');
  const std::size_t first = in.secret.find('_');
  if (in.secret.substr(0, 2) != "gl" || first == std::string_view::npos || first == last) {
    return invalid("Grafana tokens read gl<service>_<secret>_<checksum>");
  }
  const std::string_view service = in.secret.substr(2, first - 2);
  const std::string_view secret = in.secret.substr(first + 1, last - first - 1);
  const std::string_view checksum = in.secret.substr(last + 1);
  if (!is_alnum(service) || !is_alnum(secret) || checksum.size() != 8) {
    return invalid("Grafana tokens read gl<service>_<secret>_<8 hex digits>");
  }
  Verification v;
  v.attributes["service"] = std::string(service);
  if (service == "sa") v.attributes["token_type"] = "service_account_token";
  const std::uint32_t crc = crc32(in.secret.substr(0, last));
  char expected[9];
  std::snprintf(expected, sizeof expected, "%02x%02x%02x%02x", crc & 0xFFu, (crc >> 8) & 0xFFu,
                (crc >> 16) & 0xFFu, (crc >> 24) & 0xFFu);
  if (checksum != std::string_view(expected, 8)) {
    return fail(v, "checksum: the 8 hex digits are not the CRC-32 of the token before them");
  }
  v.status = VerifyStatus::kValidStructure;
  v.attributes["checksum"] = "crc32";
  v.reasons.push_back("checksum: the 8 hex digits are the CRC-32 of the token before them");
  return v;
}

Verification grafana_cloud_token(const Input& in) {
  // glc_ + base64 of {"o": org id, "n": token name, "k": key, "m": {"r": region}}.
  if (in.secret.substr(0, 4) != "glc_") return invalid("Grafana Cloud tokens start with glc_");
  const std::optional<std::string> decoded =
      base64_decode(in.secret.substr(4), Base64Alphabet::kStandard);
  if (!decoded) return invalid("the body after glc_ is not base64");
  const std::optional<nlohmann::json> j = parse_json_object(*decoded);
  if (!j) return invalid("the body after glc_ does not decode to a JSON object");
  Verification v;
  for (const auto& [key, attr] : {std::pair{"o", "org_id"}, std::pair{"n", "token_name"}}) {
    if (j->contains(key) && ((*j)[key].is_string() || (*j)[key].is_number())) {
      v.attributes[attr] = json_text((*j)[key]);
    }
  }
  if (j->contains("m") && (*j)["m"].is_object() && (*j)["m"].contains("r") &&
      (*j)["m"]["r"].is_string()) {
    v.attributes["region"] = (*j)["m"]["r"].get<std::string>();
  }
  if (!j->contains("k") || !(*j)["k"].is_string() || (*j)["k"].get<std::string>().empty()) {
    return fail(v, "decoded payload has no key field \"k\"");
  }
  if (!v.attributes.count("org_id")) return fail(v, "decoded payload has no org field \"o\"");
  v.status = VerifyStatus::kValidStructure;
  v.reasons.push_back("payload decodes to a JSON object with org, name and key");
  return v;
}

Verification sentry_token(const Input& in) {
  if (in.secret.substr(0, 7) == "sntryu_") {
    Verification v =
        unverifiable("user auth tokens are 64 random hex digits with nothing to check");
    v.attributes["token_type"] = "user_auth_token";
    return v;
  }
  if (in.secret.substr(0, 7) != "sntrys_") {
    return invalid("Sentry tokens start with sntrys_ or sntryu_");
  }
  // sntrys_ + base64 of {"iat":..., "url":..., "region_url":..., "org":...} + "_" + secret.
  const std::string_view rest = in.secret.substr(7);
  const std::size_t sep = rest.rfind('_');
  if (sep == std::string_view::npos) return invalid("organisation token has no _<secret> suffix");
  const std::string_view secret = rest.substr(sep + 1);
  if (secret.size() < 32 || !is_base64_text(secret)) {
    return invalid("organisation token's secret part is not base64");
  }
  const std::optional<std::string> decoded =
      base64_decode(rest.substr(0, sep), Base64Alphabet::kStandard);
  if (!decoded) return invalid("organisation token payload is not base64");
  const std::optional<nlohmann::json> j = parse_json_object(*decoded);
  if (!j) return invalid("organisation token payload is not a JSON object");
  Verification v;
  v.attributes["token_type"] = "org_auth_token";
  for (const char* key : {"org", "url", "region_url"}) {
    if (j->contains(key) && (*j)[key].is_string()) v.attributes[key] = (*j)[key].get<std::string>();
  }
  if (j->contains("iat") && (*j)["iat"].is_number()) {
    const double iat = (*j)["iat"].get<double>();
    if (iat > 0 && iat < 1e11) v.attributes["iat"] = std::to_string(static_cast<std::int64_t>(iat));
  }
  if (!v.attributes.count("org") || !v.attributes.count("url")) {
    return fail(v, "organisation token payload lacks \"org\" or \"url\"");
  }
  v.status = VerifyStatus::kValidStructure;
  v.reasons.push_back("payload decodes to Sentry's {iat, url, region_url, org} claims");
  return v;
}

Verification slack_token(const Input& in) {
  const std::vector<std::string_view> parts = split(in.secret, '-');
  const std::string_view kind = parts.front();
  Verification v;
  if (kind == "xoxb" || kind == "xoxp") {
    // xoxb-<id>-<id>-<24 alphanumerics> (older bot tokens have one id);
    // xoxp-<id>-<id>-<id>-<32 hex digits>.
    const bool bot = kind == "xoxb";
    v.attributes["token_type"] = bot ? "bot" : "user";
    if (parts.size() < 3 || parts.size() > 5) {
      return fail(v, "Slack tokens read " + std::string(kind) + "-<numeric ids>-<secret>");
    }
    for (std::size_t i = 1; i + 1 < parts.size(); ++i) {
      if (!is_digits(parts[i]) || parts[i].size() > 20) {
        return fail(v, "segment " + std::to_string(i + 1) + " should be a numeric id");
      }
    }
    const std::string_view last = parts.back();
    if (bot ? !(last.size() >= 24 && is_alnum(last)) : !(last.size() == 32 && is_hex_lower(last))) {
      return fail(v, bot ? "the last segment should be 24 or more alphanumerics"
                         : "the last segment should be 32 lowercase hex digits");
    }
  } else if (kind == "xapp") {
    // xapp-<version digit>-<app id A...>-<numeric id>-<64 hex digits>.
    v.attributes["token_type"] = "app";
    if (parts.size() != 5 || !is_digits(parts[1]) || parts[2].size() < 2 || parts[2][0] != 'A' ||
        !is_alnum(parts[2]) || !is_digits(parts[3]) || parts[4].size() != 64 ||
        !is_hex_lower(parts[4])) {
      return fail(v, "app-level tokens read xapp-<n>-<app id>-<numeric id>-<64 hex digits>");
    }
    v.attributes["app_id"] = std::string(parts[2]);
  } else {
    return invalid("not a Slack token prefix (xoxb-, xoxp-, xapp-)");
  }
  v.status = VerifyStatus::kValidStructure;
  v.reasons.push_back("prefix and segments have Slack's documented shape");
  return v;
}

Verification stripe_key(const Input& in) {
  static constexpr std::array<Prefix, 3> kPrefixes = {{
      {"sk_", "secret"},
      {"rk_", "restricted"},
      {"pk_", "publishable"},
  }};
  if (in.secret.substr(0, 6) == "whsec_") {
    Verification v = unverifiable("webhook signing secrets carry no mode and no checksum");
    v.attributes["key_type"] = "webhook_secret";
    return v;
  }
  for (const Prefix& p : kPrefixes) {
    if (in.secret.substr(0, p.prefix.size()) != p.prefix) continue;
    const std::string_view rest = in.secret.substr(p.prefix.size());
    Verification v;
    v.attributes["key_type"] = std::string(p.token_type);
    std::string_view body;
    if (rest.substr(0, 5) == "live_") {
      v.attributes["mode"] = "live";
      body = rest.substr(5);
    } else if (rest.substr(0, 5) == "test_") {
      v.attributes["mode"] = "test";
      body = rest.substr(5);
    } else {
      return fail(v, "Stripe keys read <type>_live_... or <type>_test_...");
    }
    if (body.size() < 24 || body.size() > 247 || !is_alnum(body)) {
      return fail(v, "the part after the mode should be 24 to 247 alphanumerics");
    }
    v.status = VerifyStatus::kValidStructure;
    v.reasons.push_back(std::string("Stripe ") + std::string(p.token_type) + " key in " +
                        v.attributes["mode"] + " mode");
    return v;
  }
  return invalid("not a Stripe key prefix (sk_, rk_, pk_, whsec_)");
}

}  // namespace reachscan::verify::detail
