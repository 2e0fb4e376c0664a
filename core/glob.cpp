#include "core/glob.h"

#include <algorithm>
#include <cstddef>
#include <vector>

namespace reachscan {
namespace {

// ASCII lower case without a locale lookup (globs are matched a lot).
char lc(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool has_wildcard(const char* p, const char* pe) {
  return std::any_of(p, pe, [](char c) { return c == '*' || c == '?' || c == '[' || c == '\\'; });
}

// A character class at `p` ('[' ... ']') against `c`. Returns the position after the class, or
// null when the class is not closed (the '[' is then a literal).
const char* match_class(const char* p, const char* pe, char c, bool& hit) {
  const char* q = p + 1;
  const bool negate = q < pe && (*q == '!' || *q == '^');
  if (negate) ++q;
  bool in = false;
  const char* start = q;
  while (q < pe && (*q != ']' || q == start)) {
    if (q + 2 < pe && q[1] == '-' && q[2] != ']') {
      if (lc(c) >= lc(*q) && lc(c) <= lc(q[2])) in = true;
      q += 3;
    } else {
      if (lc(c) == lc(*q)) in = true;
      ++q;
    }
  }
  if (q >= pe) return nullptr;
  hit = in != negate;
  return q + 1;
}

// Glob matcher over [p, pe) and [t, te): plain backtracking, which is fast on the short patterns
// of real configs. A hostile pattern (`**/**/**/...`, `*a*a*a*...`) would take exponential time,
// so after kMemoAfter steps the failed (pattern, text) positions are remembered: each is tried
// at most once, O(pattern x text) in all.
// `path`: '*', '?' and classes stop at '/', "**" crosses folders.
struct Glob {
  const char* pb;
  const char* pe;
  const char* tb;
  const char* te;
  bool path;
  std::size_t steps = 0;
  std::vector<bool> failed;  // (p - pb) * (text size + 1) + (t - tb)

  static constexpr std::size_t kMemoAfter = 4096;

  bool match(const char* p, const char* t) {
    if (++steps <= kMemoAfter) return step(p, t);
    const std::size_t width = static_cast<std::size_t>(te - tb) + 1;
    if (failed.empty()) failed.assign((static_cast<std::size_t>(pe - pb) + 1) * width, false);
    const std::size_t at =
        static_cast<std::size_t>(p - pb) * width + static_cast<std::size_t>(t - tb);
    if (failed[at]) return false;
    const bool hit = step(p, t);
    if (!hit) failed[at] = true;
    return hit;
  }

  bool step(const char* p, const char* t) {
    while (p < pe) {
      const char c = *p;
      if (c == '*') {
        const bool dbl = path && p + 1 < pe && p[1] == '*';
        const char* q = p + (dbl ? 2 : 1);
        if (dbl && q < pe && *q == '/') {  // "**/": zero or more folders
          if (match(q + 1, t)) return true;
          for (const char* s = t; s < te; ++s)
            if (*s == '/' && match(q + 1, s + 1)) return true;
          return false;
        }
        // A literal tail after the star: compare it with the end of the text directly.
        if (!has_wildcard(q, pe)) {
          const std::ptrdiff_t tail = pe - q;
          if (te - t < tail) return false;
          const char* s = te - tail;
          if (path && !dbl && std::find(t, s, '/') != s) return false;
          return std::equal(q, pe, s, [](char a, char b) { return lc(a) == lc(b); });
        }
        for (const char* s = t;; ++s) {
          if (match(q, s)) return true;
          if (s == te) return false;
          if (!dbl && path && *s == '/') return false;
        }
      }
      if (t == te) return false;
      if (c == '?') {
        if (path && *t == '/') return false;
        ++p;
        ++t;
        continue;
      }
      if (c == '[') {
        bool hit = false;
        if (const char* next = match_class(p, pe, *t, hit)) {
          if (!hit || (path && *t == '/')) return false;
          p = next;
          ++t;
          continue;
        }
      }
      if (c == '\\' && p + 1 < pe) ++p;  // an escaped character is itself
      if (lc(*p) != lc(*t)) return false;
      ++p;
      ++t;
    }
    return t == te;
  }
};

bool match_all(std::string_view pattern, std::string_view text, bool path) {
  Glob g{pattern.data(),
         pattern.data() + pattern.size(),
         text.data(),
         text.data() + text.size(),
         path,
         0,
         {}};
  return g.match(g.pb, g.tb);
}

// `pattern` (no leading or trailing '/') against `sub`, a path starting at a folder boundary.
bool match_at(std::string_view pattern, std::string_view sub, bool dir_only, bool is_dir) {
  if (!dir_only) return match_all(pattern, sub, true);
  if (is_dir && match_all(pattern, sub, true)) return true;
  for (std::size_t j = 0; j < sub.size(); ++j)  // a folder above the path
    if (sub[j] == '/' && match_all(pattern, sub.substr(0, j), true)) return true;
  return false;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  return match_all(pattern, text, false);
}

bool path_glob_match(std::string_view pattern, std::string_view path, bool is_dir) {
  const bool dir_only = pattern.size() > 1 && pattern.back() == '/';
  if (dir_only) pattern.remove_suffix(1);
  if (pattern.empty()) return false;
  if (pattern.front() == '/') return match_at(pattern.substr(1), path, dir_only, is_dir);
  if (match_at(pattern, path, dir_only, is_dir)) return true;
  for (std::size_t i = 0; i < path.size(); ++i)
    if (path[i] == '/' && match_at(pattern, path.substr(i + 1), dir_only, is_dir)) return true;
  return false;
}

bool path_glob_covers(std::string_view pattern, std::string_view path) {
  if (path_glob_match(pattern, path)) return true;
  for (std::size_t j = 0; j < path.size(); ++j)
    if (path[j] == '/' && path_glob_match(pattern, path.substr(0, j), true)) return true;
  return false;
}

std::size_t glob_literal_length(std::string_view pattern) {
  return static_cast<std::size_t>(std::count_if(pattern.begin(), pattern.end(), [](char c) {
    return c != '*' && c != '?' && c != '[' && c != ']' && c != '\\';
  }));
}

}  // namespace reachscan
