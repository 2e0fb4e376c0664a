// `reachscan dir|stdin|git`: one scan config from flags and the config file, one source, the one
// pipeline, reporters as sinks, and the policy's exit code.
#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "cli/commands.h"
#include "cli/setup.h"
#include "patterns/rule.h"
#include "patterns/rule_database.h"
#include "reach/classify.h"
#include "report/escape.h"
#include "report/output_file.h"
#include "report/progress.h"
#include "report/reporter.h"
#include "scanner/config.h"
#include "scanner/deployment.h"
#include "scanner/interrupt.h"
#include "scanner/pipeline.h"
#include "scanner/policy.h"
#include "sources/files.h"

namespace reachscan::cli {
namespace fs = std::filesystem;

// Messages name scanned paths and objects: escaped so that they cannot drive the terminal.
void error_line(const std::string& msg) {
  fmt::print(stderr, "reachscan: error: {}\n", report::escape_for_terminal(msg));
}

namespace {

// The folder whose config and ignore files apply: the first path named (or its folder).
std::string scan_root(const std::vector<std::string>& paths) {
  if (paths.empty()) return ".";
  std::error_code ec;
  if (fs::is_directory(paths.front(), ec)) return paths.front();
  const fs::path parent = fs::path(paths.front()).parent_path();
  return parent.empty() ? "." : parent.string();
}

}  // namespace

int run_scan(const GlobalOptions& g, const ScanTarget& target) {
  install_interrupt_handlers();  // SIGINT/TERM/HUP: stop reading, report what was found
  const bool from_stdin = target.kind == ScanTarget::Kind::kStdin;
  const std::vector<std::string> paths =
      target.paths.empty() ? std::vector<std::string>{"."} : target.paths;
  if (!report::parse_format(g.format)) {
    error_line("unknown format '" + g.format + "' (" + report::format_names() + ")");
    return kExitError;
  }

  const bool image = target.kind == ScanTarget::Kind::kImage;
  // The progress line from the start: loading rules and opening a large repository take a while
  // before the first item is scanned.
  ScanCounters counters;
  std::optional<report::ProgressLine> progress;
  if (!g.quiet && !g.no_progress && ::isatty(STDERR_FILENO))
    progress.emplace(stderr, counters,
                     target.kind == ScanTarget::Kind::kGit ? "blobs"
                     : image                               ? "images"
                                                           : "files");
  auto phase = [&](const char* what) {
    if (progress) progress->phase(what);
  };
  phase("loading rules");
  std::string root = from_stdin || image ? "." : scan_root(paths);
  if (target.kind == ScanTarget::Kind::kGit) {
    auto r = git::config_root(target.git.repo);
    if (!r) {
      error_line(r.status().message());
      return kExitError;
    }
    root = *r;
  }
  auto setup = load_setup(g, root);
  if (!setup) return kExitError;
  auto options = scan_options(g, *setup, root);
  if (!options) return kExitError;
  ScanOptions& so = *options;
  // The deployment model of what is scanned (the folder, or HEAD's tree), built when the first
  // finding is classified.
  if (target.kind == ScanTarget::Kind::kGit)
    so.deployment = head_deployment(target.git.repo);
  else if (!from_stdin && !image)
    so.deployment = folder_deployment(root);
  auto policy = load_policy(g, *setup, root);
  if (!policy) return kExitError;

  phase(target.kind == ScanTarget::Kind::kGit ? "opening the repository" : "opening the input");
  // The source. Files walk with the same exclusions (folders are pruned, not listed).
  std::unique_ptr<BlobSource> source;
  if (target.kind == ScanTarget::Kind::kGit) {
    auto opened = git::open_source(target.git);
    if (!opened) {
      error_line(opened.status().message());
      return kExitError;
    }
    source = std::move(*opened);
  } else if (image) {
    ImageScanOptions io;
    io.reach = so.reach;
    // --deployment-repo: which manifests and CI jobs of that repository deploy the image.
    if (!target.deployment_repo.empty())
      io.deployment = build_folder_deployment(target.deployment_repo);
    auto opened = open_image_source(target.image, std::move(io));
    if (!opened) {
      error_line(opened.status().message());
      return kExitError;
    }
    source = std::move(*opened);
  } else if (from_stdin) {
    source = std::make_unique<sources::StdinSource>(STDIN_FILENO, target.label);
  } else {
    WalkOptions wo;
    // The size limit applies after a look at the content: archives have their own limits.
    wo.max_file_size = 0;
    wo.follow_symlinks = g.follow_symlinks;
    wo.skip_build_trees = !g.scan_build_trees;
    // The walker prunes excluded folders itself: the pipeline need not match every file again.
    wo.exclude_globs = std::move(so.exclude_globs);
    so.exclude_globs.clear();
    source = std::make_unique<sources::FileSource>(paths, wo);
  }

  // Open every destination before scanning: a bad -o must not cost a whole scan.
  auto sinks = Sinks::open(g, setup->db->rules());
  if (!sinks) return kExitError;

  Scanner scanner(setup->db, so);
  if (progress) progress->watch(*source);
  // The findings go to the reports one at a time as the scan ends (they need not all fit in
  // memory); the summary closes each report.
  ScanResult result =
      scanner.scan(*source, *policy, &sinks->stream(), &counters, &sinks->findings());
  if (progress) progress->stop();
  for (const std::string& e : setup->errors) result.summary.errors.push_back(e);

  sinks->finish(result.summary);
  const bool write_failed = !sinks->commit();
  // Machine formats carry the summary; errors still reach the person running the scan.
  // (Rule-loading errors were printed when they happened.)
  if (!sinks->human_summary() || g.quiet) print_errors(g, result.summary, setup->errors);
  // An interrupted run exits 128 + signal, like a shell's killed process.
  if (interrupted()) {
    error_line("interrupted by signal " + std::to_string(interrupt_signal()) +
               ": the report holds what was found so far (\"complete\": false)");
    return 128 + interrupt_signal();
  }
  if (write_failed) return kExitError;
  return policy->exit_code(result.summary, sinks->written(), sinks->production());
}

}  // namespace reachscan::cli
