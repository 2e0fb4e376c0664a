// What every scanning subcommand sets up the same way: the config file and rules, the policy,
// the scan options from flags, and the report destinations (sinks).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "patterns/rule_database.h"
#include "reach/classify.h"
#include "report/output_file.h"
#include "report/reporter.h"
#include "scanner/config.h"
#include "scanner/pipeline.h"
#include "scanner/policy.h"

namespace reachscan::cli {

struct Setup {
  Config config;
  std::shared_ptr<const reach::ReachConfig> reach;
  std::shared_ptr<const patterns::RuleDatabase> db;
  std::vector<std::string> errors;  // not fatal: the scan goes on, the exit code says error
};

// `name` in `root` or the nearest parent folder holding one, stopping at the repository root (a
// folder with a `.git`) or the file system root. Empty when there is none.
std::string find_upwards(const std::string& root, const char* name);

// Loads the config file (once: the scanner's keys and the environments map from one read) and
// the rules. Returns nullopt, after printing why, on errors that stop the run.
std::optional<Setup> load_setup(const GlobalOptions& g, const std::string& root);

// Suppressions, --min-reach and --fail-on in one policy. nullopt after printing why.
std::optional<Policy> load_policy(const GlobalOptions& g, const Setup& setup,
                                  const std::string& root);

// Scan options from flags and the config (size limit, exclusions, decoding, archives).
// nullopt after printing why.
std::optional<ScanOptions> scan_options(const GlobalOptions& g, const Setup& setup,
                                        const std::string& root);

// One report destination: the main one (-f/-o) or an extra --report.
struct Sink {
  report::Format format;
  std::string path;
  std::FILE* file = nullptr;
  std::shared_ptr<report::OutputFile> out;  // written whole or not at all (report/output_file.h)
  bool masked = false;
  std::unique_ptr<report::Reporter> reporter;
  bool closed = false;  // the reader went away
};

class FindingsToSinks;

// Every report destination of a run. Opened before scanning (a bad -o must not cost a whole
// scan); each is written whole or not at all.
class Sinks {
 public:
  // Null after printing why (a bad format, a destination that cannot be created).
  static std::unique_ptr<Sinks> open(const GlobalOptions& g,
                                     const std::vector<patterns::Rule>& rules);
  ~Sinks();
  Sinks(const Sinks&) = delete;
  Sinks& operator=(const Sinks&) = delete;

  // Streams each item's occurrences to the reporters that stream (JSON Lines).
  ScanObserver& stream() { return *stream_; }
  // Takes the findings one at a time at the end of a scan, masked per sink; then finish().
  FindingSink& findings();
  // Ends every report with the summary; the human summary once, on stderr, for the main report
  // in text and JSON Lines (unless --quiet).
  void finish(const ScanSummary& summary);
  // The findings (through findings()) and the summary at once.
  void write(const std::vector<SecretFinding>& findings, const ScanSummary& summary);
  // How many findings were written, and whether one reaches production (for the exit code).
  std::uint64_t written() const;
  bool production() const;
  // Closes every report; false (after printing why) when one could not be written.
  bool commit();
  void discard();
  bool human_summary() const;

 private:
  Sinks() = default;
  const GlobalOptions* g_ = nullptr;
  std::vector<Sink> sinks_;
  std::unique_ptr<ScanObserver> stream_;
  std::unique_ptr<FindingsToSinks> findings_;
};

// Prints the errors a machine-format report carries, for the person running the scan (those in
// `already_printed` were printed when they happened).
void print_errors(const GlobalOptions& g, const ScanSummary& summary,
                  const std::vector<std::string>& already_printed);

}  // namespace reachscan::cli
