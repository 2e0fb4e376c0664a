// A report destination that survives faults: a report either arrives whole or not at all.
//
// A regular file (or a path that does not exist yet) is written to a temporary file in the same
// folder (mode 0600, because reports hold secrets) and renamed over the target by commit() only
// after every write, the flush, fsync and the close succeeded; on any error, or when the
// OutputFile is dropped without commit(), the temporary file is removed and an earlier report at
// the target is left as it was. A symlink to a regular file is resolved first, so the report
// replaces the file it points at and the link stays.
//
// Other existing targets (/dev/null, a terminal, a FIFO, /dev/full) cannot be replaced: they are
// written in place, and every write and the close are still checked, so `-o /dev/full` is an
// error, not a silent loss. "-" or "" is standard output; there a closed pipe (EPIPE: the reader
// went away, as with `| head`) is not an error.
//
// Not thread-safe; one OutputFile per destination.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "core/status.h"

namespace reachscan::report {

class OutputFile {
 public:
  // Opens the destination. Errors name the path and the reason (missing folder, permission).
  [[nodiscard]] static Expected<std::unique_ptr<OutputFile>> open(const std::string& path);
  ~OutputFile();  // discards unless committed
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // The stream to write the report to; owned by this object, valid until commit() or discard().
  std::FILE* stream() const { return file_; }
  // Whether the destination is a terminal (then secrets must be masked, whatever its name).
  bool is_terminal() const { return terminal_; }
  bool is_stdout() const { return stdout_; }
  const std::string& path() const { return path_; }

  // Flushes, checks every write, syncs and closes, then renames the temporary file into place.
  // An error names the path and the cause; the target then keeps its earlier content.
  [[nodiscard]] Status commit();
  // Drops what was written: removes the temporary file (a no-op for in-place targets).
  void discard();

 private:
  OutputFile() = default;
  [[nodiscard]] Status attach(int fd);
  std::string path_;    // as the user named it
  std::string target_;  // where the rename goes (symlinks resolved)
  std::string temp_;    // empty: written in place
  std::FILE* file_ = nullptr;
  int fd_ = -1;
  int write_errno_ = 0;  // the first failed write's errno (stdio forgets it)
  bool stdout_ = false;
  bool terminal_ = false;
  bool done_ = false;
};

}  // namespace reachscan::report
