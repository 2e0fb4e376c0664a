// Scoring: turns the evidence the signal families collected into a verdict, a confidence, flags
// and framework tags. Internal to reach/; the tiers, thresholds and weights are data
// (reach/signals.yaml).
#pragma once

#include <vector>

#include "reach/signals/common.h"

namespace reachscan::reach::signals {

// Tiers are consulted in order; the first whose evidence adds up to its threshold decides
// (a tier with `production_wins` decides production on its positive evidence alone). A supporting
// signal (git context) adds to its tier's sum but cannot decide alone: the tier needs other
// evidence pointing the same way. Confidence grows with the margin over the threshold and drops
// when a lower tier points the other way on its own. `ev` comes from Collector::reduce().
Reach score(const Model& m, const std::vector<Collected>& ev, bool long_lived);

}  // namespace reachscan::reach::signals
