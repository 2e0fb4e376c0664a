#include "reach/score.h"

#include <algorithm>
#include <cmath>

namespace reachscan::reach::signals {

Reach score(const Model& m, const std::vector<Collected>& ev, bool long_lived) {
  Reach r;
  constexpr int kTiers = detail::kDecidingTiers;
  double sum[kTiers] = {};
  double positive[kTiers] = {};
  bool decisive_positive[kTiers] = {};
  bool decisive_negative[kTiers] = {};
  for (const Collected& e : ev) {
    if (e.tier == Tier::kInfo) continue;
    const int t = static_cast<int>(e.tier);
    sum[t] += e.e.weight;
    if (e.e.weight > 0) positive[t] += e.e.weight;
    if (contains(m.supporting_signals, e.e.signal)) continue;
    if (e.e.weight > 0) decisive_positive[t] = true;
    if (e.e.weight < 0) decisive_negative[t] = true;
  }
  int decided = -1;
  double strength = 0;
  for (int t = 0; t < kTiers && decided < 0; ++t) {
    const detail::TierSpec& spec = m.tiers[t];
    if (spec.production_wins && positive[t] >= spec.threshold && decisive_positive[t]) {
      r.verdict = ReachVerdict::kProduction;
      strength = positive[t] - spec.threshold;
      decided = t;
    } else if (sum[t] >= spec.threshold && decisive_positive[t]) {
      r.verdict = ReachVerdict::kProduction;
      strength = sum[t] - spec.threshold;
      decided = t;
    } else if (sum[t] <= -spec.threshold && decisive_negative[t]) {
      r.verdict = ReachVerdict::kNonProduction;
      strength = -sum[t] - spec.threshold;
      decided = t;
    }
  }
  if (decided >= 0) {
    const detail::TierSpec& spec = m.tiers[decided];
    double conf = spec.confidence_low + (spec.confidence_high - spec.confidence_low) *
                                            (1.0 - std::exp(-strength / m.confidence_scale));
    const int sign = r.verdict == ReachVerdict::kProduction ? 1 : -1;
    for (int t = decided + 1; t < kTiers; ++t)
      if (sum[t] * sign <= -m.tiers[t].threshold) {
        conf -= m.disagreement_penalty;
        break;
      }
    r.confidence = std::round(std::clamp(conf, 0.05, 1.0) * 100.0) / 100.0;
  }
  for (const Collected& e : ev) r.evidence.push_back(e.e);

  // Flags and frameworks.
  auto any_of_signals = [&](const std::vector<std::string>& signals, int sign) {
    return std::any_of(ev.begin(), ev.end(), [&](const Collected& e) {
      return contains(signals, e.e.signal) && (sign == 0 || e.e.weight * sign > 0);
    });
  };
  const bool live_form = any_of_signals(m.live_signals, 1);
  const bool production_context =
      r.verdict == ReachVerdict::kProduction || any_of_signals(m.production_context_signals, 1);
  if ((live_form || production_context) && any_of_signals(m.place_signals, -1))
    r.flags.push_back("live_secret_in_non_production");
  const bool reused = any_of_signals(m.reuse_signals, 0);
  if (reused) r.flags.push_back("reused_across_environments");

  for (const std::string& t : m.frameworks_always) add_unique(r.frameworks, t);
  if (long_lived)
    for (const std::string& t : m.frameworks_long_lived) add_unique(r.frameworks, t);
  if (r.flags.size() > (reused ? 1u : 0u))
    for (const std::string& t : m.frameworks_live_in_non_production) add_unique(r.frameworks, t);
  if (reused)
    for (const std::string& t : m.frameworks_reused) add_unique(r.frameworks, t);
  return r;
}

}  // namespace reachscan::reach::signals
