#include "scanner/findings.h"

#include <algorithm>
#include <numeric>
#include <set>

#include "scanner/finding_codec.h"
#include "scanner/fingerprint.h"

namespace reachscan {
namespace {

constexpr std::size_t kBatchOccurrences = 4096;
constexpr std::size_t kResidentGuess = 2048;  // bytes of a held occurrence, for batch sizes

std::uint8_t severity(const Finding& f) {
  return static_cast<std::uint8_t>(reach_rank(f.reach ? f.reach->verdict : ReachVerdict::kUnknown));
}

ReachVerdict verdict_of(std::uint8_t severity) {
  return severity == 2   ? ReachVerdict::kProduction
         : severity == 0 ? ReachVerdict::kNonProduction
                         : ReachVerdict::kUnknown;
}

bool flagged_reused(const Finding& f) {
  return f.reach && std::find(f.reach->flags.begin(), f.reach->flags.end(),
                              "reused_across_environments") != f.reach->flags.end();
}

}  // namespace

bool place_less(const Finding& a, const Finding& b) {
  if (a.path != b.path) return a.path < b.path;
  if (a.line != b.line) return a.line < b.line;
  if (a.column != b.column) return a.column < b.column;
  return a.rule_id < b.rule_id;
}

std::uint32_t FindingStore::Interned::id(const std::string& s) {
  auto [it, fresh] = ids.try_emplace(s, static_cast<std::uint32_t>(names.size()));
  if (fresh) names.push_back(s);
  return it->second;
}

void FindingStore::add(Finding&& f) {
  ++total_;
  auto [it, fresh] =
      by_fingerprint_.try_emplace(f.fingerprint, static_cast<std::uint32_t>(groups_.size()));
  if (fresh) {
    groups_.emplace_back();
    groups_.back().rule = rules_.id(f.rule_id);
    groups_.back().secret_hash = std::hash<std::string>{}(f.secret);
  }
  Group& g = groups_[it->second];
  ++g.count;
  if (g.held.size() < kept_) {
    const auto slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
    slots_.back().size = 1;  // not yet anywhere: place() puts it in memory
    g.held.push_back(slot);
    place(slot, std::move(f));
    return;
  }
  // Over the count budget: keep it only if it is more severe than every held one (it then
  // decides the finding), in place of the least severe; count the one let go.
  auto least = std::min_element(
      g.held.begin(), g.held.end(),
      [&](std::uint32_t a, std::uint32_t b) { return slots_[a].severity < slots_[b].severity; });
  std::uint8_t dropped = severity(f);
  if (dropped > slots_[*least].severity) {
    dropped = slots_[*least].severity;
    place(*least, std::move(f));
  }
  if (dropped == 2) ++g.dropped_production;
  if (dropped == 0) ++g.dropped_non_production;
}

void FindingStore::note(Slot& s, const Finding& f) {
  s.path = paths_.id(f.path);
  s.line = f.line;
  s.column = f.column;
  s.severity = severity(f);
  s.reused = flagged_reused(f);
}

// Puts `f` in memory as `slot`'s occurrence; spills what is in memory past the budget.
void FindingStore::place(std::uint32_t slot, Finding&& f) {
  Slot& s = slots_[slot];
  note(s, f);
  resident_bytes_ += approx_bytes(f);
  if (s.size == 0) {
    resident_[s.offset] = std::move(f);
  } else {
    s.offset = resident_.size();
    s.size = 0;
    resident_.push_back(std::move(f));
    resident_of_.push_back(slot);
  }
  if (resident_bytes_ > budget_) spill_resident();
}

void FindingStore::spill_resident() {
  std::vector<std::pair<std::uint64_t, std::uint32_t>> where;
  where.reserve(resident_.size());
  std::string bytes;
  Status s = spill_.open();
  const std::uint64_t start = spill_.size();
  for (std::size_t i = 0; s.ok() && i < resident_.size(); ++i) {
    bytes.clear();
    encode_finding(resident_[i], bytes);
    auto at = spill_.append(bytes);
    if (!at)
      s = at.status();
    else
      where.emplace_back(*at, static_cast<std::uint32_t>(bytes.size()));
  }
  if (s.ok()) s = spill_.flush();
  if (!s.ok()) {
    // Nothing moves: the occurrences stay in memory, and the store stops trying.
    spill_.drop_buffered_from(start);
    error_ = s.message() + "; findings kept in memory";
    budget_ = kNoLimit;
    return;
  }
  for (std::size_t i = 0; i < resident_.size(); ++i) {
    slots_[resident_of_[i]].offset = where[i].first;
    slots_[resident_of_[i]].size = where[i].second;
  }
  spilled_ += resident_.size();
  resident_ = {};
  resident_of_ = {};
  resident_bytes_ = 0;
}

bool FindingStore::load(std::uint32_t slot, Finding& out) {
  const Slot& s = slots_[slot];
  if (s.size == 0) {
    out = std::move(resident_[s.offset]);
    return true;
  }
  std::string bytes;
  Status st = spill_.read(s.offset, s.size, bytes);
  if (st.ok() && !decode_finding(bytes, out)) st = Status::error("findings spill file: corrupt");
  if (!st.ok()) read_error_ = st.message();
  return st.ok();
}

// Keeps `f` as `slot`'s occurrence where it was: memory, or the end of the spill file.
void FindingStore::store_back(std::uint32_t slot, Finding&& f) {
  Slot& s = slots_[slot];
  note(s, f);
  if (s.size == 0) {
    resident_[s.offset] = std::move(f);
    return;
  }
  std::string bytes;
  encode_finding(f, bytes);
  auto at = spill_.append(bytes);
  if (at) {
    s.offset = *at;
    s.size = static_cast<std::uint32_t>(bytes.size());
    return;
  }
  error_ = at.status().message() + "; findings kept in memory";
  budget_ = kNoLimit;
  s.size = 1;
  place(slot, std::move(f));
}

std::size_t FindingStore::batch_bytes() const {
  return std::clamp<std::size_t>(budget_ / 4, 256u << 10, 64u << 20);
}

std::size_t FindingStore::slot_bytes(std::uint32_t slot) const {
  return slots_[slot].size ? std::size_t{slots_[slot].size} * 3 : kResidentGuess;
}

// Whole units (every occurrence of one secret) gathered into batches of about kBatchOccurrences
// occurrences or batch_bytes(), each in the order they came.
std::vector<std::vector<std::uint32_t>> FindingStore::batches(
    const std::vector<std::vector<std::uint32_t>>& units) const {
  std::vector<std::vector<std::uint32_t>> out(1);
  std::size_t bytes = 0;
  for (const auto& unit : units) {
    if (!out.back().empty() && (out.back().size() >= kBatchOccurrences || bytes >= batch_bytes())) {
      out.emplace_back();
      bytes = 0;
    }
    for (std::uint32_t slot : unit) {
      out.back().push_back(slot);
      bytes += slot_bytes(slot);
    }
  }
  for (auto& b : out) std::sort(b.begin(), b.end());
  return out;
}

void FindingStore::update(const std::function<void(std::vector<Finding*>&)>& fn, bool changes) {
  if (!spill_.is_open()) {  // all in memory, in the order they came
    std::vector<Finding*> all;
    all.reserve(resident_.size());
    for (Finding& f : resident_) all.push_back(&f);
    fn(all);
    for (std::size_t i = 0; i < resident_.size(); ++i) note(slots_[i], resident_[i]);
    return;
  }
  const auto n = static_cast<std::uint32_t>(slots_.size());
  for (std::uint32_t start = 0, end = 0; start < n; start = end) {
    std::size_t bytes = 0;
    while (end < n && end - start < kBatchOccurrences && bytes < batch_bytes())
      bytes += slot_bytes(end++);
    std::vector<Finding> loaded(end - start);
    std::vector<Finding*> ptrs;
    std::vector<std::uint32_t> read;
    for (std::uint32_t k = start; k < end; ++k)
      if (load(k, loaded[k - start])) {
        ptrs.push_back(&loaded[k - start]);
        read.push_back(k);
      }
    fn(ptrs);
    for (std::size_t k = 0; k < read.size(); ++k)
      if (changes || slots_[read[k]].size == 0) store_back(read[k], std::move(*ptrs[k]));
  }
}

void FindingStore::update_by_secret(const std::function<void(std::vector<Finding>&)>& fn) {
  if (!spill_.is_open()) {
    fn(resident_);
    for (std::size_t i = 0; i < resident_.size(); ++i) note(slots_[i], resident_[i]);
    return;
  }
  std::unordered_map<std::size_t, std::size_t> unit_of;
  std::vector<std::vector<std::uint32_t>> units;
  for (const Group& g : groups_) {
    auto [it, fresh] = unit_of.try_emplace(g.secret_hash, units.size());
    if (fresh) units.emplace_back();
    units[it->second].insert(units[it->second].end(), g.held.begin(), g.held.end());
  }
  for (const auto& batch : batches(units)) {
    std::vector<Finding> loaded;
    std::vector<std::uint32_t> read;
    for (std::uint32_t slot : batch) {
      Finding f;
      if (!load(slot, f)) continue;
      loaded.push_back(std::move(f));
      read.push_back(slot);
    }
    fn(loaded);
    for (std::size_t k = 0; k < read.size(); ++k) store_back(read[k], std::move(loaded[k]));
  }
}

// Sorts each finding's held occurrences by place (ties: the order they came) and returns the
// findings in report order, each group's decisive occurrence first in its `held`.
std::vector<std::uint32_t> FindingStore::report_order() {
  std::vector<std::uint32_t> rank(paths_.names.size());
  {
    std::vector<std::uint32_t> by_name(rank.size());
    std::iota(by_name.begin(), by_name.end(), 0u);
    std::sort(by_name.begin(), by_name.end(),
              [&](std::uint32_t a, std::uint32_t b) { return paths_.names[a] < paths_.names[b]; });
    for (std::uint32_t r = 0; r < by_name.size(); ++r) rank[by_name[r]] = r;
  }
  auto place_before = [&](std::uint32_t a, std::uint32_t b) {
    const Slot &x = slots_[a], &y = slots_[b];
    if (x.path != y.path) return rank[x.path] < rank[y.path];
    if (x.line != y.line) return x.line < y.line;
    if (x.column != y.column) return x.column < y.column;
    return a < b;
  };
  std::vector<std::uint32_t> decisive(groups_.size());
  for (std::uint32_t i = 0; i < groups_.size(); ++i) {
    auto& held = groups_[i].held;
    std::sort(held.begin(), held.end(), place_before);
    decisive[i] = held.front();
    for (std::uint32_t s : held)
      if (slots_[s].severity > slots_[decisive[i]].severity) decisive[i] = s;
  }
  std::vector<std::uint32_t> order(groups_.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const std::uint32_t x = decisive[a], y = decisive[b];
    const Slot &p = slots_[x], &q = slots_[y];
    if (p.path != q.path) return rank[p.path] < rank[q.path];
    if (p.line != q.line) return p.line < q.line;
    if (p.column != q.column) return p.column < q.column;
    if (groups_[a].rule != groups_[b].rule)
      return rules_.names[groups_[a].rule] < rules_.names[groups_[b].rule];
    return a < b;
  });
  return order;
}

void FindingStore::fill_secrets(const std::vector<bool>& kept, PathSecrets& out) {
  std::map<std::uint32_t, std::set<std::string>> by_path;
  for (std::uint32_t i = 0; i < groups_.size(); ++i) {
    if (!kept[i]) continue;
    for (std::uint32_t slot : groups_[i].held) {
      const Slot& s = slots_[slot];
      if (s.size == 0) {
        by_path[s.path].insert(resident_[s.offset].secret);
        continue;
      }
      std::string bytes;
      Finding f;
      if (spill_.read(s.offset, s.size, bytes).ok() && decode_finding(bytes, f))
        by_path[s.path].insert(std::move(f.secret));
    }
  }
  for (auto& [path, secrets] : by_path) {
    std::vector<std::string>& v = out[paths_.names[path]];
    v.assign(secrets.begin(), secrets.end());
    order_for_masking(v);
  }
}

void FindingStore::finish(const std::function<bool(ReachVerdict)>& keep, PathSecrets* secrets,
                          const std::function<void(SecretFinding&&)>& on_finding) {
  const std::vector<std::uint32_t> order = report_order();
  std::vector<bool> kept(groups_.size());
  for (std::uint32_t i = 0; i < groups_.size(); ++i) {
    std::uint8_t top = 0;
    for (std::uint32_t s : groups_[i].held) top = std::max(top, slots_[s].severity);
    kept[i] = keep(verdict_of(top));
  }
  if (secrets) fill_secrets(kept, *secrets);
  for (std::uint32_t i : order) {
    if (!kept[i]) continue;
    const Group& g = groups_[i];
    SecretFinding s;
    s.count = g.count;
    bool production = g.dropped_production > 0, non_production = g.dropped_non_production > 0;
    std::size_t decisive = 0;
    for (std::uint32_t slot : g.held) {
      Finding f;
      if (!load(slot, f)) continue;
      const std::uint8_t sev = severity(f);
      production |= sev == 2;
      non_production |= sev == 0;
      if (flagged_reused(f)) production = non_production = true;
      if (sev > severity(s.occurrences.empty() ? f : s.occurrences[decisive]))
        decisive = s.occurrences.size();
      s.occurrences.push_back(std::move(f));
    }
    if (s.occurrences.empty()) continue;
    s.first = s.occurrences[decisive];
    s.reused_across_environments = production && non_production;
    on_finding(std::move(s));
  }
  slots_ = {};
  resident_ = {};
  resident_of_ = {};
  resident_bytes_ = 0;
  groups_ = {};
  by_fingerprint_ = {};
  paths_ = {};
  rules_ = {};
}

std::vector<SecretFinding> FindingStore::finish() {
  std::vector<SecretFinding> out;
  finish([](ReachVerdict) { return true; }, nullptr,
         [&](SecretFinding&& s) { out.push_back(std::move(s)); });
  return out;
}

}  // namespace reachscan
