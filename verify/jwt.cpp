// JSON Web Tokens (RFC 7519) in JWS compact form (RFC 7515): base64url header, claims and
// signature. JWE compact form (RFC 7516, five parts) is recognised; its claims are encrypted.
#include <array>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/codec.h"
#include "verify/verifiers.h"

namespace reachscan::verify::detail {

namespace {

std::optional<nlohmann::json> decode_object(std::string_view part) {
  const std::optional<std::string> bytes = base64_decode(part, Base64Alphabet::kUrl);
  if (!bytes) return std::nullopt;
  nlohmann::json j = nlohmann::json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

struct SignatureSize {
  std::string_view alg;
  std::size_t bytes;
};

// Algorithms whose signature length is fixed (RFC 7518 sections 3.2 and 3.4; RFC 9864).
constexpr std::array<SignatureSize, 9> kFixedSizes = {{
    {"HS256", 32},
    {"HS384", 48},
    {"HS512", 64},
    {"ES256", 64},
    {"ES256K", 64},
    {"ES384", 96},
    {"ES512", 132},
    {"Ed25519", 64},
    {"Ed448", 114},
}};

// A NumericDate claim (seconds since the epoch; fractions allowed). nullopt if not a number in a
// sane range.
std::optional<std::int64_t> numeric_date(const nlohmann::json& j) {
  if (!j.is_number()) return std::nullopt;
  const double d = j.get<double>();
  if (!std::isfinite(d) || std::fabs(d) > 1e15) return std::nullopt;
  return static_cast<std::int64_t>(d);
}

// A claim as text: strings as they are, numbers and booleans as JSON, arrays as their scalar
// elements joined with ','. Objects and nested arrays are left out (NOTE: dumping them would
// recurse as deep as the token nests them).
std::optional<std::string> text_of(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_primitive()) return j.is_null() ? std::nullopt : std::optional<std::string>(j.dump());
  if (!j.is_array()) return std::nullopt;
  std::string out;
  for (const nlohmann::json& e : j) {
    if (!e.is_string() && !e.is_number() && !e.is_boolean()) continue;
    if (!out.empty()) out += ',';
    out += e.is_string() ? e.get<std::string>() : e.dump();
  }
  return out;
}

}  // namespace

Verification jwt(const Input& in) {
  const std::vector<std::string_view> parts = split(in.secret, '.');
  if (parts.size() != 3 && parts.size() != 5) {
    return invalid("a JWT has 3 dot-separated parts (JWS) or 5 (JWE), not " +
                   std::to_string(parts.size()));
  }
  const std::optional<nlohmann::json> header = decode_object(parts[0]);
  if (!header) return invalid("header is not base64url-encoded JSON object");
  Verification v;
  if (!header->contains("alg") || !(*header)["alg"].is_string()) {
    return fail(v, "header has no \"alg\" string");
  }
  const std::string alg = (*header)["alg"].get<std::string>();
  v.attributes["alg"] = alg;
  for (const char* key : {"typ", "kid", "cty", "enc"}) {
    if (header->contains(key) && (*header)[key].is_string()) {
      v.attributes[key] = (*header)[key].get<std::string>();
    }
  }

  if (parts.size() == 5) {
    v.attributes["form"] = "jwe";
    for (std::size_t i = 1; i < 5; ++i) {
      if (!base64_decode(parts[i], Base64Alphabet::kUrl)) {
        return fail(v, "JWE part " + std::to_string(i + 1) + " is not base64url");
      }
    }
    if (!v.attributes.count("enc")) return fail(v, "JWE header has no \"enc\"");
    v.status = VerifyStatus::kValidStructure;
    v.reasons.push_back("JWE: header decodes; the claims are encrypted and cannot be read");
    return v;
  }
  v.attributes["form"] = "jws";

  const std::optional<nlohmann::json> claims = decode_object(parts[1]);
  if (!claims) return fail(v, "payload is not a base64url-encoded JSON object");
  const std::optional<std::string> signature = base64_decode(parts[2], Base64Alphabet::kUrl);
  if (!signature) return fail(v, "signature is not base64url");

  for (const char* key : {"iss", "sub", "aud", "jti"}) {
    if (!claims->contains(key)) continue;
    if (std::optional<std::string> text = text_of((*claims)[key])) v.attributes[key] = *text;
  }
  std::optional<std::int64_t> exp;
  for (const char* key : {"exp", "iat", "nbf"}) {
    if (!claims->contains(key)) continue;
    const std::optional<std::int64_t> t = numeric_date((*claims)[key]);
    if (!t) return fail(v, std::string("claim \"") + key + "\" is not a NumericDate");
    v.attributes[key] = std::to_string(*t);
    v.attributes[std::string(key) + "_utc"] = format_utc(*t);
    if (std::string_view(key) == "exp") exp = t;
  }

  if (alg == "none") {
    v.attributes["unsigned"] = "true";
    if (!signature->empty()) return fail(v, "alg \"none\" but a signature is present");
    v.reasons.push_back("alg \"none\": the token is unsigned and anyone can forge one like it");
  } else {
    if (signature->empty()) return fail(v, "alg \"" + alg + "\" but the signature is empty");
    for (const SignatureSize& s : kFixedSizes) {
      if (s.alg == alg && signature->size() != s.bytes) {
        return fail(v, alg + " signatures are " + std::to_string(s.bytes) + " bytes, this one is " +
                           std::to_string(signature->size()));
      }
    }
  }

  if (exp) {
    const bool expired = *exp <= in.now;
    v.attributes["expired"] = expired ? "true" : "false";
    v.attributes["never_expires"] = "false";
    v.reasons.push_back(expired ? "expired at " + format_utc(*exp)
                                : "valid until " + format_utc(*exp));
  } else {
    v.attributes["expired"] = "false";
    v.attributes["never_expires"] = "true";
    v.reasons.push_back("no \"exp\" claim: the token never expires");
  }
  v.status = VerifyStatus::kValidStructure;
  v.reasons.insert(v.reasons.begin(), "header and claims decode to JSON objects; alg " + alg);
  return v;
}

}  // namespace reachscan::verify::detail
