// Text helpers of the reach stage: words, hosts, key/value pairs in a line, ARNs.
// Internal to reach/. The structural view of a file is in reach/file_view.h.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reachscan::reach::detail {

std::string to_lower(std::string_view s);

// Globs: core/glob.h (one dialect for the whole scanner).

// Lower-cased words of a value, path segment or host: split on non-alphanumerics and at
// lower-to-upper case changes ("valuesProd.yaml" -> values, prod, yaml).
std::vector<std::string> words_of(std::string_view s);

// `path` with "./" segments and duplicate slashes removed; backslashes become slashes.
std::string normalize_path(std::string_view path);

// `s` without surrounding spaces, tabs and line breaks.
std::string_view trim(std::string_view s);

// An opener's key as lower-cased words joined by '.': `resource "aws_x" "prod"` ->
// resource.aws_x.prod, `"production"` -> production.
std::string key_of(std::string_view k);

// The host part of a URL or host[:port] value; empty if it does not look like a host.
std::string host_of(std::string_view url_or_host);

// Key/value pairs in one line of text (without the enclosing key): KEY=value, key: value,
// "key": "value", key = "value", --flag value, --flag=value, f("KEY", "value"). Keys as written.
std::vector<std::pair<std::string, std::string>> pairs_in_line(std::string_view line);

// Hosts of URLs (scheme://[user@]host) in a line, with the byte range each URL covers.
struct UrlHost {
  std::string host;
  std::size_t begin = 0;
  std::size_t end = 0;
};
std::vector<UrlHost> url_hosts(std::string_view line);

// AWS ARNs in a line: (account id, EKS cluster name or empty).
std::vector<std::pair<std::string, std::string>> arns_in_line(std::string_view line);

}  // namespace reachscan::reach::detail
