#include "patterns/matcher.h"

#include <hs/hs.h>
#include <re2/re2.h>
#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <limits>
#include <vector>

namespace reachscan::patterns {
namespace {

struct Hit {
  std::uint32_t rule;
  std::uint32_t end;  // chunks are < 4 GiB
};

struct ScratchDeleter {
  void operator()(hs_scratch_t* s) const { hs_free_scratch(s); }
};

struct ThreadState {
  std::unique_ptr<hs_scratch_t, ScratchDeleter> scratch;
  std::vector<Hit> hits;
  std::vector<Match> matches;
  // Per rule: index in `hits` of its latest hit, so a run of consecutive ends collapses to one.
  std::vector<std::uint32_t> last;
  const RuleDatabase* db = nullptr;  // for the end slack of the rule of a hit
  std::uint32_t size = 0;            // of the buffer scanned
};

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

// The secret among a match's groups (g[0] is the whole match, n groups in all): the rule's
// secret_group, or for secret_group 0 the first non-empty group, else the whole match. Null when
// the group did not take part in the match.
const re2::StringPiece* secret_of(const Rule& r, const re2::StringPiece* g, int n) {
  if (r.secret_group > 0)
    return r.secret_group < n && g[r.secret_group].data() != nullptr ? &g[r.secret_group] : nullptr;
  for (int i = 1; i < n; ++i)
    if (!g[i].empty()) return &g[i];
  return &g[0];
}

int on_hit(unsigned id, unsigned long long /*from*/, unsigned long long to, unsigned /*flags*/,
           void* ctx) {
  auto* st = static_cast<ThreadState*>(ctx);
  // A relaxed form may end before the match does: confirm up to where the match may end.
  const auto end = static_cast<std::uint32_t>(
      std::min<unsigned long long>(to + st->db->end_slack(id), st->size));
  std::uint32_t& last = st->last[id];
  // NOTE: patterns such as [A-Za-z0-9]{20,} report every end of a long run; keeping only the
  // last end of a consecutive run is lossless because confirmation enumerates every match in the
  // window before the hit.
  if (last != kNone && st->hits[last].end + 1 == end) {
    st->hits[last].end = end;
    return 0;
  }
  last = static_cast<std::uint32_t>(st->hits.size());
  st->hits.push_back({id, end});
  return 0;
}

}  // namespace

struct Matcher::Impl {
  hs_scratch_t* prototype = nullptr;
  tbb::enumerable_thread_specific<ThreadState> states;
  ~Impl() { hs_free_scratch(prototype); }
};

Matcher::Matcher(std::shared_ptr<const RuleDatabase> db)
    : db_(std::move(db)), impl_(std::make_unique<Impl>()) {
  if (db_->hyperscan())
    hs_alloc_scratch(static_cast<const hs_database_t*>(db_->hyperscan()), &impl_->prototype);
}

Matcher::~Matcher() = default;

Status Matcher::scan(std::string_view data, const std::function<bool(const Match&)>& sink) const {
  const auto* hsdb = static_cast<const hs_database_t*>(db_->hyperscan());
  if (!hsdb || data.empty()) return {};
  if (data.size() >= std::numeric_limits<std::uint32_t>::max())
    return Status::error("buffer too large for one scan; it must be chunked");
  if (!impl_->prototype) return Status::error("Hyperscan scratch could not be allocated");

  ThreadState& st = impl_->states.local();
  if (!st.scratch) {
    hs_scratch_t* s = nullptr;
    if (hs_clone_scratch(impl_->prototype, &s) != HS_SUCCESS)
      return Status::error("Hyperscan scratch could not be allocated");
    st.scratch.reset(s);
  }
  st.hits.clear();
  st.matches.clear();
  st.last.assign(db_->rules().size(), kNone);
  st.db = db_.get();
  st.size = static_cast<std::uint32_t>(data.size());

  const hs_error_t rc = hs_scan(hsdb, data.data(), static_cast<unsigned>(data.size()), 0,
                                st.scratch.get(), on_hit, &st);
  if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED)
    return Status::error("Hyperscan scan failed with code " + std::to_string(rc));

  std::sort(st.hits.begin(), st.hits.end(), [](const Hit& a, const Hit& b) {
    return a.rule != b.rule ? a.rule < b.rule : a.end < b.end;
  });

  const re2::StringPiece text(data.data(), data.size());
  std::vector<re2::StringPiece> group_store;
  std::size_t i = 0;
  while (i < st.hits.size()) {
    const std::uint32_t rule = st.hits[i].rule;
    const RE2* confirm = db_->confirm(rule);
    if (!confirm) {
      while (i < st.hits.size() && st.hits[i].rule == rule) ++i;
      if (!db_->relaxed(rule)) unconfirmed_.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    const RE2& re = *confirm;
    const Rule& spec = db_->rules()[rule];
    // A match is at most max_length long and ends at most end_slack bytes after its hit.
    const std::size_t window = spec.max_length + db_->end_slack(rule);
    // Group 1 for most rules; every group for rules that pick another one.
    const int ngroups = spec.secret_group == 1 ? 2 : re.NumberOfCapturingGroups() + 1;
    group_store.resize(static_cast<std::size_t>(ngroups));
    re2::StringPiece* groups = group_store.data();
    std::size_t covered = 0;  // matches of this rule are emitted up to here
    bool any = false;
    for (; i < st.hits.size() && st.hits[i].rule == rule; ++i) {
      const std::size_t hit = st.hits[i].end;
      if (any && hit <= covered) continue;
      std::size_t from = hit > window ? hit - window : 0;
      // A window cut short by the previous match may hide an overlapping match: not a rule bug.
      const bool clamped = any && covered > from;
      if (clamped) from = covered;
      bool confirmed = false;
      // Emit every match between `from` and the hit; the last one reaches the hit.
      while (from < hit && re.Match(text, from, hit, RE2::UNANCHORED, groups, ngroups)) {
        const auto start = static_cast<std::size_t>(groups[0].data() - data.data());
        // Extend greedily: the hit may be the first of several ends of one longer match.
        const std::size_t limit = std::min(data.size(), start + spec.max_length);
        if (!re.Match(text, start, limit, RE2::ANCHOR_START, groups, ngroups)) break;
        const std::size_t end = start + groups[0].size();
        confirmed = true;
        any = true;
        covered = std::max(end, start + 1);
        if (const re2::StringPiece* secret = secret_of(spec, groups, ngroups)) {
          Match m;
          m.rule = rule;
          m.start = start;
          m.end = end;
          m.secret_start = static_cast<std::size_t>(secret->data() - data.data());
          m.secret_end = m.secret_start + secret->size();
          st.matches.push_back(m);
        }
        if (end >= hit) break;
        from = covered;
      }
      if (!confirmed && !clamped && !db_->relaxed(rule))
        unconfirmed_.fetch_add(1, std::memory_order_relaxed);
    }
  }

  std::sort(st.matches.begin(), st.matches.end(), [](const Match& a, const Match& b) {
    return a.start != b.start ? a.start < b.start : a.rule < b.rule;
  });
  for (const Match& m : st.matches)
    if (!sink(m)) break;
  return {};
}

}  // namespace reachscan::patterns
