// OpenPGP private key blocks: ASCII armour (RFC 4880 section 6, RFC 9580 section 6), its CRC-24
// line when present, and the first packet, which must be a Secret-Key packet (tag 5). From its
// public part come the algorithm and size; from its S2K usage octet, whether the secret part is
// encrypted.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "codec/codec.h"
#include "verify/verifiers.h"

namespace reachscan::verify::detail {

namespace {

constexpr std::string_view kBegin = "-----BEGIN PGP PRIVATE KEY BLOCK-----";
constexpr std::string_view kEnd = "-----END PGP PRIVATE KEY BLOCK-----";

struct Curve {
  std::string_view oid;  // DER contents, without tag and length
  std::string_view name;
};

constexpr std::array<Curve, 5> kCurves = {{
    {"\x2B\x06\x01\x04\x01\xDA\x47\x0F\x01", "Ed25519"},
    {"\x2B\x06\x01\x04\x01\x97\x55\x01\x05\x01", "Curve25519"},
    {"\x2A\x86\x48\xCE\x3D\x03\x01\x07", "NIST P-256"},
    {"\x2B\x81\x04\x00\x22", "NIST P-384"},
    {"\x2B\x81\x04\x00\x23", "NIST P-521"},
}};

std::string_view algorithm_name(int id) {
  switch (id) {
    case 1:
    case 2:
    case 3:
      return "RSA";
    case 16:
    case 20:
      return "ElGamal";
    case 17:
      return "DSA";
    case 18:
      return "ECDH";
    case 19:
      return "ECDSA";
    case 22:
      return "EdDSA";
    case 25:
      return "X25519";
    case 26:
      return "X448";
    case 27:
      return "Ed25519";
    case 28:
      return "Ed448";
    default:
      return "";
  }
}

// Byte reader for packet bodies.
class Bytes {
 public:
  explicit Bytes(std::string_view data) : data_(data) {}
  std::optional<std::uint32_t> uint(int n) {
    if (remaining() < static_cast<std::size_t>(n)) return std::nullopt;
    std::uint32_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(data_[pos_++]);
    return v;
  }
  std::optional<std::string_view> take(std::size_t n) {
    if (remaining() < n) return std::nullopt;
    std::string_view out = data_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  // An MPI: two-octet bit count, then the bits rounded up to octets. Returns the bit count.
  std::optional<std::uint32_t> mpi() {
    const std::optional<std::uint32_t> bits = uint(2);
    if (!bits || !take((*bits + 7) / 8)) return std::nullopt;
    return bits;
  }
  std::size_t remaining() const { return data_.size() - pos_; }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
};

// Reads the public key fields of a v4 key for `algorithm` (RFC 9580 section 5.5.5).
// Returns a reason on failure.
std::optional<std::string> read_public_fields(Bytes& b, int algorithm, Verification& v) {
  auto mpis = [&b](int n) -> std::optional<std::uint32_t> {
    std::optional<std::uint32_t> first;
    for (int i = 0; i < n; ++i) {
      const std::optional<std::uint32_t> bits = b.mpi();
      if (!bits) return std::nullopt;
      if (i == 0) first = bits;
    }
    return first;
  };
  auto curve = [&b, &v]() -> bool {
    const std::optional<std::uint32_t> len = b.uint(1);
    if (!len || *len == 0 || *len == 255) return false;
    const std::optional<std::string_view> oid = b.take(*len);
    if (!oid) return false;
    for (const Curve& c : kCurves) {
      if (c.oid == *oid) v.attributes["curve"] = std::string(c.name);
    }
    return b.mpi().has_value();
  };
  std::optional<std::uint32_t> bits;
  switch (algorithm) {
    case 1:
    case 2:
    case 3:
      bits = mpis(2);  // n e
      break;
    case 17:
      bits = mpis(4);  // p q g y
      break;
    case 16:
    case 20:
      bits = mpis(3);  // p g y
      break;
    case 19:
    case 22:
      if (!curve()) return "curve OID or point is malformed";
      break;
    case 18: {
      if (!curve()) return "curve OID or point is malformed";
      const std::optional<std::uint32_t> kdf_len = b.uint(1);
      if (!kdf_len || !b.take(*kdf_len)) return "ECDH KDF parameters are truncated";
      break;
    }
    case 25:
    case 27:
      if (!b.take(32)) return "public key is truncated";
      bits = 256;
      break;
    case 26:
      if (!b.take(56)) return "public key is truncated";
      bits = 448;
      break;
    case 28:
      if (!b.take(57)) return "public key is truncated";
      bits = 456;
      break;
    default:
      return "unknown public key algorithm " + std::to_string(algorithm);
  }
  if ((algorithm <= 3 || algorithm == 16 || algorithm == 17 || algorithm == 20) && !bits) {
    return "public key MPIs are truncated";
  }
  if (bits) v.attributes["bits"] = std::to_string(*bits);
  if (!v.attributes.count("bits")) {
    const std::string& c = v.attributes["curve"];
    if (c == "Ed25519" || c == "Curve25519" || c == "NIST P-256") v.attributes["bits"] = "256";
    if (c == "NIST P-384") v.attributes["bits"] = "384";
    if (c == "NIST P-521") v.attributes["bits"] = "521";
    if (c.empty()) v.attributes.erase("curve");
  }
  return std::nullopt;
}

// Parses the first packet's header; returns its tag and body.
std::optional<std::pair<int, std::string_view>> first_packet(std::string_view data) {
  Bytes b(data);
  const std::optional<std::uint32_t> ctb = b.uint(1);
  if (!ctb || (*ctb & 0x80u) == 0) return std::nullopt;
  int tag = 0;
  std::optional<std::uint32_t> length;
  if (*ctb & 0x40u) {  // new format
    tag = static_cast<int>(*ctb & 0x3Fu);
    const std::optional<std::uint32_t> o1 = b.uint(1);
    if (!o1) return std::nullopt;
    if (*o1 < 192) {
      length = *o1;
    } else if (*o1 < 224) {
      const std::optional<std::uint32_t> o2 = b.uint(1);
      if (o2) length = ((*o1 - 192) << 8) + *o2 + 192;
    } else if (*o1 == 255) {
      length = b.uint(4);
    }       // partial lengths are not allowed for key packets
  } else {  // old format
    tag = static_cast<int>((*ctb >> 2) & 0x0Fu);
    switch (*ctb & 0x03u) {
      case 0:
        length = b.uint(1);
        break;
      case 1:
        length = b.uint(2);
        break;
      case 2:
        length = b.uint(4);
        break;
      default:
        length = static_cast<std::uint32_t>(b.remaining());
        break;
    }
  }
  if (!length) return std::nullopt;
  const std::optional<std::string_view> body = b.take(*length);
  if (!body) return std::nullopt;
  return std::pair{tag, *body};
}

}  // namespace

Verification pgp_private_key(const Input& in) {
  const std::string text = normalise_block(in.secret);
  const std::size_t begin = text.find(kBegin);
  const std::size_t end = text.find(kEnd);
  if (begin == std::string::npos || end == std::string::npos || end < begin) {
    return invalid("no -----BEGIN/END PGP PRIVATE KEY BLOCK----- armour");
  }
  std::vector<std::string_view> lines = split_lines(
      std::string_view(text).substr(begin + kBegin.size(), end - begin - kBegin.size()));
  Verification v;
  // Armour headers ("Comment: ...") up to the blank line, then the body, then "=XXXX".
  std::size_t i = 0;
  while (i < lines.size() && lines[i].empty()) ++i;
  while (i < lines.size() && lines[i].find(": ") != std::string_view::npos) {
    const std::string_view name = lines[i].substr(0, lines[i].find(": "));
    if (name == "Comment") {
      v.attributes["armor_comment"] = std::string(lines[i].substr(name.size() + 2));
    }
    ++i;
  }
  std::string body;
  std::optional<std::string_view> checksum;
  for (; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    if (lines[i][0] == '=') {
      if (checksum) return fail(v, "more than one checksum line");
      checksum = lines[i].substr(1);
      continue;
    }
    if (checksum) return fail(v, "armour body continues after the checksum line");
    body.append(lines[i]);
  }
  const std::optional<std::string> data = base64_decode(body, Base64Alphabet::kStandard);
  if (!data || data->empty()) return fail(v, "armour body is not base64");
  if (checksum) {
    const std::optional<std::string> crc = base64_decode(*checksum, Base64Alphabet::kStandard);
    if (!crc || crc->size() != 3 || checksum->size() != 4) {
      return fail(v, "checksum line is not =XXXX");
    }
    const std::uint32_t expected =
        (static_cast<std::uint32_t>(static_cast<unsigned char>((*crc)[0])) << 16) |
        (static_cast<std::uint32_t>(static_cast<unsigned char>((*crc)[1])) << 8) |
        static_cast<unsigned char>((*crc)[2]);
    if (crc24(*data) != expected) return fail(v, "CRC-24 checksum line does not match the body");
    v.attributes["armor_checksum"] = "valid";
  } else {
    v.attributes["armor_checksum"] = "absent";
  }

  const std::optional<std::pair<int, std::string_view>> packet = first_packet(*data);
  if (!packet) return fail(v, "first packet header is malformed or its length overruns the data");
  if (packet->first != 5) {
    return fail(v,
                "first packet has tag " + std::to_string(packet->first) + ", not 5 (Secret-Key)");
  }
  Bytes b(packet->second);
  const std::optional<std::uint32_t> version = b.uint(1);
  if (!version || *version < 3 || *version > 6) return fail(v, "unknown Secret-Key packet version");
  v.attributes["packet_version"] = std::to_string(*version);
  const bool v3 = *version == 3;
  const std::optional<std::uint32_t> created = b.uint(4);
  if (!created || (v3 && !b.uint(2))) return fail(v, "Secret-Key packet is truncated");
  v.attributes["created"] = std::to_string(*created);
  v.attributes["created_utc"] = format_utc(*created);
  const std::optional<std::uint32_t> algorithm = b.uint(1);
  if (!algorithm) return fail(v, "Secret-Key packet is truncated");
  const std::string_view name = algorithm_name(static_cast<int>(*algorithm));
  if (name.empty()) return fail(v, "unknown public key algorithm " + std::to_string(*algorithm));
  v.attributes["key_type"] = std::string(name);

  if (*version == 4 || v3) {
    if (std::optional<std::string> why = read_public_fields(b, static_cast<int>(*algorithm), v)) {
      return fail(v, *why);
    }
  } else {  // v5 and v6 give the public material's length
    const std::optional<std::uint32_t> len = b.uint(4);
    const std::optional<std::string_view> material = len ? b.take(*len) : std::nullopt;
    if (!material) return fail(v, "public key material is truncated");
    Bytes m(*material);
    if (std::optional<std::string> why = read_public_fields(m, static_cast<int>(*algorithm), v)) {
      return fail(v, *why);
    }
  }
  const std::optional<std::uint32_t> s2k_usage = b.uint(1);
  if (!s2k_usage) return fail(v, "Secret-Key packet ends before the S2K usage octet");
  const bool encrypted = *s2k_usage != 0;
  v.attributes["encrypted"] = encrypted ? "true" : "false";
  if (encrypted && b.remaining() == 0) return fail(v, "encrypted secret key has no secret data");
  if (!encrypted && b.remaining() == 0) return fail(v, "secret key material is missing");
  v.status = VerifyStatus::kValidStructure;
  std::string what(name);
  if (v.attributes.count("bits")) what += " " + v.attributes["bits"] + "-bit";
  v.reasons.push_back((encrypted ? "passphrase-protected " : "unprotected ") + what +
                      " OpenPGP secret key" +
                      (checksum ? "; armour CRC-24 matches" : "; no armour checksum line"));
  return v;
}

}  // namespace reachscan::verify::detail
