// The detector: from bytes to findings. Runs the two-stage matcher, then the path, keyword, entropy
// and placeholder gates, inline `reachscan:allow` suppression and the rules' allowlists, and fills
// in positions. It also decodes base64-, URL- and hex-encoded runs and runs the same steps on the
// decoded text (scanner/decode.h), and joins multi-part credentials once a file's findings are in
// (scanner/pairing.h).
//
// Every source (files, stdin, git blobs, rule examples) goes through detect(), so `rules check`
// tests exactly what a scan does. Thread-safe; holds no per-scan state.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.h"
#include "patterns/matcher.h"
#include "scanner/pairing.h"

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
  std::uint64_t suppressed_allowlist = 0;  // a rule allowlist (path, regex, stopword) held
  std::uint64_t decoded_runs = 0;          // encoded runs decoded to text and scanned
  std::uint64_t decode_budget_hit = 0;     // chunks whose decoding stopped at kMaxDecodedPerChunk
};

// Decoding bounds: encoded runs inside decoded text are decoded too, up to this depth, and at
// most this many decoded bytes are scanned per chunk (a chunk of base64 text would otherwise
// cost a second full scan per level).
inline constexpr int kMaxDecodeDepth = 2;
inline constexpr std::size_t kMaxDecodedPerChunk = 1u << 20;

namespace reach {
struct ReachConfig;
class DeploymentModel;
}  // namespace reach

struct DetectorOptions {
  bool verify = true;  // run each rule's offline structural verifier
  // Decode base64-, URL- and hex-encoded runs and scan the decoded text too (scanner/decode.h).
  bool decode = true;
  int max_decode_depth = kMaxDecodeDepth;  // levels of nested encodings decoded (>= 1)
  std::size_t max_decoded_per_chunk = kMaxDecodedPerChunk;
  // Classify production reach while the text is at hand (files, stdin). Null: the caller
  // classifies later (git scans attach provenance first).
  const reach::ReachConfig* reach = nullptr;
  std::string root;  // scan root, stripped from paths before the classifier reads folder names
  // The deployment model of the scanned tree (paths relative to `root`), asked for only when a
  // finding is classified (it may be built then); empty or null: none.
  std::function<const reach::DeploymentModel*()> deployment;
};

class Detector {
 public:
  explicit Detector(std::shared_ptr<const patterns::RuleDatabase> db, DetectorOptions options = {});

  // Appends the findings of `chunk` to `out`, with `path` as their path. Findings carry every field
  // but `fingerprint`'s suppression decision, which belongs to the caller.
  //
  // With `decode` on, encoded runs ending in the chunk's accepted range are decoded and scanned
  // as well (nested runs to kMaxDecodeDepth). Such a finding has the encoded run's position, the
  // decoded secret, and `decoded` set. A secret found both plainly and decoded at one place is
  // one finding: the plain one, unless a specific rule found it decoded inside what a generic or
  // `opaque` rule saw only as an encoded value (a Stripe key inside a Secret's base64 value).
  [[nodiscard]] Status detect(const Chunk& chunk, const std::string& path,
                              std::vector<Finding>& out, DetectStats& stats) const;

  // Joins multi-part credentials among one file's findings (see scanner/pairing.h). Call once
  // per file, after drop_shadowed_generic.
  void pair_parts(std::vector<Finding>& findings) const { pairing_.apply(findings); }

  // Whole-buffer convenience for small inputs (tests, rule examples): detect, drop shadowed
  // generic findings, pair parts.
  std::vector<Finding> detect_all(std::string_view data, const std::string& path = "-") const;

  const patterns::RuleDatabase& database() const { return matcher_.database(); }
  const patterns::Matcher& matcher() const { return matcher_; }

 private:
  struct Segment;
  // The gates (keyword, entropy, placeholder) and the rule-derived fields of a finding for match
  // `m` in `text`. Empty when a gate drops it. Positions are left to the caller.
  // `anywhere` caches keywords_anywhere answers for `text`: one per buffer, empty at first.
  std::optional<Finding> confirm(const patterns::Match& m, std::string_view text,
                                 const std::string& path, DetectStats& stats,
                                 std::vector<signed char>& anywhere) const;
  // The decoding half of detect(): `out` from `first_plain` on holds this chunk's plain findings,
  // whose rules are `plain_rules`.
  Status detect_decoded(const Chunk& chunk, const std::string& path, std::vector<Finding>& out,
                        std::size_t first_plain, const std::vector<std::uint32_t>& plain_rules,
                        DetectStats& stats) const;
  // Applies the rule's allowlists to the finding of match `m` in `text` (the scanned buffer).
  bool dropped_by_allowlist(const patterns::Match& m, std::string_view text, Finding& f) const;
  // Runs the verifier and the reach classifier; `offset` is the secret's (or its encoded run's)
  // offset in `text`, the chunk being scanned.
  void complete(Finding& f, const patterns::Rule& rule, std::string_view text, std::size_t offset,
                const std::string& path) const;

  patterns::Matcher matcher_;
  DetectorOptions options_;
  Pairing pairing_;
};

// Lowers a finding's confidence by one step when its verifier says the structure is invalid.
void apply_verdict(Finding& f);

// Removes generic-rule findings whose secret overlaps a specific rule's finding in the same file.
// `findings` must all come from one file (their byte offsets are compared).
void drop_shadowed_generic(std::vector<Finding>& findings);

}  // namespace reachscan
