// The compiled form of a rule set: one Hyperscan block-mode database over every pattern plus one
// RE2 program per rule for confirmation and extraction.
//
// Build it once and share it read-only between threads (Matcher holds the per-thread scratch).
// Rules that either engine rejects are dropped with an error naming the rule, so one bad rule does
// not stop a scan. The serialised Hyperscan database is cached on disk, keyed on a hash of every
// pattern and the Hyperscan version, so a warm start skips the ~0.2 s compile.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "patterns/rule.h"

namespace re2 {
class RE2;
}

namespace reachscan::patterns {

struct DatabaseOptions {
  std::string cache_dir;  // empty: $XDG_CACHE_HOME/reachscan or ~/.cache/reachscan
  bool use_cache = true;
  // Hyperscan scans patterns without a required literal without their context (hs_form.h).
  // Off: every pattern as written (tests compare the two).
  bool relax_hyperscan = true;
};

// A rule's path pattern and allowlists, compiled once for the detector. A null regex means the
// list it stands for is empty.
struct CompiledAllowlist {
  const Allowlist* spec = nullptr;
  std::shared_ptr<const re2::RE2> paths;    // the paths, joined as alternatives
  std::shared_ptr<const re2::RE2> regexes;  // the regexes, joined as alternatives
};
struct RuleFilters {
  std::shared_ptr<const re2::RE2> path;  // Rule::path; null: every file
  std::vector<CompiledAllowlist> allowlists;
};

class RuleDatabase {
 public:
  struct BuildResult {
    std::shared_ptr<const RuleDatabase> database;  // never null; may hold no rules
    std::vector<std::string> errors;               // rules dropped, cache problems
    bool from_cache = false;
  };

  // Compiles `rules`. Thread-safe (each call builds its own database).
  static BuildResult build(std::vector<Rule> rules, const DatabaseOptions& options = {});

  ~RuleDatabase();
  RuleDatabase(const RuleDatabase&) = delete;
  RuleDatabase& operator=(const RuleDatabase&) = delete;

  const std::vector<Rule>& rules() const { return rules_; }
  // The confirm regex of a rule, compiled on first use (a warm start with few hits compiles few).
  // Null if RE2 rejects the pattern, which a validated build rules out. Thread-safe.
  const re2::RE2* confirm(std::size_t rule) const;
  // The rule's path pattern and allowlists (empty for most rules), compiled on first use like
  // confirm(): a warm start compiles only those of the rules that hit. Thread-safe.
  const RuleFilters& filters(std::size_t rule) const;
  // Bytes a match of the rule may end after the end Hyperscan reports (hs_form.h).
  std::size_t end_slack(std::size_t rule) const { return slack_[rule]; }
  // Whether Hyperscan scans a relaxed form of the rule: hits that RE2 rejects are expected.
  bool relaxed(std::size_t rule) const { return relaxed_[rule]; }
  // Largest max_length over all rules: chunk overlap must cover it.
  std::size_t max_match_length() const { return max_length_; }
  // Opaque hs_database_t*; null when there are no rules.
  void* hyperscan() const { return hs_; }

  // Default cache folder (see DatabaseOptions::cache_dir).
  static std::string default_cache_dir();

 private:
  RuleDatabase() = default;
  void add_rule(Rule rule);
  std::vector<Rule> rules_;
  // A rule's compiled regexes, parallel to rules_. A database built from scratch fills them while
  // checking the rules; one from the cache compiles each on first use.
  struct LazyRegexes {
    std::once_flag confirm_once, filters_once;
    std::unique_ptr<re2::RE2> confirm;
    std::optional<RuleFilters> filters;
  };
  std::vector<std::unique_ptr<LazyRegexes>> compiled_;
  std::vector<std::uint8_t> slack_;  // parallel to rules_
  std::vector<bool> relaxed_;        // parallel to rules_
  std::size_t max_length_ = 0;
  void* hs_ = nullptr;
  std::size_t hs_mapped_ = 0;  // non-zero: hs_ lies in an anonymous mapping of this size
};

// Why RE2 cannot compile a rule (its pattern, secret_group, path and allowlist patterns), or empty
// when it can. Fast: Hyperscan's verdict waits for build(), whose database is cached.
std::string engine_problem(const Rule& rule);

// Checks one pattern in both engines. Returns the problems found (empty when it is usable).
std::vector<std::string> check_pattern(const std::string& pattern);

}  // namespace reachscan::patterns
