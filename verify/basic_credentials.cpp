// Base64 "user:password" pairs: the `auth` of a Docker config.json / .dockercfg entry, npm's
// `_auth`, an HTTP Basic credential. The value is decoded and split at the first ':' (RFC 7617
// section 2: a user-id cannot contain a colon, the password can). The user name is kept as an
// attribute; the password is only measured, never quoted.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "codec/codec.h"
#include "verify/verifiers.h"

namespace reachscan::verify::detail {

namespace {

// Printable ASCII or any byte of a UTF-8 sequence; no control characters.
bool printable_text(std::string_view s) {
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7F) return false;
  }
  return true;
}

}  // namespace

Verification basic_credentials(const Input& in) {
  const std::optional<std::string> decoded = base64_decode(in.secret, Base64Alphabet::kStandard);
  if (!decoded) return invalid("not standard base64");
  if (!printable_text(*decoded)) return invalid("decodes to binary data, not user:password");
  const std::size_t colon = decoded->find(':');
  if (colon == std::string::npos) return invalid("decodes to text without a ':' separator");
  const std::string_view user = std::string_view(*decoded).substr(0, colon);
  const std::string_view password = std::string_view(*decoded).substr(colon + 1);
  if (user.empty()) return invalid("decodes to an empty user name");
  if (password.empty()) return invalid("decodes to an empty password");
  Verification v = valid("decodes to user:password (a " + std::to_string(password.size()) +
                         "-character password)");
  v.attributes["username"] = std::string(user);
  v.attributes["password_length"] = std::to_string(password.size());
  return v;
}

}  // namespace reachscan::verify::detail
