// A set of object ids stored inline in one open-addressed table: no node per id and no pointer to
// chase, so a lookup costs one cache miss. The history walk asks it once per tree entry it meets
// (millions of times on a large history); std::unordered_set's node per id doubled both the time
// and the memory of those lookups.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "git/repository.h"

namespace reachscan::git {

class FlatIdSet {
 public:
  FlatIdSet() : slots_(kInitial) {}

  // Inserts `id`; true when it was not there. The all-zero id (never a real object) is not stored.
  bool insert(const ObjectId& id) {
    if (is_zero(id)) return false;
    if ((size_ + 1) * 10 > slots_.size() * 7) grow();
    ObjectId& slot = slots_[find(slots_, id)];
    if (!is_zero(slot)) return false;
    slot = id;
    ++size_;
    return true;
  }
  bool contains(const ObjectId& id) const {
    if (is_zero(id)) return false;
    return !is_zero(slots_[find(slots_, id)]);
  }
  std::size_t size() const { return size_; }
  std::size_t bytes() const { return slots_.size() * sizeof(ObjectId); }

 private:
  static constexpr std::size_t kInitial = std::size_t{1} << 16;

  static bool is_zero(const ObjectId& id) {
    static const ObjectId kZero{};
    return id == kZero;
  }
  // The slot holding `id`, or the empty slot where it belongs (linear probing: ids are hashes
  // already, so their first bytes spread evenly).
  static std::size_t find(const std::vector<ObjectId>& slots, const ObjectId& id) {
    const std::size_t mask = slots.size() - 1;
    std::size_t i = ObjectIdHash{}(id)&mask;
    while (!is_zero(slots[i]) && !(slots[i] == id)) i = (i + 1) & mask;
    return i;
  }
  void grow() {
    std::vector<ObjectId> bigger(slots_.size() * 2);
    for (const ObjectId& id : slots_)
      if (!is_zero(id)) bigger[find(bigger, id)] = id;
    slots_.swap(bigger);
  }

  std::vector<ObjectId> slots_;
  std::size_t size_ = 0;
};

}  // namespace reachscan::git
