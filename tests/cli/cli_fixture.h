// The Cli fixture shared by the binary's end-to-end tests: runs `reachscan ARGS` with input on
// stdin, in a private cache, against REACHSCAN_BIN when set (an installed binary, the Action's
// image) or the one just built.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace reachscan::cli_test {

// The records of a JSON Lines report, in order.
inline std::vector<nlohmann::json> jsonl_lines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(out);
  for (std::string l; std::getline(in, l);) lines.push_back(nlohmann::json::parse(l));
  return lines;
}

namespace fs = std::filesystem;
using testing::fake_github_token;
using testing::fake_token;
using testing::TempDir;

struct Outcome {
  int code = -1;
  std::string out, err;
};

using testing::slurp;

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* bin = std::getenv("REACHSCAN_BIN");
    bin_ = bin && *bin ? bin : REACHSCAN_BINARY;
    ::setenv("XDG_CACHE_HOME", (tmp_.path() / "cache").c_str(), 1);
    ghp_ = fake_github_token(42);
  }

  // Runs `reachscan ARGS` with `input` on stdin.
  Outcome run(const std::string& args, const std::string& input = "") {
    const std::string in = tmp_.write("stdin.txt", input);
    const std::string out = (tmp_.path() / "stdout.txt").string();
    const std::string err = (tmp_.path() / "stderr.txt").string();
    const std::string cmd =
        "'" + bin_ + "' " + args + " <'" + in + "' >'" + out + "' 2>'" + err + "'";
    const int status = std::system(cmd.c_str());
    Outcome r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
  }

  TempDir tmp_;
  TempDir work_;
  std::string bin_;
  std::string ghp_;
};

}  // namespace reachscan::cli_test
