// Reporters: the only code that formats findings for people or machines.
//
// JSON Lines is the canonical machine format (one finding per line); JSON wraps the same records
// with a summary; SARIF 2.1.0 is the view GitHub code scanning reads; text is for people; short
// is one line per finding for hooks; github is GitHub Actions workflow commands (annotations).
// All are views of the same Finding records. A reporter writes to the FILE* it is given and never
// closes it; a closed pipe is not an error.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/types.h"
#include "patterns/rule.h"

namespace reachscan::report {

enum class Format { kText, kJson, kJsonl, kSarif, kShort, kGithub };
std::optional<Format> parse_format(const std::string& s);
// The names parse_format accepts, for help and error messages: "text, json, ...".
const char* format_names();
// Short and github output is read in hook and CI logs: it always masks secrets.
inline bool always_masked(Format f) { return f == Format::kShort || f == Format::kGithub; }

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
  virtual void on_finding(const Finding& f) = 0;
  // Writes what remains (JSON/SARIF write everything here). `summary_out` receives the
  // human-readable summary in text and JSON Lines modes (usually stderr); may be null.
  virtual void finish(const ScanSummary& summary, std::FILE* summary_out) = 0;
};

std::unique_ptr<Reporter> make_reporter(Format format, std::FILE* out, ReportOptions options);

// The human summary block (used by text and JSON Lines reporters).
void write_text_summary(const ScanSummary& s, std::FILE* out, bool verbose, bool color);

// Whether `f` fails the run under --fail-on `fail_on` (any, production, none).
bool blocks(const Finding& f, const std::string& fail_on);

}  // namespace reachscan::report
