// Installs reachscan as a git pre-commit hook, for one repository or for every repository of the
// user (through core.hooksPath in the global git config).
#pragma once

#include <string>

#include "core/status.h"

namespace reachscan::git {

struct HookOptions {
  std::string repo = ".";  // ignored with global
  bool global = false;
  bool force = false;  // replace a pre-commit hook reachscan did not write
  std::string binary;  // absolute path of the reachscan to run
};

// Writes the hook (mode 0755) and returns the path written. The folder is the one git runs hooks
// from: core.hooksPath when set (relative to the work tree), else .git/hooks. A folder whose hooks
// husky generates is refused, with the exact command that adds reachscan to husky's own hook. A
// pre-commit hook reachscan did not write is chained, not replaced: it is moved to
// pre-commit.before-reachscan and runs first (its failure blocks the commit); `force` replaces
// it instead. With `global`, writes $XDG_CONFIG_HOME/reachscan/hooks/pre-commit (or
// ~/.config/...) and points the global core.hooksPath there.
Expected<std::string> install_hook(const HookOptions& options);

}  // namespace reachscan::git
