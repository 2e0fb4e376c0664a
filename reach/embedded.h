// reach/signals.yaml, compiled into the library (generated at build time by
// cmake/embed_reach.cmake). Internal to the reach stage.
#pragma once

#include <string_view>

namespace reachscan::reach::detail {

std::string_view embedded_signal_data();

}  // namespace reachscan::reach::detail
