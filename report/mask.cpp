#include "report/reporter.h"
#include "scanner/fingerprint.h"

namespace reachscan::report {

std::vector<SecretFinding> mask(const std::vector<SecretFinding>& findings) {
  // One flat list, so every match fragment is masked with every secret at its path.
  std::vector<Finding> flat;
  for (const SecretFinding& s : findings) {
    flat.push_back(s.first);
    flat.insert(flat.end(), s.occurrences.begin(), s.occurrences.end());
  }
  redact_findings(flat);
  std::vector<SecretFinding> out;
  out.reserve(findings.size());
  std::size_t i = 0;
  for (const SecretFinding& s : findings) {
    SecretFinding m;
    m.count = s.count;
    m.reused_across_environments = s.reused_across_environments;
    m.repositories = s.repositories;
    m.triage = s.triage;
    m.first_seen = s.first_seen;
    if (m.first_seen) {
      m.first_seen->secret.clear();
      m.first_seen->match.clear();
      m.first_seen->parts.clear();
    }
    m.first = std::move(flat[i++]);
    for (std::size_t k = 0; k < s.occurrences.size(); ++k)
      m.occurrences.push_back(std::move(flat[i++]));
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<Finding> mask(const std::vector<Finding>& occurrences) {
  std::vector<Finding> out = occurrences;
  redact_findings(out);
  return out;
}

}  // namespace reachscan::report
