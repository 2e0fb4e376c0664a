// The short format, for hooks: one line per finding (where, which rule, how close to production,
// the masked secret, whether it blocks), then what to do about it. A commit hook's output is read
// in a hurry; every line here either locates a finding or says how to resolve it.
#include <fmt/core.h>

#include <algorithm>
#include <tuple>

#include "report/escape.h"
#include "report/reporter.h"

namespace reachscan::report {

bool blocks(const Finding& f, const std::string& fail_on) {
  if (fail_on == "none") return false;
  if (fail_on == "production") return f.reach && f.reach->verdict == ReachVerdict::kProduction;
  return true;
}

namespace {

ReachVerdict verdict_of(const Finding& f) {
  return f.reach ? f.reach->verdict : ReachVerdict::kUnknown;
}

// Production first, then unknown, then non-production: the order a reader should act in.
int urgency(const Finding& f) { return 2 - reach_rank(verdict_of(f)); }

class ShortReporter final : public Reporter {
 public:
  ShortReporter(std::FILE* out, ReportOptions o) : out_(out), o_(std::move(o)) {}

  void on_finding(const SecretFinding& f) override {
    held_.push_back(f.first);
    counts_.push_back(f.count);
  }

  void finish(const ScanSummary&, std::FILE*) override {
    if (held_.empty()) return;
    // Blocking findings first, then by how close to production, then by place.
    std::vector<std::size_t> order(held_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t ia, std::size_t ib) {
      const Finding& a = held_[ia];
      const Finding& b = held_[ib];
      const bool ba = blocks(a, o_.fail_on), bb = blocks(b, o_.fail_on);
      if (ba != bb) return ba;
      if (urgency(a) != urgency(b)) return urgency(a) < urgency(b);
      return std::tie(a.repository, a.path, a.line) < std::tie(b.repository, b.path, b.line);
    });
    std::vector<Finding> sorted;
    std::vector<std::uint64_t> counts;
    for (std::size_t i : order) {
      sorted.push_back(std::move(held_[i]));
      counts.push_back(counts_[i]);
    }
    held_ = std::move(sorted);
    std::size_t where_w = 0, rule_w = 0, verdict_w = 0;
    std::vector<std::string> where;
    for (std::size_t i = 0; i < held_.size(); ++i) {
      const Finding& f = held_[i];
      // Scanned data is escaped: a file name cannot forge a line (report/escape.h).
      const std::string path = f.repository.empty() ? f.path : f.repository + ":" + f.path;
      where.push_back(fmt::format("{}:{}", escape_for_terminal(path), f.line));
      where_w = std::max(where_w, where.back().size());
      rule_w = std::max(rule_w, escape_for_terminal(f.rule_id).size());
      verdict_w = std::max(verdict_w, std::string(to_string(verdict_of(f))).size());
    }
    std::size_t blocking = 0;
    for (std::size_t i = 0; i < held_.size(); ++i) {
      const Finding& f = held_[i];
      const bool b = blocks(f, o_.fail_on);
      blocking += b;
      const std::string commit =
          f.commit && !f.commit->id.empty() ? "  commit " + f.commit->id.substr(0, 12) : "";
      const std::string more = counts[i] > 1 ? fmt::format("  (+{} more place{})", counts[i] - 1,
                                                           counts[i] == 2 ? "" : "s")
                                             : "";
      fmt::print(out_, "{:<{}}  {:<{}}  {:<{}}  {}  {}{}{}\n", where[i], where_w,
                 escape_for_terminal(f.rule_id), rule_w, to_string(verdict_of(f)), verdict_w,
                 escape_for_terminal(f.secret), b ? "BLOCKS" : "warning", commit, more);
    }
    const std::size_t warning = held_.size() - blocking;
    fmt::print(out_, "reachscan: {} finding{}: {} blocking, {} warning only (--fail-on {}).\n",
               held_.size(), held_.size() == 1 ? "" : "s", blocking, warning, o_.fail_on);
    fmt::print(out_,
               "  Remove the secret and rotate it. For a test key or a reviewed false positive,\n"
               "  add a `reachscan:allow` comment on its line, or its fingerprint to "
               ".reachscanignore:\n");
    for (std::size_t i = 0; i < held_.size(); ++i)
      fmt::print(out_, "    {}  # {}\n", escape_for_terminal(held_[i].fingerprint), where[i]);
    std::fflush(out_);
  }

 private:
  std::FILE* out_;
  ReportOptions o_;
  std::vector<Finding> held_;
  std::vector<std::uint64_t> counts_;
};

}  // namespace

std::unique_ptr<Reporter> make_short_reporter(std::FILE* out, ReportOptions o) {
  return std::make_unique<ShortReporter>(out, std::move(o));
}

}  // namespace reachscan::report
