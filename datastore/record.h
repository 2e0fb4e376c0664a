// A finding as stored in the datastore: a compact JSON record of every field of an occurrence
// (place, match, parts, encoding, commit, verification, reach) and back, losslessly.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "core/types.h"

namespace reachscan::datastore {

std::string to_record(const Finding& f);
Expected<Finding> from_record(std::string_view record);

}  // namespace reachscan::datastore
