// FindingStore: groups occurrences into findings, one per secret under one rule (by fingerprint,
// `rule:hash-of-secret`), as the pipeline's serial stage hands them in, and hands the findings
// out in report order at the end.
//
// Memory is bounded two ways. In count per finding: every finding keeps its decisive occurrence
// and at most `kept_per_finding` others; the count of all of them, and how many were seen in
// production and non-production places, is kept exactly. In total: past `memory_budget` bytes of
// held occurrences, they move to a private spill file (scanner/spill_file.h: 0600, unlinked at
// once) and the store keeps about 60 bytes per occurrence and 150 per finding in memory (place,
// severity, where the bytes are). The passes after the scan (provenance, reuse, the findings
// handed out) then read at most a batch at a time. Results do not depend on the budget: the
// same findings, occurrences and order with or without spilling.
// Not thread-safe (the pipeline's serial stage and the end of the scan).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/types.h"
#include "scanner/spill_file.h"

namespace reachscan {

class FindingStore {
 public:
  static constexpr std::size_t kNoLimit = std::numeric_limits<std::size_t>::max();
  explicit FindingStore(std::size_t kept_per_finding = 1000, std::size_t memory_budget = kNoLimit)
      : kept_(kept_per_finding), budget_(memory_budget) {}

  void add(Finding&& f);

  // Passes over every held occurrence in the order they came (at most a batch in memory at a
  // time); what `fn` changes is kept, unless `changes` says it changes nothing. For provenance
  // and reach context.
  void update(const std::function<void(std::vector<Finding*>&)>& fn, bool changes = true);
  // The same, with each batch holding every occurrence of each secret it holds (under any rule),
  // in the order they came: for reach::flag_reuse, which compares the places of one secret.
  void update_by_secret(const std::function<void(std::vector<Finding>&)>& fn);

  // Hands out the findings whose verdict `keep` accepts, in report order (by the decisive
  // occurrence's path, line, column and rule), each with its occurrences in place order; fills
  // `secrets` (when not null) before the first one. Empties the store.
  void finish(const std::function<bool(ReachVerdict)>& keep, PathSecrets* secrets,
              const std::function<void(SecretFinding&&)>& on_finding);
  // Every finding, in report order (tests, and callers that hold them all anyway).
  std::vector<SecretFinding> finish();

  std::uint64_t occurrence_count() const { return total_; }
  // Occurrences written to the spill file so far (0: everything stayed in memory).
  std::uint64_t spilled() const { return spilled_; }
  // Why spilling stopped (the file could not be created or written): the occurrences then stay
  // in memory. Empty when it never failed.
  const std::string& spill_error() const { return error_; }
  // Why an occurrence could not be read back from the spill file (it is then missing from the
  // findings): an error of the run. Empty when none failed.
  const std::string& read_error() const { return read_error_; }

 private:
  struct Slot {
    std::uint64_t offset = 0;  // spilled: where its bytes start; else its index in resident_
    std::uint32_t size = 0;    // spilled: its encoded bytes; 0: in memory
    std::uint32_t path = 0;    // interned path
    std::uint64_t line = 0;
    std::uint64_t column = 0;
    std::uint8_t severity = 1;  // reach_rank of its verdict
    bool reused = false;        // its reach flags say reused_across_environments
  };
  struct Group {
    std::vector<std::uint32_t> held;  // slots
    std::uint32_t rule = 0;           // interned rule id
    std::size_t secret_hash = 0;
    std::uint64_t count = 0;
    std::uint64_t dropped_production = 0;      // not held, seen in production places
    std::uint64_t dropped_non_production = 0;  // not held, seen in non-production places
  };
  // Strings many occurrences share (paths, rule ids), stored once.
  struct Interned {
    std::vector<std::string> names;
    std::unordered_map<std::string, std::uint32_t> ids;
    std::uint32_t id(const std::string& s);
  };

  void place(std::uint32_t slot, Finding&& f);
  void note(Slot& s, const Finding& f);
  void spill_resident();
  bool load(std::uint32_t slot, Finding& out);
  void store_back(std::uint32_t slot, Finding&& f);
  std::size_t batch_bytes() const;
  std::size_t slot_bytes(std::uint32_t slot) const;
  std::vector<std::vector<std::uint32_t>> batches(
      const std::vector<std::vector<std::uint32_t>>& units) const;
  std::vector<std::uint32_t> report_order();
  void fill_secrets(const std::vector<bool>& kept, PathSecrets& out);

  std::size_t kept_;
  std::size_t budget_;
  std::vector<Slot> slots_;
  std::vector<Finding> resident_;           // occurrences in memory
  std::vector<std::uint32_t> resident_of_;  // the slot of each resident_ entry
  std::size_t resident_bytes_ = 0;
  std::vector<Group> groups_;
  std::unordered_map<std::string, std::uint32_t> by_fingerprint_;
  Interned paths_, rules_;
  SpillFile spill_;
  std::uint64_t total_ = 0;
  std::uint64_t spilled_ = 0;
  std::string error_;
  std::string read_error_;
};

// Ordering for reports: by path, line, column, then rule.
bool place_less(const Finding& a, const Finding& b);

}  // namespace reachscan
