// JSON renderings shared by the JSON, JSON Lines and SARIF reporters.
#pragma once

#include <nlohmann/json.hpp>

#include "core/types.h"

namespace reachscan::report {

nlohmann::ordered_json finding_json(const Finding& f);
nlohmann::ordered_json summary_json(const ScanSummary& s);
nlohmann::ordered_json reach_json(const Reach& r);
// Serialises without throwing on invalid UTF-8 (bytes from scanned files are replaced).
std::string dump(const nlohmann::ordered_json& j, int indent = -1);

}  // namespace reachscan::report
