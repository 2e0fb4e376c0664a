// What a repository's refs point at now: the state an organisation scan records, so that a run
// over a repository whose refs have not moved skips it entirely.
#pragma once

#include <map>
#include <string>

#include "core/status.h"

namespace reachscan::git {

// Every ref (branches, tags, remote-tracking and other refs, HEAD) -> the object id it peels to
// (hex). Symbolic refs are resolved; a ref that does not resolve is an error, never skipped.
[[nodiscard]] Expected<std::map<std::string, std::string>> ref_tips(const std::string& repo);

}  // namespace reachscan::git
