// Chunked detection over a file descriptor or an in-memory buffer, shared by the file and git
// pipelines. Inputs larger than the chunk size are scanned in overlapping windows (overlap twice
// the longest rule match), so every match is seen whole exactly once, memory stays bounded, and
// line and column numbers stay exact. Internal to the scanner; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
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
  // Inputs holding other inputs (archives, container images): members not (fully) scanned, each
  // with its own reason, and how many members were scanned. The input itself counts as scanned.
  std::vector<Skip> member_skips;
  std::uint64_t members_scanned = 0;
};

// Why a ReadFn stopped early. `reason` is kUnreadable for I/O errors; archive readers use
// kCorrupt, kArchiveLimit and kEncrypted.
struct ReadFailure {
  SkipReason reason = SkipReason::kUnreadable;
  std::string detail;
  bool reported = false;  // already recorded where it happened: the consumer records nothing
};

// A pull reader: fills `buf` with up to `n` bytes and returns how many, 0 at the end, or -1 after
// describing the failure in `failure`. Called from one thread at a time.
using ReadFn = std::function<long(char* buf, std::size_t n, ReadFailure& failure)>;

// A ReadFn over a file descriptor (retries EINTR; errors carry strerror).
ReadFn fd_reader(int fd);
// A ReadFn over `data`, which must outlive it.
ReadFn memory_reader(std::string_view data);
// A ReadFn that hands out `head` first, then what `rest` reads: how a caller that peeked at the
// start of a stream gives the whole stream on. `head` is not copied: it must outlive the reader.
ReadFn replay_reader(std::string_view head, ReadFn rest);

// True when the first kBinaryProbe bytes hold a NUL.
bool looks_binary(std::string_view head);

// Reads `read` to the end and detects in each chunk. `size_hint` (0: unknown) sizes the buffer.
// A read error keeps what was found so far and records a skip with the reader's reason. With
// `binary_check`, input with a NUL in its first kBinaryProbe bytes is skipped as binary; without
// it, the caller vouches that the bytes are text (e.g. the printable runs of a binary).
//
// `preloaded`: the caller has already read that many bytes of the input into chunk_buffer() (to
// look at them first); scanning starts with them, without a copy.
void scan_reader(const ReadFn& read, const std::string& display, std::uint64_t size_hint,
                 const Detector& detector, std::size_t chunk_size, FileOutcome& out,
                 bool binary_check = true, std::size_t preloaded = 0);

// The calling thread's chunk buffer, grown to at least `n` bytes, which scan_reader reads into.
// NOTE: the next scan_reader on this thread overwrites it.
char* chunk_buffer(std::size_t n);

// scan_reader over `fd`.
void scan_fd(int fd, const std::string& display, std::uint64_t size_hint, const Detector& detector,
             std::size_t chunk_size, FileOutcome& out);

// Detects in `data`, chunk by chunk, without copying. Binary data is skipped with a reason.
void scan_memory(std::string_view data, const std::string& display, const Detector& detector,
                 std::size_t chunk_size, FileOutcome& out);

}  // namespace reachscan
