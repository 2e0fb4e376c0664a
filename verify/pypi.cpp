// PyPI API tokens: "pypi-" followed by a macaroon in the libmacaroons v2 binary format, base64url
// without padding (https://github.com/rescrv/libmacaroons/blob/master/doc/format.txt, as used by
// pymacaroons and PyPI's warehouse). The whole structure is walked: version, header fields,
// caveats and a 32-byte signature, with nothing left over.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "codec/codec.h"
#include "verify/verifiers.h"

namespace reachscan::verify::detail {

namespace {

enum FieldType : std::uint64_t {
  kEos = 0,
  kLocation = 1,
  kIdentifier = 2,
  kVerificationId = 4,
  kSignature = 6,
};

struct Field {
  std::uint64_t type = kEos;
  std::string_view data;
};

class MacaroonReader {
 public:
  explicit MacaroonReader(std::string_view data) : data_(data) {}

  std::optional<std::uint64_t> varint() {  // unsigned LEB128
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return std::nullopt;
      const auto byte = static_cast<unsigned char>(data_[pos_++]);
      v |= static_cast<std::uint64_t>(byte & 0x7Fu) << shift;
      if ((byte & 0x80u) == 0) return v;
    }
    return std::nullopt;
  }
  std::optional<Field> field() {
    Field f;
    const std::optional<std::uint64_t> type = varint();
    if (!type) return std::nullopt;
    f.type = *type;
    if (f.type == kEos) return f;
    const std::optional<std::uint64_t> len = varint();
    if (!len || *len > data_.size() - pos_) return std::nullopt;
    f.data = data_.substr(pos_, static_cast<std::size_t>(*len));
    pos_ += static_cast<std::size_t>(*len);
    return f;
  }
  std::optional<std::uint64_t> peek_type() {
    const std::size_t saved = pos_;
    const std::optional<std::uint64_t> t = varint();
    pos_ = saved;
    return t;
  }
  std::optional<std::uint8_t> byte() {
    if (pos_ >= data_.size()) return std::nullopt;
    return static_cast<std::uint8_t>(data_[pos_++]);
  }
  bool done() const { return pos_ == data_.size(); }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
};

// Reads [location] identifier [vid] EOS. Returns the identifier, or nullopt if malformed.
std::optional<std::string_view> read_section(MacaroonReader& r, std::string_view* location,
                                             bool allow_vid) {
  std::optional<Field> f = r.field();
  if (f && f->type == kLocation) {
    if (location != nullptr) *location = f->data;
    f = r.field();
  }
  if (!f || f->type != kIdentifier) return std::nullopt;
  const std::string_view identifier = f->data;
  f = r.field();
  if (allow_vid && f && f->type == kVerificationId) f = r.field();
  if (!f || f->type != kEos) return std::nullopt;
  return identifier;
}

// Describes one PyPI caveat for the `scope` attribute; PyPI writes JSON caveats, both the legacy
// {"permissions": ..., "version": 1} form and the tagged-array form [tag, ...].
void describe_caveat(std::string_view caveat, Verification& v) {
  const nlohmann::json j = nlohmann::json::parse(caveat, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return;
  if (j.is_object() && j.contains("permissions")) {
    const nlohmann::json& p = j["permissions"];
    if (p.is_string()) {
      v.attributes["scope"] = p.get<std::string>();
    } else if (p.is_object() && p.contains("projects") && p["projects"].is_array()) {
      std::string projects;
      for (const nlohmann::json& name : p["projects"]) {
        if (!name.is_string()) continue;
        if (!projects.empty()) projects += ',';
        projects += name.get<std::string>();
      }
      v.attributes["scope"] = "projects:" + projects;
    }
  } else if (j.is_array() && !j.empty() && j[0].is_number_integer()) {
    const auto tag = j[0].get<std::int64_t>();
    if (tag == 0 && j.size() >= 2 && j[1].is_number() && j[1].get<double>() > 0 &&
        j[1].get<double>() < 1e15) {  // [0, expires, not_before]
      const auto expires = static_cast<std::int64_t>(j[1].get<double>());
      v.attributes["exp"] = std::to_string(expires);
      v.attributes["exp_utc"] = format_utc(expires);
    } else if (tag == 1 && j.size() >= 2 && j[1].is_array()) {  // [1, [project names]]
      std::string projects;
      for (const nlohmann::json& name : j[1]) {
        if (!name.is_string()) continue;
        if (!projects.empty()) projects += ',';
        projects += name.get<std::string>();
      }
      v.attributes["scope"] = "projects:" + projects;
    }
  }
}

}  // namespace

Verification pypi_macaroon(const Input& in) {
  if (in.secret.substr(0, 5) != "pypi-") return invalid("PyPI tokens start with pypi-");
  const std::optional<std::string> bytes = base64_decode(in.secret.substr(5), Base64Alphabet::kUrl);
  if (!bytes) return invalid("the body after pypi- is not base64url");
  MacaroonReader r(*bytes);
  Verification v;
  if (r.byte() != 2) return fail(v, "not a version 2 binary macaroon");
  v.attributes["format"] = "macaroon_v2";
  std::string_view location;
  const std::optional<std::string_view> identifier = read_section(r, &location, false);
  if (!identifier) return fail(v, "macaroon header lacks an identifier or its end marker");
  if (location != "pypi.org" && location != "test.pypi.org") {
    return fail(v, "macaroon location is not pypi.org or test.pypi.org");
  }
  v.attributes["location"] = std::string(location);
  if (identifier->empty() || identifier->size() > 256) {
    return fail(v, "macaroon identifier is empty or implausibly long");
  }
  v.attributes["identifier"] = std::string(*identifier);
  std::size_t caveats = 0;
  while (true) {
    const std::optional<std::uint64_t> next = r.peek_type();
    if (!next) return fail(v, "macaroon ends inside its caveats");
    if (*next == kEos) {
      r.field();
      break;
    }
    const std::optional<std::string_view> caveat = read_section(r, nullptr, true);
    if (!caveat) return fail(v, "caveat " + std::to_string(caveats + 1) + " is malformed");
    describe_caveat(*caveat, v);
    if (++caveats > 64) return fail(v, "implausibly many caveats");
  }
  v.attributes["caveats"] = std::to_string(caveats);
  const std::optional<Field> signature = r.field();
  if (!signature || signature->type != kSignature || signature->data.size() != 32) {
    return fail(v, "macaroon does not end with a 32-byte signature");
  }
  if (!r.done()) return fail(v, "unexpected bytes after the signature");
  v.status = VerifyStatus::kValidStructure;
  v.reasons.push_back("v2 macaroon for " + std::string(location) + " with " +
                      std::to_string(caveats) + " caveat(s) and a 32-byte signature");
  return v;
}

}  // namespace reachscan::verify::detail
