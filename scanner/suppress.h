// Suppression after detection: fingerprints from `.reachscanignore`, an earlier report used as a
// baseline, and allow-listed secret patterns from the config. (Inline `reachscan:allow` markers
// are handled by the detector, which sees the line.)
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace reachscan {

class Suppressions {
 public:
  Suppressions();
  ~Suppressions();
  Suppressions(Suppressions&&) noexcept;
  Suppressions& operator=(Suppressions&&) noexcept;

  // `.reachscanignore`: one fingerprint per line; blank lines and `#` comments are ignored.
  [[nodiscard]] Status add_ignore_file(const std::string& path);
  // A JSON report (object with "findings", a bare array, or JSON Lines) from an earlier run.
  [[nodiscard]] Status add_baseline(const std::string& path);
  [[nodiscard]] Status add_secret_pattern(const std::string& re2_pattern);
  void add_fingerprint(std::string fp) { fingerprints_.insert(std::move(fp)); }
  // `.gitleaksignore`: gitleaks fingerprints, `FILE:RULE:LINE` (directory scans) or
  // `COMMIT:FILE:RULE:LINE` (git scans), one per line; `#` comments and blank lines are ignored.
  // A finding matches when its rule id and line are those named, its path is FILE or ends in
  // `/FILE`, and (if one is named) its commit is COMMIT. A malformed line is an error naming it.
  [[nodiscard]] Status add_gitleaks_ignore(const std::string& path);
  // The same three formats held in memory; `source` names them in errors. All or nothing: on an
  // error nothing from the text applies.
  [[nodiscard]] Status add_ignore_text(std::string_view text, const std::string& source);
  [[nodiscard]] Status add_baseline_text(std::string_view text, const std::string& source);
  [[nodiscard]] Status add_gitleaks_ignore_text(std::string_view text, const std::string& source);
  // One gitleaks fingerprint; false when it is malformed (or its line number overflows).
  bool add_gitleaks_fingerprint(std::string_view fp);

  // Also true for a finding from a commit its rule's allowlists name (Finding::allow_commits).
  bool suppressed(const Finding& f) const;
  // Removes suppressed findings; returns how many.
  std::size_t apply(std::vector<Finding>& findings) const;
  std::size_t size() const { return fingerprints_.size(); }

 private:
  struct Patterns;
  struct GitleaksFingerprint {
    std::string commit, file, rule;
    std::uint64_t line = 0;
  };
  static std::optional<GitleaksFingerprint> parse_gitleaks_fingerprint(std::string_view fp);
  std::set<std::string> fingerprints_;
  std::vector<GitleaksFingerprint> gitleaks_;
  std::unique_ptr<Patterns> patterns_;
};

}  // namespace reachscan
