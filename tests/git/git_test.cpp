// Git scanning against repositories built in temporary folders by the test itself (history with
// added and removed secrets, branches, merges, renames, shallow clones, corrupt objects, bare
// repositories, worktrees, submodules, LFS pointers), plus the hooks through real git and the
// pre-commit framework.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "git/repository.h"
#include "tests/git/git_env.h"
#include "tests/support/scan.h"
#include "tests/support/temp_dir.h"

namespace reachscan {
namespace {

using namespace reachscan::test;

namespace fs = std::filesystem;
using testing::fake_github_token;
using testing::fake_token;
using testing::TempDir;

using testing::slurp;

// Runs a shell command in `dir`; returns its exit status and output.
std::pair<int, std::string> sh(const fs::path& dir, const std::string& cmd) {
  const std::string out = (dir.parent_path() / ("sh-" + dir.filename().string() + ".out")).string();
  const std::string full = "cd '" + dir.string() + "' && (" + cmd + ") >'" + out + "' 2>&1";
  const int status = std::system(full.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out)};
}

void must(const fs::path& dir, const std::string& cmd) {
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

TEST_F(GitRepo, HistoryProvenanceRemovedSecretsAndBranches) {
  write("README.md", "hello\n");
  commit("initial");
  write("config/app.env", "A=1\nGITHUB_TOKEN=" + tok(1) + "\n");
  commit("add config with token");
  write("config/app.env", "A=1\n");
  write("keep.txt", "still " + tok(2) + "\n");
  commit("remove token, add another");
  must(repo_, "git checkout -q -b feature");
  write("feature.py", "T = '" + tok(3) + "'\n");
  commit("feature secret");
  must(repo_, "git checkout -q main");
  must(repo_, "git tag v1.0");

  GitScanOptions o;
  const FlatResult r = scan(o);
  ASSERT_EQ(r.findings.size(), 3u);
  EXPECT_FALSE(r.summary.has_errors());
  EXPECT_EQ(r.summary.commits, 4u);

  const Finding* removed = find(r, tok(1));
  ASSERT_NE(removed, nullptr);
  EXPECT_EQ(removed->path, "config/app.env");
  EXPECT_EQ(removed->line, 2u);
  ASSERT_TRUE(removed->commit);
  EXPECT_EQ(removed->commit->summary, "add config with token");
  EXPECT_EQ(removed->commit->author, "Dev One");
  EXPECT_EQ(removed->commit->id.size(), 40u);
  EXPECT_FALSE(removed->commit->in_head);  // removed, still leaked
  EXPECT_EQ(removed->commit->refs, (std::vector<std::string>{"feature", "main", "v1.0"}));

  const Finding* kept = find(r, tok(2));
  ASSERT_NE(kept, nullptr);
  EXPECT_TRUE(kept->commit->in_head);

  const Finding* feature = find(r, tok(3));
  ASSERT_NE(feature, nullptr);
  EXPECT_EQ(feature->commit->refs, std::vector<std::string>{"feature"});
  EXPECT_FALSE(feature->commit->in_head);  // not on the default branch's HEAD

  GitScanOptions only_main;
  only_main.branch = "main";
  EXPECT_EQ(scan(only_main).findings.size(), 2u);
}

TEST_F(GitRepo, EachBlobOnceAcrossCommitsAndPaths) {
  const std::string content = "key=" + tok(4) + "\n";
  write("a/one.txt", content);
  commit("one");
  for (int i = 0; i < 5; ++i) {
    write("a/unrelated" + std::to_string(i) + ".txt", std::to_string(i));
    commit("noise " + std::to_string(i));
  }
  write("b/copy.txt", content);  // same blob under another path
  must(repo_, "git mv a/one.txt a/renamed.txt");
  commit("copy and rename");
  const FlatResult r = scan({});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].path, "a/one.txt");
  EXPECT_EQ(r.findings[0].commit->summary, "one");
  EXPECT_TRUE(r.findings[0].commit->in_head);
  // One finding, and where the secret is now: the renamed file and the copy.
  EXPECT_EQ(r.findings[0].commit->head_paths,
            (std::vector<std::string>{"a/renamed.txt", "b/copy.txt"}));
}

TEST_F(GitRepo, MergesStashAndNotesAreWalked) {
  write("base.txt", "base\n");
  commit("base");
  must(repo_, "git checkout -q -b side");
  write("side.txt", "s " + tok(5) + "\n");
  commit("side");
  must(repo_, "git checkout -q main");
  write("main.txt", "m\n");
  commit("main work");
  must(repo_, "git merge -q --no-edit side");
  write("wip.txt", "w " + tok(6) + "\n");
  must(repo_, "git add wip.txt && git stash -q");
  must(repo_, "git notes add -m 'note " + tok(7) + "' HEAD");
  const FlatResult r = scan({});
  EXPECT_NE(find(r, tok(5)), nullptr);
  EXPECT_NE(find(r, tok(6)), nullptr);  // only in the stash
  EXPECT_NE(find(r, tok(7)), nullptr);  // only in a note
}

TEST_F(GitRepo, StagedReportsOnlyAddedLinesInInitialCommitToo) {
  write("app.py", "A = '" + tok(8) + "'\n");
  must(repo_, "git add app.py");  // unborn HEAD
  GitScanOptions o;
  o.mode = GitScanOptions::Mode::kStaged;
  FlatResult r = scan(o);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].line, 1u);
  commit("first");

  // An old secret on an untouched line is not reported; the new one is.
  write("app.py", "A = '" + tok(8) + "'\nB = 2\nC = '" + tok(9) + "'\n");
  must(repo_, "git add app.py");
  r = scan(o);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].secret, tok(9));
  EXPECT_EQ(r.findings[0].line, 3u);
  commit("second");

  // A rename adds no lines; a binary file and a submodule are skipped with reasons.
  must(repo_, "git mv app.py main.py");
  std::ofstream(repo_ / "blob.bin", std::ios::binary) << std::string("\0\x01\x02 ", 4) + tok(10);
  must(repo_, "git add blob.bin");
  fs::path sub = tmp_.path() / "sub";
  fs::create_directories(sub);
  must(sub, "git init -q -b main . && echo x > x && git add x && git commit -q -m x");
  must(repo_, "git -c protocol.file.allow=always submodule add -q '" + sub.string() + "' vendored");
  r = scan(o);
  EXPECT_TRUE(r.findings.empty());
  const auto reasons = r.summary.skipped_by_reason();
  EXPECT_EQ(reasons.count("binary"), 1u);
  EXPECT_EQ(reasons.count("submodule"), 1u);
}

TEST_F(GitRepo, RangeScansWhatCommitsIntroduce) {
  write("a.txt", "old " + tok(11) + "\n");
  commit("old secret");
  must(repo_, "git tag base");
  write("a.txt", "old " + tok(11) + "\nnew " + tok(12) + "\n");
  commit("new secret");
  write("b.txt", "another " + tok(13) + "\n");
  commit("another");
  GitScanOptions o;
  o.mode = GitScanOptions::Mode::kRange;
  o.range = "base..HEAD";
  FlatResult r = scan(o);
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(find(r, tok(11)), nullptr);
  ASSERT_NE(find(r, tok(12)), nullptr);
  EXPECT_EQ(find(r, tok(12))->commit->summary, "new secret");
  o.range = "base";  // --since-commit
  EXPECT_EQ(scan(o).findings.size(), 2u);
  o.range = "nope..HEAD";
  EXPECT_FALSE(
      scan_git(
          db_,
          GitScanOptions{
              repo_.string(), GitScanOptions::Mode::kRange, "nope..HEAD", std::nullopt, false, {}})
          .ok());
}

TEST_F(GitRepo, LfsPointersAndLargeBlobsAreCountedSkips) {
  write("model.bin", "version https://git-lfs.github.com/spec/v1\noid sha256:" +
                         std::string(64, 'a') + "\nsize 12345\n");
  write("big.txt", std::string(3000, 'q') + " " + tok(14) + "\n");
  write("ok.txt", tok(15) + "\n");
  commit("lfs and big");
  GitScanOptions o;
  o.scan.max_file_size = 2000;
  const FlatResult r = scan(o);
  ASSERT_EQ(r.findings.size(), 1u);
  const auto reasons = r.summary.skipped_by_reason();
  EXPECT_EQ(reasons.at("lfs_pointer"), 1u);
  EXPECT_EQ(reasons.at("too_large"), 1u);
}

TEST_F(GitRepo, LargeBlobIsScannedInChunks) {
  std::string content;
  for (int i = 0; i < 300; ++i) content += std::string(2000, 'z') + " " + tok(100 + i) + "\n";
  write("huge.txt", content);
  commit("huge");
  GitScanOptions o;
  o.scan.chunk_size = 64 * 1024;
  const FlatResult r = scan(o);
  ASSERT_EQ(r.findings.size(), 300u);
  EXPECT_EQ(r.findings.back().line, 300u);
}

// A CI checkout fetched with --depth 2: the range's base is on the shallow boundary, so its
// parents are missing. Commit dates are set so that a walk marking base's history uninteresting
// has to look at those parents (the tip's committer date is older than the base's).
// Issue 18: libgit2 cannot stream packed blobs, so large ones are held one at a time: a second
// reader of a large blob waits until the first is dropped, and small blobs never wait.
TEST_F(GitRepo, Issue18LargeBlobsAreHeldOneAtATime) {
  write("big1.bin.txt", std::string(17u << 20, 'a'));
  write("big2.bin.txt", std::string(17u << 20, 'b'));
  write("small.txt", "small\n");
  commit("big");
  auto repo = git::Repository::open(repo_.string());
  ASSERT_TRUE(repo.ok());
  auto id = [&](const std::string& path) {
    auto [rc, out] = sh(repo_, "git rev-parse HEAD:" + path);
    return *git::ObjectId::from_hex(out.substr(0, 40));
  };
  auto first = (*repo)->read_blob(id("big1.bin.txt"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->data.size(), 17u << 20);
  EXPECT_TRUE((*repo)->read_blob(id("small.txt")).ok()) << "small blobs do not wait";
  std::atomic<bool> second_read{false};
  std::thread other([&] {
    auto h = git::Repository::open(repo_.string());
    auto second = (*h)->read_blob(id("big2.bin.txt"));
    second_read = second.ok() && second->data.size() == (17u << 20);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(second_read) << "a second large blob waits for the first to be dropped";
  *first = git::Repository::Blob{};
  other.join();
  EXPECT_TRUE(second_read);
}

TEST_F(GitRepo, RangeInShallowCloneStopsAtTheBoundary) {
  write("a.txt", "old " + tok(21) + "\n");
  must(repo_, "git add -A && GIT_COMMITTER_DATE='2024-01-01T00:00:00Z' git commit -q -m root");
  write("b.txt", "middle\n");
  must(repo_, "git add -A && GIT_COMMITTER_DATE='2024-01-03T00:00:00Z' git commit -q -m base");
  write("c.txt", "new " + tok(22) + "\n");
  must(repo_, "git add -A && GIT_COMMITTER_DATE='2024-01-02T00:00:00Z' git commit -q -m tip");
  must(tmp_.path(), "git clone -q --depth 2 file://" + repo_.string() + " shallow2");
  GitScanOptions o;
  o.repo = (tmp_.path() / "shallow2").string();
  o.mode = GitScanOptions::Mode::kRange;
  o.range = "HEAD~1..HEAD";
  const FlatResult r = scan(o);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].secret, tok(22));
}

TEST_F(GitRepo, BareWorktreeShallowAndEmpty) {
  write("a.txt", "x " + tok(16) + "\n");
  commit("one");
  write("b.txt", "y " + tok(17) + "\n");
  commit("two");
  // Bare clone.
  must(tmp_.path(), "git clone -q --bare repo bare.git");
  GitScanOptions bare;
  bare.repo = (tmp_.path() / "bare.git").string();
  EXPECT_EQ(scan(bare).findings.size(), 2u);
  // Worktree.
  must(repo_, "git worktree add -q ../wt -b wt");
  GitScanOptions wt;
  wt.repo = (tmp_.path() / "wt").string();
  EXPECT_EQ(scan(wt).findings.size(), 2u);
  // Shallow clone: only what exists is scanned, and the summary says so.
  must(tmp_.path(), "git clone -q --depth 1 file://" + repo_.string() + " shallow");
  GitScanOptions sh_opts;
  sh_opts.repo = (tmp_.path() / "shallow").string();
  const FlatResult s = scan(sh_opts);
  EXPECT_EQ(s.findings.size(), 2u);  // both files exist at the tip
  ASSERT_FALSE(s.summary.notes.empty());
  EXPECT_NE(s.summary.notes[0].find("shallow"), std::string::npos);
  // Empty repository and a folder that is not one.
  fs::create_directories(tmp_.path() / "empty");
  must(tmp_.path() / "empty", "git init -q .");
  GitScanOptions empty;
  empty.repo = (tmp_.path() / "empty").string();
  EXPECT_TRUE(scan(empty).findings.empty());
  fs::create_directories(tmp_.path() / "plain");
  GitScanOptions plain;
  plain.repo = (tmp_.path() / "plain").string();
  auto bad = scan_git(db_, plain);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("not a git repository"), std::string::npos);
}

TEST_F(GitRepo, CorruptObjectIsReportedAndScanGoesOn) {
  write("good.txt", "g " + tok(18) + "\n");
  write("bad.txt", "b " + tok(19) + "\n");
  commit("two files");
  auto [rc, id] = sh(repo_, "git rev-parse HEAD:bad.txt");
  ASSERT_EQ(rc, 0);
  id.erase(id.find_last_not_of("\n") + 1);
  const fs::path obj = repo_ / ".git" / "objects" / id.substr(0, 2) / id.substr(2);
  fs::permissions(obj, fs::perms::owner_write, fs::perm_options::add);
  std::ofstream(obj, std::ios::binary | std::ios::trunc) << "not zlib data";
  const FlatResult r = scan({});
  EXPECT_NE(find(r, tok(18)), nullptr);
  EXPECT_EQ(find(r, tok(19)), nullptr);
  EXPECT_TRUE(r.summary.has_errors());
  bool named = false;
  for (const Skip& s : r.summary.skipped) named |= s.detail.find(id) != std::string::npos;
  EXPECT_TRUE(named) << "the corrupt object id is reported";
}

// Issue 18: a broken history is never reported clean. Each damage is a recorded error naming
// what could not be read, and what can be read is still scanned.
TEST_F(GitRepo, Issue18BrokenHistoryIsAnErrorNeverClean) {
  write("a.txt", "a " + tok(40) + "\n");
  commit("one");
  must(repo_, "git checkout -q -b side && echo s > s.txt && git add s.txt && git commit -q -m s");
  must(repo_, "git checkout -q main");
  auto errors_of = [&](const fs::path& repo) {
    GitScanOptions o;
    o.repo = repo.string();
    auto r = scan_git(db_, o);
    EXPECT_TRUE(r.ok()) << r.status().message();
    std::string all;
    for (const std::string& e : r->summary.errors) all += e + "\n";
    return std::make_pair(std::move(*r), all);
  };
  auto clone = [&](const std::string& name) {
    must(tmp_.path(), "rm -rf " + name + " && git clone -q --no-local --mirror repo " + name +
                          " && cd " + name + " && git gc -q && chmod -R u+w objects");
    return tmp_.path() / name;
  };
  const std::string main_id = sh(repo_, "git rev-parse main").second.substr(0, 40);
  {  // truncated pack
    const fs::path r = clone("trunc.git");
    must(r, "for p in objects/pack/*.pack; do truncate -s 100 \"$p\"; done");
    auto [res, errs] = errors_of(r);
    EXPECT_TRUE(res.summary.has_errors());
    EXPECT_NE(errs.find("refs/heads/main"), std::string::npos) << errs;
    EXPECT_NE(errs.find(main_id), std::string::npos) << errs;
    EXPECT_NE(errs.find("no commit could be read"), std::string::npos) << errs;
  }
  {  // deleted .idx
    const fs::path r = clone("noidx.git");
    must(r, "rm objects/pack/*.idx");
    auto [res, errs] = errors_of(r);
    EXPECT_TRUE(res.summary.has_errors());
    EXPECT_NE(errs.find("refs/heads/side"), std::string::npos) << errs;
  }
  {  // garbage line in packed-refs: the error names the file; HEAD is still scanned
    const fs::path r = clone("badrefs.git");
    must(r, "git pack-refs --all && echo 'zzzz garbage line' >> packed-refs");
    auto [res, errs] = errors_of(r);
    EXPECT_TRUE(res.summary.has_errors());
    EXPECT_NE(errs.find("packed"), std::string::npos) << errs;
    EXPECT_NE(find(res, tok(40)), nullptr) << "the rest of the scan goes on";
  }
  {  // a ref to a commit that does not exist
    const fs::path r = clone("lost.git");
    must(r, "echo 1234567890123456789012345678901234567890 > refs/heads/lost");
    auto [res, errs] = errors_of(r);
    EXPECT_TRUE(res.summary.has_errors());
    EXPECT_NE(errs.find("refs/heads/lost"), std::string::npos) << errs;
    EXPECT_NE(errs.find("1234567890123456789012345678901234567890"), std::string::npos) << errs;
    EXPECT_NE(find(res, tok(40)), nullptr) << "the rest of the scan goes on";
  }
  // And through the CLI: exit 2, not 0.
  const fs::path r = clone("cli.git");
  must(r, "rm objects/pack/*.idx");
  const std::string bin = REACHSCAN_BINARY;
  auto [rc, out] = sh(tmp_.path(), "'" + bin + "' git -q cli.git");
  EXPECT_EQ(rc, 2) << out;
  EXPECT_NE(out.find("refs/heads/main"), std::string::npos) << out;
}

TEST_F(GitRepo, AllObjectsFindsDanglingBlobs) {
  write("a.txt", "a\n");
  commit("a");
  must(repo_, "printf 'x %s\\n' " + tok(20) + " | git hash-object -w --stdin");
  EXPECT_TRUE(scan({}).findings.empty());
  GitScanOptions o;
  o.all_objects = true;
  EXPECT_EQ(scan(o).findings.size(), 1u);
}

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

TEST_F(GitRepo, CliGitJsonCarriesProvenance) {
  write("x.txt", "t " + tok(23) + "\n");
  commit("x");
  const std::string out = (tmp_.path() / "o.json").string();
  auto [rc, text] = sh(repo_, std::string("'") + REACHSCAN_BINARY + "' -f json -o " + out + " git");
  EXPECT_EQ(rc, 1) << text;
  const auto doc = nlohmann::json::parse(slurp(out));
  ASSERT_EQ(doc["findings"].size(), 1u);
  const auto& c = doc["findings"][0]["commit"];
  EXPECT_EQ(c["summary"], "x");
  EXPECT_EQ(c["in_head"], true);
  EXPECT_EQ(c["refs"][0], "main");
  EXPECT_EQ(sh(tmp_.path(), std::string("'") + REACHSCAN_BINARY + "' git " + tmp_.str()).first, 2);
}

}  // namespace
}  // namespace reachscan
