// Reading small input files that may come from an untrusted tree (the scanned repository's
// .reachscan.yaml, rule files it names, .reachscanignore, a baseline report): regular files only,
// never more than a cap, and never blocking. A symlink to /dev/zero, a FIFO or a folder is an
// error naming the path, not a hang or an out-of-memory death.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace reachscan {

// Size caps for the files read through read_regular_file.
constexpr std::uint64_t kMaxConfigBytes = 1u << 20;        // .reachscan.yaml
constexpr std::uint64_t kMaxRuleFileBytes = 4u << 20;      // one rule file
constexpr std::uint64_t kMaxIgnoreBytes = 16u << 20;       // .reachscanignore
constexpr std::uint64_t kMaxBaselineBytes = 512ull << 20;  // an earlier JSON/JSONL report

// The whole content of `path` (symlinks followed) if it is a regular file of at most `max_bytes`.
// `what` names the file's role in error messages ("config file", "ignore file"). Thread-safe.
[[nodiscard]] Expected<std::string> read_regular_file(const std::string& path,
                                                      std::uint64_t max_bytes,
                                                      const std::string& what);

// OK when `path`, every symlink resolved, lies inside `folder` (also resolved); else an error
// naming `path` and what it is (`what`). How files named by a config that came with the scanned
// tree (its `rules:`, a gitleaks `[extend] path`, an ignore file found there) are kept in that
// tree: a committed file must not make the scanner read `/etc/shadow` or `../../..`. A path that
// does not exist is checked as written (its existing prefix resolved).
[[nodiscard]] Status check_inside(const std::string& path, const std::string& folder,
                                  const std::string& what);

// A regular file mapped read-only: for caches and indexes read whole on every run, where copying
// them into fresh memory (zero-filled, then written) costs more than the mapping's page faults.
class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(MappedFile&& o) noexcept : data_(o.data_), size_(o.size_) { o.data_ = nullptr; }
  MappedFile& operator=(MappedFile&&) = delete;
  MappedFile(const MappedFile&) = delete;
  ~MappedFile();
  std::string_view view() const { return {static_cast<const char*>(data_), size_}; }

 private:
  friend Expected<MappedFile> map_regular_file(const std::string&, std::uint64_t,
                                               const std::string&);
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

// Maps `path` if it is a regular file of at most `max_bytes` (errors as read_regular_file's). The
// view shows the file as it was when mapped only while nobody rewrites it in place: the files
// read this way are replaced by rename. Thread-safe.
[[nodiscard]] Expected<MappedFile> map_regular_file(const std::string& path,
                                                    std::uint64_t max_bytes,
                                                    const std::string& what);

// Replaces `path` with `data` atomically (a temporary file in the same folder, then a rename), the
// file readable and writable by its owner only (0600): how caches that may hold what rules look
// for are written. Concurrent writers of the same path leave one complete file. Thread-safe.
[[nodiscard]] Status write_private_file(const std::string& path, std::string_view data);

}  // namespace reachscan
