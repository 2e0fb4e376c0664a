# Generates a C++ source that holds every rule file as a string, so the binary carries its defaults.
# Inputs: RULES_DIR, OUTPUT.
file(GLOB rule_files RELATIVE "${RULES_DIR}" "${RULES_DIR}/*.yaml")
list(SORT rule_files)
set(body "")
foreach(f IN LISTS rule_files)
  file(READ "${RULES_DIR}/${f}" content)
  # `sv` literals carry their length: clang's constexpr step limit stops a strlen of them all.
  string(APPEND body "    {\"${f}\"sv, R\"RSRULE(${content})RSRULE\"sv},\n")
endforeach()
list(LENGTH rule_files n)
if(n EQUAL 0)
  set(body "    {\"\", \"\"},\n")
endif()
file(WRITE "${OUTPUT}.tmp" "// Generated from patterns/rules by cmake/embed_rules.cmake. Do not edit.
#include \"patterns/embedded.h\"

namespace reachscan::patterns {
namespace {
using namespace std::string_view_literals;
constexpr EmbeddedFile kFiles[] = {
${body}};
}  // namespace

std::span<const EmbeddedFile> embedded_rule_files() {
  return std::span<const EmbeddedFile>(kFiles, ${n});
}

}  // namespace reachscan::patterns
")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUTPUT}.tmp" "${OUTPUT}")
