#include "git/hooks.h"

#include <git2.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "git/repository.h"

namespace reachscan::git {
namespace {

constexpr const char* kMarker = "# Installed by reachscan install-hook";

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string hook_script(const std::string& binary) {
  return std::string("#!/bin/sh\n") + kMarker +
         ": blocks commits that add secrets.\n"
         "# Suppress a reviewed finding with a `reachscan:allow` comment on its line or its\n"
         "# fingerprint in .reachscanignore; skip once with `git commit --no-verify`.\n"
         "exec " +
         shell_quote(binary) + " git --staged --format short --no-color \"$@\"\n";
}

}  // namespace

Expected<std::string> install_hook(const HookOptions& o) {
  namespace fs = std::filesystem;
  fs::path dir;
  if (o.global) {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    const char* home = std::getenv("HOME");
    if (xdg && *xdg)
      dir = fs::path(xdg) / "reachscan" / "hooks";
    else if (home && *home)
      dir = fs::path(home) / ".config" / "reachscan" / "hooks";
    else
      return Status::error("neither XDG_CONFIG_HOME nor HOME is set");
  } else {
    auto repo = Repository::open(o.repo);
    if (!repo) return repo.status();
    dir = fs::path((*repo)->git_dir()) / "hooks";
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::error("cannot create " + dir.string() + ": " + ec.message());
  const fs::path hook = dir / "pre-commit";
  if (fs::exists(hook, ec) && !o.force) {
    std::ifstream in(hook);
    std::stringstream ss;
    ss << in.rdbuf();
    if (ss.str().find(kMarker) == std::string::npos)
      return Status::error(hook.string() +
                           " already exists and was not written by reachscan; use --force to "
                           "replace it");
  }
  {
    std::ofstream out(hook, std::ios::trunc);
    out << hook_script(o.binary);
    if (!out) return Status::error("cannot write " + hook.string());
  }
  ::chmod(hook.c_str(), 0755);

  if (o.global) {
    init_library();
    git_config* cfg = nullptr;
    git_config* global = nullptr;
    if (git_config_open_default(&cfg) != 0)
      return Status::error("cannot open the git configuration");
    const int rc = git_config_open_level(&global, cfg, GIT_CONFIG_LEVEL_GLOBAL);
    if (rc == 0) {
      const int set = git_config_set_string(global, "core.hooksPath", dir.c_str());
      git_config_free(global);
      git_config_free(cfg);
      if (set != 0) return Status::error("cannot set core.hooksPath in the global git config");
    } else {
      git_config_free(cfg);
      // No global config file yet: create ~/.gitconfig with the one setting.
      const char* home = std::getenv("HOME");
      if (!home) return Status::error("cannot find the global git config");
      std::ofstream out(fs::path(home) / ".gitconfig", std::ios::app);
      out << "[core]\n\thooksPath = " << dir.string() << "\n";
    }
  }
  return hook.string();
}

}  // namespace reachscan::git
