// FindingStore: groups occurrences into findings, one per secret under one rule (by fingerprint,
// `rule:hash-of-secret`), as the pipeline's serial stage hands them in.
//
// Memory: every finding keeps its decisive occurrence and at most `kept_per_finding` others; the
// count of all of them, and how many were seen in production and non-production places, is kept
// exactly. A history where one secret sits in a million places therefore costs one finding's
// worth of memory plus a few counters, not a million records. Not thread-safe (serial stage).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/types.h"

namespace reachscan {

class FindingStore {
 public:
  explicit FindingStore(std::size_t kept_per_finding = 1000) : kept_(kept_per_finding) {}

  void add(Finding&& f);

  // Every occurrence held, for stages that complete them in place (git provenance, reach).
  std::vector<Finding*> occurrences();
  // The held occurrences as one vector, for reach::flag_reuse; `put_back` returns them.
  std::vector<Finding> take_occurrences();
  void put_back(std::vector<Finding> occurrences);

  // The findings, each with its occurrences in place order and its decisive occurrence first by
  // severity; sorted by the decisive occurrence's path, line, column and rule. Empties the store.
  std::vector<SecretFinding> finish();

  std::uint64_t occurrence_count() const { return total_; }

 private:
  struct Group {
    std::vector<std::size_t> held;  // indexes into occurrences_
    std::uint64_t count = 0;
    std::uint64_t dropped_production = 0;      // not held, seen in production places
    std::uint64_t dropped_non_production = 0;  // not held, seen in non-production places
  };
  std::size_t kept_;
  std::vector<Finding> occurrences_;
  std::vector<Group> groups_;
  std::unordered_map<std::string, std::size_t> by_fingerprint_;
  std::uint64_t total_ = 0;
};

// Ordering for reports: by path, line, column, then rule.
bool place_less(const Finding& a, const Finding& b);

}  // namespace reachscan
