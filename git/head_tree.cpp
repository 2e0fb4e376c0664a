#include "git/head_tree.h"

#include <algorithm>

namespace reachscan::git {

HeadTree::HeadTree(const Repository& repo) : repo_(repo) {
  for (const auto& [blob, paths] : repo.head_blobs())
    for (const std::string& p : paths) {
      blobs_.emplace(p, blob);
      paths_.push_back(p);
    }
  std::sort(paths_.begin(), paths_.end());
}

std::optional<std::string> HeadTree::read(const std::string& path, std::size_t max_bytes) const {
  const auto it = blobs_.find(path);
  if (it == blobs_.end()) return std::nullopt;
  auto blob = repo_.read_blob(it->second);
  if (!blob) return std::nullopt;
  return std::string(blob->data.substr(0, std::min(max_bytes, blob->data.size())));
}

}  // namespace reachscan::git
