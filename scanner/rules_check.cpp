#include "scanner/rules_check.h"

#include <map>

#include "patterns/rule_database.h"
#include "scanner/detector.h"

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
    auto has_rule = [&](const std::vector<Finding>& fs) {
      for (const Finding& f : fs)
        if (f.rule_id == r.id) return true;
      return false;
    };
    for (const std::string& ex : r.examples) {
      ++report.examples;
      const auto before = detector.matcher().unconfirmed_hits();
      if (!has_rule(detector.detect_all(ex)))
        report.problems.push_back(who + "example does not match: " + shorten(ex));
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
