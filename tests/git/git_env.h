// The environment git fixtures run under: a fixed author and committer, no system or user
// configuration (HOME points into the test's own folder).
#pragma once

#include <cstdlib>
#include <filesystem>

namespace reachscan::testing {

inline void set_git_test_env(const std::filesystem::path& home) {
  ::setenv("GIT_AUTHOR_NAME", "Dev One", 1);
  ::setenv("GIT_AUTHOR_EMAIL", "dev@corp.test", 1);
  ::setenv("GIT_COMMITTER_NAME", "Dev One", 1);
  ::setenv("GIT_COMMITTER_EMAIL", "dev@corp.test", 1);
  ::setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
  ::setenv("HOME", home.c_str(), 1);
}

}  // namespace reachscan::testing
