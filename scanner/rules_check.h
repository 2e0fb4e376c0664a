// `reachscan rules check`: validates rule files through the real matching path.
//
// Checks that ids are unique and well-formed, that every pattern compiles in Hyperscan and RE2
// and has a capture group, that all rules compile together, and that every example yields a
// finding of its rule and no negative example does, via Detector exactly as a scan would.
#pragma once

#include <string>
#include <vector>

#include "patterns/rule.h"

namespace reachscan {

struct RuleCheckReport {
  std::size_t rules = 0;
  std::size_t examples = 0;
  std::vector<std::string> problems;  // each names the file and rule id
};

RuleCheckReport check_rules(patterns::RuleSet set);

}  // namespace reachscan
