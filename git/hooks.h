// Installs reachscan as a git pre-commit hook, for one repository or for every repository of the
// user (through core.hooksPath in the global git config).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace reachscan::git {

struct HookOptions {
  std::string repo = ".";  // ignored with global
  bool global = false;
  bool force = false;  // replace a pre-commit hook reachscan did not write
};

struct InstalledHook {
  std::string path;                // the hook written
  std::vector<std::string> notes;  // what the installation replaced or left alone, for people
};

// Writes the hook (mode 0755) and returns the path written. The hook runs the `reachscan` it finds
// on PATH when the commit is made (a clear message and a failed commit when there is none), so it
// survives upgrades and moves of the binary. The folder is the one git runs hooks
// from: core.hooksPath when set (relative to the work tree), else .git/hooks. A folder whose hooks
// husky generates is refused, with the exact command that adds reachscan to husky's own hook. A
// pre-commit hook reachscan did not write is chained, not replaced: it is moved to
// pre-commit.before-reachscan and runs first (its failure blocks the commit); `force` replaces
// it instead. With `global`, writes $XDG_CONFIG_HOME/reachscan/hooks/pre-commit (or
// ~/.config/...) and points the global core.hooksPath there. git then no longer runs the hooks in
// a repository's .git/hooks, so that folder gets one stub per client hook that runs the
// repository's own hook of that name, and the pre-commit hook runs the repository's pre-commit
// hook first. A global core.hooksPath set before is named in the notes, and its pre-commit hook
// is chained (pre-commit.before-reachscan links to it); so is init.templateDir.
Expected<InstalledHook> install_hook(const HookOptions& options);

}  // namespace reachscan::git
