// The commit graph a history walk saw, in a compact form: each commit is its position in the walk
// order (parents before children), a 32-bit index; its parents are indexes too, stored one after
// another for all commits. About 30 bytes a commit, where a hash map of id -> vector of parent ids
// took ~120 (bitnami/charts: 126k commits).
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "git/repository.h"

namespace reachscan::git {

class CommitGraph {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;

  // Adds `commit` after its parents. Parents not added before (missing from the object store,
  // beyond a shallow boundary, hidden from the walk) are left out: no ref containment passes
  // through a commit the walk did not see. A commit added twice keeps its first place.
  void add(const ObjectId& commit, std::span<const ObjectId> parents);

  std::uint32_t size() const { return static_cast<std::uint32_t>(order_.size()); }
  const ObjectId& id(std::uint32_t i) const { return order_[i]; }
  std::span<const std::uint32_t> parents(std::uint32_t i) const {
    return {parents_.data() + first_parent_[i], parents_.data() + first_parent_[i + 1]};
  }
  // The position of `commit` in the walk order, or kNone.
  std::uint32_t index_of(const ObjectId& commit) const;
  // Heap bytes held (capacity, not size).
  std::size_t bytes() const;

 private:
  std::size_t slot_of(const ObjectId& commit) const;
  void grow();

  std::vector<ObjectId> order_;
  std::vector<std::uint32_t> first_parent_ = {0};  // size() + 1 offsets into parents_
  std::vector<std::uint32_t> parents_;
  // Open-addressed index over order_: slot = position + 1, 0 = empty.
  std::vector<std::uint32_t> slots_ = std::vector<std::uint32_t>(1024, 0);
};

// A ref worth naming (branch, tag, remote branch) and the commit it peels to.
struct NamedTip {
  std::string name;   // short name: main, v1.2, origin/main
  std::uint32_t tip;  // index into the graph
};

// For each commit in `wanted` (indexes into `graph`): the first `limit` of `refs` (sorted by name)
// whose history contains it; commits no ref contains are absent. Memory is bounded by
// `max_bytes` (plus one 64-bit word per commit at least), whatever the number of refs or the
// shape of the graph; time is one pass over the graph per group of wanted commits that fits it.
std::map<ObjectId, std::vector<std::string>> containing_refs(
    const CommitGraph& graph, const std::vector<NamedTip>& refs, std::vector<std::uint32_t> wanted,
    std::size_t limit, std::size_t max_bytes = std::size_t{16} << 20);

}  // namespace reachscan::git
