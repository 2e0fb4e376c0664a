// The detector: from bytes to findings. Runs the two-stage matcher, then the keyword, entropy and
// placeholder gates and inline `reachscan:allow` suppression, and fills in positions.
//
// Every source (files, stdin, git blobs, rule examples) goes through detect(), so `rules check`
// tests exactly what a scan does. Thread-safe; holds no per-scan state.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "patterns/matcher.h"
#include "scanner/types.h"

namespace reachscan {

// A window of a larger input. Matches count only if they end in (accept_from, accept_to], so
// overlapping chunks report each match once.
struct Chunk {
  std::string_view data;
  std::uint64_t base = 0;            // absolute offset of data[0]
  std::uint64_t first_line = 1;      // line number of data[0]
  std::uint64_t line_start = 0;      // absolute offset where that line starts (<= base)
  std::size_t accept_from = 0;       // exclusive, relative to data
  std::size_t accept_to = SIZE_MAX;  // inclusive, relative to data
};

struct DetectStats {
  std::uint64_t suppressed_inline = 0;
  std::uint64_t dropped_entropy = 0;
  std::uint64_t dropped_placeholder = 0;
  std::uint64_t dropped_keyword = 0;
};

namespace reach {
struct ReachConfig;
}

struct DetectorOptions {
  bool verify = true;  // run each rule's offline structural verifier
  // Classify production reach while the text is at hand (files, stdin). Null: the caller
  // classifies later (git scans attach provenance first).
  const reach::ReachConfig* reach = nullptr;
  std::string root;  // scan root, stripped from paths before the classifier reads folder names
};

class Detector {
 public:
  explicit Detector(std::shared_ptr<const patterns::RuleDatabase> db, DetectorOptions options = {});

  // Appends the findings of `chunk` to `out`, with `path` as their path. Findings carry every field
  // but `fingerprint`'s suppression decision, which belongs to the caller.
  [[nodiscard]] Status detect(const Chunk& chunk, const std::string& path,
                              std::vector<Finding>& out, DetectStats& stats) const;

  // Whole-buffer convenience for small inputs (tests, rule examples).
  std::vector<Finding> detect_all(std::string_view data, const std::string& path = "-") const;

  const patterns::RuleDatabase& database() const { return matcher_.database(); }
  const patterns::Matcher& matcher() const { return matcher_; }

 private:
  patterns::Matcher matcher_;
  DetectorOptions options_;
};

// Lowers a finding's confidence by one step when its verifier says the structure is invalid.
void apply_verdict(Finding& f);

// Removes generic-rule findings whose secret overlaps a specific rule's finding in the same file.
// `findings` must all come from one file (their byte offsets are compared).
void drop_shadowed_generic(std::vector<Finding>& findings);

}  // namespace reachscan
