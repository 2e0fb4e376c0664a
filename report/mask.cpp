#include "report/reporter.h"
#include "scanner/fingerprint.h"

namespace reachscan::report {

SecretFinding mask(const SecretFinding& s, const PathSecrets& secrets) {
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
  m.first = s.first;
  redact_finding(m.first, secrets);
  m.occurrences = s.occurrences;
  for (Finding& f : m.occurrences) redact_finding(f, secrets);
  return m;
}

std::vector<SecretFinding> mask(const std::vector<SecretFinding>& findings) {
  // Every match fragment is masked with every secret found at its path.
  std::vector<Finding> flat;
  for (const SecretFinding& s : findings) {
    flat.push_back(s.first);
    flat.insert(flat.end(), s.occurrences.begin(), s.occurrences.end());
  }
  const PathSecrets secrets = secrets_by_path(flat);
  std::vector<SecretFinding> out;
  out.reserve(findings.size());
  for (const SecretFinding& s : findings) out.push_back(mask(s, secrets));
  return out;
}

std::vector<Finding> mask(const std::vector<Finding>& occurrences) {
  std::vector<Finding> out = occurrences;
  redact_findings(out);
  return out;
}

}  // namespace reachscan::report
