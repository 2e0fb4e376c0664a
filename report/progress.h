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
  // Starts drawing on `out` (which must be a terminal) from a thread of its own, at once: before
  // a source is watched it shows the phase (loading rules, opening the repository) and the time.
  // `counters` must outlive this object. `noun` names the items ("files", "blobs").
  ProgressLine(std::FILE* out, const ScanCounters& counters, const char* noun);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // What the run is doing before its source is watched ("loading rules").
  void phase(const char* what);
  // From now on the line shows the scan's counters and `source`'s commits (it must outlive this
  // object or the next stop()).
  void watch(const BlobSource& source);
  // Stops drawing and clears the line. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace reachscan::report
