// Chunked detection over a file descriptor or an in-memory buffer, shared by the file and git
// pipelines. Inputs larger than the chunk size are scanned in overlapping windows (overlap twice
// the longest rule match), so every match is seen whole exactly once, memory stays bounded, and
// line and column numbers stay exact. Internal to the scanner; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.h"
#include "scanner/detector.h"

namespace reachscan {

inline constexpr std::size_t kBinaryProbe = 8000;  // as git: a NUL in the first 8000 bytes

struct FileOutcome {
  std::vector<Finding> findings;
  std::uint64_t bytes = 0;
  std::optional<Skip> skip;  // set when the input was not (fully) scanned
  std::vector<std::string> errors;
  std::vector<std::string> notes;  // e.g. decoding stopped at its budget
};

// True when the first kBinaryProbe bytes hold a NUL.
bool looks_binary(std::string_view head);

// Reads `fd` to the end and detects in each chunk. `size_hint` (0: unknown) sizes the buffer.
// A read error keeps what was found so far and records an `unreadable` skip.
void scan_fd(int fd, const std::string& display, std::uint64_t size_hint, const Detector& detector,
             std::size_t chunk_size, FileOutcome& out);

// Detects in `data`, chunk by chunk, without copying. Binary data is skipped with a reason.
void scan_memory(std::string_view data, const std::string& display, const Detector& detector,
                 std::size_t chunk_size, FileOutcome& out);

}  // namespace reachscan
