// Reporters: the only code that formats findings for people or machines.
//
// JSON Lines is the canonical machine format (one finding per line); JSON wraps the same records
// with a summary; SARIF 2.1.0 is the view GitHub code scanning reads; text is for people; short
// is one line per finding for hooks; github is GitHub Actions workflow commands (annotations);
// csv is one row per occurrence for spreadsheets (organisation reports); junit is JUnit XML,
// one test case per occurrence, failing when the finding fails the run (CI test reports).
// All are views of the same records: a finding is one secret under one rule with its occurrences
// (SecretFinding); SARIF and github annotations show one result per occurrence (they need
// places), the others one entry per finding. JSON Lines also streams each occurrence as it is
// found. A reporter writes to the FILE* it is given and never closes it; a closed pipe is not an
// error. Reporters print what they get: masking is done before (see report::mask).
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/types.h"
#include "patterns/rule.h"

namespace reachscan::report {

enum class Format { kText, kJson, kJsonl, kSarif, kShort, kGithub, kCsv, kJunit };
std::optional<Format> parse_format(const std::string& s);
// The names parse_format accepts, for help and error messages: "text, json, ...".
const char* format_names();
// Short and github output is read in hook and CI logs: it always masks secrets.
inline bool always_masked(Format f) { return f == Format::kShort || f == Format::kGithub; }
// JUnit reports are shown to people in CI test views: masked unless --show-secrets.
inline bool masked_by_default(Format f) { return f == Format::kText || f == Format::kJunit; }

struct ReportOptions {
  bool color = false;                                  // ANSI colours in text output
  bool verbose = false;                                // text: list every skipped file
  std::string version;                                 // tool version
  const std::vector<patterns::Rule>* rules = nullptr;  // for SARIF rule metadata
  std::string fail_on = "any";  // short, github: which findings block (any, production, none)
};

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void begin() {}
  // An occurrence as soon as the scan finds it (serial; before on_finding). Only streaming
  // formats use it.
  virtual void on_occurrence(const Finding& f) { (void)f; }
  // A finding once the scan is done, in report order.
  virtual void on_finding(const SecretFinding& f) = 0;
  // Writes what remains (JSON/SARIF write everything here). `summary_out` receives the
  // human-readable summary in text and JSON Lines modes (usually stderr); may be null.
  virtual void finish(const ScanSummary& summary, std::FILE* summary_out) = 0;
};

std::unique_ptr<Reporter> make_reporter(Format format, std::FILE* out, ReportOptions options);

// The human summary block (used by text and JSON Lines reporters).
void write_text_summary(const ScanSummary& s, std::FILE* out, bool verbose, bool color);

// The errors of a scan for people: error skips and other errors, one line each, except that four
// or more that differ only by object id become one line with a count (all of them when verbose).
std::vector<std::string> error_lines(const ScanSummary& s, bool verbose);

// Whether `f` fails the run under --fail-on `fail_on` (any, production, none).
bool blocks(const Finding& f, const std::string& fail_on);

// Copies with every secret masked: the findings' own secrets and parts, and in each match
// fragment the secrets of every finding at the same path (a line may hold several).
std::vector<SecretFinding> mask(const std::vector<SecretFinding>& findings);
// One finding, its match fragments masked with `secrets` (the secrets of every finding reported,
// by path: what the form above builds from the findings it is given).
SecretFinding mask(const SecretFinding& finding, const PathSecrets& secrets);
// The same for the occurrences of one item, as they stream.
std::vector<Finding> mask(const std::vector<Finding>& occurrences);

}  // namespace reachscan::report
