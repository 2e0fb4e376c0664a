// `reachscan rules list`, `reachscan rules check` and `reachscan rules import-gitleaks`.
#include <fmt/core.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "patterns/gitleaks.h"
#include "patterns/rule.h"
#include "report/escape.h"
#include "report/output_file.h"
#include "scanner/policy.h"
#include "scanner/rules_check.h"

namespace reachscan::cli {
namespace {

void warning_lines(const std::vector<std::string>& warnings) {
  for (const std::string& w : warnings)
    fmt::print(stderr, "reachscan: warning: {}\n", report::escape_for_terminal(w));
}

// What a converted file cannot say by itself, as comment lines for its head.
std::string import_notes(const std::string& file, const patterns::GitleaksConfig& c) {
  std::string out = "# Converted from " + file + " by `reachscan rules import-gitleaks`.\n";
  if (!c.use_default)
    out +=
        "# The gitleaks config does not extend the default rules: to run only these rules, add\n"
        "# `builtin_rules: false` to .reachscan.yaml.\n";
  if (c.use_default && !c.global_allowlists.empty())
    out +=
        "# Its global allowlists are copied into each rule below; they do not reach the\n"
        "# built-in rules (read the .toml directly with -c for that).\n";
  for (const std::string& d : c.disabled_rules)
    out += "# [extend] disabledRules names '" + d + "': add it to skip_rules in .reachscan.yaml.\n";
  return out;
}

}  // namespace

int run_rules_import_gitleaks(const GlobalOptions& g, const std::string& file) {
  patterns::GitleaksConfig c = patterns::load_gitleaks(file);
  warning_lines(c.rules.warnings);
  for (const std::string& e : c.rules.errors) error_line(e);
  if (!c.rules.errors.empty()) return kExitError;
  auto out = report::OutputFile::open(g.output);
  if (!out) {
    error_line(out.status().message());
    return kExitError;
  }
  const std::string text = import_notes(file, c) + patterns::format_rules_yaml(c.rules.rules);
  std::fwrite(text.data(), 1, text.size(), (*out)->stream());
  if (Status s = (*out)->commit(); !s.ok()) {
    error_line(s.message());
    return kExitError;
  }
  if (!g.quiet)
    fmt::print(stderr, "reachscan: {} rule{} converted, {} warning{}\n", c.rules.rules.size(),
               c.rules.rules.size() == 1 ? "" : "s", c.rules.warnings.size(),
               c.rules.warnings.size() == 1 ? "" : "s");
  return kExitClean;
}

int run_rules_list(const GlobalOptions& g) {
  patterns::RuleSet rules = patterns::embedded_rules_with_opt_in();
  for (const std::string& p : g.rule_paths) rules.append(patterns::load_rules(p));
  warning_lines(rules.warnings);
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
  warning_lines(rules.warnings);
  const RuleCheckReport report = check_rules(std::move(rules));
  for (const std::string& p : report.problems) fmt::print("{}\n", p);
  if (!g.quiet || !report.problems.empty())
    fmt::print(stderr, "reachscan: {} rules, {} examples checked, {} problem{}\n", report.rules,
               report.examples, report.problems.size(), report.problems.size() == 1 ? "" : "s");
  return report.problems.empty() ? kExitClean : kExitFindings;
}

}  // namespace reachscan::cli
