// The rule table cache: parsed rules as a flat binary file, so that a warm start reads the
// built-in rules without the YAML parser (see embedded_rules_for_scan in patterns/rule.h).
// Examples are not kept (scans do not use them). Internal to patterns/ and its tests.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patterns/rule.h"

namespace reachscan::patterns {

// The rules as table bytes, and back. Decoding checks every length: damaged or truncated bytes
// give nullopt, never a crash or a partial list. Thread-safe.
std::string encode_rule_table(const std::vector<Rule>& rules);
std::optional<std::vector<Rule>> decode_rule_table(std::string_view bytes);

// The table's file name for rules whose text has digest `digest`. It names the table's format, so
// that binaries of two formats sharing a cache folder do not rewrite each other's table.
std::string rule_table_name(std::string_view digest);

// The table in `file` (a regular file; nullopt when missing or damaged), and writing it (private,
// atomically; a failure only costs the next run the parse).
std::optional<std::vector<Rule>> read_rule_table(const std::string& file);
void write_rule_table(const std::string& file, const std::vector<Rule>& rules);

}  // namespace reachscan::patterns
