// Helpers for the remote-source tests: shell commands, helper processes (the mock forge API and
// `git daemon`) on the loopback interface, and bare repositories built by the test.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/temp_dir.h"

namespace reachscan::testing {

// Runs a shell command in `dir`; returns its exit status and output.
inline std::pair<int, std::string> sh(const std::filesystem::path& dir, const std::string& cmd) {
  const std::string out = (dir.parent_path() / (dir.filename().string() + ".sh.out")).string();
  const std::string full = "cd '" + dir.string() + "' && (" + cmd + ") >'" + out + "' 2>&1";
  const int status = std::system(full.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out)};
}

#define REACHSCAN_MUST(dir, cmd)                           \
  do {                                                     \
    auto [rc_, out_] = ::reachscan::testing::sh(dir, cmd); \
    ASSERT_EQ(rc_, 0) << (cmd) << "\n" << out_;            \
  } while (0)

// Git identity and configuration isolated from the user's, and no proxy for loopback.
inline void isolate_git(const TempDir& tmp) {
  ::setenv("GIT_AUTHOR_NAME", "Dev One", 1);
  ::setenv("GIT_AUTHOR_EMAIL", "dev@corp.test", 1);
  ::setenv("GIT_COMMITTER_NAME", "Dev One", 1);
  ::setenv("GIT_COMMITTER_EMAIL", "dev@corp.test", 1);
  ::setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
  ::setenv("HOME", tmp.str().c_str(), 1);
  ::setenv("XDG_CONFIG_HOME", (tmp.path() / "config").c_str(), 1);
  for (const char* v :
       {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"})
    ::unsetenv(v);
}

// A child process, killed (SIGTERM) and reaped when this object goes away.
class Child {
 public:
  // Starts argv[0] with the given arguments; its stdout is readable through read_line().
  explicit Child(const std::vector<std::string>& argv) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      // NOTE: helpers' diagnostics (git daemon's "remote end hung up" after a port probe) are
      // noise in the test log.
      if (const int null_fd = ::open("/dev/null", O_WRONLY); null_fd >= 0) ::dup2(null_fd, 2);
      ::close(fds[0]);
      ::close(fds[1]);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = ::fdopen(fds[0], "r");
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_) ::fclose(out_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  std::string read_line() {
    char buf[512];
    if (!out_ || !::fgets(buf, sizeof buf, out_)) return "";
    return buf;
  }
  bool running() {
    if (pid_ <= 0) return false;
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) pid_ = -1;
    return pid_ > 0;
  }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
};

// A TCP port free at the time of the call (the system's choice for port 0).
inline int free_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

inline bool accepts(int port) {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(s);
  return ok;
}

// The mock forge API (tests/sources/mock_forge.py) on 127.0.0.1; see that script for ROUTES.
class MockForge {
 public:
  MockForge(const TempDir& tmp, const std::string& routes_json, const std::string& git_root = "",
            const std::string& token = "")
      : log_(tmp.path() / "requests.log") {
    const std::string routes = tmp.write("routes.json", routes_json);
    std::vector<std::string> argv{
        "python3", std::string(REACHSCAN_SOURCE_DIR) + "/tests/sources/mock_forge.py", routes,
        log_.string()};
    if (!git_root.empty()) argv.insert(argv.end(), {git_root, token});
    child_ = std::make_unique<Child>(argv);
    const std::string line = child_->read_line();
    if (line.rfind("PORT ", 0) == 0) port_ = std::stoi(line.substr(5));
  }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string requests() const { return slurp(log_.string()); }

 private:
  std::filesystem::path log_;
  std::unique_ptr<Child> child_;
  int port_ = 0;
};

// `git daemon` serving every repository under `base` over git:// on 127.0.0.1. git daemon cannot
// listen on port 0, so a free port is picked and the start retried if another process took it.
class GitDaemon {
 public:
  explicit GitDaemon(const std::filesystem::path& base) {
    for (int attempt = 0; attempt < 5 && port_ == 0; ++attempt) {
      const int port = free_port();
      auto child = std::make_unique<Child>(std::vector<std::string>{
          "git", "daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1",
          "--port=" + std::to_string(port), "--base-path=" + base.string(), base.string()});
      for (int i = 0; i < 100 && child->running(); ++i) {
        if (accepts(port)) {
          port_ = port;
          child_ = std::move(child);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }
  int port() const { return port_; }
  std::string url(const std::string& repo) const {
    return "git://127.0.0.1:" + std::to_string(port_) + "/" + repo;
  }

 private:
  std::unique_ptr<Child> child_;
  int port_ = 0;
};

}  // namespace reachscan::testing
