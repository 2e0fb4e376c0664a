#include "scanner/findings.h"

#include <algorithm>

namespace reachscan {
namespace {

int severity(const Finding& f) {
  return reach_rank(f.reach ? f.reach->verdict : ReachVerdict::kUnknown);
}

}  // namespace

bool place_less(const Finding& a, const Finding& b) {
  if (a.path != b.path) return a.path < b.path;
  if (a.line != b.line) return a.line < b.line;
  if (a.column != b.column) return a.column < b.column;
  return a.rule_id < b.rule_id;
}

void FindingStore::add(Finding&& f) {
  ++total_;
  auto [it, fresh] = by_fingerprint_.try_emplace(f.fingerprint, groups_.size());
  if (fresh) groups_.emplace_back();
  Group& g = groups_[it->second];
  ++g.count;
  if (g.held.size() < kept_) {
    g.held.push_back(occurrences_.size());
    occurrences_.push_back(std::move(f));
    return;
  }
  // Over the budget: keep it only if it is more severe than every held one (it then decides the
  // finding), in place of the least severe; count the one let go.
  auto least = std::min_element(g.held.begin(), g.held.end(), [&](std::size_t a, std::size_t b) {
    return severity(occurrences_[a]) < severity(occurrences_[b]);
  });
  if (severity(f) > severity(occurrences_[*least])) std::swap(occurrences_[*least], f);
  const ReachVerdict v = f.reach ? f.reach->verdict : ReachVerdict::kUnknown;
  if (v == ReachVerdict::kProduction) ++g.dropped_production;
  if (v == ReachVerdict::kNonProduction) ++g.dropped_non_production;
}

std::vector<Finding*> FindingStore::occurrences() {
  std::vector<Finding*> out;
  out.reserve(occurrences_.size());
  for (Finding& f : occurrences_) out.push_back(&f);
  return out;
}

std::vector<Finding> FindingStore::take_occurrences() { return std::move(occurrences_); }

void FindingStore::put_back(std::vector<Finding> occurrences) {
  occurrences_ = std::move(occurrences);
}

std::vector<SecretFinding> FindingStore::finish() {
  std::vector<SecretFinding> out;
  out.reserve(groups_.size());
  for (Group& g : groups_) {
    SecretFinding s;
    s.count = g.count;
    s.occurrences.reserve(g.held.size());
    for (std::size_t i : g.held) s.occurrences.push_back(std::move(occurrences_[i]));
    std::sort(s.occurrences.begin(), s.occurrences.end(), place_less);
    bool production = g.dropped_production > 0, non_production = g.dropped_non_production > 0;
    const Finding* decisive = nullptr;
    for (const Finding& f : s.occurrences) {
      const int sev = severity(f);
      production |= sev == 2;
      non_production |= sev == 0;
      if (f.reach && std::find(f.reach->flags.begin(), f.reach->flags.end(),
                               "reused_across_environments") != f.reach->flags.end())
        production = non_production = true;
      if (!decisive || sev > severity(*decisive)) decisive = &f;
    }
    s.first = *decisive;
    s.reused_across_environments = production && non_production;
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const SecretFinding& a, const SecretFinding& b) {
    return place_less(a.first, b.first);
  });
  occurrences_.clear();
  groups_.clear();
  by_fingerprint_.clear();
  return out;
}

}  // namespace reachscan
