// `reachscan dir|stdin|git`: one scan config from flags and the config file, one source, the one
// pipeline, reporters as sinks, and the policy's exit code.
#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "cli/commands.h"
#include "patterns/rule.h"
#include "patterns/rule_database.h"
#include "reach/classify.h"
#include "report/escape.h"
#include "report/output_file.h"
#include "report/progress.h"
#include "report/reporter.h"
#include "scanner/config.h"
#include "scanner/deployment.h"
#include "scanner/interrupt.h"
#include "scanner/pipeline.h"
#include "scanner/policy.h"
#include "sources/files.h"

namespace reachscan::cli {
namespace fs = std::filesystem;

// Messages name scanned paths and objects: escaped so that they cannot drive the terminal.
void error_line(const std::string& msg) {
  fmt::print(stderr, "reachscan: error: {}\n", report::escape_for_terminal(msg));
}

namespace {

constexpr const char* kConfigName = ".reachscan.yaml";
constexpr const char* kIgnoreName = ".reachscanignore";

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

// Runs `write` on a sink's reporter. A reader that went away (`| head`) ends that report quietly:
// it is not an error, and the scan's outcome still decides the exit status.
template <typename Fn>
void write_to(Sink& k, Fn&& write) {
  if (k.closed) return;
  try {
    write();
  } catch (const std::system_error& e) {
    if (e.code().value() != EPIPE) throw;
    k.closed = true;
  }
}

// The folder whose config and ignore files apply: the first path named (or its folder).
std::string scan_root(const std::vector<std::string>& paths) {
  if (paths.empty()) return ".";
  std::error_code ec;
  if (fs::is_directory(paths.front(), ec)) return paths.front();
  const fs::path parent = fs::path(paths.front()).parent_path();
  return parent.empty() ? "." : parent.string();
}

// `name` in `root` or the nearest parent folder holding one, stopping at the repository root (a
// folder with a `.git`) or the file system root. Empty when there is none.
std::string find_upwards(const std::string& root, const char* name) {
  std::error_code ec;
  fs::path dir = fs::absolute(root, ec).lexically_normal();
  if (ec) return {};
  for (;;) {
    const fs::path candidate = dir / name;
    if (fs::exists(candidate, ec)) return candidate.string();
    if (fs::exists(dir / ".git", ec) || !dir.has_parent_path() || dir.parent_path() == dir)
      return {};
    dir = dir.parent_path();
  }
}

struct Setup {
  Config config;
  std::shared_ptr<const reach::ReachConfig> reach;
  std::shared_ptr<const patterns::RuleDatabase> db;
  std::vector<std::string> errors;  // not fatal: the scan goes on, the exit code says error
};

// Loads the config file (once: the scanner's keys and the environments map from one read) and
// the rules. Returns nullopt, after printing why, on errors that stop the run.
std::optional<Setup> load_setup(const GlobalOptions& g, const std::string& root) {
  Setup out;
  const std::string config_path = g.config.empty() ? find_upwards(root, kConfigName) : g.config;
  if (!config_path.empty()) {
    auto c = load_config(config_path);
    if (!c) {
      error_line(c.status().message());
      return std::nullopt;
    }
    out.config = std::move(*c);
    for (const std::string& w : out.config.warnings)
      fmt::print(stderr, "reachscan: warning: {}\n", report::escape_for_terminal(w));
    auto env = reach::parse_reach_config(out.config.text, config_path);
    if (!env) {
      error_line(env.status().message());
      return std::nullopt;
    }
    out.reach = std::make_shared<const reach::ReachConfig>(std::move(*env));
  }
  if (!out.reach) out.reach = std::make_shared<const reach::ReachConfig>();

  patterns::RuleSet rules = patterns::embedded_rules_for_scan(
      g.no_cache ? "" : patterns::RuleDatabase::default_cache_dir());
  for (const std::string& p : out.config.rule_paths) rules.append(patterns::load_rules(p));
  for (const std::string& p : g.rule_paths) rules.append(patterns::load_rules(p));
  rules.drop_duplicate_ids();
  rules.check_companions();
  for (std::string& e : rules.errors) out.errors.push_back(std::move(e));

  std::vector<std::string> only = out.config.only_rules, skip = out.config.skip_rules;
  only.insert(only.end(), g.only_rules.begin(), g.only_rules.end());
  skip.insert(skip.end(), g.skip_rules.begin(), g.skip_rules.end());
  const auto unknown = patterns::select_rules(rules.rules, only, skip);
  if (!unknown.empty()) {
    std::string list;
    for (const auto& u : unknown) list += (list.empty() ? "" : ", ") + u;
    error_line("unknown rule id in --only-rules/--skip-rules: " + list +
               " (see `reachscan rules list`)");
    return std::nullopt;
  }
  // Opt-in detectors run when their flag is given or --only-rules names them.
  std::vector<std::string> opt_ins;
  if (g.entropy_strings) opt_ins.emplace_back("entropy-strings");
  patterns::drop_opt_in_rules(rules.rules, opt_ins, only);

  patterns::DatabaseOptions dbo;
  dbo.use_cache = !g.no_cache;
  auto built = patterns::RuleDatabase::build(std::move(rules.rules), dbo);
  for (std::string& e : built.errors) out.errors.push_back(std::move(e));
  out.db = std::move(built.database);
  for (const std::string& e : out.errors) error_line(e);
  return out;
}

// Suppressions, --min-reach and --fail-on in one policy. nullopt after printing why.
std::optional<Policy> load_policy(const GlobalOptions& g, const Setup& setup,
                                  const std::string& root) {
  PolicyOptions po;
  po.fail_on = parse_fail_on(g.fail_on).value_or(FailOn::kAny);
  po.exit_code = g.exit_code;
  po.exit_code_set = g.exit_code_set;
  if (!g.min_reach.empty()) {
    po.min_reach = reach::parse_verdict(g.min_reach);
    if (!po.min_reach) {
      error_line("--min-reach: expected production, unknown or non_production");
      return std::nullopt;
    }
  }
  Suppressions suppressions;
  for (const std::string& fp : setup.config.allow_fingerprints) suppressions.add_fingerprint(fp);
  for (const std::string& re : setup.config.allow_secrets)
    if (Status s = suppressions.add_secret_pattern(re); !s.ok()) {
      error_line(s.message());
      return std::nullopt;
    }
  const std::string ignore =
      g.ignore_file.empty() ? find_upwards(root, kIgnoreName) : g.ignore_file;
  if (!ignore.empty())
    if (Status s = suppressions.add_ignore_file(ignore); !s.ok()) {
      error_line(s.message());
      return std::nullopt;
    }
  if (!g.baseline.empty())
    if (Status s = suppressions.add_baseline(g.baseline); !s.ok()) {
      error_line(s.message());
      return std::nullopt;
    }
  return Policy(po, std::move(suppressions));
}

// Streams each item's occurrences to the reporters that stream (JSON Lines).
class StreamToSinks final : public ScanObserver {
 public:
  explicit StreamToSinks(std::vector<Sink>& sinks) : sinks_(sinks) {}
  void on_occurrences(const std::vector<Finding>& found) override {
    std::optional<std::vector<Finding>> masked;
    for (Sink& k : sinks_) {
      if (k.format != report::Format::kJsonl) continue;
      if (k.masked && !masked) masked = report::mask(found);
      write_to(k, [&] {
        for (const Finding& f : k.masked ? *masked : found) k.reporter->on_occurrence(f);
      });
    }
  }

 private:
  std::vector<Sink>& sinks_;
};

}  // namespace

int run_scan(const GlobalOptions& g, const ScanTarget& target) {
  install_interrupt_handlers();  // SIGINT/TERM/HUP: stop reading, report what was found
  const bool from_stdin = target.kind == ScanTarget::Kind::kStdin;
  const std::vector<std::string> paths =
      target.paths.empty() ? std::vector<std::string>{"."} : target.paths;
  const auto format = report::parse_format(g.format);
  if (!format) {
    error_line("unknown format '" + g.format + "' (" + report::format_names() + ")");
    return kExitError;
  }
  std::vector<Sink> sinks;
  sinks.push_back({*format, g.output, nullptr, nullptr, false, nullptr, false});
  for (const std::string& r : g.reports) {
    const auto colon = r.find(':');
    const auto extra = report::parse_format(r.substr(0, colon));
    if (colon == std::string::npos || colon + 1 == r.size() || !extra) {
      error_line("--report " + r + ": expected FORMAT:PATH with FORMAT one of " +
                 report::format_names());
      return kExitError;
    }
    sinks.push_back({*extra, r.substr(colon + 1), nullptr, nullptr, false, nullptr, false});
  }

  const bool image = target.kind == ScanTarget::Kind::kImage;
  std::string root = from_stdin || image ? "." : scan_root(paths);
  if (target.kind == ScanTarget::Kind::kGit) {
    auto r = git::config_root(target.git.repo);
    if (!r) {
      error_line(r.status().message());
      return kExitError;
    }
    root = *r;
  }
  auto setup = load_setup(g, root);
  if (!setup) return kExitError;

  ScanOptions so;
  so.threads = g.threads;
  so.max_file_size = 25ull * 1000 * 1000;
  if (setup->config.max_file_size) so.max_file_size = *setup->config.max_file_size;
  if (!g.max_file_size.empty()) {
    auto size = parse_size(g.max_file_size);
    if (!size) {
      error_line("--max-file-size: " + size.status().message());
      return kExitError;
    }
    so.max_file_size = *size;
  }
  so.exclude_globs = setup->config.allow_paths;
  so.exclude_globs.insert(so.exclude_globs.end(), g.exclude.begin(), g.exclude.end());
  so.verify = !g.no_verify;
  so.decode = !g.no_decode && setup->config.decode.value_or(true);
  so.reach = setup->reach;
  so.root = root;
  if (Status s = apply_archive_flags(g.archive, so.archive); !s.ok()) {
    error_line(s.message());
    return kExitError;
  }
  // The deployment model of what is scanned (the folder, or HEAD's tree), built when the first
  // finding is classified.
  if (target.kind == ScanTarget::Kind::kGit)
    so.deployment = head_deployment(target.git.repo);
  else if (!from_stdin && !image)
    so.deployment = folder_deployment(root);
  auto policy = load_policy(g, *setup, root);
  if (!policy) return kExitError;

  // The source. Files walk with the same exclusions (folders are pruned, not listed).
  std::unique_ptr<BlobSource> source;
  if (target.kind == ScanTarget::Kind::kGit) {
    auto opened = git::open_source(target.git);
    if (!opened) {
      error_line(opened.status().message());
      return kExitError;
    }
    source = std::move(*opened);
  } else if (image) {
    auto opened = open_image_source(target.image);
    if (!opened) {
      error_line(opened.status().message());
      return kExitError;
    }
    source = std::move(*opened);
  } else if (from_stdin) {
    source = std::make_unique<sources::StdinSource>(STDIN_FILENO, target.label);
  } else {
    WalkOptions wo;
    // The size limit applies after a look at the content: archives have their own limits.
    wo.max_file_size = 0;
    wo.follow_symlinks = g.follow_symlinks;
    // The walker prunes excluded folders itself: the pipeline need not match every file again.
    wo.exclude_globs = std::move(so.exclude_globs);
    so.exclude_globs.clear();
    source = std::make_unique<sources::FileSource>(paths, wo);
  }

  // Open every destination before scanning: a bad -o must not cost a whole scan. Reports are
  // written whole or not at all (an earlier report stays until the new one is complete).
  auto discard_all = [&] {
    for (Sink& k : sinks)
      if (k.out) k.out->discard();
  };
  for (Sink& k : sinks) {
    auto opened = report::OutputFile::open(k.path);
    if (!opened) {
      discard_all();
      error_line(opened.status().message());
      return kExitError;
    }
    k.out = std::move(*opened);
    k.file = k.out->stream();
  }
  const bool human_summary = *format == report::Format::kText || *format == report::Format::kJsonl;
  for (Sink& k : sinks) {
    // Text is for people, and so is anything printed on a terminal: mask unless asked not to.
    // Hook and CI formats (short, github) always mask; --redact masks everything.
    // A terminal is a terminal whatever its name (-o /dev/tty).
    k.masked = g.redact || report::always_masked(k.format) ||
               (!g.show_secrets && (k.format == report::Format::kText || k.out->is_terminal()));
    report::ReportOptions ro;
    ro.color = k.format == report::Format::kText && k.out->is_terminal() && !g.no_color &&
               std::getenv("NO_COLOR") == nullptr;
    ro.verbose = g.verbose;
    ro.version = g.version;
    ro.rules = &setup->db->rules();
    ro.fail_on = g.fail_on;
    k.reporter = report::make_reporter(k.format, k.file, ro);
    write_to(k, [&] { k.reporter->begin(); });
  }

  Scanner scanner(setup->db, so);
  StreamToSinks stream(sinks);
  ScanCounters counters;
  std::optional<report::ProgressLine> progress;
  if (!g.quiet && !g.no_progress && ::isatty(STDERR_FILENO))
    progress.emplace(stderr, counters, *source,
                     target.kind == ScanTarget::Kind::kGit ? "blobs"
                     : image                               ? "images"
                                                           : "files");
  ScanResult result = scanner.scan(*source, *policy, &stream, &counters);
  if (progress) progress->stop();
  for (const std::string& e : setup->errors) result.summary.errors.push_back(e);

  std::optional<std::vector<SecretFinding>> masked;
  for (Sink& k : sinks) {
    if (k.masked && !masked) masked = report::mask(result.findings);
    // The human summary goes to stderr once, for the main report.
    const bool summary = &k == &sinks.front() && human_summary && !g.quiet;
    write_to(k, [&] {
      for (const SecretFinding& f : k.masked ? *masked : result.findings) k.reporter->on_finding(f);
      k.reporter->finish(result.summary, summary ? stderr : nullptr);
    });
  }
  // Every write and the close checked: a report that failed leaves the earlier one in place. A
  // reader that went away (`| head`) is not a failure.
  bool write_failed = false;
  for (Sink& k : sinks) {
    if (k.closed) {
      k.out->discard();
      continue;
    }
    if (Status s = k.out->commit(); !s.ok()) {
      error_line(s.message());
      write_failed = true;
    }
  }
  if (!human_summary || g.quiet) {
    // Machine formats carry the summary; errors still reach the person running the scan.
    // (Rule-loading errors were printed when they happened.)
    ScanSummary unprinted = result.summary;
    std::erase_if(unprinted.errors, [&](const std::string& e) {
      return std::find(setup->errors.begin(), setup->errors.end(), e) != setup->errors.end();
    });
    for (const std::string& line : report::error_lines(unprinted, g.verbose)) error_line(line);
  }
  // An interrupted run exits 128 + signal, like a shell's killed process.
  if (interrupted()) {
    error_line("interrupted by signal " + std::to_string(interrupt_signal()) +
               ": the report holds what was found so far (\"complete\": false)");
    return 128 + interrupt_signal();
  }
  if (write_failed) return kExitError;
  return policy->exit_code(result.summary, result.findings);
}

}  // namespace reachscan::cli
