#include "git/walk_graph.h"

#include <algorithm>
#include <bit>

namespace reachscan::git {

void CommitGraph::add(const ObjectId& commit, std::span<const ObjectId> parents) {
  if (index_of(commit) != kNone) return;
  if ((order_.size() + 1) * 4 > slots_.size() * 3) grow();
  const auto index = static_cast<std::uint32_t>(order_.size());
  slots_[slot_of(commit)] = index + 1;
  order_.push_back(commit);
  for (const ObjectId& p : parents)
    if (const std::uint32_t at = index_of(p); at != kNone) parents_.push_back(at);
  first_parent_.push_back(static_cast<std::uint32_t>(parents_.size()));
}

std::uint32_t CommitGraph::index_of(const ObjectId& commit) const {
  const std::uint32_t slot = slots_[slot_of(commit)];
  return slot == 0 ? kNone : slot - 1;
}

std::size_t CommitGraph::bytes() const {
  return order_.capacity() * sizeof(ObjectId) +
         (first_parent_.capacity() + parents_.capacity() + slots_.capacity()) *
             sizeof(std::uint32_t);
}

// The slot holding `commit`, or the empty slot where it belongs (linear probing: ids are hashes,
// so their first bytes spread evenly).
std::size_t CommitGraph::slot_of(const ObjectId& commit) const {
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = ObjectIdHash{}(commit)&mask;
  while (slots_[i] != 0 && !(order_[slots_[i] - 1] == commit)) i = (i + 1) & mask;
  return i;
}

void CommitGraph::grow() {
  slots_.assign(slots_.size() * 2, 0);
  for (std::uint32_t i = 0; i < order_.size(); ++i) slots_[slot_of(order_[i])] = i + 1;
}

namespace {

// Hands each ref, in name order, to the wanted commits (`members`, bit b for members[b]) whose
// bits its tip holds in `reach`, until a commit has `limit` names: then its bit is masked out, so
// the work is bounded by refs x words plus the names handed out, not refs x wanted commits.
void name_containing(const std::vector<NamedTip>& refs, std::span<const std::uint32_t> members,
                     const CommitGraph& graph, const std::vector<std::uint64_t>& reach,
                     std::size_t words, std::size_t limit,
                     std::map<ObjectId, std::vector<std::string>>& out) {
  std::vector<std::uint64_t> open(words, 0);
  for (std::size_t b = 0; b < members.size(); ++b) open[b / 64] |= std::uint64_t{1} << (b % 64);
  std::vector<std::vector<std::string>*> lists(members.size(), nullptr);
  std::size_t left = members.size();
  for (auto r = refs.begin(); r != refs.end() && left > 0; ++r)
    for (std::size_t k = 0; k < words; ++k)
      for (std::uint64_t bits = reach[r->tip * words + k] & open[k]; bits; bits &= bits - 1) {
        const std::size_t b = k * 64 + static_cast<std::size_t>(std::countr_zero(bits));
        if (!lists[b]) lists[b] = &out[graph.id(members[b])];
        lists[b]->push_back(r->name);
        if (lists[b]->size() == limit) {
          open[k] &= ~(std::uint64_t{1} << (b % 64));
          --left;
        }
      }
}

}  // namespace

// Wanted commits go in groups of 64 x `words`: each gets a bit, and one pass in walk order
// (parents first) ORs every commit's parents' bits into its own, so a ref's tip ends up with the
// bits of the wanted commits its history contains. A group's pass starts at its oldest commit:
// nothing before it holds a bit. (Propagating ref bits from the tips down instead, as before,
// held a set of every ref's bit for each commit on the frontier: its width times the refs.)
std::map<ObjectId, std::vector<std::string>> containing_refs(const CommitGraph& graph,
                                                             const std::vector<NamedTip>& refs,
                                                             std::vector<std::uint32_t> wanted,
                                                             std::size_t limit,
                                                             std::size_t max_bytes) {
  std::map<ObjectId, std::vector<std::string>> out;
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  const std::size_t n = graph.size();
  if (wanted.empty() || refs.empty() || limit == 0 || n == 0) return out;
  const std::size_t words = std::clamp<std::size_t>((wanted.size() + 63) / 64, 1,
                                                    std::max<std::size_t>(1, max_bytes / 8 / n));
  std::vector<std::uint64_t> reach(n * words);
  for (std::size_t group = 0; group < wanted.size(); group += 64 * words) {
    const std::span<const std::uint32_t> members(wanted.data() + group,
                                                 std::min(wanted.size() - group, 64 * words));
    std::fill(reach.begin(), reach.end(), 0);
    for (std::size_t b = 0; b < members.size(); ++b)
      reach[members[b] * words + b / 64] |= std::uint64_t{1} << (b % 64);
    for (std::uint32_t c = members.front(); c < n; ++c)
      for (const std::uint32_t p : graph.parents(c))
        for (std::size_t k = 0; k < words; ++k) reach[c * words + k] |= reach[p * words + k];
    name_containing(refs, members, graph, reach, words, limit, out);
  }
  return out;
}

}  // namespace reachscan::git
