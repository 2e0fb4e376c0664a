#include "entropy/entropy.h"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <string>

namespace reachscan::entropy {

double shannon(std::string_view s) {
  if (s.empty()) return 0;
  std::array<std::uint32_t, 256> counts{};
  for (unsigned char c : s) ++counts[c];
  const double n = static_cast<double>(s.size());
  double h = 0;
  for (std::uint32_t c : counts) {
    if (c == 0) continue;
    const double p = static_cast<double>(c) / n;
    h -= p * std::log2(p);
  }
  return h;
}

namespace {

// Lower-cased markers that mean "put your secret here". Checked as substrings.
constexpr std::array<std::string_view, 14> kMarkers = {
    "example",  "your_",       "your-", "xxxx",     "****",       "${",        "{{",
    "changeme", "placeholder", "dummy", "redacted", "replace_me", "replaceme", "insert_"};
constexpr std::array<std::string_view, 2> kWholeWordMarkers = {"sample", "fake"};

bool is_word(unsigned char c) { return std::isalnum(c) != 0; }

// A marker like "fake" counts only where it stands as a word part delimited by non-letters or
// case changes; random base62 strings contain such letter runs by chance.
bool contains_word(std::string_view lower, std::string_view original, std::string_view word) {
  for (std::size_t pos = lower.find(word); pos != std::string_view::npos;
       pos = lower.find(word, pos + 1)) {
    const std::size_t end = pos + word.size();
    const bool left = pos == 0 || !is_word(static_cast<unsigned char>(original[pos - 1])) ||
                      original[pos - 1] == '_';
    const bool right = end == original.size() ||
                       !is_word(static_cast<unsigned char>(original[end])) || original[end] == '_';
    if (left && right) return true;
  }
  return false;
}

bool has_counting_run(std::string_view s, std::size_t run) {
  std::size_t up = 1, down = 1;
  for (std::size_t i = 1; i < s.size(); ++i) {
    const int d = static_cast<unsigned char>(s[i]) - static_cast<unsigned char>(s[i - 1]);
    const bool alnum = std::isalnum(static_cast<unsigned char>(s[i])) != 0;
    up = (d == 1 && alnum) ? up + 1 : 1;
    down = (d == -1 && alnum) ? down + 1 : 1;
    if (up >= run || down >= run) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string_view> placeholder_reason(std::string_view secret) {
  std::string lower(secret);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view m : kMarkers)
    if (lower.find(m) != std::string::npos) return m;
  for (std::string_view m : kWholeWordMarkers)
    if (contains_word(lower, secret, m)) return m;
  // <token>, <your key here>
  const std::size_t lt = secret.find('<');
  if (lt != std::string_view::npos && secret.find('>', lt) != std::string_view::npos)
    return "<...>";
  bool one_char = !secret.empty();
  for (char c : secret) one_char = one_char && c == secret.front();
  if (one_char) return "one repeated character";
  if (has_counting_run(secret, 8)) return "counting run";
  return std::nullopt;
}

}  // namespace reachscan::entropy
