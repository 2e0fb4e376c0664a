// JSON renderings shared by the JSON, JSON Lines and SARIF reporters.
#pragma once

#include <nlohmann/json.hpp>

#include "core/types.h"

namespace reachscan::report {

nlohmann::ordered_json finding_json(const Finding& f);
// One place a secret was seen: position, match, encoding, commit and that place's reach.
nlohmann::ordered_json occurrence_json(const Finding& f);
// A finding: its decisive occurrence's record (finding_json), the number of places and, when
// `with_occurrences`, every place held (occurrence_json).
nlohmann::ordered_json secret_finding_json(const SecretFinding& s, bool with_occurrences);
nlohmann::ordered_json summary_json(const ScanSummary& s);
nlohmann::ordered_json reach_json(const Reach& r);
// Where a finding sits in a container image: name, part, layer digest and place, the history
// entry and Dockerfile instruction that made the layer, the path in the layer, and whether the
// file is still in the image's final filesystem.
nlohmann::ordered_json image_json(const ImageContext& c);
// Serialises without throwing on invalid UTF-8 (bytes from scanned files are replaced).
std::string dump(const nlohmann::ordered_json& j, int indent = -1);

}  // namespace reachscan::report
