// The files of HEAD's tree, listed once and read on demand: what a folder on disk offers, for a
// repository (bare or not). Used to build the deployment model of a git scan from the same tree
// a `dir` scan of the checkout would see.
//
// Not thread-safe (one libgit2 handle): use from one thread at a time.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "git/repository.h"

namespace reachscan::git {

class HeadTree {
 public:
  // Lists HEAD's tree (empty for an unborn HEAD), not descending into folders whose name
  // `skip_folder` accepts (vendored code: cheaper on large trees). `repo` must outlive this object.
  explicit HeadTree(const Repository& repo, std::function<bool(std::string_view)> skip_folder = {});

  // Every blob's path, '/'-separated, relative to the repository root.
  const std::vector<std::string>& paths() const { return paths_; }
  // At most `max_bytes` of the blob at `path`; nullopt for a path not in the tree or a blob that
  // cannot be read.
  std::optional<std::string> read(const std::string& path, std::size_t max_bytes) const;

 private:
  const Repository& repo_;
  std::vector<std::string> paths_;
  std::unordered_map<std::string, ObjectId> blobs_;
};

}  // namespace reachscan::git
