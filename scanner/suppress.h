// Suppression after detection: fingerprints from `.reachscanignore`, an earlier report used as a
// baseline, and allow-listed secret patterns from the config. (Inline `reachscan:allow` markers
// are handled by the detector, which sees the line.)
#pragma once

#include <memory>
#include <set>
#include <string>
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

  // Also true for a finding from a commit its rule's allowlists name (Finding::allow_commits).
  bool suppressed(const Finding& f) const;
  // Removes suppressed findings; returns how many.
  std::size_t apply(std::vector<Finding>& findings) const;
  std::size_t size() const { return fingerprints_.size(); }

 private:
  struct Patterns;
  std::set<std::string> fingerprints_;
  std::unique_ptr<Patterns> patterns_;
};

}  // namespace reachscan
