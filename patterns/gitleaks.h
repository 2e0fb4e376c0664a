// Reading a gitleaks configuration (`.gitleaks.toml`) as reachscan rules.
//
// Each `[[rules]]` entry becomes a Rule: `regex` -> pattern, `secretGroup` -> secret_group
// (0, gitleaks' default, takes the first non-empty group), `entropy` -> min_entropy, `keywords`
// (looked for anywhere in the scanned text, as gitleaks does), `path`, `tags`, `description`, and
// the rule's `[[rules.allowlists]]` (or older `[rules.allowlist]`). Global `[[allowlists]]` (or
// `[allowlist]`) are added to every rule they target. `[extend] path` loads the named file first
// (rules of the same id are replaced); `[extend] useDefault` asks for the built-in rules as well.
//
// Nothing is dropped silently: a field or rule that cannot be carried over is a warning naming the
// file, the rule and the field, and the other rules still load. Patterns are checked in both
// engines here, so a Go regex that RE2 or Hyperscan cannot compile is a warning for that rule.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "patterns/rule.h"

namespace reachscan::patterns {

struct GitleaksConfig {
  RuleSet rules;  // errors: the file could not be read or parsed; warnings: what was left out
  bool use_default = false;  // [extend] useDefault: the built-in rules run too
  // [extend] disabledRules that name no rule of the file: they may name built-in rules.
  std::vector<std::string> disabled_rules;
  // The global allowlists that target every rule: they apply to the built-in rules as well.
  std::vector<Allowlist> global_allowlists;
};

// Parses gitleaks TOML held in memory. `source` names it in messages and anchors `[extend] path`.
// With `confine` (a folder: the config came with the scanned tree), `[extend] path` is taken
// relative to `source`'s folder and must stay inside `confine`, symlinks resolved; a path outside
// is an error naming it. Never throws.
GitleaksConfig parse_gitleaks(std::string_view toml, const std::string& source,
                              const std::string& confine = {});

// Reads a gitleaks config file (a regular file of at most kMaxRuleFileBytes); `confine` as above.
GitleaksConfig load_gitleaks(const std::string& path, const std::string& confine = {});

// True when `path` names a TOML file (by its extension): rule and config loaders hand such files
// to load_gitleaks.
bool is_toml_path(const std::string& path);

// Writes rules as a reachscan rule file (YAML, the format parse_rules reads).
std::string format_rules_yaml(const std::vector<Rule>& rules);

}  // namespace reachscan::patterns
