// Helpers shared by the verify/ tests: a fixed clock, a one-call verifier runner, and secrets
// built independently of the code under test (base62, CRC32, base64, one-character mutations).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "verify/verify.h"

namespace reachscan::verify::test_helpers {

using std::chrono::seconds;
using std::chrono::system_clock;

// 2026-01-01T00:00:00Z: the clock every expiry test reads.
inline const system_clock::time_point kNow = system_clock::time_point(seconds(1767225600));

inline Verification run(std::string_view verifier, std::string_view secret,
                        std::string_view context = {}) {
  return verify(verifier, "test.rule", secret, context, kNow);
}

inline std::string reasons_of(const Verification& v) {
  std::string out;
  for (const std::string& r : v.reasons) out += "[" + r + "] ";
  return out;
}

#define EXPECT_STATUS(v, s) EXPECT_EQ((v).status, (s)) << reasons_of(v)

// --- Independent helpers: the tests build secrets without the code under test. ---------------

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

inline std::string random_base62(std::mt19937& rng, std::size_t n) {
  std::uniform_int_distribution<std::size_t> pick(0, kBase62.size() - 1);
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s.push_back(kBase62[pick(rng)]);
  return s;
}

inline std::string test_base62(std::uint32_t v) {
  std::string s;
  do {
    s.insert(s.begin(), kBase62[v % 62]);
    v /= 62;
  } while (v != 0);
  while (s.size() < 6) s.insert(s.begin(), '0');
  return s;
}

inline std::uint32_t test_crc32(std::string_view s) {
  return static_cast<std::uint32_t>(
      ::crc32(0L, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}

// A GitHub/npm-style token: prefix + 30 random + base62(CRC32(random)).
inline std::string checksummed_token(std::string_view prefix, std::mt19937& rng) {
  const std::string random = random_base62(rng, 30);
  return std::string(prefix) + random + test_base62(test_crc32(random));
}

// Changes the character at `pos` to another one of the same class.
inline std::string mutate(std::string s, std::size_t pos) {
  char& c = s[pos];
  if ((c >= '0' && c <= '8') || (c >= 'a' && c < 'z') || (c >= 'A' && c < 'Z')) {
    ++c;
  } else if (c == '9') {
    c = '0';
  } else if (c == 'z') {
    c = 'a';
  } else {
    c = 'A';
  }
  return s;
}

inline std::string b64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

inline std::string b64url(std::string_view bytes) {
  std::string s = b64(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  std::replace(s.begin(), s.end(), '+', '-');
  std::replace(s.begin(), s.end(), '/', '_');
  return s;
}

inline std::string unb64(std::string_view text) {
  std::string clean;
  for (char c : text) {
    if (c != '\n' && c != '\r' && c != ' ') clean.push_back(c);
  }
  std::string out(clean.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(clean.data()),
                                static_cast<int>(clean.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!clean.empty() && clean.back() == '=') {
    clean.pop_back();
    out.pop_back();
  }
  return out;
}

// Base64 in 70-character lines, as ssh-keygen writes it.
inline std::string wrap(std::string_view text, std::size_t width) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += width) {
    out.append(text.substr(i, width));
    out.push_back('\n');
  }
  return out;
}

inline std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  for (std::size_t pos = s.find(from); pos != std::string::npos;
       pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

}  // namespace reachscan::verify::test_helpers
