#include "git/hooks.h"

#include <git2.h>
#include <sys/stat.h>
#include <unistd.h>

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

constexpr const char* kChained = "pre-commit.before-reachscan";

std::string scan_command(const std::string& binary) {
  return shell_quote(binary) + " git --staged --format short --no-color";
}

std::string hook_script(const std::string& binary) {
  return std::string("#!/bin/sh\n") + kMarker +
         ": blocks commits that add secrets.\n"
         "# Suppress a reviewed finding with a `reachscan:allow` comment on its line or its\n"
         "# fingerprint in .reachscanignore; skip once with `git commit --no-verify`.\n"
         "# A pre-commit hook that was here before runs first, from " +
         kChained +
         ".\n"
         "chained=\"$(dirname \"$0\")/" +
         kChained +
         "\"\n"
         "if [ -x \"$chained\" ]; then \"$chained\" \"$@\" || exit $?; fi\n"
         "exec " +
         scan_command(binary) + " \"$@\"\n";
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The repository's effective core.hooksPath (local, global or system config), or empty.
std::string configured_hooks_path(git_repository* repo) {
  git_config* cfg = nullptr;
  if (git_repository_config_snapshot(&cfg, repo) != 0) {
    git_error_clear();
    return "";
  }
  git_buf buf = GIT_BUF_INIT;
  std::string out;
  if (git_config_get_path(&buf, cfg, "core.hooksPath") == 0 && buf.ptr) out = buf.ptr;
  git_buf_dispose(&buf);
  git_config_free(cfg);
  git_error_clear();
  return out;
}

// Hook managers that generate the files in their hooks folder (husky: .husky/_ holds stubs that
// run .husky/<hook>); writing there would be undone by the manager, or break it.
bool managed_by_husky(const std::filesystem::path& dir) {
  std::error_code ec;
  return (dir.filename() == "_" && dir.parent_path().filename() == ".husky") ||
         std::filesystem::exists(dir / "husky.sh", ec) ||
         std::filesystem::exists(dir / "_" / "husky.sh", ec);
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
    // git runs the hooks in core.hooksPath when it is set (husky and similar set it): a hook in
    // .git/hooks would never run. Relative paths are relative to the top of the work tree (the
    // git dir of a bare repository), as git reads them.
    if (const std::string configured =
            configured_hooks_path(static_cast<git_repository*>((*repo)->raw()));
        !configured.empty()) {
      const fs::path base =
          (*repo)->workdir().empty() ? fs::path((*repo)->git_dir()) : fs::path((*repo)->workdir());
      dir = fs::path(configured).is_absolute() ? fs::path(configured) : base / configured;
      dir = dir.lexically_normal();
      if (managed_by_husky(dir)) {
        const fs::path user_hook =
            dir.filename() == "_" ? dir.parent_path() / "pre-commit" : dir / "pre-commit";
        return Status::error(
            "core.hooksPath is " + configured +
            ", whose hooks husky generates: add reachscan to husky's pre-commit hook instead, "
            "with\n  printf '%s\\n' " +
            shell_quote(scan_command(o.binary)) + " >> " + shell_quote(user_hook.string()));
      }
    }
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::error("cannot create " + dir.string() + ": " + ec.message());
  const fs::path hook = dir / "pre-commit";
  const fs::path chained = dir / kChained;
  if (fs::exists(hook, ec) && !o.force && slurp(hook).find(kMarker) == std::string::npos) {
    // Someone else's hook: keep it, and run it first from ours.
    if (fs::exists(chained, ec))
      return Status::error(hook.string() + " was not written by reachscan and " + chained.string() +
                           " exists too; merge them by hand, or use --force to replace " +
                           hook.string());
    fs::rename(hook, chained, ec);
    if (ec) return Status::error("cannot move " + hook.string() + " aside: " + ec.message());
    // A hook that is not executable stays inert there too: git did not run it either.
  }
  {
    // Written beside and renamed: a failed write must not leave a half hook.
    const fs::path tmp = dir / ".pre-commit.reachscan-tmp";
    std::ofstream out(tmp, std::ios::trunc);
    out << hook_script(o.binary);
    out.close();
    if (!out) return Status::error("cannot write " + tmp.string());
    ::chmod(tmp.c_str(), 0755);
    fs::rename(tmp, hook, ec);
    if (ec) return Status::error("cannot write " + hook.string() + ": " + ec.message());
  }

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
