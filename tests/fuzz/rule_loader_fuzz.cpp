// Fuzz target: the rule loader (YAML -> rules, with every validation), on arbitrary bytes.
#include "fuzz_support.h"
#include "patterns/rule.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reachscan;
  patterns::RuleSet set = patterns::parse_rules(fuzz::as_text(data, size), "fuzz.yaml");
  for (const patterns::Rule& r : set.rules) (void)patterns::lint_rule(r);
  set.drop_duplicate_ids();
  set.check_companions();
  return 0;
}
