// The history walk's parts, tested against git itself: the seen-set of ids, the paths a commit
// touched (raw tree diff) and the refs whose history contains a commit (many refs).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "git/id_set.h"
#include "git/repository.h"
#include "git/walk_graph.h"
#include "tests/git/git_env.h"
#include "tests/support/temp_dir.h"

namespace reachscan::git {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

using testing::lines;
using testing::run;

ObjectId id_of(std::uint32_t n) {
  ObjectId id;
  for (std::size_t i = 0; i < id.bytes.size(); ++i)
    id.bytes[i] = static_cast<unsigned char>((n * 2654435761u) >> (i % 4 * 8) ^ i);
  return id;
}

TEST(FlatIdSet, InsertsOnceAndGrowsWithoutLosingIds) {
  FlatIdSet set;
  for (std::uint32_t n = 0; n < 200000; ++n) EXPECT_TRUE(set.insert(id_of(n))) << n;
  EXPECT_EQ(set.size(), 200000u);
  for (std::uint32_t n = 0; n < 200000; n += 7) {
    EXPECT_TRUE(set.contains(id_of(n)));
    EXPECT_FALSE(set.insert(id_of(n)));
  }
  EXPECT_FALSE(set.contains(id_of(200001)));
  EXPECT_FALSE(set.insert(ObjectId{}));  // the all-zero id is no object
  EXPECT_EQ(set.size(), 200000u);
}

TEST(CommitGraph, IndexesCommitsInOrderAndKeepsOnlyParentsSeen) {
  CommitGraph g;
  const ObjectId missing = id_of(999);
  g.add(id_of(0), {});
  const ObjectId p1[] = {id_of(0), missing};  // a parent beyond a shallow boundary
  g.add(id_of(1), p1);
  const ObjectId p2[] = {id_of(1), id_of(0)};
  g.add(id_of(2), p2);
  g.add(id_of(1), {});  // added twice: keeps its first place and parents
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g.index_of(id_of(2)), 2u);
  EXPECT_EQ(g.index_of(missing), CommitGraph::kNone);
  EXPECT_TRUE(g.id(1) == id_of(1));
  EXPECT_EQ(std::vector<std::uint32_t>(g.parents(1).begin(), g.parents(1).end()),
            std::vector<std::uint32_t>{0});
  EXPECT_EQ(std::vector<std::uint32_t>(g.parents(2).begin(), g.parents(2).end()),
            (std::vector<std::uint32_t>{1, 0}));
  for (std::uint32_t n = 3; n < 100000; ++n) {  // grows its index without losing commits
    const ObjectId p[] = {id_of(n - 1)};
    g.add(id_of(n), p);
  }
  for (std::uint32_t n = 0; n < 100000; n += 37) EXPECT_EQ(g.index_of(id_of(n)), n);
}

// containing_refs against a breadth-first search from every ref, on a random graph of merges and
// branches, with so little memory allowed that the wanted commits go in many groups.
TEST(CommitGraph, ContainingRefsMatchesASearchFromEveryRef) {
  std::mt19937 gen(7);
  auto rng = [&gen] { return static_cast<std::uint32_t>(gen()); };
  CommitGraph g;
  const std::uint32_t n = 3000;
  for (std::uint32_t c = 0; c < n; ++c) {
    std::vector<ObjectId> parents;
    if (c > 0) parents.push_back(id_of(c - 1 - rng() % std::min<std::uint32_t>(c, 40)));
    if (c > 1 && rng() % 5 == 0) parents.push_back(id_of(rng() % c));
    g.add(id_of(c), parents);
  }
  std::vector<NamedTip> refs;
  for (int r = 0; r < 300; ++r) {
    char name[16];
    std::snprintf(name, sizeof name, "t%04d", r);
    refs.push_back({name, static_cast<std::uint32_t>(rng() % n)});
  }
  std::vector<std::uint32_t> wanted;
  for (int i = 0; i < 700; ++i) wanted.push_back(static_cast<std::uint32_t>(rng() % n));
  const std::size_t limit = 25;
  const auto got = containing_refs(g, refs, wanted, limit, n * 8);  // one word: 64 per group
  std::map<std::uint32_t, std::vector<std::string>> expected;
  for (const NamedTip& ref : refs) {  // refs are in name order
    std::vector<bool> seen(n);
    std::vector<std::uint32_t> stack = {ref.tip};
    seen[ref.tip] = true;
    while (!stack.empty()) {
      const std::uint32_t c = stack.back();
      stack.pop_back();
      for (const std::uint32_t p : g.parents(c))
        if (!seen[p]) seen[p] = true, stack.push_back(p);
    }
    for (const std::uint32_t w : wanted)
      if (seen[w] && (expected[w].empty() || expected[w].back() != ref.name) &&
          expected[w].size() < limit)
        expected[w].push_back(ref.name);
  }
  std::erase_if(expected, [](const auto& e) { return e.second.empty(); });
  ASSERT_EQ(got.size(), expected.size());
  for (const auto& [w, names] : expected) {
    const auto it = got.find(g.id(w));
    ASSERT_NE(it, got.end()) << w;
    EXPECT_EQ(it->second, names) << w;
  }
}

class GitWalkParts : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::set_git_test_env(tmp_.path());
    repo_ = tmp_.path() / "repo";
    fs::create_directories(repo_);
    run(repo_, "git init -q -b main .");
  }
  void write(const std::string& rel, const std::string& content) {
    fs::create_directories((repo_ / rel).parent_path());
    std::ofstream(repo_ / rel, std::ios::binary) << content;
  }
  void commit(const std::string& msg) {
    run(repo_, "git add -A && git commit -q -m '" + msg + "'");
  }
  std::unique_ptr<Repository> open() {
    auto r = Repository::open(repo_.string());
    EXPECT_TRUE(r.ok());
    return std::move(*r);
  }
  ObjectId head() { return *ObjectId::from_hex(lines(run(repo_, "git rev-parse HEAD"))[0]); }

  TempDir tmp_;
  fs::path repo_;
};

TEST_F(GitWalkParts, TouchedPathsAreGitsChangedPaths) {
  write("a/b/c.txt", "1\n");
  write("a/b/d.txt", "1\n");
  write("a/e.txt", "1\n");
  write("a-b.txt", "1\n");  // sorts between "a" and "a/" in git's tree order
  write("z/keep.txt", "1\n");
  commit("root");
  auto repo = open();
  auto root = repo->describe(head());
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(std::set<std::string>(root->touched.begin(), root->touched.end()),
            (std::set<std::string>{"a/b/c.txt", "a/b/d.txt", "a/e.txt", "a-b.txt", "z/keep.txt"}));

  write("a/b/c.txt", "2\n");         // changed deep down
  fs::remove(repo_ / "a/e.txt");     // deleted
  fs::remove_all(repo_ / "z");       // a folder deleted
  write("n/m/new.txt", "new\n");     // a new folder
  run(repo_, "chmod +x a/b/d.txt");  // a mode change only
  commit("changes");
  auto second = repo->describe(head());
  ASSERT_TRUE(second.ok());
  const auto expected = lines(run(repo_, "git diff --name-only --no-renames HEAD~1 HEAD"));
  EXPECT_EQ(std::set<std::string>(second->touched.begin(), second->touched.end()),
            std::set<std::string>(expected.begin(), expected.end()));
  auto capped = repo->describe(head(), 2);
  ASSERT_TRUE(capped.ok());
  EXPECT_EQ(capped->touched.size(), 2u);
}

TEST_F(GitWalkParts, RefsContainingWithManyRefsMatchGit) {
  // 40 commits on main, a side branch, and 450 tags spread over them: bitsets of 8 words.
  for (int i = 0; i < 40; ++i) {
    write("f" + std::to_string(i) + ".txt", std::to_string(i) + "\n");
    commit("c" + std::to_string(i));
    if (i == 20) run(repo_, "git branch side");
  }
  run(repo_,
      "git checkout -q side && echo s > side.txt && git add side.txt && git commit -q -m side"
      " && git checkout -q main");
  run(repo_,
      "i=0; for c in $(git rev-list --all); do for k in 1 2 3 4 5 6 7 8 9 10 11; do"
      " [ $i -lt 450 ] && printf '%s refs/tags/t%04d\\n' $c $i >> ../tags; i=$((i+1));"
      " done; done; sort -k2 ../tags >> .git/packed-refs");
  auto repo = open();
  HistoryWalker walker(*repo, {});
  std::vector<std::string> errors;
  while (!walker.next_batch(4096, errors).empty()) {
  }
  ASSERT_TRUE(errors.empty()) << errors.front();
  const auto all = lines(run(repo_, "git rev-list --all"));
  std::vector<ObjectId> wanted;
  for (std::size_t i = 0; i < all.size(); i += 9) wanted.push_back(*ObjectId::from_hex(all[i]));
  const auto got = repo->refs_containing(wanted, walker.graph(), 1000);
  for (const ObjectId& c : wanted) {
    auto expected = lines(run(repo_, "git for-each-ref --format='%(refname:short)' --contains " +
                                         c.hex() + " refs/heads refs/tags"));
    std::sort(expected.begin(), expected.end());
    const auto it = got.find(c);
    ASSERT_NE(it, got.end()) << c.hex();
    EXPECT_EQ(it->second, expected) << c.hex();
  }
}

}  // namespace
}  // namespace reachscan::git
