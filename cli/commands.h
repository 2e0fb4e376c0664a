// The command-line front end: main.cpp turns flags into these plain structs (it is the only code
// that knows CLI11) and calls one function per subcommand, each in its own file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/image_command.h"
#include "git/blob_sources.h"
#include "git/hooks.h"

namespace reachscan::cli {

// Flags every subcommand accepts.
struct GlobalOptions {
  std::string format = "text";
  std::string output;
  bool redact = false;
  bool show_secrets = false;
  std::string config;
  std::vector<std::string> rule_paths;
  std::vector<std::string> only_rules;
  std::vector<std::string> skip_rules;
  std::vector<std::string> exclude;  // --exclude GLOB, same dialect as the config's allow.paths
  unsigned threads = 0;
  std::string max_file_size;
  bool no_color = false;
  bool quiet = false;
  bool verbose = false;
  bool no_progress = false;
  std::uint64_t findings_memory = 64;  // --findings-memory MB held before spilling to disk
  int exit_code = 1;
  bool exit_code_set = false;  // --exit-code given: it then also replaces the production code 3
  std::string baseline;
  std::string ignore_file;
  bool no_cache = false;
  std::string fail_on = "any";
  std::string min_reach;
  bool no_verify = false;
  bool no_decode = false;
  int max_decode_depth = -1;         // --max-decode-depth: 0 no decoding; -1 the default
  bool entropy_strings = false;      // --entropy-strings: the opt-in high-entropy string rules
  std::vector<std::string> reports;  // --report FORMAT:PATH, extra reports from the same scan
  ArchiveFlags archive;              // --max-archive-depth, --max-archive-size, ...
  bool follow_symlinks = false;      // dir: symlinked files outside the scan root too
  bool scan_build_trees = false;     // dir: CMake build trees below the root too
  std::string version;
};

// What a scan subcommand asked for.
struct ScanTarget {
  enum class Kind { kDir, kStdin, kGit, kImage } kind = Kind::kDir;
  std::vector<std::string> paths;  // kDir; empty: the current folder
  std::string label = "-";         // kStdin
  git::GitSourceOptions git;       // kGit
  std::string image;               // kImage: an image tarball, OCI layout or image name
  std::string deployment_repo;     // kImage: --deployment-repo, a repository folder
};

// `dir`, `stdin`, `git`, `image`: scans and reports; returns the exit status (scanner/policy.h).
int run_scan(const GlobalOptions& g, const ScanTarget& target);
// `rules list` and `rules check [PATH...]`.
int run_rules_list(const GlobalOptions& g);
int run_rules_check(const GlobalOptions& g, const std::vector<std::string>& paths);
// `rules import-gitleaks FILE`: the gitleaks config as a reachscan rule file on stdout or -o.
int run_rules_import_gitleaks(const GlobalOptions& g, const std::string& file);
// `install-hook`.
int run_install_hook(const GlobalOptions& g, git::HookOptions hook);

// "reachscan: error: MSG" on stderr.
void error_line(const std::string& msg);

}  // namespace reachscan::cli
