// Policy: what is reported and how the run ends, decided in one place.
//
// Suppression (the detector already drops lines with an inline `reachscan:allow`; here: the
// config's allow-listed fingerprints and secret patterns, `.reachscanignore`, a baseline report),
// `--min-reach`, `--fail-on` and the exit code. The pipeline asks `suppressed` for each
// occurrence as it arrives and `shown` for each finding once its verdict is final; the CLI asks
// `exit_code` at the end.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "scanner/suppress.h"

namespace reachscan {

inline constexpr int kExitClean = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitError = 2;
inline constexpr int kExitProduction = 3;  // findings include production-reaching credentials

enum class FailOn { kAny, kProduction, kNone };
std::optional<FailOn> parse_fail_on(const std::string& s);

struct PolicyOptions {
  FailOn fail_on = FailOn::kAny;
  std::optional<ReachVerdict> min_reach;
  int exit_code = kExitFindings;  // --exit-code
  bool exit_code_set = false;     // given: it then also replaces the production code 3
};

class Policy {
 public:
  Policy() = default;
  Policy(PolicyOptions options, Suppressions suppressions)
      : options_(options), suppressions_(std::move(suppressions)) {}

  // True when the occurrence must not be reported (fingerprint, baseline or allowed secret).
  bool suppressed(const Finding& f) const { return suppressions_.suppressed(f); }
  // True when a finding with this final verdict is reported (--min-reach).
  bool shown(ReachVerdict v) const;
  // The exit status for a scan that reported `findings` (already filtered) with `summary`.
  int exit_code(const ScanSummary& summary, const std::vector<SecretFinding>& findings) const;
  // The same from what the findings were: how many, and whether one reaches production.
  int exit_code(const ScanSummary& summary, std::uint64_t findings, bool production) const;

  const PolicyOptions& options() const { return options_; }

 private:
  PolicyOptions options_;
  Suppressions suppressions_;
};

// Whether `policy` shows `f` (--min-reach); counted into `summary` either way: below_min_reach,
// or by rule, by reach and its occurrences. Every report's summary counts findings this way.
bool tally(const Policy& policy, const SecretFinding& f, ScanSummary& summary);

}  // namespace reachscan
