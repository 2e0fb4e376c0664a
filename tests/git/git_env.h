// The environment git fixtures run under: a fixed author and committer, no system or user
// configuration (HOME points into the test's own folder).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace reachscan::testing {

inline void set_git_test_env(const std::filesystem::path& home) {
  ::setenv("GIT_AUTHOR_NAME", "Dev One", 1);
  ::setenv("GIT_AUTHOR_EMAIL", "dev@corp.test", 1);
  ::setenv("GIT_COMMITTER_NAME", "Dev One", 1);
  ::setenv("GIT_COMMITTER_EMAIL", "dev@corp.test", 1);
  ::setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
  ::setenv("HOME", home.c_str(), 1);
}

// Runs `cmd` with bash in `dir` (a failure fails the test) and returns its output, stderr included.
inline std::string run(const std::filesystem::path& dir, const std::string& cmd) {
  const std::filesystem::path out = dir.parent_path() / "cmd.out";
  const std::string full =
      "cd '" + dir.string() + "' && (" + cmd + ") >'" + out.string() + "' 2>&1";
  EXPECT_EQ(std::system(full.c_str()), 0) << cmd;
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The non-empty lines of `text`.
inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

}  // namespace reachscan::testing
