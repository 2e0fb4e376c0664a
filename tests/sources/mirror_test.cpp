// Mirror cache: bare mirrors cloned and updated over git:// (`git daemon`) and smart HTTP
// (`git http-backend` behind tests/sources/mock_forge.py) on 127.0.0.1, local repositories used
// in place, failures recorded per repository, credentials kept off the disk.
#include "sources/mirror.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <map>
#include <nlohmann/json.hpp>

#include "tests/sources/remote_support.h"

namespace reachscan::sources {
namespace {

namespace fs = std::filesystem;
using testing::GitDaemon;
using testing::MockForge;
using testing::sh;
using testing::slurp;
using testing::TempDir;

RemoteRepo remote(const std::string& name, const std::string& url) {
  RemoteRepo r;
  r.name = name;
  r.clone_url = url;
  return r;
}

std::map<std::string, MirrorResult> fetch_all(const MirrorOptions& options,
                                              std::vector<RemoteRepo> repos) {
  MirrorFetcher fetcher(options);
  fetcher.start(std::move(repos));
  std::map<std::string, MirrorResult> out;
  while (auto r = fetcher.next()) {
    const std::string name = r->repo.name;
    EXPECT_TRUE(out.emplace(name, std::move(*r)).second) << name << " delivered twice";
  }
  EXPECT_FALSE(fetcher.next().has_value());
  return out;
}

std::string git_out(const std::string& git_dir, const std::string& args) {
  auto [rc, out] = sh(fs::path(git_dir).parent_path(), "git --git-dir='" + git_dir + "' " + args);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return rc == 0 ? out : "<error " + std::to_string(rc) + ": " + out + ">";
}

class Mirror : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::isolate_git(tmp_);
    fs::create_directories(src_);
    fs::create_directories(served_);
    REACHSCAN_MUST(src_,
                   "git init -q -b main && echo one > a.txt && git add a.txt && "
                   "git commit -q -m one && git branch feature && git tag v1");
    REACHSCAN_MUST(tmp_.path(),
                   "git clone -q --bare src served/app.git && "
                   "git clone -q --bare src served/lib.git");
    REACHSCAN_MUST(src_, "git remote add served ../served/app.git");
  }

  MirrorOptions options(int jobs = 2) const {
    MirrorOptions o;
    o.cache_dir = cache_.string();
    o.jobs = jobs;
    return o;
  }

  std::string src_head() const { return git_out((src_ / ".git").string(), "rev-parse HEAD"); }

  TempDir tmp_;
  fs::path src_ = tmp_.path() / "src";
  fs::path served_ = tmp_.path() / "served";
  fs::path cache_ = tmp_.path() / "cache";
};

TEST_F(Mirror, ClonesOverGitDaemonThenUpdatesWithPrune) {
  GitDaemon daemon(served_);
  ASSERT_NE(daemon.port(), 0) << "git daemon did not start";
  const RemoteRepo repo = remote("acme/app", daemon.url("app.git"));
  auto first = fetch_all(options(), {repo});
  ASSERT_EQ(first.size(), 1u);
  const MirrorResult& r = first.at("acme/app");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_TRUE(r.cloned);
  EXPECT_FALSE(r.in_place);
  EXPECT_EQ(r.git_dir,
            (cache_ / ("127.0.0.1_" + std::to_string(daemon.port())) / "app.git").string());
  EXPECT_EQ(git_out(r.git_dir, "rev-parse refs/heads/main"), src_head());
  EXPECT_EQ(git_out(r.git_dir, "rev-parse --verify -q refs/heads/feature"), src_head());
  EXPECT_EQ(git_out(r.git_dir, "rev-parse --verify -q refs/tags/v1"), src_head());
  EXPECT_EQ(git_out(r.git_dir, "symbolic-ref HEAD"), "refs/heads/main");
  EXPECT_EQ(git_out(r.git_dir, "config --get remote.origin.mirror"), "true");
  EXPECT_EQ(git_out(r.git_dir, "config --get remote.origin.fetch"), "+refs/*:refs/*");
  EXPECT_FALSE(fs::exists(r.git_dir + ".partial"));

  REACHSCAN_MUST(src_,
                 "echo two > b.txt && git add b.txt && git commit -q -m two && "
                 "git push -q served main && git push -q served :feature");
  auto second = fetch_all(options(), {repo});
  const MirrorResult& u = second.at("acme/app");
  ASSERT_TRUE(u.status.ok()) << u.status.message();
  EXPECT_FALSE(u.cloned);
  EXPECT_EQ(u.git_dir, r.git_dir);
  EXPECT_EQ(git_out(u.git_dir, "rev-parse refs/heads/main"), src_head());
  EXPECT_EQ(git_out(u.git_dir, "rev-parse --verify -q refs/heads/feature").rfind("<error", 0), 0u)
      << "a branch deleted upstream is pruned from the mirror";
}

TEST_F(Mirror, SmartHttpTokenGoesThroughTheCallbackAndNeverToDisk) {
  const std::string token = testing::fake_github_token(11);
  MockForge mock(tmp_, "{}", served_.string(), token);
  ASSERT_NE(mock.port(), 0);
  const std::string private_url = mock.url() + "/private-git/app.git";
  MirrorOptions o = options();
  o.token = token;
  auto results = fetch_all(
      o, {remote("acme/app", private_url), remote("acme/lib", mock.url() + "/git/lib.git")});
  for (const auto& [name, r] : results) {
    ASSERT_TRUE(r.status.ok()) << name << ": " << r.status.message();
    EXPECT_TRUE(r.cloned);
    EXPECT_EQ(git_out(r.git_dir, "rev-parse refs/heads/main"), src_head());
    const std::string config = slurp(r.git_dir + "/config");
    EXPECT_EQ(config.find(token), std::string::npos) << config;
  }
  EXPECT_EQ(git_out(results.at("acme/app").git_dir, "config --get remote.origin.url"), private_url);

  // Without the token the private repository fails with a clear message; no folder is left.
  fs::remove_all(cache_);
  auto denied = fetch_all(options(), {remote("acme/app", private_url)});
  const MirrorResult& d = denied.at("acme/app");
  ASSERT_FALSE(d.status.ok());
  EXPECT_NE(d.status.message().find("authentication required by " + private_url), std::string::npos)
      << d.status.message();
  const fs::path would_be = cache_ / ("127.0.0.1_" + std::to_string(mock.port())) / "private-git";
  EXPECT_FALSE(fs::exists(would_be / "app.git"));
  EXPECT_FALSE(fs::exists(would_be / "app.git.partial"));

  // Credentials in the clone URL are used the same way and stripped from the stored URL.
  const std::string with_creds = "http://x-access-token:" + token +
                                 "@127.0.0.1:" + std::to_string(mock.port()) +
                                 "/private-git/app.git";
  auto creds = fetch_all(options(), {remote("acme/app", with_creds)});
  const MirrorResult& c = creds.at("acme/app");
  ASSERT_TRUE(c.status.ok()) << c.status.message();
  EXPECT_EQ(git_out(c.git_dir, "config --get remote.origin.url"), private_url);
  EXPECT_EQ(slurp(c.git_dir + "/config").find(token), std::string::npos);
}

TEST_F(Mirror, TokenIsNotOfferedToAnotherHostAfterARedirect) {
  const std::string token = testing::fake_github_token(13);
  MockForge other(tmp_, "{}", served_.string(), token);  // wants the token too
  TempDir first_dir;
  MockForge first(first_dir, nlohmann::json{{"redirect_base", other.url()}}.dump());
  MirrorOptions o = options();
  o.token = token;
  // Control: the other server takes the token when it is the clone URL's own host.
  auto direct = fetch_all(o, {remote("direct", other.url() + "/private-git/app.git")});
  ASSERT_TRUE(direct.at("direct").status.ok()) << direct.at("direct").status.message();
  // Through a redirect from the first server, the other one never gets it.
  auto redirected =
      fetch_all(o, {remote("redirected", first.url() + "/redirect/private-git/app.git")});
  const MirrorResult& r = redirected.at("redirected");
  ASSERT_FALSE(r.status.ok());
  EXPECT_NE(r.status.message().find("authentication required by"), std::string::npos)
      << r.status.message();
  EXPECT_EQ(r.status.message().find(token), std::string::npos);
}

TEST_F(Mirror, FailedClonesAreRecordedWhileTheOthersSucceed) {
  GitDaemon daemon(served_);
  ASSERT_NE(daemon.port(), 0);
  MockForge mock(tmp_, "{}", served_.string(), "");
  const std::string dead = "http://127.0.0.1:" + std::to_string(testing::free_port()) + "/x/y.git";
  auto results =
      fetch_all(options(3), {remote("acme/app", daemon.url("app.git")),
                             remote("acme/missing", daemon.url("missing.git")),
                             remote("acme/lib", mock.url() + "/git/lib.git"),
                             remote("acme/http-missing", mock.url() + "/git/none.git"),
                             remote("acme/dead", dead), remote("acme/nohost", "https:///nopath")});
  ASSERT_EQ(results.size(), 6u);
  EXPECT_TRUE(results.at("acme/app").status.ok()) << results.at("acme/app").status.message();
  EXPECT_TRUE(results.at("acme/lib").status.ok()) << results.at("acme/lib").status.message();
  for (const char* name : {"acme/missing", "acme/http-missing", "acme/dead", "acme/nohost"}) {
    const MirrorResult& r = results.at(name);
    EXPECT_FALSE(r.status.ok()) << name;
    EXPECT_TRUE(r.git_dir.empty()) << name;
    EXPECT_FALSE(r.status.message().empty());
  }
  EXPECT_EQ(results.at("acme/missing")
                .status.message()
                .rfind("cannot fetch " + daemon.url("missing.git"), 0),
            0u)
      << results.at("acme/missing").status.message();
  EXPECT_NE(results.at("acme/nohost").status.message().find("needs a host and a path"),
            std::string::npos);
  // Nothing half-cloned is left behind for the failures.
  for (const auto& entry : fs::recursive_directory_iterator(cache_)) {
    const std::string p = entry.path().string();
    EXPECT_EQ(p.find("missing"), std::string::npos) << p;
    EXPECT_EQ(p.find(".partial"), std::string::npos) << p;
  }
  struct stat st {};
  ASSERT_EQ(::stat(cache_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(Mirror, LocalRepositoriesAreUsedInPlace) {
  const std::string bare = (served_ / "app.git").string();
  auto results = fetch_all(
      options(),
      {remote("bare", bare), remote("file-url", "file://" + (served_ / "lib.git").string()),
       remote("worktree", src_.string()), remote("nothing", (tmp_.path() / "nothing").string())});
  EXPECT_EQ(results.at("bare").git_dir, bare);
  EXPECT_EQ(results.at("file-url").git_dir, (served_ / "lib.git").string());
  EXPECT_EQ(results.at("worktree").git_dir, (src_ / ".git").string());
  for (const char* name : {"bare", "file-url", "worktree"}) {
    EXPECT_TRUE(results.at(name).status.ok()) << results.at(name).status.message();
    EXPECT_TRUE(results.at(name).in_place);
    EXPECT_FALSE(results.at(name).cloned);
  }
  EXPECT_NE(results.at("nothing").status.message().find("not a git repository: "),
            std::string::npos);
  EXPECT_FALSE(fs::exists(cache_)) << "no cache is needed for local repositories";
}

TEST_F(Mirror, LocalRepositoriesCanBeMirroredAndSharedUrlsFetchOnce) {
  MirrorOptions o = options();
  o.clone_local = true;
  const std::string url = "file://" + (served_ / "app.git").string();
  auto results = fetch_all(o, {remote("acme/app", url), remote("acme/app-again", url)});
  const MirrorResult& a = results.at("acme/app");
  const MirrorResult& b = results.at("acme/app-again");
  ASSERT_TRUE(a.status.ok()) << a.status.message();
  EXPECT_TRUE(a.cloned);
  EXPECT_FALSE(a.in_place);
  EXPECT_EQ(a.git_dir, b.git_dir);
  EXPECT_EQ(a.git_dir.rfind((cache_ / "local").string(), 0), 0u) << a.git_dir;
  EXPECT_EQ(git_out(a.git_dir, "rev-parse refs/heads/main"), src_head());
}

// The whole path of an organisation scan's input: the mock GitHub API lists the organisation
// (two pages), its clone URLs point to a local bare repository, git daemon and smart HTTP, and
// every listed repository comes out of the fetcher ready to scan.
TEST_F(Mirror, ListedRepositoriesAreMirrored) {
  GitDaemon daemon(served_);
  ASSERT_NE(daemon.port(), 0);
  const std::string token = testing::fake_github_token(5);
  MockForge git_http(tmp_, "{}", served_.string(), token);
  auto gh = [](const std::string& name, const std::string& url) {
    return nlohmann::json{{"full_name", name},       {"clone_url", url},
                          {"fork", false},           {"archived", false},
                          {"visibility", "private"}, {"default_branch", "main"}};
  };
  const nlohmann::json routes = {
      {"/api/v3/orgs/acme/repos",
       {{"pages",
         {{gh("acme/local", (served_ / "lib.git").string()),
           gh("acme/daemon", daemon.url("app.git"))},
          {gh("acme/http", git_http.url() + "/private-git/app.git")}}}}}};
  TempDir api_dir;
  MockForge api(api_dir, routes.dump());
  ForgeQuery q;
  q.name = "acme";
  q.api_base = api.url() + "/api/v3";
  q.token = token;
  auto listed = list_repositories(q);
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  ASSERT_EQ(listed->size(), 3u);
  MirrorOptions o = options(2);
  o.token = token;
  o.token_user = token_user_for(q.kind);
  auto results = fetch_all(o, *listed);
  ASSERT_EQ(results.size(), 3u);
  for (const auto& [name, r] : results) {
    if (name == "acme/local") continue;
    ASSERT_TRUE(r.status.ok()) << name << ": " << r.status.message();
    EXPECT_EQ(git_out(r.git_dir, "rev-parse refs/heads/main"), src_head()) << name;
  }
  // A local path in a forge's answer is refused: it would read this machine's repositories.
  EXPECT_NE(results.at("acme/local").status.message().find("names a local path; refused"),
            std::string::npos);
  EXPECT_TRUE(results.at("acme/daemon").cloned);
  EXPECT_TRUE(results.at("acme/http").cloned);
}

TEST_F(Mirror, DestroyingTheFetcherEarlyStopsCleanly) {
  std::vector<RemoteRepo> repos;
  for (int i = 0; i < 4; ++i) {
    const std::string copy = "copy" + std::to_string(i) + ".git";
    REACHSCAN_MUST(served_, "cp -r app.git " + copy);
    repos.push_back(remote(copy, "file://" + (served_ / copy).string()));
  }
  MirrorOptions o = options(1);
  o.clone_local = true;
  {
    MirrorFetcher fetcher(o);
    fetcher.start(repos);
    auto first = fetcher.next();
    ASSERT_TRUE(first.has_value());
    EXPECT_TRUE(first->status.ok()) << first->status.message();
  }
  for (const auto& entry : fs::recursive_directory_iterator(cache_))
    EXPECT_EQ(entry.path().string().find(".partial"), std::string::npos) << entry.path();
}

TEST(MirrorFolder, IsDerivedSafelyFromTheUrl) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"https://github.com/acme/app.git", "github.com/acme/app.git"},
      {"https://github.com/acme/app", "github.com/acme/app.git"},
      {"https://x-access-token:secret@GitHub.com/acme/app.git", "github.com/acme/app.git"},
      {"git@github.com:acme/app.git", "github.com/acme/app.git"},
      {"ssh://git@gitlab.com:2222/grp/sub/proj.git", "gitlab.com_2222/grp/sub/proj.git"},
      {"https://evil.example/../../etc/passwd", "evil.example/etc/passwd.git"},
      {"https://evil.example/a/%2e%2e/b", "evil.example/a/_2e_2e/b.git"},
      {"https://evil.example/.hidden/x y", "evil.example/_.hidden/x_y.git"},
      {"git://127.0.0.1:9418/app.git?x=1", "127.0.0.1_9418/app.git"},
  };
  for (const auto& [url, folder] : cases) {
    auto got = mirror_folder(url);
    ASSERT_TRUE(got.ok()) << url << ": " << got.status().message();
    EXPECT_EQ(*got, folder) << url;
  }
  EXPECT_FALSE(mirror_folder("https://github.com/").ok());
  const std::string m = mirror_folder("https://user:hunter2@github.com").status().message();
  EXPECT_EQ(m.find("hunter2"), std::string::npos) << m;
}

TEST(MirrorFolder, LocalPathsAndFileUrls) {
  EXPECT_EQ(local_path("/srv/git/app.git"), "/srv/git/app.git");
  EXPECT_EQ(local_path("relative/app"), "relative/app");
  EXPECT_EQ(local_path("file:///srv/git/app.git"), "/srv/git/app.git");
  EXPECT_EQ(local_path("file://localhost/srv/a%20b"), "/srv/a b");
  EXPECT_EQ(local_path("git@github.com:acme/app.git"), "");
  EXPECT_EQ(local_path("https://github.com/acme/app.git"), "");
}

}  // namespace
}  // namespace reachscan::sources
