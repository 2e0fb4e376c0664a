// Multi-part credentials: an identifier and its secret near each other become one finding.
//
// Rules declare the pairing as data (`companions`, `companion_lines`, `companion_only`; see
// patterns/README.md). After a file's findings are collected, each finding of a rule with
// companions takes its nearest companion finding within the rule's line distance as a part; the
// companion finding is then reported only as that part. Findings without a companion stay as they
// are, except `companion_only` identifiers, which are no secret alone and are dropped.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "core/types.h"
#include "patterns/rule.h"

namespace reachscan {

class Pairing {
 public:
  // Keeps pointers into `rules`, which must outlive this object.
  explicit Pairing(const std::vector<patterns::Rule>& rules);

  // Pairs the findings of one file (all with the same path) in place. Each secret takes the
  // nearest companion by line (ties: one that comes before it, then the nearer byte offset); a
  // companion goes to one secret when enough exist, and is shared when two secrets have only it
  // (a client id with two rotating client secrets). The secret finding keeps its own rule,
  // position and fingerprint, so baselines and ignore files still match it. Thread-safe.
  void apply(std::vector<Finding>& findings) const;

  bool active() const { return !by_id_.empty(); }

 private:
  // Rules that take part in pairing, by id: those with companions and those named as one.
  std::unordered_map<std::string, const patterns::Rule*> by_id_;
};

}  // namespace reachscan
