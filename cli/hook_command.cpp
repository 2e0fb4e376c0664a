// `reachscan install-hook`: a pre-commit hook running `reachscan git --staged`.
#include <fmt/core.h>

#include <filesystem>

#include "cli/commands.h"
#include "scanner/policy.h"

namespace reachscan::cli {

int run_install_hook(const GlobalOptions& g, git::HookOptions hook) {
  std::error_code ec;
  hook.binary = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (ec) hook.binary = "reachscan";
  auto written = git::install_hook(hook);
  if (!written) {
    error_line(written.status().message());
    return kExitError;
  }
  if (!g.quiet) fmt::print(stderr, "reachscan: installed {}\n", *written);
  return kExitClean;
}

}  // namespace reachscan::cli
