// Issue 12: findings past the memory budget spill to a private file; every report format is the
// same byte for byte with and without spilling, and the file is gone when the run ends.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string>

#include "tests/cli/cli_fixture.h"
#include "tests/support/temp_dir.h"

namespace reachscan {
namespace {

using namespace cli_test;  // NOLINT(google-build-using-namespace): the Cli fixture

// Timings differ from run to run; everything else must not.
std::string without_timings(const std::string& report) {
  static const std::regex timing(R"re("(elapsed_seconds|throughput_mb_per_s)": ?[0-9.e+-]+)re");
  return std::regex_replace(report, timing, "\"$1\": 0");
}

TEST_F(Cli, SpilledFindingsGiveTheSameReports) {
  // A history where one secret reaches production and is reused in tests, one sits in three
  // documents, and one is deleted before HEAD.
  const std::string repo = work_.str() + "/repo";
  const std::string a = fake_github_token(1), b = fake_github_token(2), c = fake_github_token(3);
  const std::string script = "set -e; git init -q '" + repo + "'; cd '" + repo + "';" +
                             " git config user.email t@example.com; git config user.name t;"
                             " mkdir -p k8s/prod tests docs;"
                             " echo 'GITHUB_TOKEN=" +
                             a +
                             "' > k8s/prod/app.env;"
                             " echo 'token = \"" +
                             a +
                             "\"' > tests/fixture.py; git add -A; git commit -q -m one;"
                             " for i in 1 2 3; do echo 'Authorization: token " +
                             b + " and " + c +
                             "' > docs/v$i.md; done; git add -A; git commit -q -m two;"
                             " git rm -q k8s/prod/app.env; echo 'x=" +
                             c +
                             "' > tests/other.env;"
                             " git add -A; git commit -q -m three";
  const std::string file = tmp_.write("repo.sh", script);
  ASSERT_EQ(std::system(("bash '" + file + "'").c_str()), 0);

  TempDir spill;
  ::setenv("TMPDIR", spill.str().c_str(), 1);
  for (const char* format : {"json", "jsonl", "sarif", "text", "csv", "junit", "short", "github"}) {
    const std::string args = std::string("-j1 -q --no-progress -f ") + format + " git " + repo;
    const Outcome held = run(args);
    const Outcome spilled = run("--findings-memory 0 " + args);
    EXPECT_EQ(held.code, 3) << format << held.err;
    EXPECT_EQ(spilled.code, held.code) << format << spilled.err;
    EXPECT_EQ(without_timings(spilled.out), without_timings(held.out)) << format;
    EXPECT_FALSE(held.out.empty()) << format;
  }
  const Outcome json = run("-q --findings-memory 0 -f json git " + repo);
  const auto doc = nlohmann::json::parse(json.out);
  EXPECT_EQ(doc["summary"]["findings"], 3);
  EXPECT_EQ(doc["summary"]["occurrences"], 5);
  // Masked text hides every secret, spilled or not.
  const Outcome text = run("--findings-memory 0 git " + repo);
  for (const std::string& s : {a, b, c}) EXPECT_EQ(text.out.find(s), std::string::npos);
  ::unsetenv("TMPDIR");
  EXPECT_TRUE(fs::is_empty(spill.path()));  // nothing left behind
}

}  // namespace
}  // namespace reachscan
