// BlobSource: what every kind of input (files and folders, standard input, git history, staged
// changes, commit ranges, and later archives, images and remote repositories) looks like to the
// scan pipeline.
//
// The pipeline pulls `Item`s one at a time from `next()` in its serial input stage, so a slow
// consumer slows the walk and memory stays bounded. Each item is then loaded by `load()` on a
// worker thread (a file as an open descriptor, streamed in chunks; a git blob as bytes), matched,
// and its findings come back to the serial output stage, where `describe()` attaches what the
// source knows cheaply (a git blob's introducing commit). When every item is done, `finish()`
// adds what needs the whole walk (refs containing a commit, paths at HEAD) to the findings that
// exist, so provenance is computed only for blobs with findings, and no blob is read twice.
//
// Sources depend only on this vocabulary (core/types.h); the pipeline is the only code that
// knows all stages.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/types.h"

namespace reachscan {

// One unit of content to scan and where it came from.
struct Item {
  std::string path;         // as reported (relative to what the user named)
  std::string location;     // where the source finds it, when that differs (a file to open)
  std::uint64_t size = 0;   // 0: unknown
  std::string blob;         // git: object id of the content (hex); empty otherwise
  std::string commit;       // git: introducing commit (hex); empty for the index or dangling
  bool only_added = false;  // report only findings on `added` lines (staged, ranges)
  std::vector<std::pair<std::uint64_t, std::uint64_t>> added;  // 1-based inclusive line ranges
  std::uint64_t token = 0;  // the source's own handle (an index into its tables)
};

// An item's bytes produced piece by piece (a large git blob inflated as it is read), so that
// content of any size is scanned in bounded memory. Used by one thread at a time.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Fills `buf` with up to `n` bytes and returns how many, 0 at the end, or -1 after describing
  // the failure in `error`. A failure means the content is damaged or unreadable (truncated,
  // corrupt, or not the content its id names); the bytes handed out before it were real reads.
  virtual long read(char* buf, std::size_t n, std::string& error) = 0;
};

// An item's content, produced by BlobSource::load on a worker thread. Exactly one of: `fd` >= 0
// (a descriptor the pipeline reads to the end in chunks and closes), `stream` (read to the end in
// chunks), `data` (the bytes), `skip`.
struct Loaded {
  int fd = -1;
  std::unique_ptr<ByteStream> stream;
  std::optional<std::string> data;
  std::optional<Skip> skip;
};

// Progress counters a source can report while it runs (history walks: commits so far and, when
// known, in all).
struct SourceProgress {
  std::uint64_t commits = 0;
  std::uint64_t commits_total = 0;  // 0: unknown
};

// Live counters of a scan, readable from any thread while it runs (the progress line).
struct ScanCounters {
  std::atomic<std::uint64_t> items{0};
  std::atomic<std::uint64_t> bytes{0};
  std::atomic<std::uint64_t> occurrences{0};
};

class BlobSource {
 public:
  virtual ~BlobSource() = default;

  // The next item, or nullopt at the end. Entries that are not scanned (missing paths, symlink
  // loops, submodules, ...) are appended to `skips` with their reason. Called from one thread at
  // a time (the pipeline's serial input stage).
  virtual std::optional<Item> next(std::vector<Skip>& skips) = 0;

  // Opens or reads `item`. Called concurrently from worker threads: implementations keep
  // per-thread handles where their library requires it. Never throws; failures are a skip.
  virtual Loaded load(const Item& item, std::uint64_t max_size) const = 0;

  // Attaches cheap provenance to a finding of `item` (serial output stage).
  virtual void describe(const Item& item, Finding& f) { (void)item, (void)f; }

  // After every item, provenance that needs the whole walk is completed in two passes over the
  // occurrences found (all from this source), which may come in several batches so that they
  // need not all be in memory at once: `gather` sees every batch (what it needs to know of all
  // of them), then `complete` sees every batch again and fills in their provenance.
  virtual void gather(const std::vector<Finding*>& batch) { (void)batch; }
  virtual void complete(std::vector<Finding*>& batch) { (void)batch; }
  // Last: adds the source's errors and notes (missing objects, shallow boundary) and commit
  // count to `summary`.
  virtual void finish(ScanSummary& summary) { (void)summary; }

  // Thread-safe snapshot for the progress line.
  virtual SourceProgress progress() const { return {}; }
};

}  // namespace reachscan
