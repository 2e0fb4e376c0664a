// Organisation scans end to end: `reachscan repos` over local repositories (a fork network,
// one secret in production in one repository and in a test fixture in another, a broken
// repository), incremental re-runs, kill -9 and resume, the run lock, `report` and `triage`.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/sources/remote_support.h"
#include "tests/support/temp_dir.h"

namespace reachscan {
namespace {

using reachscan::testing::fake_github_token;
using reachscan::testing::fake_token;
using reachscan::testing::slurp;
using reachscan::testing::TempDir;

struct Outcome {
  int code = -1;
  std::string out, err;
};

void sh(const std::string& cmd) {
  ASSERT_EQ(std::system(("set -e; " + cmd + " >/dev/null 2>&1").c_str()), 0) << cmd;
}

std::string stripe_live(unsigned seed) { return fake_token("sk_live_", 32, seed); }

class Org : public ::testing::Test {
 protected:
  void SetUp() override {
    bin_ = REACHSCAN_BINARY;
    ::setenv("XDG_CACHE_HOME", (tmp_.path() / "cache").c_str(), 1);
    ::setenv("GIT_AUTHOR_NAME", "Dev", 1);
    ::setenv("GIT_AUTHOR_EMAIL", "dev@example.test", 1);
    ::setenv("GIT_COMMITTER_NAME", "Dev", 1);
    ::setenv("GIT_COMMITTER_EMAIL", "dev@example.test", 1);
  }

  Outcome run(const std::string& args) {
    const std::string out = (tmp_.path() / "stdout.txt").string();
    const std::string err = (tmp_.path() / "stderr.txt").string();
    const std::string cmd = "'" + bin_ + "' " + args + " >'" + out + "' 2>'" + err + "'";
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
  }

  // A repository in the organisation folder with `files` committed (one commit per call).
  void commit(const std::string& repo, const std::map<std::string, std::string>& files,
              const std::string& message = "change") {
    const std::string dir = org_.str() + "/" + repo;
    if (!std::filesystem::exists(dir + "/.git")) sh("git init -q -b main '" + dir + "'");
    for (const auto& [path, content] : files) org_.write(repo + "/" + path, content);
    sh("cd '" + dir + "' && git add -A && git commit -q -m '" + message + "'");
  }

  std::string db() const { return (tmp_.path() / "org.db").string(); }

  TempDir tmp_;
  TempDir org_;
  std::string bin_;
};

nlohmann::json findings_of(const std::string& json_report) {
  return nlohmann::json::parse(json_report).at("findings");
}

TEST_F(Org, ForkNetworkSharedSecretsAndABrokenRepository) {
  const std::string key = stripe_live(1);
  commit("payments", {{"README.md", "# payments\n"},
                      {"app.py", "print('hello')\n"},
                      {"deploy/prod/.env", "STRIPE_KEY=" + key + "\n"}});
  // A fork: a bare clone with one more commit of its own.
  sh("git clone -q --bare '" + org_.str() + "/payments' '" + org_.str() + "/payments-fork.git'");
  sh("git clone -q '" + org_.str() + "/payments-fork.git' '" + tmp_.str() + "/w' && cd '" +
     tmp_.str() +
     "/w' && echo more > NOTES.md && git add -A && git commit -q -m notes && "
     "git push -q origin HEAD");
  commit("tools", {{"tests/fixtures/.env", "STRIPE_KEY=" + key + "\n"},
                   {"tests/fixtures/gh.txt", "token " + fake_github_token(7) + "\n"}});
  // Not a repository any more: its object database is gone.
  commit("broken", {{"a.txt", "x\n"}});
  sh("rm -rf '" + org_.str() + "/broken/.git/objects'");

  // A list may name remote repositories, with credentials in the URL: they reach neither the
  // datastore nor any message.
  const std::string list =
      tmp_.write("more.txt", "# more\nhttp://bot:hunter2secret@127.0.0.1:" +
                                 std::to_string(testing::free_port()) + "/acme/dead.git\n");
  Outcome r = run("repos '" + org_.str() + "' '" + list + "' --datastore '" + db() + "' -f json");
  EXPECT_EQ(r.code, 2) << r.err;  // a repository failed: the run says so
  EXPECT_NE(r.err.find("acme/dead: FAILED"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("hunter2secret"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("hunter2secret"), std::string::npos);
  EXPECT_EQ(slurp(db()).find("hunter2secret"), std::string::npos);
  EXPECT_NE(r.err.find("broken: FAILED"), std::string::npos) << r.err;
  const nlohmann::json report = nlohmann::json::parse(r.out);
  // Repositories are scanned as they become ready, in any order: whichever of payments and its
  // fork comes second reads only its own new blobs and the blob with the secret (read again for
  // its own provenance). payments 3 blobs + the fork's 1 + the secret again + tools 2 = 7.
  EXPECT_EQ(report.at("summary").at("files_scanned"), 7) << r.err;
  EXPECT_EQ(report.at("summary").at("already_scanned"), 2) << r.err;
  const nlohmann::json& f = report.at("findings");
  ASSERT_EQ(f.size(), 2u) << r.out;
  bool saw_shared = false;
  for (const auto& x : f) {
    if (x.at("rule_id") != "stripe.secret_key.live") continue;
    saw_shared = true;
    EXPECT_EQ(x.at("repository"), "payments");
    EXPECT_EQ(x.at("reach").at("verdict"), "production");
    EXPECT_EQ(x.at("repositories"), nlohmann::json::array({"payments", "payments-fork", "tools"}));
    EXPECT_TRUE(x.at("reused_across_repositories").get<bool>());
    EXPECT_TRUE(x.at("reused_across_environments").get<bool>());
    EXPECT_EQ(x.at("occurrence_count"), 3);
    EXPECT_EQ(x.at("secret").get<std::string>().find(key), std::string::npos);
    EXPECT_EQ(x.at("first_seen").at("repository"), "payments");  // the oldest commit
  }
  EXPECT_EQ(report.at("summary").at("findings_by_repository").at("tools").at("production"), 1)
      << report.at("summary").dump();
  EXPECT_TRUE(saw_shared);
  bool broken_reported = false;
  for (const auto& e : report.at("summary").at("errors"))
    broken_reported |= e.get<std::string>().find("broken") != std::string::npos;
  EXPECT_TRUE(broken_reported) << report.at("summary").dump();
  // No secret value in the datastore unless asked.
  EXPECT_EQ(slurp(db()).find(key), std::string::npos);

  // Nothing moved: nothing is walked or read again, and the findings are the same.
  Outcome again = run("repos '" + org_.str() + "' --datastore '" + db() + "' -f json");
  EXPECT_EQ(again.code, 2);
  EXPECT_NE(again.err.find("payments: unchanged since its last scan"), std::string::npos);
  EXPECT_NE(again.err.find("tools: unchanged since its last scan"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(again.out).at("summary").at("files_scanned"), 0);
  EXPECT_EQ(findings_of(again.out), f);

  // A new commit in one repository: only its new blob and the blobs with findings are read.
  commit("tools", {{"docs/x.md", "docs\n"}});
  Outcome third = run("repos '" + org_.str() + "' --datastore '" + db() + "' -f json");
  EXPECT_NE(third.err.find("tools: 3 blobs read"), std::string::npos) << third.err;

  // The datastore renders again, in every format, with filters.
  Outcome csv = run("report '" + db() + "' -f csv --repo tools");
  EXPECT_EQ(csv.out.rfind("fingerprint,rule_id,", 0), 0u) << csv.out;
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), 3);  // header + 2 places
  Outcome prod = run("report '" + db() + "' -f json --min-reach production");
  EXPECT_EQ(findings_of(prod.out).size(), 1u);
  EXPECT_EQ(prod.code, 2);
  Outcome sarif = run("report '" + db() + "' -f sarif");
  EXPECT_EQ(nlohmann::json::parse(sarif.out).at("runs").at(0).at("results").size(), 4u);
}

TEST_F(Org, TriageChangesWhatFailsTheRun) {
  commit("svc", {{"tests/a.txt", "token " + fake_github_token(3) + "\n"}});
  Outcome r = run("repos '" + org_.str() + "' --datastore '" + db() + "' -f json");
  ASSERT_EQ(r.code, 1) << r.err;
  const std::string fp = findings_of(r.out).at(0).at("fingerprint");
  EXPECT_EQ(run("triage set '" + db() + "' " + fp + " --status maybe").code, 2);
  EXPECT_EQ(run("triage set '" + db() + "' nope:00 --status accepted").code, 2);
  ASSERT_EQ(
      run("triage set '" + db() + "' " + fp + " --status false_positive --comment 'fixture key'")
          .code,
      0);
  Outcome after = run("report '" + db() + "' -f json");
  EXPECT_EQ(after.code, 0);  // shown with its triage, but it no longer fails the run
  EXPECT_EQ(findings_of(after.out).at(0).at("triage").at("status"), "false_positive");
  EXPECT_TRUE(findings_of(run("report '" + db() + "' -f json --status open").out).empty());
  const std::string exported = (tmp_.path() / "triage.json").string();
  ASSERT_EQ(run("triage export '" + db() + "' -o '" + exported + "'").code, 0);
  EXPECT_NE(slurp(exported).find("fixture key"), std::string::npos);
  const std::string other = (tmp_.path() / "other.db").string();
  // --store-secrets keeps the values (for rotation tooling); the default keeps none.
  ASSERT_EQ(run("repos '" + org_.str() + "' --datastore '" + other + "' -q --store-secrets").code,
            1);
  EXPECT_NE(slurp(other).find(fake_github_token(3)), std::string::npos);
  EXPECT_EQ(slurp(db()).find(fake_github_token(3)), std::string::npos);
  ASSERT_EQ(run("triage import '" + other + "' '" + exported + "'").code, 0);
  EXPECT_EQ(run("report '" + other + "' -q").code, 0);
}

TEST_F(Org, ASecondScanOfTheSameDatastoreIsRefused) {
  commit("svc", {{"a.txt", "nothing\n"}});
  const std::string lock = db() + ".lock";
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  Outcome r = run("repos '" + org_.str() + "' --datastore '" + db() + "'");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("in use by another reachscan scan"), std::string::npos) << r.err;
  ::close(fd);
  EXPECT_EQ(run("repos '" + org_.str() + "' --datastore '" + db() + "'").code, 0);
}

// `reachscan github --org`: the mock API lists the organisation over two pages after a rate
// limit, its clone URLs point to git daemon, smart HTTP with a token, a local path (refused: a
// forge's answer may not make us read this machine's repositories) and a server that does not
// answer; the others are mirrored, scanned and reported, the token written nowhere.
TEST_F(Org, GithubOrganisationThroughTheApiAndTheMirrorCache) {
  const std::string key = stripe_live(5);
  commit("app", {{"deploy/prod/.env", "STRIPE_KEY=" + key + "\n"}});
  commit("lib", {{"tests/fixtures/.env", "STRIPE_KEY=" + key + "\n"}});
  const std::filesystem::path served = tmp_.path() / "served";
  std::filesystem::create_directories(served);
  sh("git clone -q --bare '" + org_.str() + "/app' '" + served.string() + "/app.git'");
  sh("git clone -q --bare '" + org_.str() + "/lib' '" + served.string() + "/lib.git'");
  testing::GitDaemon daemon(served);
  ASSERT_NE(daemon.port(), 0);
  const std::string token = fake_github_token(77);
  TempDir http_dir;
  testing::MockForge git_http(http_dir, "{}", served.string(), token);
  auto gh = [](const std::string& name, const std::string& url) {
    return nlohmann::json{{"full_name", name},       {"clone_url", url},
                          {"fork", false},           {"archived", false},
                          {"visibility", "private"}, {"default_branch", "main"}};
  };
  const nlohmann::json routes = {
      {"/api/v3/orgs/acme/repos",
       {{"before", {{{"status", 403}, {"headers", {{"Retry-After", "1"}}}, {"body", "slow down"}}}},
        {"pages",
         {{gh("acme/app", daemon.url("app.git")),
           gh("acme/lib", git_http.url() + "/private-git/lib.git")},
          {gh("acme/local", org_.str() + "/app"),
           gh("acme/gone",
              "http://127.0.0.1:" + std::to_string(testing::free_port()) + "/gone.git")}}}}}};
  TempDir api_dir;
  testing::MockForge api(api_dir, routes.dump());
  ASSERT_NE(api.port(), 0);
  const std::string token_file = tmp_.write("token", token + "\n");
  const std::string args = "github --org acme --api-url " + api.url() + "/api/v3 --token-file '" +
                           token_file + "' --datastore '" + db() + "' -f json";
  Outcome r = run(args);
  EXPECT_EQ(r.code, 2) << r.err;  // acme/gone could not be cloned
  EXPECT_NE(r.err.find("rate limited"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("acme/gone: FAILED"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("acme/local: FAILED: the forge's clone URL"), std::string::npos) << r.err;
  const nlohmann::json f = findings_of(r.out);
  ASSERT_EQ(f.size(), 1u) << r.out;
  EXPECT_EQ(f[0].at("repositories"), nlohmann::json::array({"acme/app", "acme/lib"}));
  EXPECT_TRUE(f[0].at("reused_across_environments").get<bool>());
  EXPECT_EQ(f[0].at("reach").at("verdict"), "production");
  // The token went in request headers only: not in the output, the datastore or any mirror.
  EXPECT_EQ(r.out.find(token), std::string::npos);
  EXPECT_EQ(r.err.find(token), std::string::npos);
  EXPECT_EQ(slurp(db()).find(token), std::string::npos);
  const auto [grep_rc, grep_out] =
      testing::sh(tmp_.path(), "grep -rl '" + token + "' '" + db() + ".mirrors' || true");
  EXPECT_EQ(grep_out, "");
  // Nothing moved upstream: the mirrors are fetched, nothing is walked or read again.
  Outcome again = run(args);
  EXPECT_EQ(nlohmann::json::parse(again.out).at("summary").at("files_scanned"), 0) << again.err;
  EXPECT_EQ(findings_of(again.out), f);
}

// Starts `reachscan ARGS`, waits until its stderr holds `marker` (or `delay` passed when the
// marker is empty), kills it with SIGKILL, and waits for it.
void kill_when(const std::string& bin, const std::vector<std::string>& args,
               const std::string& err_file, const std::string& marker,
               std::chrono::milliseconds delay) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(err, 2);
    std::vector<char*> argv{const_cast<char*>(bin.c_str())};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  if (marker.empty()) {
    std::this_thread::sleep_for(delay);
  } else {
    while (slurp(err_file).find(marker) == std::string::npos &&
           std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

TEST_F(Org, KilledAtAnyPointTheSameCommandFinishesTheJob) {
  constexpr int kRepos = 12;
  for (int i = 0; i < kRepos; ++i) {
    std::map<std::string, std::string> files;
    for (int k = 0; k < 6; ++k)
      files["src/f" + std::to_string(k) + ".txt"] = "line " + std::to_string(i * 100 + k) + "\n";
    files[(i % 2 ? "deploy/prod/" : "tests/") + std::string("app.env")] =
        "GITHUB_TOKEN=" + fake_github_token(100 + static_cast<unsigned>(i)) + "\n";
    files["shared.env"] = "STRIPE_KEY=" + stripe_live(9) + "\n";
    commit("r" + std::to_string(i), files);
    commit("r" + std::to_string(i), {{"src/more.txt", "more\n"}});
  }
  const std::string whole = (tmp_.path() / "whole.db").string();
  Outcome ref = run("repos '" + org_.str() + "' --datastore '" + whole + "' -f json");
  ASSERT_EQ(ref.code, 3) << ref.err;
  const nlohmann::json expected = findings_of(ref.out);
  ASSERT_EQ(expected.size(), static_cast<std::size_t>(kRepos + 1));

  const std::string err = (tmp_.path() / "killed.err").string();
  struct Point {
    std::string marker;
    int ms;
  };
  for (const Point& p : {Point{"", 40}, Point{"[2/12]", 0}, Point{"[7/12]", 0}, Point{"", 250}}) {
    const std::string db_path =
        (tmp_.path() / ("k" + std::to_string(p.ms) + p.marker.substr(0, 2) + ".db")).string();
    kill_when(bin_, {"repos", org_.str(), "--datastore", db_path, "-f", "json"}, err, p.marker,
              std::chrono::milliseconds(p.ms));
    Outcome resumed = run("repos '" + org_.str() + "' --datastore '" + db_path + "' -f json");
    EXPECT_EQ(resumed.code, 3) << p.marker << p.ms << resumed.err;
    EXPECT_EQ(findings_of(resumed.out), expected) << "killed at " << p.marker << p.ms;
    EXPECT_EQ(findings_of(run("report '" + db_path + "' -f json").out), expected);
  }
}

}  // namespace
}  // namespace reachscan
