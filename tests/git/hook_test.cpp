// The pre-commit hooks through real git (core.hooksPath, chaining, the hook finding reachscan on
// PATH) and the pre-commit framework, on repositories built by the tests.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/git/git_repo_fixture.h"

namespace reachscan {
namespace {

using namespace reachscan::test;
using testing::fake_token;

// The installed hook runs the reachscan on PATH: the tests put the binary under test first there.
class PathWith {
 public:
  explicit PathWith(const std::string& dir) : old_(std::getenv("PATH") ? std::getenv("PATH") : "") {
    ::setenv("PATH", (dir + ":" + old_).c_str(), 1);
  }
  ~PathWith() { ::setenv("PATH", old_.c_str(), 1); }

 private:
  std::string old_;
};

TEST_F(GitRepo, InstallHookBlocksSecretsAndPassesCleanCommits) {
  write("a.txt", "a\n");
  commit("a");
  const std::string bin = REACHSCAN_BINARY;
  const PathWith path(fs::path(bin).parent_path().string());
  must(repo_, "'" + bin + "' -q install-hook");
  write("leak.py", "T = '" + tok(21) + "'\n");
  must(repo_, "git add leak.py");
  auto [rc, out] = sh(repo_, "git commit -q -m leak");
  EXPECT_NE(rc, 0) << out;
  EXPECT_NE(out.find("leak.py:1  "), std::string::npos) << out;
  EXPECT_NE(out.find("reachscan:allow"), std::string::npos) << "short format, with the way out";
  EXPECT_EQ(out.find(tok(21)), std::string::npos) << "the hook never prints the secret";
  must(repo_, "git reset -q && rm leak.py");
  write("clean.py", "x = 1\n");
  must(repo_, "git add clean.py && git commit -q -m clean");
  // An existing foreign hook is chained (it runs first), not replaced, unless --force.
  std::ofstream(repo_ / ".git" / "hooks" / "pre-commit") << "#!/bin/sh\nexit 0\n";
  must(repo_, "'" + bin + "' -q install-hook --force");
  EXPECT_FALSE(fs::exists(repo_ / ".git" / "hooks" / "pre-commit.before-reachscan"));
}

// Issue 18: the hook goes where git runs hooks (core.hooksPath), chains an existing hook, and a
// husky-managed folder is refused with the exact command to run.
TEST_F(GitRepo, Issue18InstallHookHonoursHooksPathAndChains) {
  write("a.txt", "a\n");
  commit("a");
  const std::string bin = REACHSCAN_BINARY;
  const PathWith path(fs::path(bin).parent_path().string());
  // A plain hooks folder set in core.hooksPath, holding a foreign hook that leaves a mark.
  write("tools/hooks/pre-commit", "#!/bin/sh\necho ran >> \"$(git rev-parse --git-dir)/mark\"\n");
  must(repo_, "chmod +x tools/hooks/pre-commit && git config core.hooksPath tools/hooks");
  auto [rc, out] = sh(repo_, "'" + bin + "' install-hook");
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("tools/hooks/pre-commit"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(repo_ / ".git" / "hooks" / "pre-commit"));
  EXPECT_TRUE(fs::exists(repo_ / "tools" / "hooks" / "pre-commit.before-reachscan"));
  write("leak.py", "T = '" + tok(41) + "'\n");
  must(repo_, "git add leak.py");
  auto [crc, cout] = sh(repo_, "git commit -q -m leak");
  EXPECT_NE(crc, 0) << "git ran our hook from core.hooksPath: " << cout;
  EXPECT_NE(cout.find("leak.py:1"), std::string::npos) << cout;
  EXPECT_EQ(slurp((repo_ / ".git" / "mark").string()), "ran\n") << "the chained hook ran first";
  // Installing again keeps the chain as it is.
  must(repo_, "'" + bin + "' -q install-hook");
  must(repo_, "git reset -q && rm leak.py");
  must(repo_, "git add -A && git commit -q -m clean");
  EXPECT_EQ(slurp((repo_ / ".git" / "mark").string()), "ran\nran\n");
  // husky's generated folder: refused, with the command that works.
  must(repo_, "mkdir -p .husky/_ && touch .husky/_/h && git config core.hooksPath .husky/_");
  auto [hrc, hout] = sh(repo_, "'" + bin + "' install-hook");
  EXPECT_EQ(hrc, 2) << hout;
  EXPECT_NE(hout.find("husky"), std::string::npos) << hout;
  EXPECT_NE(hout.find(">> '" + (repo_ / ".husky" / "pre-commit").string() + "'"), std::string::npos)
      << hout;
  EXPECT_FALSE(fs::exists(repo_ / ".husky" / "_" / "pre-commit"));
}

// Issue 17: the hook finds reachscan on PATH, not at the path it was installed from, and says
// so when it is missing; --global says what it replaces and keeps each repository's own hooks.
TEST_F(GitRepo, InstallHookFindsReachscanOnPathAndGlobalKeepsRepositoryHooks) {
  write("a.txt", "a\n");
  commit("a");
  const std::string bin = REACHSCAN_BINARY;
  // An earlier global hooks folder with a pre-commit hook, and the repository's own hooks.
  write("../old-hooks/pre-commit", "#!/bin/sh\necho old >> \"$(git rev-parse --git-dir)/mark\"\n");
  must(repo_, "chmod +x ../old-hooks/pre-commit && git config --global core.hooksPath " +
                  (tmp_.path() / "old-hooks").string());
  must(repo_, "git config --global init.templateDir " + (tmp_.path() / "templates").string());
  write(".git/hooks/pre-commit", "#!/bin/sh\necho own >> \"$(git rev-parse --git-dir)/mark\"\n");
  write(".git/hooks/commit-msg", "#!/bin/sh\necho msg >> \"$(git rev-parse --git-dir)/mark\"\n");
  must(repo_, "chmod +x .git/hooks/pre-commit .git/hooks/commit-msg");
  // A PATH with git and what the hook script uses, and no reachscan.
  const fs::path bare_path = tmp_.path() / "bare-path";
  must(tmp_.path(),
       "mkdir -p bare-path && for t in git dirname cat; do ln -s \"$(command -v $t)\" "
       "bare-path/$t; done");
  const std::string no_reachscan = "PATH='" + bare_path.string() + "' ";
  auto [rc, out] = sh(repo_, no_reachscan + "'" + bin + "' install-hook --global");
  ASSERT_EQ(rc, 0) << out;
  const fs::path global = tmp_.path() / "config" / "reachscan" / "hooks";
  EXPECT_NE(out.find("core.hooksPath was " + (tmp_.path() / "old-hooks").string()),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("init.templateDir is"), std::string::npos) << out;
  EXPECT_NE(out.find("warning: reachscan is not on PATH"), std::string::npos) << out;
  const std::string hook = slurp((global / "pre-commit").string());
  EXPECT_EQ(hook.find(bin), std::string::npos) << "no absolute path of the binary:\n" << hook;
  // Without reachscan on PATH the commit fails, and says why.
  write("clean.py", "x = 1\n");
  must(repo_, "git add clean.py");
  auto [mrc, mout] = sh(repo_, no_reachscan + "git commit -q -m clean");
  EXPECT_NE(mrc, 0) << mout;
  EXPECT_NE(mout.find("reachscan is not on PATH"), std::string::npos) << mout;
  // With it: the old global hook, the repository's own hooks and reachscan all run.
  fs::remove(repo_ / ".git" / "mark");
  const PathWith path(fs::path(bin).parent_path().string());
  must(repo_, "git commit -q -m clean");
  EXPECT_EQ(slurp((repo_ / ".git" / "mark").string()), "old\nown\nmsg\n");
  write("leak.py", "T = '" + tok(42) + "'\n");
  must(repo_, "git add leak.py");
  auto [lrc, lout] = sh(repo_, "git commit -q -m leak");
  EXPECT_NE(lrc, 0) << lout;
  EXPECT_NE(lout.find("leak.py:1"), std::string::npos) << lout;
  // A repository path with --global is a contradiction.
  EXPECT_EQ(sh(repo_, "'" + bin + "' install-hook --global .").first, 2);
}

TEST_F(GitRepo, PreCommitFrameworkUsesOurHookDefinition) {
  if (std::system("command -v pre-commit >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "pre-commit is not installed (scripts/install-deps.sh installs it)";
  const std::string bin_dir = fs::path(REACHSCAN_BINARY).parent_path().string();
  const std::string env =
      "PATH='" + bin_dir + "':$PATH PRE_COMMIT_HOME='" + (tmp_.path() / "pc-cache").string() + "' ";
  write("a.txt", "a\n");
  commit("a");
  // try-repo runs the hooks defined in our working tree's .pre-commit-hooks.yaml.
  const std::string src = REACHSCAN_SOURCE_DIR;
  write("leak.env", "GITHUB_TOKEN=" + tok(22) + "\n");
  must(repo_, "git add leak.env");
  auto [rc, out] = sh(repo_, env + "pre-commit try-repo '" + src + "' reachscan");
  EXPECT_NE(rc, 0) << out;
  // The short hook format: place, rule, reach verdict, masked secret, how to suppress.
  EXPECT_NE(out.find("leak.env:1  github.pat.classic  "), std::string::npos) << out;
  EXPECT_NE(out.find("BLOCKS"), std::string::npos) << out;
  EXPECT_NE(out.find("reachscan:allow"), std::string::npos) << out;
  EXPECT_NE(out.find(".reachscanignore"), std::string::npos) << out;
  EXPECT_NE(out.find("github.pat.classic:"), std::string::npos) << "the fingerprint to ignore";
  EXPECT_EQ(out.find(tok(22)), std::string::npos) << "the hook never prints the secret";
  must(repo_, "git reset -q && rm leak.env");
  write("clean.txt", "nothing\n");
  must(repo_, "git add clean.txt");
  auto [rc2, out2] = sh(repo_, env + "pre-commit try-repo '" + src + "' reachscan");
  EXPECT_EQ(rc2, 0) << out2;
}

// The hook as users configure it: .pre-commit-config.yaml pointing at a repository that holds
// our .pre-commit-hooks.yaml, `pre-commit install`, then plain `git commit`.
TEST_F(GitRepo, PreCommitHookBlocksProductionAndWarnsOnTestKeysWithFailOnProduction) {
  if (std::system("command -v pre-commit >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "pre-commit is not installed (scripts/install-deps.sh installs it)";
  const std::string bin_dir = fs::path(REACHSCAN_BINARY).parent_path().string();
  const std::string env =
      "PATH='" + bin_dir + "':$PATH PRE_COMMIT_HOME='" + (tmp_.path() / "pc-cache").string() + "' ";
  const fs::path hooks = tmp_.path() / "hooks-repo";
  fs::create_directories(hooks);
  fs::copy_file(fs::path(REACHSCAN_SOURCE_DIR) / ".pre-commit-hooks.yaml",
                hooks / ".pre-commit-hooks.yaml");
  must(hooks, "git init -q -b main . && git add -A && git commit -q -m hooks");
  auto [rc0, rev] = sh(hooks, "git rev-parse HEAD");
  ASSERT_EQ(rc0, 0);
  rev.erase(rev.find_last_not_of("\n") + 1);
  write(".pre-commit-config.yaml", "repos:\n  - repo: file://" + hooks.string() +
                                       "\n    rev: " + rev +
                                       "\n    hooks:\n      - id: reachscan\n        args: "
                                       "[--fail-on, production]\n        verbose: true\n");
  commit("pre-commit config");
  must(repo_, env + "pre-commit install");

  const std::string live = fake_token("sk_live_", 32, 31);
  write("deploy/prod/values.yaml",
        "stripe:\n  environment: production\n  secretKey: " + live + "\n");
  must(repo_, "git add -A");
  auto [rc, out] = sh(repo_, env + "git commit -q -m prod");
  EXPECT_NE(rc, 0) << out;
  EXPECT_NE(out.find("deploy/prod/values.yaml:3  stripe.secret_key.live  production"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("BLOCKS"), std::string::npos) << out;
  EXPECT_NE(out.find("reachscan:allow"), std::string::npos) << out;
  EXPECT_EQ(out.find(live), std::string::npos) << "the hook never prints the secret";
  must(repo_, "git reset -q && rm -r deploy");

  const std::string test_key = fake_token("sk_test_", 32, 32);
  write("tests/fixtures/stripe_test.py", "KEY = '" + test_key + "'\n");
  must(repo_, "git add -A");
  auto [rc2, out2] = sh(repo_, env + "git commit -q -m fixture");
  EXPECT_EQ(rc2, 0) << out2;
  EXPECT_NE(out2.find("tests/fixtures/stripe_test.py:1  stripe.secret_key.test"), std::string::npos)
      << out2;
  EXPECT_NE(out2.find("warning"), std::string::npos) << out2;
  EXPECT_NE(out2.find("0 blocking, 1 warning only (--fail-on production)"), std::string::npos)
      << out2;
  EXPECT_EQ(out2.find(test_key), std::string::npos) << out2;

  write("clean.txt", "nothing\n");
  must(repo_, "git add -A");
  auto [rc3, out3] = sh(repo_, env + "git commit -q -m clean");
  EXPECT_EQ(rc3, 0) << out3;
}

}  // namespace
}  // namespace reachscan
