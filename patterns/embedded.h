// Rule files compiled into the binary (generated at build time from patterns/rules/*.yaml).
#pragma once

#include <span>
#include <string_view>

namespace reachscan::patterns {

struct EmbeddedFile {
  std::string_view name;
  std::string_view content;
};

std::span<const EmbeddedFile> embedded_rule_files();

}  // namespace reachscan::patterns
