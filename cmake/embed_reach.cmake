# Generates a C++ source that holds reach/signals.yaml (the classifier's weights and markers) as a
# string, so the library carries its data. Inputs: INPUT, OUTPUT.
file(READ "${INPUT}" content)
string(FIND "${content}" ")RSREACH\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )RSREACH\"")
endif()
file(WRITE "${OUTPUT}.tmp" "// Generated from reach/signals.yaml by cmake/embed_reach.cmake. Do not edit.
#include \"reach/embedded.h\"

namespace reachscan::reach::detail {

std::string_view embedded_signal_data() {
  static constexpr char kData[] = R\"RSREACH(${content})RSREACH\";
  return std::string_view(kData, sizeof(kData) - 1);
}

}  // namespace reachscan::reach::detail
")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUTPUT}.tmp" "${OUTPUT}")
