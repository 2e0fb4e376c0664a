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

// Writes the hook (mode 0755) and returns the path written. Refuses to overwrite a hook it did
// not write unless `force`. With `global`, writes $XDG_CONFIG_HOME/reachscan/hooks/pre-commit
// (or ~/.config/...) and points the global core.hooksPath there.
Expected<std::string> install_hook(const HookOptions& options);

}  // namespace reachscan::git
