// Detection options end to end: --entropy-strings turns on the opt-in high-entropy string rules
// (off by default), --only-rules can name one of them, and a Docker config's auth is decoded.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "tests/support/temp_dir.h"

namespace reachscan {
namespace {

class DetectionOptions : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* bin = std::getenv("REACHSCAN_BIN");
    bin_ = bin && *bin ? bin : REACHSCAN_BINARY;
    ::setenv("XDG_CACHE_HOME", (dir_.path() / "cache").c_str(), 1);
  }
  // Rule ids reported for `file` with `args`; the exit status must be 0 (--exit-code 0).
  std::set<std::string> rules_for(const std::string& args, const std::string& file) {
    const std::string out = (dir_.path() / "out.jsonl").string();
    const std::string cmd = "'" + bin_ + "' -q --exit-code 0 -f jsonl -o '" + out + "' " + args +
                            " dir '" + file + "' 2>/dev/null";
    const int status = std::system(cmd.c_str());
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << cmd;
    std::set<std::string> ids;
    std::ifstream in(out);
    for (std::string line; std::getline(in, line);) {
      const auto j = nlohmann::json::parse(line);
      if (j.contains("rule_id")) ids.insert(j["rule_id"].get<std::string>());
    }
    return ids;
  }
  testing::TempDir dir_;
  std::string bin_;
};

TEST_F(DetectionOptions, EntropyStringsAreOptIn) {
  const std::string file =
      dir_.write("blob.js",
                 "const blob = \"Zk3vP9xQ2LwZ7mN4tY8bHcRk3vP9xQ2LwZ7mN4t+/q\";\n"
                 "const id = \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b\";\n");
  EXPECT_TRUE(rules_for("", file).empty());
  const auto on = rules_for("--entropy-strings", file);
  EXPECT_EQ(on.count("generic.entropy.base64"), 1u);
  EXPECT_EQ(on.count("generic.entropy.hex"), 1u);
  const auto named = rules_for("--only-rules generic.entropy.hex", file);
  EXPECT_EQ(named, std::set<std::string>{"generic.entropy.hex"});
  const auto skipped = rules_for("--entropy-strings --skip-rules generic.entropy.hex", file);
  EXPECT_EQ(skipped, std::set<std::string>{"generic.entropy.base64"});
}

TEST_F(DetectionOptions, DockerConfigAuthIsDecoded) {
  // base64("deploy:T7qXv9kLmP2wRs4z")
  const std::string file = dir_.write(
      "config.json",
      R"({"auths": {"registry.acme-corp.io": {"auth": "ZGVwbG95OlQ3cVh2OWtMbVAyd1JzNHo="}}})");
  const std::string out = (dir_.path() / "r.json").string();
  const std::string cmd =
      "'" + bin_ + "' -q --exit-code 0 -f json -o '" + out + "' dir '" + file + "' 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(out);
  const auto report = nlohmann::json::parse(in);
  ASSERT_EQ(report["findings"].size(), 1u);
  const auto& v = report["findings"][0]["verification"];
  EXPECT_EQ(v["status"], "valid_structure");
  EXPECT_EQ(v["attributes"]["username"], "deploy");
  EXPECT_EQ(v["attributes"]["password_length"], "16");
}

}  // namespace
}  // namespace reachscan
