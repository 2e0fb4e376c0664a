// SpillFile: an append-only scratch file for occurrences that do not fit the findings store's
// memory budget (scanner/findings.h).
//
// The file holds secrets, so it is private: created mode 0600 in $TMPDIR (or /tmp) and unlinked
// at once (O_TMPFILE where the file system supports it), so that no name ever points to it and
// the kernel frees it when the process ends, however it ends (exit, SIGINT/SIGTERM, a crash).
// Not thread-safe; one per store.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace reachscan {

class SpillFile {
 public:
  SpillFile() = default;
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  // Creates the file on first use; an error names the folder and why.
  [[nodiscard]] Status open();
  bool is_open() const { return fd_ >= 0; }
  // Appends `bytes`; returns where they start.
  [[nodiscard]] Expected<std::uint64_t> append(std::string_view bytes);
  // Reads `size` bytes at `offset` into `out`: from the file, or from what is still buffered.
  [[nodiscard]] Status read(std::uint64_t offset, std::size_t size, std::string& out);
  // Writes what append buffered. On failure (a full disk) the unwritten bytes stay buffered, so
  // every offset append returned stays readable, and the file stays usable.
  [[nodiscard]] Status flush();
  std::uint64_t size() const { return written_ + buffer_.size(); }
  // Forgets the still-buffered bytes at or after `offset` (a batch that is given up on).
  void drop_buffered_from(std::uint64_t offset) {
    buffer_.resize(offset > written_ ? std::min<std::uint64_t>(offset - written_, buffer_.size())
                                     : 0);
  }

 private:
  int fd_ = -1;
  std::string buffer_;         // appended bytes not yet written
  std::uint64_t written_ = 0;  // bytes in the file
};

}  // namespace reachscan
