// The project configuration file, `.reachscan.yaml`, read from the scan root or from -c FILE.
//
//   rules: [ci/rules/]           # extra rule files or folders, relative to the config file
//   only_rules: [..]             # keep only these rule ids
//   skip_rules: [..]             # drop these rule ids
//   max_file_size: 25MB          # larger files are skipped with a reason (0: no limit)
//   decode: false                # do not look inside base64/URL/hex-encoded runs (--no-decode)
//   allow:
//     paths: ['vendor/**', '*.min.js']   # globs of files not scanned
//     secrets: ['^sk_test_']             # RE2 patterns; a matching secret is not reported
//     fingerprints: ['rule:hash']        # as in .reachscanignore
//   environments: {...}          # the production map, read by reach/ (see reach/README.md)
//   builtin_rules: false         # run only the rules named above, not the built-in ones
//
// A gitleaks config (a *.toml file given as -c FILE, in GITLEAKS_CONFIG, or `.gitleaks.toml` in
// the scan root) is a Config too: its rules and allowlists (patterns/gitleaks.h), and the built-in
// rules only when its `[extend] useDefault` asks for them.
//
// Unknown top-level keys are kept as warnings, so later versions' files still load.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace reachscan {

struct Config {
  std::string path;  // where it was read from; empty when there was no file
  std::string text;  // the file as read: other stages (reach/) parse their keys from it
  std::vector<std::string> rule_paths;
  std::vector<std::string> only_rules;
  std::vector<std::string> skip_rules;
  std::optional<std::uint64_t> max_file_size;
  std::optional<bool> decode;
  std::vector<std::string> allow_paths;
  std::vector<std::string> allow_secrets;
  std::vector<std::string> allow_fingerprints;
  bool builtin_rules = true;
  std::string gitleaks;  // the gitleaks config this Config stands for; empty for .reachscan.yaml
  std::vector<std::string> warnings;
};

// Reads and validates a config file (or, for a *.toml path, checks that the gitleaks config can be
// read and names it in `gitleaks`): a regular file (not a folder, FIFO or device) of at most
// kMaxConfigBytes, nested at most 64 levels. Errors name the file and line.
Expected<Config> load_config(const std::string& path);

// The same for text already in memory; `path` names it in errors and anchors relative `rules:`
// paths. Never throws.
Expected<Config> parse_config(std::string_view text, const std::string& path);

// An error naming the line if `text` (YAML) nests deeper than 64 levels (flow brackets or
// indentation): yaml-cpp recurses per level. Brackets inside quoted strings count too, which
// only makes the bound stricter. Used for every YAML file read from a scanned tree.
Status check_nesting(std::string_view text, const std::string& path);

// "10MB", "512k", "2GiB", "1000" -> bytes. Decimal (kB, MB, GB) and binary (KiB, MiB, GiB) units;
// a bare k/m/g means binary.
Expected<std::uint64_t> parse_size(const std::string& text);

}  // namespace reachscan
