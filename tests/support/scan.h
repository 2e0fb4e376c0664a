// Test helpers: run the one scan pipeline over a source and flatten the grouped findings back to
// their occurrences (in place order), which is what most assertions are about.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "git/blob_sources.h"
#include "patterns/rule.h"
#include "scanner/deployment.h"
#include "scanner/findings.h"
#include "scanner/pipeline.h"
#include "sources/files.h"

namespace reachscan::test {

struct FlatResult {
  std::vector<Finding> findings;       // every occurrence, sorted by place
  std::vector<SecretFinding> grouped;  // the findings as reported
  ScanSummary summary;
};

// Two small rules for pipeline tests: a `dmo_` token and a multi-line BEGIN/END block.
inline std::shared_ptr<const patterns::RuleDatabase> demo_db() {
  patterns::DatabaseOptions o;
  o.use_cache = false;
  auto set = patterns::parse_rules(R"yaml(
- id: demo.token
  name: Demo token
  pattern: '\b(dmo_[A-Za-z0-9]{20})\b'
  min_entropy: 3.0
- id: demo.block
  name: Demo block
  pattern: 'BEGIN\n([A-Za-z0-9\n]{10,}?)\nEND'
  max_length: 4096
)yaml",
                                   "demo.yaml");
  return patterns::RuleDatabase::build(set.rules, o).database;
}

inline FlatResult flatten(ScanResult r) {
  FlatResult out;
  for (const SecretFinding& s : r.findings)
    out.findings.insert(out.findings.end(), s.occurrences.begin(), s.occurrences.end());
  std::sort(out.findings.begin(), out.findings.end(), place_less);
  out.grouped = std::move(r.findings);
  out.summary = std::move(r.summary);
  return out;
}

inline FlatResult scan_paths(std::shared_ptr<const patterns::RuleDatabase> db, ScanOptions o,
                             const std::vector<std::string>& roots,
                             const Policy& policy = Policy()) {
  // As `reachscan dir` does: the deployment model of the scanned folder.
  if (o.reach && !o.deployment && (!o.root.empty() || roots.size() == 1))
    o.deployment = folder_deployment(o.root.empty() ? roots.front() : o.root);
  WalkOptions wo;  // as `reachscan dir`: sizes are checked after a look at the content
  wo.exclude_globs = std::move(o.exclude_globs);  // the walker prunes; as `reachscan dir`
  o.exclude_globs.clear();
  sources::FileSource source(roots, wo);
  return flatten(Scanner(std::move(db), std::move(o)).scan(source, policy));
}

inline FlatResult scan_stream(std::shared_ptr<const patterns::RuleDatabase> db, ScanOptions o,
                              int fd, const std::string& label) {
  sources::StdinSource source(fd, label);
  o.threads = 1;
  return flatten(Scanner(std::move(db), std::move(o)).scan(source, Policy()));
}

struct GitScanOptions {
  using Mode = git::GitSourceOptions::Mode;
  std::string repo = ".";
  Mode mode = Mode::kHistory;
  std::string range;
  std::optional<std::string> branch;
  bool all_objects = false;
  ScanOptions scan;
  std::uint64_t max_whole_read = git::GitSourceOptions{}.max_whole_read;
};

inline Expected<FlatResult> scan_git(std::shared_ptr<const patterns::RuleDatabase> db,
                                     const GitScanOptions& o) {
  git::GitSourceOptions go{o.repo, o.mode, o.range, o.branch, o.all_objects, o.max_whole_read};
  auto source = git::open_source(go);
  if (!source) return source.status();
  ScanOptions so = o.scan;
  if (so.reach && !so.deployment) so.deployment = head_deployment(o.repo);  // as `reachscan git`
  return flatten(Scanner(std::move(db), so).scan(**source, Policy()));
}

}  // namespace reachscan::test
