// The scan pipeline for files, folders and streams: walk -> read -> detect -> collect, on TBB.
//
// The walk runs in a serial input stage; reading and detection run in parallel with a bounded
// number of files in flight, each read in chunks of at most ScanOptions::chunk_size bytes, so
// memory does not grow with the tree or with one huge file. Findings are sorted by path, line and
// column at the end, so output does not depend on the thread count.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/types.h"
#include "patterns/rule_database.h"

namespace reachscan {

namespace reach {
struct ReachConfig;
}

struct ScanOptions {
  unsigned threads = 0;             // 0: every core
  std::uint64_t max_file_size = 0;  // 0: no limit (large files are scanned in chunks)
  std::vector<std::string> exclude_globs;
  bool follow_symlinks = false;  // dir: also symlinked files outside the root (sources/walker.h)
  std::size_t chunk_size = 16u << 20;  // bytes per read and per Hyperscan block scan
  bool verify = true;                  // offline structural verification
  bool decode = true;                  // also scan decoded base64/URL/hex runs (scanner/decode.h)
  // Production-reach classification with the user's environments map; null: not classified.
  std::shared_ptr<const reach::ReachConfig> reach;
  std::string root;  // scan root for the classifier (see reach::FileContext)
};

struct ScanResult {
  std::vector<Finding> findings;
  ScanSummary summary;
};

class Scanner {
 public:
  Scanner(std::shared_ptr<const patterns::RuleDatabase> db, ScanOptions options);
  ~Scanner();

  // Scans files and folders. Missing or unreadable paths are recorded in the summary; the rest of
  // the scan goes on. Thread-safe with respect to other Scanner instances.
  ScanResult scan_paths(const std::vector<std::string>& roots) const;

  // Scans everything readable from `fd` (e.g. standard input), reported as `label`.
  ScanResult scan_stream(int fd, const std::string& label) const;

  unsigned threads() const { return threads_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  unsigned threads_ = 1;
};

// Marks the same secret seen in production and non-production places (reach::flag_reuse), keyed
// with a random per-run key so digests are never comparable across runs.
void flag_reuse_randomly(std::vector<Finding>& findings);

// Sorts findings by path, line, column and rule id.
void sort_findings(std::vector<Finding>& findings);

}  // namespace reachscan
