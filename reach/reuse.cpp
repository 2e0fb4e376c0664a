// Reuse of one secret value across environments (OWASP NHI8 environment isolation, NHI9 reuse).
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <map>

#include "reach/classify.h"
#include "reach/model.h"

namespace reachscan::reach {
namespace {

// HMAC-SHA256(key, secret) as raw bytes; the clear value never leaves the finding.
std::string keyed_digest(std::string_view key, const std::string& secret) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // NOTE: an empty key is valid for HMAC; OpenSSL wants a non-null pointer for it.
  static const unsigned char kEmpty = 0;
  const void* k = key.empty() ? static_cast<const void*>(&kEmpty) : key.data();
  if (!HMAC(EVP_sha256(), k, static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), out, &len))
    return {};
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string location(const Finding& f) {
  std::string s = f.path + ":" + std::to_string(f.line);
  if (f.commit && !f.commit->id.empty()) s += "@" + f.commit->id.substr(0, 12);
  return s;
}

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

ReachVerdict verdict_of(const Finding& f) {
  return f.reach ? f.reach->verdict : ReachVerdict::kUnknown;
}

}  // namespace

void flag_reuse(std::vector<Finding>& findings, std::string_view key) {
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < findings.size(); ++i) {
    if (findings[i].secret.empty()) continue;
    const std::string d = keyed_digest(key, findings[i].secret);
    if (!d.empty()) groups[d].push_back(i);
  }
  for (const auto& [digest, members] : groups) {
    // Distinct locations; two rules matching one value at one place are one occurrence.
    std::vector<std::string> locations;
    for (std::size_t i : members) add_unique(locations, location(findings[i]));
    if (locations.size() < 2) continue;

    std::vector<std::string> production_at;
    bool non_production = false;
    for (std::size_t i : members) {
      const ReachVerdict v = verdict_of(findings[i]);
      if (v == ReachVerdict::kProduction) add_unique(production_at, location(findings[i]));
      if (v == ReachVerdict::kNonProduction) non_production = true;
    }
    if (production_at.empty()) continue;
    const bool across = non_production;
    // NOTE: the signal model (parsed YAML) is loaded only here, where a value is reused and one
    // place is production: a scan without such a pair, the common one, never parses it.
    const detail::Model* m = detail::model();

    for (std::size_t i : members) {
      Finding& f = findings[i];
      if (!f.reach) f.reach = Reach{};
      Reach& r = *f.reach;
      const std::string here = location(f);
      const ReachVerdict before = r.verdict;
      if (before != ReachVerdict::kProduction) {
        std::string where;
        for (const std::string& p : production_at)
          if (p != here) where = p;
        if (!where.empty()) {
          r.evidence.insert(
              r.evidence.begin(),
              Evidence{"reuse", "the same secret is used in a production context at " + where,
                       m ? m->config_production : 5.0});
          r.verdict = ReachVerdict::kProduction;
          r.confidence =
              std::max(r.confidence,
                       m ? m->tiers[static_cast<int>(detail::Tier::kConfig)].confidence_low : 0.95);
        }
      }
      if (!across) continue;
      add_unique(r.flags, "reused_across_environments");
      if (before == ReachVerdict::kNonProduction)
        add_unique(r.flags, "live_secret_in_non_production");
      for (const std::string& loc : locations)
        if (loc != here) add_unique(r.related, loc);
      if (m) {
        for (const std::string& t : m->frameworks_always) add_unique(r.frameworks, t);
        for (const std::string& t : m->frameworks_reused) add_unique(r.frameworks, t);
      }
    }
  }
}

}  // namespace reachscan::reach
