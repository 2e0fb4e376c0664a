// Directory walker: turns the paths a user named into a stream of regular files to scan, and
// records every entry it does not hand out with a reason (binary files are found later, by the
// reader). Symlinks to files inside the scan root are scanned; symlinks to files outside it are
// skipped (a link to /etc/shadow in a scanned tree must not be read and reported) unless
// follow_symlinks; symlinks to directories are not followed.
//
// Not thread-safe: the pipeline calls next() from its serial input stage.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/types.h"

namespace reachscan {

struct WalkOptions {
  std::uint64_t max_file_size = 0;         // 0: no limit
  std::vector<std::string> exclude_globs;  // core/glob.h dialect, on the path in the root
  bool skip_vcs_dirs = true;               // .git, .hg, .svn
  // Folders below a root that hold a CMakeCache.txt: CMake build trees (generated sources, copies
  // of test data, caches). A build tree named as a root is still scanned.
  bool skip_build_trees = true;
  bool follow_symlinks = false;  // also scan symlinked files outside the root
};

struct WalkEntry {
  std::string path;     // what the user opened (possibly a symlink)
  std::string display;  // reported path: without a leading "./"
  std::uint64_t size = 0;
};

class Walker {
 public:
  Walker(std::vector<std::string> roots, WalkOptions options);
  ~Walker();
  Walker(const Walker&) = delete;
  Walker& operator=(const Walker&) = delete;

  // The next file to scan, or nullopt at the end. Entries not handed out are appended to `skips`.
  std::optional<WalkEntry> next(std::vector<Skip>& skips);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace reachscan
