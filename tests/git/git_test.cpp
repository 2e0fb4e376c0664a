// Git scanning against repositories built in temporary folders by the test itself (history with
// added and removed secrets, branches, merges, renames, shallow clones, corrupt objects, bare
// repositories, worktrees, submodules, LFS pointers). The hooks are in hook_test.cpp.
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
#include "tests/git/git_repo_fixture.h"
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

// A staged scan reads its index itself and diffs only the changed entries; the attributes the
// diff needs still come from the index: a file marked binary there (and not in the work tree) is
// scanned whole, the line committed before included.
TEST_F(GitRepo, StagedTakesAttributesFromTheIndex) {
  write(".gitattributes", "a.cfg binary\n");
  write("a.cfg", "A = '" + tok(20) + "'\n");
  commit("binary by attribute");
  fs::remove(repo_ / ".gitattributes");
  write("a.cfg", "A = '" + tok(20) + "'\nB = '" + tok(21) + "'\n");
  must(repo_, "git add a.cfg");
  GitScanOptions o;
  o.mode = GitScanOptions::Mode::kStaged;
  const FlatResult r = scan(o);
  EXPECT_NE(find(r, tok(20)), nullptr);
  EXPECT_NE(find(r, tok(21)), nullptr);
}

// A blob stored as a delta is read whole by libgit2: over the whole-read limit it is skipped,
// with a reason that says why, while a version stored whole is streamed and scanned at any size.
TEST_F(GitRepo, DeltaOverTheWholeReadLimitIsSkippedWithItsReason) {
  std::string text;
  for (int i = 0; i < 4000; ++i) text += "line " + std::to_string(i * 7919 % 100003) + " of text\n";
  write("f.txt", text + "A = '" + tok(30) + "'\n");
  commit("one");
  write("f.txt", text + "A = '" + tok(30) + "'\nB = '" + tok(31) + "'\n");
  commit("two");
  must(repo_, "git repack -a -d -f -q && git count-objects -v | grep -q '^count: 0'");
  // Exactly one of the two versions is stored as a delta of the other (git picks which).
  auto [rc, pack] = sh(repo_, "git verify-pack -v .git/objects/pack/*.idx");
  ASSERT_EQ(rc, 0) << pack;
  GitScanOptions o;
  o.max_whole_read = 16u << 10;  // both versions are ~60 KB
  const FlatResult r = scan(o);
  std::vector<const Skip*> deltas;
  for (const Skip& s : r.summary.skipped)
    if (s.reason == SkipReason::kTooLarge &&
        s.detail.find("stored as a delta") != std::string::npos)
      deltas.push_back(&s);
  ASSERT_EQ(deltas.size(), 1u) << pack;
  EXPECT_EQ(deltas[0]->path, "f.txt");
  EXPECT_NE(find(r, tok(30)), nullptr) << "the version stored whole is streamed and scanned";
  // Under the default limit both versions are read.
  const FlatResult all = scan({});
  EXPECT_TRUE(all.summary.skipped.empty());
  EXPECT_NE(find(all, tok(31)), nullptr);
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
