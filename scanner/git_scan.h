// The git scan pipeline: a git/ blob source -> per-thread blob reads -> detect -> provenance.
//
// History mode scans every distinct blob reachable from any ref once; staged and range modes scan
// the blobs a commit (or the index) adds and keep only findings on added lines. Findings carry
// their introducing commit, the refs containing it and whether the secret is still at HEAD.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "patterns/rule_database.h"
#include "scanner/pipeline.h"
#include "core/status.h"

namespace reachscan {

struct GitScanOptions {
  enum class Mode { kHistory, kStaged, kRange };
  std::string repo = ".";
  Mode mode = Mode::kHistory;
  std::string range;                  // kRange: "BASE..TIP" or "BASE" (BASE..HEAD)
  std::optional<std::string> branch;  // kHistory: only what this revision reaches
  bool all_objects = false;           // kHistory: also unreachable blobs
  ScanOptions scan;                   // threads, max_file_size, chunk_size, exclude_globs
};

// Scans a repository. An error (not a repository, bad revision) stops before scanning; problems
// with single objects are recorded in the summary and the scan goes on.
Expected<ScanResult> scan_git(std::shared_ptr<const patterns::RuleDatabase> db,
                              const GitScanOptions& options);

}  // namespace reachscan
