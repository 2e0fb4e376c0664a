// The one glob dialect of reachscan. `--exclude`, the config's `allow.paths`, the environments
// map's `paths:`, and the reach stage's path, host and rule-id globs all match through here, so a
// pattern means the same thing wherever a user writes it (README, "Globs").
//
// Dialect (gitignore-like, ASCII case-insensitive):
//   *        any run of characters within one path segment (never '/')
//   **       any run across folders: `a/**/b` (zero or more folders), `dir/**` (all under dir),
//            `**/x` (x at any depth)
//   ?        one character other than '/'
//   [a-z] [!a-z] [^a-z]   a character class (ranges, negation)
//   \c       the character c itself
//   /x       a leading '/' anchors the pattern at the root of the scan
//   x        any other pattern matches at any folder depth: `*.md` matches `docs/a.md`,
//            `k8s/base/**` matches `infra/k8s/base/x.yaml`
//   dir/     a trailing '/' matches a folder and everything under it
//
// Text globs (host names, rule ids) use the same syntax without paths: `*` and `?` also match '/'.
// All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace reachscan {

// Whole-text glob match (hosts, rule ids, keys): `*` is any run, including '/'.
bool glob_match(std::string_view pattern, std::string_view text);

// Path glob match of `path` (relative to the scan root, '/'-separated) in the dialect above.
// `is_dir`: `path` names a folder (a pattern with a trailing '/' then matches it too).
bool path_glob_match(std::string_view pattern, std::string_view path, bool is_dir = false);

// True when `pattern` matches `path` or one of the folders above it: how excludes and allow
// paths apply (a matched folder covers everything under it, as in .gitignore).
bool path_glob_covers(std::string_view pattern, std::string_view path);

// Characters in a glob that are not wildcards: how specific it is.
std::size_t glob_literal_length(std::string_view pattern);

}  // namespace reachscan
