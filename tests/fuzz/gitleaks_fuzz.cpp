// Fuzz target: the gitleaks TOML loader (`.gitleaks.toml`, which may come from the scanned tree),
// on arbitrary bytes. What it loads is written out as a reachscan rule file and read back: the
// conversion must round-trip (every rule that loaded reads back under the same id).
#include <set>
#include <string>

#include "fuzz_support.h"
#include "patterns/gitleaks.h"
#include "patterns/rule.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reachscan;
  const patterns::GitleaksConfig config =
      patterns::parse_gitleaks(fuzz::as_text(data, size), "fuzz/.gitleaks.toml");
  if (config.rules.rules.empty()) return 0;
  for (const patterns::Rule& r : config.rules.rules) (void)patterns::lint_rule(r);
  const std::string yaml = patterns::format_rules_yaml(config.rules.rules);
  const patterns::RuleSet back = patterns::parse_rules(yaml, "fuzz.yaml");
  std::set<std::string> ids;
  for (const patterns::Rule& r : back.rules) ids.insert(r.id);
  for (const patterns::Rule& r : config.rules.rules)
    if (!ids.count(r.id)) __builtin_trap();
  return 0;
}
