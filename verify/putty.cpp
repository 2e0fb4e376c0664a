// PuTTY private key files, PPK versions 2 and 3 (PuTTY manual, appendix C). Headers are read in
// their fixed order; the public blob is parsed as an SSH key; for unencrypted files the
// Private-MAC is recomputed (HMAC-SHA-1 keyed with SHA-1("putty-private-key-file-mac-key") for
// v2, HMAC-SHA-256 with an empty key for v3), which checks every byte of the file.
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/codec.h"
#include "verify/verifiers.h"

namespace reachscan::verify::detail {

namespace {

constexpr std::string_view kMacKeyV2 = "putty-private-key-file-mac-key";

class Lines {
 public:
  explicit Lines(std::string_view text) : lines_(split_lines(text)) {
    while (!lines_.empty() && lines_.back().empty()) lines_.pop_back();
  }

  // The value of a "Name: value" line if the next line has that name.
  std::optional<std::string_view> header(std::string_view name) {
    if (next_ >= lines_.size()) return std::nullopt;
    const std::string_view line = lines_[next_];
    if (line.size() < name.size() + 2 || line.substr(0, name.size()) != name ||
        line.substr(name.size(), 2) != ": ") {
      return std::nullopt;
    }
    ++next_;
    return line.substr(name.size() + 2);
  }

  // `count` lines joined, or nullopt if there are fewer.
  std::optional<std::string> block(std::size_t count) {
    if (lines_.size() - next_ < count) return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < count; ++i) out.append(lines_[next_++]);
    return out;
  }

  bool done() const { return next_ == lines_.size(); }

 private:
  std::vector<std::string_view> lines_;
  std::size_t next_ = 0;
};

void append_ssh_string(std::string& out, std::string_view s) {
  const auto n = static_cast<std::uint32_t>(s.size());
  out.push_back(static_cast<char>(n >> 24));
  out.push_back(static_cast<char>((n >> 16) & 0xFFu));
  out.push_back(static_cast<char>((n >> 8) & 0xFFu));
  out.push_back(static_cast<char>(n & 0xFFu));
  out.append(s);
}

std::optional<std::size_t> line_count(std::optional<std::string_view> value) {
  if (!value) return std::nullopt;
  const std::optional<std::uint64_t> n = parse_uint(*value);
  if (!n || *n > 1024) return std::nullopt;
  return static_cast<std::size_t>(*n);
}

}  // namespace

Verification putty_private_key(const Input& in) {
  const std::string text = normalise_block(in.secret);
  const std::size_t start = text.find("PuTTY-User-Key-File-");
  if (start == std::string::npos) return invalid("no PuTTY-User-Key-File- header");
  Lines lines(std::string_view(text).substr(start));

  Verification v;
  std::string_view version;
  std::optional<std::string_view> key_type;
  for (std::string_view candidate : {"2", "3"}) {
    key_type = lines.header(std::string("PuTTY-User-Key-File-") + std::string(candidate));
    if (key_type) {
      version = candidate;
      break;
    }
  }
  if (!key_type) return invalid("only PPK versions 2 and 3 are recognised");
  v.attributes["ppk_version"] = std::string(version);
  const std::optional<std::string_view> encryption = lines.header("Encryption");
  const std::optional<std::string_view> comment = lines.header("Comment");
  const std::optional<std::size_t> public_count = line_count(lines.header("Public-Lines"));
  if (!encryption || !comment || !public_count) {
    return fail(v, "expected Encryption, Comment and Public-Lines headers in that order");
  }
  if (*encryption != "none" && *encryption != "aes256-cbc") {
    return fail(v, "Encryption is neither none nor aes256-cbc");
  }
  const bool encrypted = *encryption != "none";
  v.attributes["encrypted"] = encrypted ? "true" : "false";
  v.attributes["cipher"] = std::string(*encryption);
  if (!comment->empty()) v.attributes["comment"] = std::string(*comment);

  const std::optional<std::string> public_text = lines.block(*public_count);
  const std::optional<std::string> public_blob =
      public_text ? base64_decode(*public_text, Base64Alphabet::kStandard) : std::nullopt;
  if (!public_blob) return fail(v, "public key lines are missing or not base64");
  if (std::optional<std::string> why = read_ssh_public_key(*public_blob, v)) return fail(v, *why);
  if (v.attributes["ssh_key_type"] != *key_type) {
    return fail(v, "header key type differs from the public key's");
  }

  if (version == "3" && encrypted) {
    const std::optional<std::string_view> kdf = lines.header("Key-Derivation");
    const bool params = lines.header("Argon2-Memory") && lines.header("Argon2-Passes") &&
                        lines.header("Argon2-Parallelism") && lines.header("Argon2-Salt");
    if (!kdf || !params) {
      return fail(v, "encrypted v3 files need Key-Derivation and Argon2 headers");
    }
    if (*kdf != "Argon2id" && *kdf != "Argon2i" && *kdf != "Argon2d") {
      return fail(v, "Key-Derivation is not an Argon2 variant");
    }
    v.attributes["kdf"] = std::string(*kdf);
  }
  const std::optional<std::size_t> private_count = line_count(lines.header("Private-Lines"));
  const std::optional<std::string> private_text =
      private_count ? lines.block(*private_count) : std::nullopt;
  const std::optional<std::string> private_blob =
      private_text ? base64_decode(*private_text, Base64Alphabet::kStandard) : std::nullopt;
  if (!private_blob || private_blob->empty()) {
    return fail(v, "private key lines are missing or not base64");
  }
  const std::optional<std::string_view> mac = lines.header("Private-MAC");
  const std::size_t mac_hex = version == "2" ? 40 : 64;
  if (!mac || mac->size() != mac_hex || !is_hex_lower(*mac)) {
    return fail(v, "Private-MAC must be " + std::to_string(mac_hex) + " lowercase hex digits");
  }
  if (!lines.done()) return fail(v, "unexpected lines after Private-MAC");

  if (encrypted) {
    if (private_blob->size() % 16 != 0) {
      return fail(v, "encrypted private blob is not whole AES blocks");
    }
    v.status = VerifyStatus::kValidStructure;
    v.reasons.push_back("encrypted with aes256-cbc; the MAC needs the passphrase to check");
    return v;
  }

  std::string mac_data;
  append_ssh_string(mac_data, *key_type);
  append_ssh_string(mac_data, *encryption);
  append_ssh_string(mac_data, *comment);
  append_ssh_string(mac_data, *public_blob);
  append_ssh_string(mac_data, *private_blob);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  bool computed = false;
  if (version == "2") {
    unsigned char key[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(kMacKeyV2.data()), kMacKeyV2.size(), key);
    computed =
        HMAC(EVP_sha1(), key, sizeof key, reinterpret_cast<const unsigned char*>(mac_data.data()),
             mac_data.size(), digest, &digest_len) != nullptr;
  } else {
    static const unsigned char kEmpty[1] = {0};
    computed =
        HMAC(EVP_sha256(), kEmpty, 0, reinterpret_cast<const unsigned char*>(mac_data.data()),
             mac_data.size(), digest, &digest_len) != nullptr;
  }
  if (!computed) return fail(v, "could not compute the MAC");
  if (hex_lower(std::string_view(reinterpret_cast<const char*>(digest), digest_len)) != *mac) {
    return fail(v, "Private-MAC does not match the file's contents: it was altered or truncated");
  }
  v.status = VerifyStatus::kValidStructure;
  v.attributes["mac"] = "valid";
  std::string what =
      v.attributes.count("key_type") ? v.attributes["key_type"] : std::string(*key_type);
  v.reasons.push_back("unencrypted " + what + " PPK v" + std::string(version) +
                      "; Private-MAC matches");
  return v;
}

}  // namespace reachscan::verify::detail
