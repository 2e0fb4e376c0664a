// The staged scan's scope (git/staged_scope.h), against git itself: for index versions 2, 3 and 4,
// every path `git diff --cached` names lies in the scope, unchanged folders are not in it, and an
// index without a valid cache tree is still compared right.
#include "git/staged_scope.h"

#include <git2.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "git/libgit2.h"
#include "tests/git/git_env.h"
#include "tests/support/temp_dir.h"

namespace reachscan::git {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

using testing::lines;
using testing::run;

bool covered(const std::vector<std::string>& scope, const std::string& path) {
  for (const std::string& s : scope)
    if (s == path || (s.back() == '/' && path.rfind(s, 0) == 0)) return true;
  return false;
}

class StagedScope : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::set_git_test_env(tmp_.path());
    git_libgit2_init();
    repo_ = tmp_.path() / "repo";
    fs::create_directories(repo_);
    run(repo_, "git init -q -b main .");
    for (const char* f : {"a/x.txt", "a/b/y.txt", "c/z.txt", "top.txt", "d/e/f.txt",
                          "quiet/deep/w.txt", "a.txt", "a0/v.txt"}) {
      fs::create_directories((repo_ / f).parent_path());
      std::ofstream(repo_ / f) << "content of " << f << "\n";
    }
    run(repo_, "git add -A && git commit -q -m base");
  }
  void TearDown() override { git_libgit2_shutdown(); }

  // The scope of the index as it is now (nullopt: full diff).
  std::optional<std::vector<std::string>> scope() {
    git_repository* r = nullptr;
    EXPECT_EQ(git_repository_open(&r, repo_.c_str()), 0);
    detail::RepoPtr repo(r);
    git_index* i = nullptr;
    EXPECT_EQ(git_repository_index(&i, r), 0);
    detail::IndexPtr index(i);
    git_object* t = nullptr;
    EXPECT_EQ(git_revparse_single(&t, r, "HEAD^{tree}"), 0);
    detail::TreePtr tree(reinterpret_cast<git_tree*>(t));
    return detail::staged_scope(r, i, tree.get());
  }

  // staged_index's scope and the paths of its index (nullopt: it leaves the index to libgit2).
  std::optional<std::pair<std::vector<std::string>, std::vector<std::string>>> read_here() {
    git_repository* r = nullptr;
    EXPECT_EQ(git_repository_open(&r, repo_.c_str()), 0);
    detail::RepoPtr repo(r);
    git_object* t = nullptr;
    EXPECT_EQ(git_revparse_single(&t, r, "HEAD^{tree}"), 0);
    detail::TreePtr tree(reinterpret_cast<git_tree*>(t));
    auto staged = detail::staged_index(r, tree.get());
    if (!staged) return std::nullopt;
    std::vector<std::string> paths;
    for (std::size_t i = 0; staged->index && i < git_index_entrycount(staged->index.get()); ++i)
      paths.push_back(git_index_get_byindex(staged->index.get(), i)->path);
    return std::make_pair(staged->scope, paths);
  }

  TempDir tmp_;
  fs::path repo_;
};

TEST_F(StagedScope, CoversEveryChangeGitSeesAndSkipsUnchangedFolders) {
  EXPECT_EQ(scope(), std::vector<std::string>{}) << "nothing staged";
  run(repo_,
      "echo more >> a/b/y.txt && git add a/b/y.txt && "                // modified, two folders down
      "mkdir -p new/dir && echo n > new/dir/n.txt && git add new && "  // a new folder
      "git rm -q -r c && "                                             // a removed folder
      "mkdir g && git mv d/e/f.txt g/f.txt && "                        // a move between folders
      "chmod +x top.txt && git add top.txt && "                        // a mode change
      "rm a.txt && mkdir a.txt && echo t > a.txt/t && git add -A a.txt");  // file to folder
  const std::string changed = run(repo_, "git diff --cached --name-only --no-renames");
  for (const char* version : {"2", "3", "4"}) {
    run(repo_, std::string("git update-index --index-version ") + version);
    const auto s = scope();
    ASSERT_TRUE(s.has_value()) << "index version " << version;
    for (const std::string& path : lines(changed))
      EXPECT_TRUE(covered(*s, path)) << path << " (index version " << version << ")";
    EXPECT_FALSE(covered(*s, "a/x.txt")) << "unchanged file beside a changed folder";
    EXPECT_FALSE(covered(*s, "quiet/deep/w.txt")) << "unchanged folder";
    EXPECT_FALSE(covered(*s, "a0/v.txt"));
  }
  // The index read here gives the same scope, and its index holds exactly the entries git has
  // under it (and the .gitattributes files, none here).
  for (const char* version : {"2", "3", "4"}) {
    run(repo_, std::string("git update-index --index-version ") + version);
    auto expected = scope();
    ASSERT_TRUE(expected.has_value());
    std::sort(expected->begin(), expected->end());
    const auto here = read_here();
    ASSERT_TRUE(here.has_value()) << "index version " << version;
    EXPECT_EQ(here->first, *expected) << "index version " << version;
    std::vector<std::string> want;
    for (const std::string& line : lines(run(repo_, "git ls-files")))
      if (covered(*expected, line)) want.push_back(line);
    EXPECT_EQ(here->second, want) << "index version " << version;
  }
  // Version 3 proper: an intent-to-add entry carries the extended flags.
  run(repo_, "echo i > ita.txt && git add -N ita.txt && git update-index --index-version 3");
  const auto s = scope();
  ASSERT_TRUE(s.has_value());
  EXPECT_TRUE(covered(*s, "ita.txt"));
  EXPECT_TRUE(covered(*s, "a/b/y.txt"));
  EXPECT_FALSE(read_here()) << "extended flags are left to libgit2";
}

TEST_F(StagedScope, IndexBuiltWithoutCacheTreeStillCoversTheChange) {
  // An index written entry by entry has no valid cache tree: folders are compared by reading
  // HEAD's trees (or the whole index is diffed), never skipped on trust.
  run(repo_,
      "rm .git/index && git ls-tree -r --full-tree HEAD | git update-index --index-info "
      "&& echo more >> a/b/y.txt && git add a/b/y.txt");
  EXPECT_EQ(run(repo_, "git diff --cached --name-only"), "a/b/y.txt\n");
  if (const auto s = scope()) {
    EXPECT_TRUE(covered(*s, "a/b/y.txt"));
    EXPECT_FALSE(covered(*s, "a/x.txt"));
    EXPECT_FALSE(covered(*s, "quiet/deep/w.txt"));
  }
}

}  // namespace
}  // namespace reachscan::git
