// Entropy measures and the placeholder filter applied to every candidate secret.
//
// Both are pure functions of the candidate's bytes, safe to call from any thread. They decide
// whether a string that has the shape of a secret looks like one: random enough, and not a value
// that documentation or templates put where a secret would go.
#pragma once

#include <optional>
#include <string_view>

namespace reachscan::entropy {

// Shannon entropy of the byte distribution, in bits per byte (0 for an empty string, at most 8).
double shannon(std::string_view s);

// If `secret` is an obvious placeholder (YOUR_API_KEY, xxxx, ${VAR}, <token>, changeme, a value
// ending in AWS's documented EXAMPLE, one repeated character, a counting run such as 12345678),
// returns a short reason naming the pattern; otherwise nullopt.
std::optional<std::string_view> placeholder_reason(std::string_view secret);

}  // namespace reachscan::entropy
