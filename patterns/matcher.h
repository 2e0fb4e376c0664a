// The two-stage matcher: Hyperscan finds where rule matches end, RE2 confirms each one and
// extracts the secret (capture group 1, or the rule's secret_group).
//
// One Matcher serves every thread: per-thread Hyperscan scratch and hit buffers live inside it.
// scan() is thread-safe and never throws; matches come out sorted by start offset.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "core/status.h"
#include "patterns/rule_database.h"

namespace reachscan::patterns {

struct Match {
  std::uint32_t rule = 0;  // index into RuleDatabase::rules()
  std::size_t start = 0;   // whole match, offsets into the scanned buffer
  std::size_t end = 0;
  std::size_t secret_start = 0;  // the secret: capture group 1 or the rule's secret_group
  std::size_t secret_end = 0;
};

class Matcher {
 public:
  explicit Matcher(std::shared_ptr<const RuleDatabase> db);
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  // Calls `sink` for each confirmed match in `data` (at most 4 GiB - 1 bytes: callers chunk
  // larger inputs). The sink returns false to stop early. Thread-safe.
  [[nodiscard]] Status scan(std::string_view data,
                            const std::function<bool(const Match&)>& sink) const;

  const RuleDatabase& database() const { return *db_; }

  // Hyperscan hits that RE2 could not reproduce: each one is a rule bug (patterns that mean
  // different things to the two engines).
  std::uint64_t unconfirmed_hits() const { return unconfirmed_.load(); }

 private:
  struct Impl;
  std::shared_ptr<const RuleDatabase> db_;
  std::unique_ptr<Impl> impl_;
  mutable std::atomic<std::uint64_t> unconfirmed_{0};
};

}  // namespace reachscan::patterns
