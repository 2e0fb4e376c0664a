#include "scanner/pairing.h"

#include <algorithm>
#include <tuple>

namespace reachscan {
namespace {

struct Candidate {
  std::size_t secret;
  std::size_t companion;
  std::uint64_t lines;  // distance in lines
  bool after;           // the companion comes after the secret (ids usually come first)
  std::uint64_t bytes;  // distance in bytes, the last tie-break
};

std::uint64_t distance(std::uint64_t a, std::uint64_t b) { return a > b ? a - b : b - a; }

Part part_of(const Finding& f, bool secret) {
  return Part{f.rule_id, f.line, f.column, f.secret, secret};
}

// The secret finding absorbs its companion: parts in file order, the higher confidence, and the
// companion's structural check when the secret has none (the AWS account id decoded from the key
// id), or at least the attributes it found.
void absorb(Finding& secret, const Finding& companion) {
  if (secret.parts.empty()) secret.parts.push_back(part_of(secret, true));
  secret.parts.push_back(part_of(companion, false));
  std::sort(secret.parts.begin(), secret.parts.end(), [](const Part& a, const Part& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  secret.confidence = std::max(secret.confidence, companion.confidence);
  const Verification& cv = companion.verification;
  if (cv.status == VerifyStatus::kNotChecked) return;
  if (secret.verification.status == VerifyStatus::kNotChecked) {
    secret.verification = cv;
    for (std::string& r : secret.verification.reasons) r = companion.rule_id + ": " + r;
  } else {
    for (const auto& [k, v] : cv.attributes) secret.verification.attributes.emplace(k, v);
  }
}

}  // namespace

Pairing::Pairing(const std::vector<patterns::Rule>& rules) {
  for (const patterns::Rule& r : rules)
    if (!r.companions.empty() || r.companion_only) by_id_.emplace(r.id, &r);
  // A rule named as a companion takes part even without companion_only (AWS key ids are
  // reported alone too).
  std::unordered_map<std::string, const patterns::Rule*> all;
  for (const patterns::Rule& r : rules) all.emplace(r.id, &r);
  for (const patterns::Rule& r : rules)
    for (const std::string& c : r.companions)
      if (auto it = all.find(c); it != all.end()) by_id_.emplace(c, it->second);
}

void Pairing::apply(std::vector<Finding>& findings) const {
  if (by_id_.empty() || findings.empty()) return;
  std::vector<const patterns::Rule*> rule(findings.size(), nullptr);
  bool any = false;
  for (std::size_t i = 0; i < findings.size(); ++i) {
    if (auto it = by_id_.find(findings[i].rule_id); it != by_id_.end()) {
      rule[i] = it->second;
      any = true;
    }
  }
  if (!any) return;

  std::vector<Candidate> candidates;
  for (std::size_t s = 0; s < findings.size(); ++s) {
    if (!rule[s] || rule[s]->companions.empty()) continue;
    const Finding& sf = findings[s];
    for (std::size_t c = 0; c < findings.size(); ++c) {
      if (c == s || !rule[c] || findings[c].path != sf.path) continue;
      const auto& names = rule[s]->companions;
      if (std::find(names.begin(), names.end(), findings[c].rule_id) == names.end()) continue;
      const std::uint64_t lines = distance(findings[c].line, sf.line);
      if (lines > rule[s]->companion_lines) continue;
      candidates.push_back(
          {s, c, lines, findings[c].offset > sf.offset, distance(findings[c].offset, sf.offset)});
    }
  }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.lines, a.after, a.bytes, a.secret) <
           std::tie(b.lines, b.after, b.bytes, b.secret);
  });
  // First one companion per secret and one secret per companion, nearest first; then secrets
  // left without one share their nearest.
  constexpr std::size_t kNone = SIZE_MAX;
  std::vector<std::size_t> chosen(findings.size(), kNone);
  std::vector<bool> used(findings.size(), false);
  for (const Candidate& c : candidates)
    if (chosen[c.secret] == kNone && !used[c.companion]) {
      chosen[c.secret] = c.companion;
      used[c.companion] = true;
    }
  for (const Candidate& c : candidates)
    if (chosen[c.secret] == kNone) {
      chosen[c.secret] = c.companion;
      used[c.companion] = true;
    }

  for (std::size_t s = 0; s < findings.size(); ++s)
    if (chosen[s] != kNone) absorb(findings[s], findings[chosen[s]]);
  std::size_t k = 0;
  for (std::size_t i = 0; i < findings.size(); ++i) {
    if (used[i] || (rule[i] && rule[i]->companion_only)) continue;
    if (k != i) findings[k] = std::move(findings[i]);
    ++k;
  }
  findings.resize(k);
}

}  // namespace reachscan
