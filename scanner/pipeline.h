// The scan pipeline: one TBB pipeline for every source (files and folders, standard input, git
// history, staged changes, commit ranges): pull -> load -> match/confirm/verify/classify ->
// collect.
//
// The source's next() runs in the serial input stage; loading (a descriptor streamed in chunks
// of at most ScanOptions::chunk_size bytes, or a git blob's bytes) and detection run in parallel
// with a bounded number of items in flight, so memory does not grow with the input. Occurrences
// come back to a serial stage where suppression is applied and they are streamed to an observer
// (JSON Lines, progress) and grouped by secret. At the end the source completes provenance for
// the blobs with findings, git context is added to their reach, reuse across environments is
// flagged, and `--min-reach` filters the findings. Output does not depend on the thread count.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/blob_source.h"
#include "core/types.h"
#include "patterns/rule_database.h"
#include "scanner/policy.h"
#include "sources/archive.h"

namespace reachscan {

class Detector;
struct FileOutcome;

namespace reach {
struct ReachConfig;
class DeploymentModel;
}  // namespace reach

// Content a caller has already scanned: an organisation scan's datastore knows the blobs that
// forks share and the blobs an earlier run scanned. Asked only about items with a git blob id
// that report every line (history, not staged changes or ranges).
class ScanMemo {
 public:
  virtual ~ScanMemo() = default;
  // Serial input stage: true skips the item unread (counted in ScanSummary::already_scanned).
  virtual bool known_clean(const Item& item) = 0;
  // Items the input stage gathers before asking about them all at once (a shared database
  // answers a batch in one round trip); 1: item by item.
  virtual std::size_t batch() const { return 1; }
  // The batch form of known_clean (one answer per item, true skips); by default item by item.
  virtual std::vector<bool> known_clean(const std::vector<const Item*>& items) {
    std::vector<bool> out;
    for (const Item* i : items) out.push_back(known_clean(*i));
    return out;
  }
  // Serial output stage: the item was read whole and nothing was found in it, before any
  // suppression (suppression is the caller's policy, not a property of the content).
  virtual void scanned_clean(const Item& item) = 0;
  // Serial output stage: the item was read and is not clean (findings, errors, skips).
  virtual void scanned_not_clean(const Item&) {}
};

struct ScanOptions {
  unsigned threads = 0;             // 0: every core
  std::uint64_t max_file_size = 0;  // 0: no limit (large files are scanned in chunks)
  // Items whose path matches are skipped as excluded. Sources that prune on their own (the file
  // walker, which skips whole folders) take the globs themselves and leave this empty.
  std::vector<std::string> exclude_globs;
  std::size_t chunk_size = 16u << 20;  // bytes per read and per Hyperscan block scan
  bool verify = true;                  // offline structural verification
  int max_decode_depth = 2;  // nested encodings decoded; default scanner/detector.h kMaxDecodeDepth
  bool decode = true;        // also scan decoded base64/URL/hex runs (scanner/decode.h)
  // Production-reach classification with the user's environments map; null: not classified.
  std::shared_ptr<const reach::ReachConfig> reach;
  std::string root;                     // scan root for the classifier (see reach::FileContext)
  std::size_t kept_per_finding = 1000;  // occurrences held per finding (FindingStore)
  // Bytes of occurrences held in memory before the rest go to a private spill file
  // (FindingStore); unset: no limit. Results are the same either way.
  std::optional<std::size_t> findings_memory;
  // Archives and compiled artifacts: limits, depth, binary strings. chunk_size and max_text_size
  // are filled in from the fields above.
  ArchiveOptions archive;
  // The deployment model of the scanned tree (reach/deployment.h), paths relative to `root` (git
  // scans: to the repository root): built by this function on first use, when a finding is
  // classified, so a clean scan (a pre-commit hook with nothing staged) builds nothing. Empty:
  // no model.
  std::function<std::shared_ptr<const reach::DeploymentModel>()> deployment;
  ScanMemo* memo = nullptr;  // content scanned before; null: scan everything
};

struct ScanResult {
  std::vector<SecretFinding> findings;  // empty when a FindingSink took them
  ScanSummary summary;
};

// Receives the findings at the end of the scan, one at a time in report order, with their final
// verdict; those --min-reach hides are counted in the summary, not handed on. The summary is
// complete when Scanner::scan returns (after the last one).
class FindingSink {
 public:
  virtual ~FindingSink() = default;
  // True when the sink masks: it then gets secrets() before the first finding.
  virtual bool wants_secrets() const { return false; }
  // The secrets of every finding it will get, by path (for report::mask).
  virtual void secrets(PathSecrets&& by_path) { (void)by_path; }
  virtual void on_finding(SecretFinding&& f) = 0;
};

// Receives occurrences while the scan runs, from the serial stage (never concurrently), after
// suppression, one item's at a time; their reach is what the file alone says (git context and
// reuse come at the end).
class ScanObserver {
 public:
  virtual ~ScanObserver() = default;
  virtual void on_occurrences(const std::vector<Finding>& of_one_item) = 0;
};

// A source whose items it scans itself, on a worker thread (a container image: its layers,
// config and history are read in one pass over the image file). load() is not called for them.
class ScanningSource : public BlobSource {
 public:
  Loaded load(const Item&, std::uint64_t) const override { return {}; }
  virtual void scan(const Item& item, const Detector& detector, const ArchiveOptions& archive,
                    FileOutcome& out) const = 0;
};

class Scanner {
 public:
  Scanner(std::shared_ptr<const patterns::RuleDatabase> db, ScanOptions options);
  ~Scanner();

  // Scans everything `source` hands out. Problems with single items are recorded in the summary
  // and the scan goes on. `observer`, `counters` and `sink` may be null; without a sink the
  // findings are returned in the result. Not reentrant per source.
  ScanResult scan(BlobSource& source, const Policy& policy, ScanObserver* observer = nullptr,
                  ScanCounters* counters = nullptr, FindingSink* sink = nullptr) const;

  unsigned threads() const { return threads_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  unsigned threads_ = 1;
};

}  // namespace reachscan
