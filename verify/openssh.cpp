// OpenSSH private keys: the "openssh-key-v1" container (openssh-portable PROTOCOL.key), base64 in
// -----BEGIN/END OPENSSH PRIVATE KEY----- armour. The public part is always readable; the private
// part only when the cipher is "none", where its check integers, key type, key material and
// padding are checked against the public part.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "codec/codec.h"
#include "verify/openssl_util.h"
#include "verify/verifiers.h"

namespace reachscan::verify::detail {

namespace {

constexpr std::string_view kMagic{"openssh-key-v1\0", 15};
constexpr std::string_view kBegin = "-----BEGIN OPENSSH PRIVATE KEY-----";
constexpr std::string_view kEnd = "-----END OPENSSH PRIVATE KEY-----";

struct Cipher {
  std::string_view name;
  std::size_t block;  // bytes the encrypted section is a multiple of
  std::size_t tag;    // authentication tag appended after it
};

// openssh-portable cipher.c
constexpr std::array<Cipher, 11> kCiphers = {{
    {"none", 8, 0},
    {"3des-cbc", 8, 0},
    {"aes128-cbc", 16, 0},
    {"aes192-cbc", 16, 0},
    {"aes256-cbc", 16, 0},
    {"aes128-ctr", 16, 0},
    {"aes192-ctr", 16, 0},
    {"aes256-ctr", 16, 0},
    {"aes128-gcm@openssh.com", 16, 16},
    {"aes256-gcm@openssh.com", 16, 16},
    {"chacha20-poly1305@openssh.com", 8, 16},
}};

std::string algorithm_of(std::string_view ssh_type) {
  if (ssh_type == "ssh-rsa") return "RSA";
  if (ssh_type == "ssh-dss") return "DSA";
  if (ssh_type == "ssh-ed25519" || ssh_type == "sk-ssh-ed25519@openssh.com") return "Ed25519";
  if (ssh_type.substr(0, 10) == "ecdsa-sha2" || ssh_type.substr(0, 13) == "sk-ecdsa-sha2") {
    return "EC";
  }
  return "";
}

}  // namespace

std::optional<std::string> read_ssh_public_key(std::string_view blob, Verification& v) {
  WireReader r(blob);
  const std::optional<std::string_view> type = r.string();
  if (!type || type->empty()) return "public key blob has no key type";
  v.attributes["ssh_key_type"] = std::string(*type);
  if (const std::string alg = algorithm_of(*type); !alg.empty()) v.attributes["key_type"] = alg;
  if (*type == "ssh-ed25519" || *type == "sk-ssh-ed25519@openssh.com") {
    const std::optional<std::string_view> pk = r.string();
    if (!pk || pk->size() != 32) return "Ed25519 public key is not 32 bytes";
    v.attributes["bits"] = "256";
  } else if (*type == "ssh-rsa") {
    const std::optional<std::string_view> e = r.string();
    const std::optional<std::string_view> n = r.string();
    if (!e || !n || n->empty()) return "RSA public key lacks e or n";
    v.attributes["bits"] = std::to_string(bit_length(*n));
  } else if (*type == "ssh-dss") {
    const std::optional<std::string_view> p = r.string();
    for (int i = 0; i < 3; ++i) {
      if (!r.string()) return "DSA public key lacks q, g or y";
    }
    if (!p || p->empty()) return "DSA public key lacks p";
    v.attributes["bits"] = std::to_string(bit_length(*p));
  } else if (type->substr(0, 11) == "ecdsa-sha2-" || type->substr(0, 14) == "sk-ecdsa-sha2-") {
    const std::optional<std::string_view> curve = r.string();
    const std::optional<std::string_view> q = r.string();
    if (!curve || !q || q->empty()) return "ECDSA public key lacks curve or point";
    v.attributes["curve"] = std::string(*curve);
    if (*curve == "nistp256") v.attributes["bits"] = "256";
    if (*curve == "nistp384") v.attributes["bits"] = "384";
    if (*curve == "nistp521") v.attributes["bits"] = "521";
  }
  if (type->substr(0, 3) == "sk-") v.attributes["security_key"] = "true";
  return std::nullopt;
}

namespace {

// Skips the type-specific private fields (openssh-portable sshkey_private_serialize) so the
// comment and padding after them can be read. Returns a reason on failure.
std::optional<std::string> skip_private_fields(WireReader& r, std::string_view type,
                                               std::string_view public_blob) {
  auto skip = [&r](int n) {
    for (int i = 0; i < n; ++i) {
      if (!r.string()) return false;
    }
    return true;
  };
  if (type == "ssh-ed25519") {
    const std::optional<std::string_view> pk = r.string();
    const std::optional<std::string_view> sk = r.string();
    if (!pk || !sk || pk->size() != 32 || sk->size() != 64) {
      return "Ed25519 private fields have wrong sizes";
    }
    WireReader pub(public_blob);
    pub.string();
    if (pub.string() != pk || sk->substr(32) != *pk) {
      return "Ed25519 private key does not match its public key";
    }
    return std::nullopt;
  }
  bool ok = true;
  if (type == "ssh-rsa") {
    ok = skip(6);  // n e d iqmp p q
  } else if (type == "ssh-dss") {
    ok = skip(5);  // p q g y x
  } else if (type.substr(0, 10) == "ecdsa-sha2") {
    ok = skip(3);  // curve Q d
  } else if (type == "sk-ssh-ed25519@openssh.com") {
    ok = skip(2) && r.u8() && skip(2);  // pk application flags key_handle reserved
  } else if (type.substr(0, 13) == "sk-ecdsa-sha2") {
    ok = skip(3) && r.u8() && skip(2);  // curve Q application flags key_handle reserved
  } else {
    return "unknown key type";
  }
  if (!ok) return "private key fields are truncated";
  return std::nullopt;
}

}  // namespace

Verification openssh_private_key(const Input& in) {
  const std::string text = normalise_block(in.secret);
  const std::size_t begin = text.find(kBegin);
  const std::size_t end = text.find(kEnd);
  if (begin == std::string::npos || end == std::string::npos || end < begin) {
    return invalid("no -----BEGIN/END OPENSSH PRIVATE KEY----- armour");
  }
  const std::optional<std::string> blob = base64_decode(
      std::string_view(text).substr(begin + kBegin.size(), end - begin - kBegin.size()),
      Base64Alphabet::kStandard);
  if (!blob) return invalid("body is not base64");
  WireReader r(*blob);
  if (r.bytes(kMagic.size()) != kMagic) return invalid("body does not start with openssh-key-v1");

  Verification v;
  v.attributes["format"] = "openssh-key-v1";
  const std::optional<std::string_view> cipher_name = r.string();
  const std::optional<std::string_view> kdf = r.string();
  const std::optional<std::string_view> kdf_options = r.string();
  const std::optional<std::uint32_t> nkeys = r.u32();
  if (!cipher_name || !kdf || !kdf_options || !nkeys) {
    return fail(v, "container header is truncated");
  }
  const Cipher* cipher = nullptr;
  for (const Cipher& c : kCiphers) {
    if (c.name == *cipher_name) cipher = &c;
  }
  if (cipher == nullptr) return fail(v, "the cipher is not one OpenSSH knows");
  v.attributes["cipher"] = std::string(*cipher_name);
  const bool encrypted = *cipher_name != "none";
  v.attributes["encrypted"] = encrypted ? "true" : "false";
  if (*kdf != "none" && *kdf != "bcrypt") return fail(v, "the KDF is neither none nor bcrypt");
  v.attributes["kdf"] = std::string(*kdf);
  if (encrypted) {
    if (*kdf != "bcrypt") return fail(v, "encrypted keys use the bcrypt KDF");
    WireReader options(*kdf_options);
    const std::optional<std::string_view> salt = options.string();
    const std::optional<std::uint32_t> rounds = options.u32();
    if (!salt || !rounds || salt->empty() || *rounds == 0 || options.remaining() != 0) {
      return fail(v, "bcrypt KDF options are malformed");
    }
    v.attributes["kdf_rounds"] = std::to_string(*rounds);
  } else if (*kdf != "none" || !kdf_options->empty()) {
    return fail(v, "an unencrypted key must have KDF 'none' and no KDF options");
  }
  if (*nkeys == 0 || *nkeys > 16) return fail(v, "implausible key count " + std::to_string(*nkeys));
  v.attributes["keys"] = std::to_string(*nkeys);

  std::string_view first_public;
  for (std::uint32_t i = 0; i < *nkeys; ++i) {
    const std::optional<std::string_view> pub = r.string();
    if (!pub) return fail(v, "public key " + std::to_string(i + 1) + " is truncated");
    if (i == 0) {
      first_public = *pub;
      if (std::optional<std::string> why = read_ssh_public_key(*pub, v)) return fail(v, *why);
    }
  }
  const std::optional<std::string_view> section = r.string();
  if (!section) return fail(v, "private section is truncated");
  if (r.remaining() != cipher->tag) return fail(v, "unexpected bytes after the private section");
  if (section->empty() || section->size() % cipher->block != 0) {
    return fail(v, "private section is not a whole number of " + std::to_string(cipher->block) +
                       "-byte blocks");
  }
  if (encrypted) {
    v.status = VerifyStatus::kValidStructure;
    v.reasons.push_back("encrypted with " + std::string(*cipher_name) + " (bcrypt KDF, " +
                        v.attributes["kdf_rounds"] + " rounds); unreadable without its passphrase");
    return v;
  }

  WireReader p(*section);
  const std::optional<std::uint32_t> check1 = p.u32();
  const std::optional<std::uint32_t> check2 = p.u32();
  if (!check1 || !check2 || *check1 != *check2) {
    return fail(v, "private section's check integers differ: the body is corrupt");
  }
  for (std::uint32_t i = 0; i < *nkeys; ++i) {
    const std::optional<std::string_view> type = p.string();
    if (!type) return fail(v, "private key type is truncated");
    if (i == 0 && *type != v.attributes["ssh_key_type"]) {
      return fail(v, "private key type differs from the public key type");
    }
    if (std::optional<std::string> why =
            skip_private_fields(p, *type, i == 0 ? first_public : "")) {
      if (i == 0) return fail(v, *why);
      break;  // cannot walk past an unknown later key; the first one is what we report
    }
    const std::optional<std::string_view> comment = p.string();
    if (!comment) return fail(v, "private key comment is truncated");
    if (i == 0 && !comment->empty()) v.attributes["comment"] = std::string(*comment);
    if (i + 1 == *nkeys) {
      const std::string_view padding = p.rest();
      for (std::size_t k = 0; k < padding.size(); ++k) {
        if (static_cast<unsigned char>(padding[k]) != k + 1) {
          return fail(v, "padding after the private keys is not 1, 2, 3, ...: the body is corrupt");
        }
      }
    }
  }
  v.status = VerifyStatus::kValidStructure;
  std::string what =
      v.attributes.count("key_type") ? v.attributes["key_type"] : v.attributes["ssh_key_type"];
  if (v.attributes.count("bits")) what += " " + v.attributes["bits"] + "-bit";
  v.reasons.push_back("unencrypted " + what +
                      " OpenSSH key; check integers, key and padding agree");
  return v;
}

}  // namespace reachscan::verify::detail
