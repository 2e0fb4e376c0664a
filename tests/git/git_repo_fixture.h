// The fixture of the git tests: a repository built in a temporary folder by the test itself,
// scanned with the embedded rules, and a shell runner.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

#include "tests/git/git_env.h"
#include "tests/support/scan.h"
#include "tests/support/temp_dir.h"

namespace reachscan::test {

namespace fs = std::filesystem;
using testing::fake_github_token;
using testing::slurp;
using testing::TempDir;

// Runs a shell command in `dir`; returns its exit status and output.
inline std::pair<int, std::string> sh(const fs::path& dir, const std::string& cmd) {
  const std::string out = (dir.parent_path() / ("sh-" + dir.filename().string() + ".out")).string();
  const std::string full = "cd '" + dir.string() + "' && (" + cmd + ") >'" + out + "' 2>&1";
  const int status = std::system(full.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out)};
}

inline void must(const fs::path& dir, const std::string& cmd) {
  auto [rc, out] = sh(dir, cmd);
  ASSERT_EQ(rc, 0) << cmd << "\n" << out;
}

class GitRepo : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::set_git_test_env(tmp_.path());
    ::setenv("XDG_CACHE_HOME", (tmp_.path() / "cache").c_str(), 1);
    ::setenv("XDG_CONFIG_HOME", (tmp_.path() / "config").c_str(), 1);
    repo_ = tmp_.path() / "repo";
    fs::create_directories(repo_);
    must(repo_, "git init -q -b main .");
    patterns::DatabaseOptions o;
    o.cache_dir = (tmp_.path() / "cache").string();
    db_ = patterns::RuleDatabase::build(patterns::embedded_rules().rules, o).database;
  }

  void write(const std::string& rel, const std::string& content) {
    fs::create_directories((repo_ / rel).parent_path());
    std::ofstream(repo_ / rel, std::ios::binary) << content;
  }
  void commit(const std::string& msg) {
    must(repo_, "git add -A && git commit -q -m '" + msg + "'");
  }

  FlatResult scan(GitScanOptions o) {
    if (o.repo == ".") o.repo = repo_.string();
    auto r = scan_git(db_, o);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? std::move(*r) : FlatResult{};
  }

  static const Finding* find(const FlatResult& r, const std::string& secret) {
    for (const Finding& f : r.findings)
      if (f.secret == secret) return &f;
    return nullptr;
  }

  std::string tok(unsigned seed) { return fake_github_token(seed); }

  TempDir tmp_;
  fs::path repo_;
  std::shared_ptr<const patterns::RuleDatabase> db_;
};

}  // namespace reachscan::test
