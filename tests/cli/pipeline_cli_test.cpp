// End-to-end tests of the one pipeline through the binary (issue 12): findings grouped by secret,
// `dir` defaults, the one glob dialect for --exclude and allow paths, the config found in a
// parent, workspace-relative annotations, closed pipes, progress on a terminal, grouped errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/cli/cli_fixture.h"
#include "tests/support/temp_dir.h"

namespace reachscan {
namespace {

using namespace cli_test;  // NOLINT(google-build-using-namespace): the Cli fixture

// Issue 12: one secret copied into many places is one finding with its occurrences, in every
// format (SARIF keeps one result per place, with the finding's fingerprint).
TEST_F(Cli, OneSecretInManyPlacesIsOneFinding) {
  for (int v = 1; v <= 5; ++v)
    work_.write("docs/v" + std::to_string(v) + "/api.md", "Authorization: token " + ghp_ + "\n");
  const std::string dir = work_.str() + "/docs";

  const Outcome json = run("-f json dir " + dir);
  ASSERT_EQ(json.code, 1) << json.err;
  const auto doc = nlohmann::json::parse(json.out);
  ASSERT_EQ(doc["findings"].size(), 1u);
  EXPECT_EQ(doc["findings"][0]["occurrence_count"], 5);
  ASSERT_EQ(doc["findings"][0]["occurrences"].size(), 5u);
  EXPECT_EQ(doc["findings"][0]["occurrences"][4]["path"], dir + "/v5/api.md");
  EXPECT_EQ(doc["summary"]["findings"], 1);
  EXPECT_EQ(doc["summary"]["occurrences"], 5);

  const Outcome text = run("dir " + dir);
  EXPECT_NE(text.out.find("seen        5 places"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("1 more (-v lists them)"), std::string::npos) << text.out;
  EXPECT_NE(text.err.find("5 occurrences of 1 distinct secret"), std::string::npos) << text.err;
  EXPECT_EQ(text.out.find(ghp_), std::string::npos);
  const Outcome verbose = run("-v dir " + dir);
  EXPECT_NE(verbose.out.find(dir + "/v5/api.md"), std::string::npos);

  const Outcome sarif = run("-f sarif dir " + dir);
  const auto results = nlohmann::json::parse(sarif.out)["runs"][0]["results"];
  ASSERT_EQ(results.size(), 5u);
  EXPECT_EQ(results[0]["partialFingerprints"]["reachscan/v1"],
            results[4]["partialFingerprints"]["reachscan/v1"]);

  const Outcome jsonl = run("-f jsonl -q dir " + dir);
  std::size_t occurrences = 0, findings = 0;
  for (const auto& l : jsonl_lines(jsonl.out)) {
    occurrences += l["type"] == "occurrence";
    findings += l["type"] == "finding";
  }
  EXPECT_EQ(occurrences, 5u);
  EXPECT_EQ(findings, 1u);

  const Outcome hook = run("-f short dir " + dir);
  EXPECT_NE(hook.out.find("(+4 more places)"), std::string::npos) << hook.out;
}

// Issue 12: `dir` without a path scans the current folder; --exclude skips paths.
TEST_F(Cli, DirDefaultsToTheCurrentFolderAndExcludeSkips) {
  work_.write("app/config.py", "token = '" + ghp_ + "'\n");
  work_.write("vendor/lib/config.py", "token = '" + ghp_ + "'\n");
  const std::string cd = "cd '" + work_.str() + "' && '" + bin_ + "' ";
  const std::string out = (tmp_.path() / "o.json").string();
  ASSERT_EQ(std::system((cd + "-f json -o '" + out + "' dir 2>/dev/null; test $? = 1").c_str()), 0);
  auto doc = nlohmann::json::parse(slurp(out));
  ASSERT_EQ(doc["findings"].size(), 1u);
  EXPECT_EQ(doc["findings"][0]["occurrence_count"], 2);
  ASSERT_EQ(
      std::system((cd + "-f json -o '" + out + "' --exclude 'vendor/**' dir 2>/dev/null").c_str()),
      256);
  doc = nlohmann::json::parse(slurp(out));
  EXPECT_EQ(doc["findings"][0]["occurrence_count"], 1);
  EXPECT_EQ(doc["findings"][0]["path"], "app/config.py");
  EXPECT_EQ(doc["summary"]["skipped"]["excluded"], 1);
}

// Issue 12: --exclude and allow.paths speak one glob dialect (core/glob.h): a trailing '/' is a
// folder, a leading '/' anchors at the root, a name without '/' matches at any depth, and an
// allow-listed folder covers what is under it in a git history as in a folder walk.
TEST_F(Cli, OneGlobDialectForExcludeAndAllowPaths) {
  const std::string dir = work_.str() + "/tree";
  const char* files[] = {"build/out.txt", "src/build", "docs/a.md", "root.env", "sub/root.env"};
  unsigned seed = 100;
  for (const char* f : files)
    work_.write(std::string("tree/") + f, "t: " + fake_github_token(++seed) + "\n");
  const Outcome r = run("-f json --exclude build/ --exclude /root.env --exclude '*.md' dir " + dir);
  ASSERT_EQ(r.code, 1) << r.err;
  const auto found = nlohmann::json::parse(r.out);
  std::vector<std::string> paths;
  for (const auto& f : found["findings"]) paths.push_back(f["path"]);
  std::sort(paths.begin(), paths.end());
  EXPECT_EQ(paths, (std::vector<std::string>{dir + "/src/build", dir + "/sub/root.env"}));

  const std::string repo = work_.str() + "/repo";
  const std::string script = "set -e; git init -q '" + repo + "'; cd '" + repo + "';" +
                             " git config user.email t@example.com; git config user.name t;" +
                             " mkdir -p vendor/lib app; echo 't: " + fake_github_token(7) +
                             "' > vendor/lib/a.txt; echo 't: " + fake_github_token(8) +
                             "' > app/a.txt; git add -A; git commit -q -m one";
  ASSERT_EQ(std::system(("bash -c \"" + script + "\"").c_str()), 0);
  work_.write("repo/.reachscan.yaml", "allow:\n  paths: ['vendor']\n");
  const Outcome g = run("-f json git " + repo);
  ASSERT_EQ(g.code, 1) << g.err;
  const auto doc = nlohmann::json::parse(g.out);
  ASSERT_EQ(doc["findings"].size(), 1u) << g.out;
  EXPECT_EQ(doc["findings"][0]["path"], "app/a.txt");
}

// Issue 12: the config file is found in the scan root or the nearest parent holding one, up to
// the repository root.
TEST_F(Cli, ConfigIsFoundInTheNearestParent) {
  // Both rules that read a `token: ghp_...` line are skipped (the generic assignment rule takes
  // over the value when only the provider rule is skipped).
  work_.write("repo/.reachscan.yaml", "skip_rules: [github.pat.classic, generic.assignment]\n");
  work_.write("repo/sub/deeper/a.txt", "token: " + ghp_ + "\n");
  EXPECT_EQ(run("dir " + work_.str() + "/repo/sub/deeper").code, 0);
  // A repository root stops the search: the parent's config does not apply inside it.
  fs::create_directories(work_.path() / "repo/inner/.git");
  work_.write("repo/inner/b.txt", "token: " + ghp_ + "\n");
  EXPECT_EQ(run("dir " + work_.str() + "/repo/inner").code, 1);
}

// Issue 12: GitHub annotations name files relative to the workspace.
TEST_F(Cli, GithubAnnotationsAreRelativeToTheWorkspace) {
  work_.write("src/app.env", "GITHUB_TOKEN=" + ghp_ + "\n");
  ::setenv("GITHUB_WORKSPACE", work_.str().c_str(), 1);
  const Outcome r = run("-f github dir " + work_.str() + "/src");
  ::unsetenv("GITHUB_WORKSPACE");
  EXPECT_NE(r.out.find("file=src/app.env,"), std::string::npos) << r.out;
}

// Issue 12: a closed pipe ends the output quietly.
TEST_F(Cli, ClosedPipeEndsQuietly) {
  for (int i = 0; i < 200; ++i)
    work_.write("f" + std::to_string(i) + ".txt",
                "token: " + fake_github_token(static_cast<unsigned>(i)) + "\n");
  const std::string err = (tmp_.path() / "pipe.err").string();
  const std::string cmd = "'" + bin_ + "' --show-secrets dir '" + work_.str() + "' 2>'" + err +
                          "' | head -c 10 >/dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(slurp(err).find("error"), std::string::npos) << slurp(err);
}

// Issue 12: a progress line on a terminal (stderr), not on a pipe or with -q.
TEST_F(Cli, ProgressLineOnATerminal) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "no script(1)";
  // A scan that lasts over a second: standard input kept open for 2 s (rules cached first).
  run("stdin", "");
  const std::string typescript = (tmp_.path() / "typescript").string();
  const std::string cmd = "script -qec \"(echo token; sleep 2) | '" + bin_ +
                          "' stdin >/dev/null\" '" + typescript + "' >/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_NE(slurp(typescript).find("reachscan: 0 files"), std::string::npos) << slurp(typescript);
  // -q: none, on a terminal too.
  const std::string quiet = "script -qec \"(echo token; sleep 1) | '" + bin_ +
                            "' -q stdin >/dev/null\" '" + typescript + "' >/dev/null";
  ASSERT_EQ(std::system(quiet.c_str()), 0);
  EXPECT_EQ(slurp(typescript).find("reachscan: 0 files"), std::string::npos) << slurp(typescript);
  const Outcome piped = run("stdin", "token\n");
  EXPECT_EQ(piped.err.find("\033[K"), std::string::npos);
}

// Issue 12: many missing objects print one grouped line, not one each (-v lists them).
TEST_F(Cli, ManyMissingObjectsAreOneLine) {
  const std::string repo = work_.str() + "/repo";
  std::string script = "set -e; git init -q '" + repo + "'; cd '" + repo + "';" +
                       " git config user.email t@example.com; git config user.name t;";
  for (int i = 0; i < 6; ++i)
    script += " echo 'content " + std::to_string(i) + "' > f" + std::to_string(i) + ".txt;";
  script +=
      " git add -A; git commit -q -m one;"
      " for f in f*.txt; do id=$(git rev-parse HEAD:$f);"
      " rm -f .git/objects/${id:0:2}/${id:2}; done";
  const std::string file = tmp_.write("missing.sh", script);
  ASSERT_EQ(std::system(("bash '" + file + "'").c_str()), 0);
  const Outcome r = run("git " + repo);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("6 alike (5 more, -v lists them)"), std::string::npos) << r.err;
  const Outcome v = run("-v git " + repo);
  EXPECT_NE(v.err.find("f5.txt: unreadable"), std::string::npos) << v.err;
}

}  // namespace
}  // namespace reachscan
