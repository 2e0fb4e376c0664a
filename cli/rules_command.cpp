// `reachscan rules list` and `reachscan rules check`.
#include <fmt/core.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "patterns/rule.h"
#include "scanner/policy.h"
#include "scanner/rules_check.h"

namespace reachscan::cli {

int run_rules_list(const GlobalOptions& g) {
  patterns::RuleSet rules = patterns::embedded_rules_with_opt_in();
  for (const std::string& p : g.rule_paths) rules.append(patterns::load_rules(p));
  for (const std::string& e : rules.errors) error_line(e);
  if (g.format == "json" || g.format == "jsonl") {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : rules.rules)
      arr.push_back({{"id", r.id},
                     {"name", r.name},
                     {"confidence", to_string(r.confidence)},
                     {"variant", r.variant},
                     {"tags", r.tags},
                     {"pattern", r.pattern},
                     {"min_entropy", r.min_entropy},
                     {"opt_in", r.opt_in},
                     {"source", r.source}});
    fmt::print("{}\n", arr.dump(2));
  } else {
    for (const auto& r : rules.rules)
      fmt::print("{:<40} {:<7} {:<5} {}\n", r.id, to_string(r.confidence),
                 r.variant.empty() ? "-" : r.variant, r.name);
    if (!g.quiet) fmt::print(stderr, "{} rules\n", rules.rules.size());
  }
  return rules.errors.empty() ? kExitClean : kExitError;
}

int run_rules_check(const GlobalOptions& g, const std::vector<std::string>& paths) {
  patterns::RuleSet rules;
  if (paths.empty()) {
    rules = patterns::embedded_rules_with_opt_in();
    for (const std::string& p : g.rule_paths) rules.append(patterns::load_rules(p));
  } else {
    for (const std::string& p : paths) {
      std::error_code ec;
      if (!std::filesystem::exists(p, ec)) {
        error_line(p + ": no such file or folder");
        return kExitError;
      }
      rules.append(patterns::load_rules(p));
    }
  }
  const RuleCheckReport report = check_rules(std::move(rules));
  for (const std::string& p : report.problems) fmt::print("{}\n", p);
  if (!g.quiet || !report.problems.empty())
    fmt::print(stderr, "reachscan: {} rules, {} examples checked, {} problem{}\n", report.rules,
               report.examples, report.problems.size(), report.problems.size() == 1 ? "" : "s");
  return report.problems.empty() ? kExitClean : kExitFindings;
}

}  // namespace reachscan::cli
