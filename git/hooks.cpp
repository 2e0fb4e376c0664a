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
constexpr const char* kScan = "reachscan git --staged --format short --no-color";

// The hook looks reachscan up on PATH when the commit is made: an absolute path written at install
// time breaks when the binary moves (a build tree, an upgrade, another machine's dotfiles).
std::string hook_script(bool global) {
  std::string s =
      std::string("#!/bin/sh\n") + kMarker +
      ": blocks commits that add secrets.\n"
      "# Suppress a reviewed finding with a `reachscan:allow` comment on its line or its\n"
      "# fingerprint in .reachscanignore; skip once with `git commit --no-verify`.\n"
      "# A pre-commit hook that was here before runs first, from " +
      kChained + ".\n";
  s += "chained=\"$(dirname \"$0\")/" + std::string(kChained) +
       "\"\n"
       "if [ -x \"$chained\" ]; then \"$chained\" \"$@\" || exit $?; fi\n";
  if (global)
    s += "# Installed globally (core.hooksPath): the repository's own pre-commit hook runs too.\n"
         "own=\"$(git rev-parse --git-dir)/hooks/pre-commit\"\n"
         "if [ -x \"$own\" ]; then \"$own\" \"$@\" || exit $?; fi\n";
  s += "if ! command -v reachscan >/dev/null 2>&1; then\n"
       "  echo \"reachscan pre-commit hook: reachscan is not on PATH; install it or add its folder "
       "to PATH (skip this check once with git commit --no-verify)\" >&2\n"
       "  exit 1\n"
       "fi\n"
       "exec " +
       std::string(kScan) + " \"$@\"\n";
  return s;
}

// With a global core.hooksPath git ignores every repository's .git/hooks: these stubs run the
// repository's hook of the same name, so installing reachscan globally turns nothing else off.
constexpr const char* kClientHooks[] = {
    "applypatch-msg", "pre-applypatch", "post-applypatch", "commit-msg",      "prepare-commit-msg",
    "post-commit",    "pre-rebase",     "post-checkout",   "post-merge",      "pre-merge-commit",
    "pre-push",       "post-rewrite",   "pre-auto-gc",     "push-to-checkout"};

std::string stub_script(const std::string& name) {
  return std::string("#!/bin/sh\n") + kMarker + " --global: runs the repository's own " + name +
         " hook, which git skips while core.hooksPath is set.\n"
         "own=\"$(git rev-parse --git-dir)/hooks/" +
         name +
         "\"\n"
         "if [ -x \"$own\" ]; then exec \"$own\" \"$@\"; fi\n"
         "exit 0\n";
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string config_path(git_config* cfg, const char* name) {
  git_buf buf = GIT_BUF_INIT;
  std::string out;
  if (git_config_get_path(&buf, cfg, name) == 0 && buf.ptr) out = buf.ptr;
  git_buf_dispose(&buf);
  git_error_clear();
  return out;
}

// The repository's effective core.hooksPath (local, global or system config), or empty.
std::string configured_hooks_path(git_repository* repo) {
  git_config* cfg = nullptr;
  if (git_repository_config_snapshot(&cfg, repo) != 0) {
    git_error_clear();
    return "";
  }
  std::string out = config_path(cfg, "core.hooksPath");
  git_config_free(cfg);
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

namespace fs = std::filesystem;

// Written beside and renamed: a failed write must not leave a half hook.
Status write_script(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.parent_path() / ("." + path.filename().string() + ".reachscan-tmp");
  std::ofstream out(tmp, std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::error("cannot write " + tmp.string());
  ::chmod(tmp.c_str(), 0755);
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return Status::error("cannot write " + path.string() + ": " + ec.message());
  return {};
}

// The folder git runs this repository's hooks from; husky's generated folder is refused.
Expected<fs::path> repository_hooks_dir(const std::string& path) {
  auto repo = Repository::open(path);
  if (!repo) return repo.status();
  fs::path dir = fs::path((*repo)->git_dir()) / "hooks";
  // git runs the hooks in core.hooksPath when it is set (husky and similar set it): a hook in
  // .git/hooks would never run. Relative paths are relative to the top of the work tree (the
  // git dir of a bare repository), as git reads them.
  const std::string configured =
      configured_hooks_path(static_cast<git_repository*>((*repo)->raw()));
  if (configured.empty()) return dir;
  const fs::path base =
      (*repo)->workdir().empty() ? fs::path((*repo)->git_dir()) : fs::path((*repo)->workdir());
  dir = (fs::path(configured).is_absolute() ? fs::path(configured) : base / configured)
            .lexically_normal();
  if (managed_by_husky(dir)) {
    const fs::path user_hook =
        dir.filename() == "_" ? dir.parent_path() / "pre-commit" : dir / "pre-commit";
    return Status::error(
        "core.hooksPath is " + configured +
        ", whose hooks husky generates: add reachscan to husky's pre-commit hook instead, "
        "with\n  printf '%s\\n' " +
        shell_quote(kScan) + " >> " + shell_quote(user_hook.string()));
  }
  return dir;
}

Expected<fs::path> global_hooks_dir() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  if (xdg && *xdg) return fs::path(xdg) / "reachscan" / "hooks";
  if (home && *home) return fs::path(home) / ".config" / "reachscan" / "hooks";
  return Status::error("neither XDG_CONFIG_HOME nor HOME is set");
}

// A pre-commit hook reachscan did not write is kept, and run first from ours.
Status chain_foreign_hook(const fs::path& hook, const fs::path& chained, bool force,
                          std::vector<std::string>& notes) {
  std::error_code ec;
  if (!fs::exists(hook, ec) || force || slurp(hook).find(kMarker) != std::string::npos) return {};
  if (fs::exists(chained, ec))
    return Status::error(hook.string() + " was not written by reachscan and " + chained.string() +
                         " exists too; merge them by hand, or use --force to replace " +
                         hook.string());
  fs::rename(hook, chained, ec);
  if (ec) return Status::error("cannot move " + hook.string() + " aside: " + ec.message());
  // A hook that is not executable stays inert there too: git did not run it either.
  notes.push_back("the pre-commit hook that was there runs first, from " + chained.string());
  return {};
}

// Points the global core.hooksPath at `dir`, saying what that replaces: an earlier global
// core.hooksPath (its pre-commit hook is chained through a link) and init.templateDir.
Status set_global_hooks_path(const fs::path& dir, std::vector<std::string>& notes) {
  init_library();
  git_config* cfg = nullptr;
  if (git_config_open_default(&cfg) != 0) return Status::error("cannot open the git configuration");
  const std::string before = config_path(cfg, "core.hooksPath");
  const std::string templates = config_path(cfg, "init.templateDir");
  git_config* global = nullptr;
  const bool has_global = git_config_open_level(&global, cfg, GIT_CONFIG_LEVEL_GLOBAL) == 0;
  int set = 0;
  if (has_global) {
    set = git_config_set_string(global, "core.hooksPath", dir.c_str());
    git_config_free(global);
  }
  git_config_free(cfg);
  if (set != 0) return Status::error("cannot set core.hooksPath in the global git config");
  if (!has_global) {
    // No global config file yet: create ~/.gitconfig with the one setting.
    const char* home = std::getenv("HOME");
    if (!home) return Status::error("cannot find the global git config");
    std::ofstream out(fs::path(home) / ".gitconfig", std::ios::app);
    out << "[core]\n\thooksPath = " << dir.string() << "\n";
  }
  std::error_code ec;
  if (!before.empty() && fs::path(before).lexically_normal() != dir.lexically_normal()) {
    notes.push_back("core.hooksPath was " + before + ": git no longer runs the hooks there");
    const fs::path old_hook = fs::path(before) / "pre-commit";
    if (fs::exists(old_hook, ec) && !fs::exists(dir / kChained, ec)) {
      fs::create_symlink(old_hook, dir / kChained, ec);
      if (!ec)
        notes.push_back("its pre-commit hook runs first (linked from " + std::string(kChained) +
                        ")");
    }
  }
  notes.push_back(
      "every repository's own hooks in .git/hooks still run (reachscan's hooks folder calls them)");
  if (!templates.empty())
    notes.push_back("init.templateDir is " + templates +
                    ": the hooks it copies into new repositories' .git/hooks run that way too");
  notes.push_back(
      "a repository whose own config sets core.hooksPath (husky, lefthook...) keeps its own: run "
      "`reachscan install-hook` there");
  return {};
}

}  // namespace

Expected<InstalledHook> install_hook(const HookOptions& o) {
  Expected<fs::path> dir = o.global ? global_hooks_dir() : repository_hooks_dir(o.repo);
  if (!dir) return dir.status();
  std::error_code ec;
  fs::create_directories(*dir, ec);
  if (ec) return Status::error("cannot create " + dir->string() + ": " + ec.message());
  InstalledHook result;
  const fs::path hook = *dir / "pre-commit";
  if (Status s = chain_foreign_hook(hook, *dir / kChained, o.force, result.notes); !s.ok())
    return s;
  // A repository whose hooks path is the global folder gets the global hook there, unchanged.
  Expected<fs::path> global_dir = global_hooks_dir();
  const bool global = o.global || (global_dir && *global_dir == *dir);
  if (Status s = write_script(hook, hook_script(global)); !s.ok()) return s;
  if (o.global) {
    for (const char* name : kClientHooks) {
      const fs::path stub = *dir / name;
      if (fs::exists(stub, ec) && slurp(stub).find(kMarker) == std::string::npos) continue;
      if (Status s = write_script(stub, stub_script(name)); !s.ok()) return s;
    }
    if (Status s = set_global_hooks_path(*dir, result.notes); !s.ok()) return s;
  }
  result.path = hook.string();
  return result;
}

}  // namespace reachscan::git
