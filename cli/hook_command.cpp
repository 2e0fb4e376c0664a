// `reachscan install-hook`: a pre-commit hook running `reachscan git --staged`.
#include <fmt/core.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "cli/commands.h"
#include "report/escape.h"
#include "scanner/policy.h"

namespace reachscan::cli {
namespace {

// Whether `name` is an executable file in a folder of $PATH (what the hook's shell will find).
bool on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string file = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (::access(file.c_str(), X_OK) == 0 && !std::filesystem::is_directory(file)) return true;
  }
  return false;
}

}  // namespace

int run_install_hook(const GlobalOptions& g, git::HookOptions hook) {
  auto written = git::install_hook(hook);
  if (!written) {
    error_line(written.status().message());
    return kExitError;
  }
  if (g.quiet) return kExitClean;
  fmt::print(stderr, "reachscan: installed {}\n", report::escape_for_terminal(written->path));
  for (const std::string& n : written->notes)
    fmt::print(stderr, "reachscan: {}\n", report::escape_for_terminal(n));
  if (!on_path("reachscan"))
    fmt::print(stderr,
               "reachscan: warning: reachscan is not on PATH; the hook runs the reachscan it "
               "finds there and fails commits until there is one\n");
  return kExitClean;
}

}  // namespace reachscan::cli
