// The progress line: on a terminal, while a scan runs, one line on stderr redrawn a few times a
// second with items and bytes scanned, occurrences found, the rate, and for history scans the
// commits walked (with a percentage when the source knows the total). Cleared when the scan ends.
#pragma once

#include <cstdio>
#include <memory>

#include "core/blob_source.h"

namespace reachscan::report {

class ProgressLine {
 public:
  // Starts drawing on `out` (which must be a terminal) from a thread of its own; `counters` and
  // `source` must outlive this object. `noun` names the items ("files", "blobs").
  ProgressLine(std::FILE* out, const ScanCounters& counters, const BlobSource& source,
               const char* noun);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Stops drawing and clears the line. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace reachscan::report
