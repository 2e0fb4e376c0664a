// Entropy measures and the placeholder filter applied to every candidate secret.
//
// Both are pure functions of the candidate's bytes, safe to call from any thread. They decide
// whether a string that has the shape of a secret looks like one: random enough, and not a value
// that documentation or templates put where a secret would go.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace reachscan::entropy {

// Shannon entropy of the byte distribution, in bits per byte (0 for an empty string, at most 8).
double shannon(std::string_view s);

// If `secret` is an obvious placeholder (YOUR_API_KEY, xxxx, a template reference such as ${VAR},
// #{var} or {{ .Values.x }} (closed with balanced brackets, or cut off), <token>, changeme, a value
// ending in AWS's documented EXAMPLE, one repeated character, a counting run such as 12345678, an
// upper-case variable name such as DB_PASSWORD, a provider's documented example value such as
// jwt.io's sample token), returns a short reason naming the pattern; otherwise nullopt.
std::optional<std::string_view> placeholder_reason(std::string_view secret);

// For the value of a keyword-and-entropy (generic) rule only: if it is something other than a
// secret that sits where one would, returns a short reason; otherwise nullopt. Three cases: a
// password hash or digest in one of the usual encodings ($2y$..., {SSHA}..., sha1:salt:hash,
// pbkdf2_sha256$...), which is what a config stores *instead* of the password; a dotted
// attribute path such as `extension.0.protected_settings` (a field name passed next to the
// keyword, as in a list of attribute names); a value that spells out one of the rule's own
// `keywords` of five letters or more ("newRootPassword123", "secretKeyValue1"), which is how
// tests and docs label a made-up value. Shorter keywords (api, pwd) are left out: three letters
// turn up in random tokens by chance. Not applied to provider rules: their secrets have fixed
// shapes, and the htpasswd rules report exactly such hashes.
std::optional<std::string_view> generic_value_reason(std::string_view value,
                                                     std::span<const std::string> keywords);

}  // namespace reachscan::entropy
