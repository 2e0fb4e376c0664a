// Test helpers: a temporary folder removed at the end of the test, small file writers and a
// whole-file reader.
#pragma once

#include <unistd.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace reachscan::testing {

// The whole content of a file (empty when it cannot be read).
inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "reachscan-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

  // Writes `content` to path()/rel, creating folders; returns the full path.
  std::string write(const std::string& rel, const std::string& content) const {
    const std::filesystem::path p = path_ / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }

 private:
  std::filesystem::path path_;
};

// Fake but well-formed tokens: the right prefix, length and alphabet, built at run time so no
// credential-shaped literal sits in the test sources.
inline std::string fake_token(
    const std::string& prefix, std::size_t n, unsigned seed,
    const std::string& alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") {
  std::string out = prefix;
  unsigned x = seed * 2654435761u + 12345u;
  for (std::size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    out.push_back(alphabet[x % alphabet.size()]);
  }
  return out;
}

// A GitHub token of the given prefix ("ghp_", "gho_", ...) whose last 6 characters are the
// base62 CRC-32 of the 30 random ones, as GitHub's format requires.
inline std::string fake_github_token(unsigned seed, const std::string& prefix = "ghp_") {
  const std::string body = fake_token("", 30, seed);
  unsigned long crc =
      crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
  static constexpr char kBase62[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string check;
  for (int i = 0; i < 6; ++i) {
    check.insert(check.begin(), kBase62[crc % 62]);
    crc /= 62;
  }
  return prefix + body + check;
}

}  // namespace reachscan::testing
