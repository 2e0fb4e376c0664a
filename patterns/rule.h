// The rule model and its YAML loader.
//
// A Rule is plain data read from a rule file (see patterns/README.md for the format). Loading never
// throws: a malformed file or rule becomes an error message naming the file and rule id, and the
// other rules are kept, so one bad rule file cannot stop a scan.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.h"

namespace reachscan::patterns {

inline constexpr std::size_t kDefaultMaxLength = 1024;
inline constexpr std::size_t kMaxMaxLength = 65536;
inline constexpr std::size_t kDefaultCompanionLines = 5;
inline constexpr std::size_t kMaxCompanionLines = 50;

// An allowlist in the gitleaks sense (see patterns/README.md, "Allowlists"): a finding is dropped
// when, with condition OR, its commit or path is listed or its target matches a regex or its
// secret holds a stopword; with condition AND, when every list that is not empty agrees.
struct Allowlist {
  std::string description;
  bool all = false;                  // condition AND (default OR)
  std::vector<std::string> commits;  // lower-cased commit ids
  std::vector<std::string> paths;    // RE2 patterns on the file path
  // What `regexes` test: "secret" (default), "match" (the whole rule match) or "line".
  std::string regex_target = "secret";
  std::vector<std::string> regexes;    // RE2 patterns
  std::vector<std::string> stopwords;  // lower-cased; a secret containing one is dropped
};

struct Rule {
  std::string id;
  std::string name;
  std::string pattern;
  std::string description;
  std::vector<std::string> keywords;  // lower-cased
  double min_entropy = 0;
  Confidence confidence = Confidence::kMedium;
  std::string variant;  // "live", "test" or empty
  std::size_t max_length = kDefaultMaxLength;
  std::string verify;  // name of an offline structural verifier (verify/), or empty
  std::vector<std::string> tags;
  std::vector<std::string> references;
  std::vector<std::string> examples;
  std::vector<std::string> negative_examples;
  std::string source;  // the file it came from, for messages

  // Multi-part credentials: the identifier rules whose nearest match within `companion_lines`
  // lines joins this rule's finding as a part (see patterns/README.md, "Multi-part").
  std::vector<std::string> companions;
  std::size_t companion_lines = kDefaultCompanionLines;
  // An identifier that is no secret on its own (a Google OAuth client id): reported only as a
  // part of a companion's finding, never alone.
  bool companion_only = false;
  // The secret is an encoded value that may hold anything (a Kubernetes Secret's base64 `data:`
  // value): a specific rule's finding in its decoding replaces this rule's finding.
  bool opaque = false;
  // Off unless the scan asks for it by this name (e.g. "entropy-strings" for --entropy-strings):
  // detectors too noisy to run by default. Empty: always on.
  std::string opt_in;

  // Which capture group is the secret: 1 by default; 0 takes the first non-empty group, or the
  // whole match when the pattern has none (gitleaks' rule when `secretGroup` is not set).
  int secret_group = 1;
  // RE2 pattern on the file path: the rule applies only to files it matches (empty: every file).
  std::string path;
  // For `rules check` only: the file path its examples and negative examples are scanned as, so a
  // rule with `path` can be checked (e.g. `config/master.key`).
  std::string example_path;
  // Keywords looked for anywhere in the scanned text instead of inside the match (gitleaks).
  bool keywords_anywhere = false;
  std::vector<Allowlist> allowlists;

  // Generic rules (keyword-and-entropy assignments) yield to a specific rule on the same secret.
  bool generic() const { return id.rfind("generic.", 0) == 0; }
};

struct RuleSet {
  std::vector<Rule> rules;
  std::vector<std::string> errors;  // each names the file and, where known, the rule id
  // What was loaded with a difference or left out on purpose (a gitleaks field reachscan has no
  // counterpart for): worth telling, but not a failure.
  std::vector<std::string> warnings;

  void append(RuleSet other);
  // Keeps the first rule of each id; later ones become errors naming both files.
  void drop_duplicate_ids();
  // Records an error for each companion id that names no rule, and for each companion-only rule
  // that no rule names (it could never be reported). Run on the whole set, before selection.
  void check_companions();
};

// Parses one YAML document holding a list of rules. `source` names it in messages.
RuleSet parse_rules(std::string_view yaml, const std::string& source);

// Loads a rule file, or every *.yaml / *.yml file below a folder (sorted by path). A *.toml
// file is read as a gitleaks config (patterns/gitleaks.h). With `confine` (a folder: a config
// from the scanned tree named these rules), every file read, symlinks resolved, must lie inside
// it (core/read_file.h check_inside); one outside is an error naming it.
RuleSet load_rules(const std::string& path, const std::string& confine = {});

// The rules compiled into the binary from patterns/rules/ that are on by default (no `opt_in`).
RuleSet embedded_rules();
// All of them, opt-in detectors included (for `rules check` and `rules list`).
RuleSet embedded_rules_with_opt_in();

// The names a rule's `opt_in` may take; each is a scan flag (--entropy-strings).
inline constexpr std::string_view kOptInNames[] = {"entropy-strings"};

// Every embedded rule (opt-in ones too; see drop_opt_in_rules) without its examples, for scanning:
// parsed once and kept as a binary table in `cache_dir` (patterns/rule_cache.h, keyed on a hash
// of the embedded text), so a warm start skips the YAML parser. An empty `cache_dir` or an unusable
// cache falls back to parsing.
RuleSet embedded_rules_for_scan(const std::string& cache_dir);

// Checks that need no regex engine: id well-formed, required fields present. Returns problems.
std::vector<std::string> lint_rule(const Rule& rule);

// Keeps rules whose id is in `only` (if non-empty) and not in `skip`. Returns unknown ids given.
std::vector<std::string> select_rules(std::vector<Rule>& rules,
                                      const std::vector<std::string>& only,
                                      const std::vector<std::string>& skip);

// Drops the rules whose `opt_in` is set, unless that name is in `enabled` or the rule's id is in
// `named` (an --only-rules list that names it explicitly).
void drop_opt_in_rules(std::vector<Rule>& rules, const std::vector<std::string>& enabled,
                       const std::vector<std::string>& named);

}  // namespace reachscan::patterns
