#include "scanner/rules_check.h"

#include <map>

#include "patterns/rule_database.h"
#include "scanner/detector.h"
#include "verify/verify.h"

namespace reachscan {
namespace {

std::string shorten(const std::string& s) {
  std::string out = s.size() > 60 ? s.substr(0, 60) + "..." : s;
  for (char& c : out)
    if (c == '\n') c = ' ';
  return out;
}

}  // namespace

RuleCheckReport check_rules(patterns::RuleSet set) {
  set.check_companions();
  RuleCheckReport report;
  report.problems = std::move(set.errors);
  std::map<std::string, std::string> seen;
  std::vector<patterns::Rule> usable;
  for (patterns::Rule& r : set.rules) {
    const std::string who = r.source + ": rule " + r.id + ": ";
    bool ok = true;
    if (auto [it, fresh] = seen.emplace(r.id, r.source); !fresh) {
      report.problems.push_back(who + "duplicate id (also in " + it->second + ")");
      ok = false;
    }
    if (r.references.empty()) report.problems.push_back(who + "no references");
    if (r.examples.empty()) report.problems.push_back(who + "no examples");
    if (r.negative_examples.empty()) report.problems.push_back(who + "no negative_examples");
    if (!r.verify.empty() && !verify::known_verifier(r.verify)) {
      report.problems.push_back(who + "unknown verifier '" + r.verify + "'");
      ok = false;
    }
    for (const std::string& p : patterns::check_pattern(r.pattern)) {
      report.problems.push_back(who + p);
      ok = false;
    }
    if (ok) usable.push_back(std::move(r));
  }
  report.rules = usable.size();

  patterns::DatabaseOptions no_cache;
  no_cache.use_cache = false;
  auto built = patterns::RuleDatabase::build(usable, no_cache);
  for (std::string& e : built.errors) report.problems.push_back("together: " + std::move(e));
  const Detector detector(built.database);
  const auto& rules = built.database->rules();

  for (const patterns::Rule& r : rules) {
    const std::string who = r.source + ": rule " + r.id + ": ";
    // A companion's match may be reported as a part of another rule's finding.
    auto of_rule = [&](const std::vector<Finding>& fs) -> const Finding* {
      for (const Finding& f : fs) {
        if (f.rule_id == r.id) return &f;
        for (const Part& p : f.parts)
          if (p.rule_id == r.id) return &f;
      }
      return nullptr;
    };
    auto has_rule = [&](const std::vector<Finding>& fs) { return of_rule(fs) != nullptr; };
    for (const std::string& ex : r.examples) {
      ++report.examples;
      const auto before = detector.matcher().unconfirmed_hits();
      const auto found = detector.detect_all(ex);
      const Finding* f = of_rule(found);
      if (!f)
        report.problems.push_back(who + "example does not match: " + shorten(ex));
      else if (f->verification.status == VerifyStatus::kInvalidStructure)
        // Positives of a rule with a verifier must be synthetic but structurally valid.
        report.problems.push_back(who + "example fails its verifier (" +
                                  (f->verification.reasons.empty()
                                       ? std::string("invalid structure")
                                       : f->verification.reasons.front()) +
                                  "): " + shorten(ex));
      if (detector.matcher().unconfirmed_hits() != before)
        report.problems.push_back(who + "Hyperscan and RE2 disagree on: " + shorten(ex));
    }
    for (const std::string& ex : r.negative_examples) {
      ++report.examples;
      if (has_rule(detector.detect_all(ex)))
        report.problems.push_back(who + "negative example matches: " + shorten(ex));
    }
  }
  return report;
}

}  // namespace reachscan
