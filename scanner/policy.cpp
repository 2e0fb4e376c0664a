#include "scanner/policy.h"

#include <algorithm>

#include "reach/classify.h"

namespace reachscan {
std::optional<FailOn> parse_fail_on(const std::string& s) {
  if (s == "any") return FailOn::kAny;
  if (s == "production") return FailOn::kProduction;
  if (s == "none") return FailOn::kNone;
  return std::nullopt;
}

bool Policy::shown(ReachVerdict v) const {
  return !options_.min_reach || reach::at_least(v, *options_.min_reach);
}

int Policy::exit_code(const ScanSummary& summary,
                      const std::vector<SecretFinding>& findings) const {
  const bool production = std::any_of(findings.begin(), findings.end(), [](const auto& f) {
    return f.first.reach && f.first.reach->verdict == ReachVerdict::kProduction;
  });
  return exit_code(summary, findings.size(), production);
}

int Policy::exit_code(const ScanSummary& summary, std::uint64_t findings, bool production) const {
  if (summary.has_errors()) return kExitError;
  if (findings == 0 || options_.fail_on == FailOn::kNone) return kExitClean;
  if (production) return options_.exit_code_set ? options_.exit_code : kExitProduction;
  return options_.fail_on == FailOn::kProduction ? kExitClean : options_.exit_code;
}

bool tally(const Policy& policy, const SecretFinding& f, ScanSummary& summary) {
  const ReachVerdict v = f.first.reach ? f.first.reach->verdict : ReachVerdict::kUnknown;
  if (!policy.shown(v)) {
    ++summary.below_min_reach;
    return false;
  }
  ++summary.findings_by_rule[f.first.rule_id];
  ++summary.findings_by_reach[to_string(v)];
  summary.occurrences += f.count;
  return true;
}

}  // namespace reachscan
