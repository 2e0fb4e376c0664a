// reachscan command-line front end: parses flags (CLI11), wires config, rules, scanner,
// suppressions and reporters, and maps the outcome to an exit code. The one place that catches.
#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "git/hooks.h"
#include "git/repository.h"
#include "patterns/rule.h"
#include "patterns/rule_database.h"
#include "reach/classify.h"
#include "report/escape.h"
#include "report/output_file.h"
#include "report/reporter.h"
#include "scanner/config.h"
#include "scanner/fingerprint.h"
#include "scanner/git_scan.h"
#include "scanner/interrupt.h"
#include "scanner/pipeline.h"
#include "scanner/rules_check.h"
#include "scanner/suppress.h"

#ifndef REACHSCAN_VERSION
#define REACHSCAN_VERSION "0.0.0"
#endif

namespace {

using namespace reachscan;
namespace fs = std::filesystem;

constexpr int kExitClean = 0;
constexpr int kExitError = 2;
constexpr int kExitProduction = 3;  // findings include production-reaching credentials

struct GlobalOptions {
  std::string format = "text";
  std::string output;
  bool redact = false;
  bool show_secrets = false;
  std::string config;
  std::vector<std::string> rule_paths;
  std::vector<std::string> only_rules;
  std::vector<std::string> skip_rules;
  unsigned threads = 0;
  std::string max_file_size;
  bool no_color = false;
  bool quiet = false;
  bool verbose = false;
  int exit_code = 1;
  bool exit_code_set = false;  // --exit-code given: it then also replaces the production code 3
  std::string baseline;
  std::string ignore_file;
  bool no_cache = false;
  std::string fail_on = "any";
  std::string min_reach;
  bool no_verify = false;
  bool no_decode = false;
  std::vector<std::string> reports;  // --report FORMAT:PATH, extra reports from the same scan
  bool follow_symlinks = false;      // dir: symlinked files outside the scan root too
};

// One report destination: the main one (-f/-o) or an extra --report.
struct ReportSink {
  report::Format format;
  std::string path;
  std::FILE* file = nullptr;
  std::shared_ptr<report::OutputFile> out = nullptr;  // whole or nothing (report/output_file.h)
};

// Messages name scanned paths and objects: escaped so that they cannot drive the terminal.
void error_line(const std::string& msg) {
  fmt::print(stderr, "reachscan: error: {}\n", report::escape_for_terminal(msg));
}

// Recomputes the summary's counters after findings were filtered.
void recount(ScanSummary& s, const std::vector<Finding>& findings) {
  s.findings = findings.size();
  s.findings_by_rule.clear();
  s.findings_by_reach.clear();
  for (const Finding& f : findings) {
    ++s.findings_by_rule[f.rule_id];
    ++s.findings_by_reach[to_string(f.reach ? f.reach->verdict : ReachVerdict::kUnknown)];
  }
}

// The folder whose .reachscan.yaml / .reachscanignore apply: the first path named (or its folder).
std::string scan_root(const std::vector<std::string>& paths) {
  if (paths.empty()) return ".";
  std::error_code ec;
  if (fs::is_directory(paths.front(), ec)) return paths.front();
  const fs::path parent = fs::path(paths.front()).parent_path();
  return parent.empty() ? "." : parent.string();
}

struct Loaded {
  Config config;
  std::shared_ptr<const reach::ReachConfig> reach;
  std::shared_ptr<const patterns::RuleDatabase> db;
  std::vector<std::string> errors;  // not fatal: the scan goes on, the exit code says error
};

// Loads config and rules. Returns nullopt (after printing why) on errors that stop the run.
std::optional<Loaded> load(const GlobalOptions& g, const std::string& root) {
  Loaded out;
  std::string config_path = g.config;
  if (config_path.empty()) {
    const std::string candidate = (fs::path(root) / ".reachscan.yaml").string();
    std::error_code ec;
    if (fs::exists(candidate, ec)) config_path = candidate;
  }
  if (!config_path.empty()) {
    auto c = load_config(config_path);
    if (!c) {
      error_line(c.status().message());
      return std::nullopt;
    }
    out.config = std::move(*c);
    for (const std::string& w : out.config.warnings)
      fmt::print(stderr, "reachscan: warning: {}\n", report::escape_for_terminal(w));
    auto env = reach::load_reach_config(config_path);
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

  patterns::DatabaseOptions dbo;
  dbo.use_cache = !g.no_cache;
  auto built = patterns::RuleDatabase::build(std::move(rules.rules), dbo);
  for (std::string& e : built.errors) out.errors.push_back(std::move(e));
  out.db = std::move(built.database);
  for (const std::string& e : out.errors) error_line(e);
  return out;
}

// What a scan subcommand asked for.
struct Target {
  enum class Kind { kDir, kStdin, kGit } kind = Kind::kDir;
  std::vector<std::string> paths;  // kDir
  std::string label = "-";         // kStdin
  GitScanOptions git;              // kGit
};

int run_scan(const GlobalOptions& g, const Target& target) {
  install_interrupt_handlers();  // hardening (issue 18): SIGINT/TERM/HUP -> partial report
  const bool from_stdin = target.kind == Target::Kind::kStdin;
  const std::vector<std::string>& paths = target.paths;
  const auto format = report::parse_format(g.format);
  if (!format) {
    error_line("unknown format '" + g.format + "' (" + report::format_names() + ")");
    return kExitError;
  }
  std::vector<ReportSink> sinks{{*format, g.output}};
  for (const std::string& r : g.reports) {
    const auto colon = r.find(':');
    const auto extra = report::parse_format(r.substr(0, colon));
    if (colon == std::string::npos || colon + 1 == r.size() || !extra) {
      error_line("--report " + r + ": expected FORMAT:PATH with FORMAT one of " +
                 report::format_names());
      return kExitError;
    }
    sinks.push_back({*extra, r.substr(colon + 1)});
  }
  std::string root = from_stdin ? "." : scan_root(paths);
  if (target.kind == Target::Kind::kGit) {
    // Config and ignore files live in the work tree (or the git dir of a bare repository).
    auto repo = git::Repository::open(target.git.repo);
    if (!repo) {
      error_line(repo.status().message());
      return kExitError;
    }
    root = (*repo)->workdir().empty() ? (*repo)->git_dir() : (*repo)->workdir();
  }
  auto loaded = load(g, root);
  if (!loaded) return kExitError;

  ScanOptions so;
  so.threads = g.threads;
  so.max_file_size = 25ull * 1000 * 1000;
  if (loaded->config.max_file_size) so.max_file_size = *loaded->config.max_file_size;
  if (!g.max_file_size.empty()) {
    auto size = parse_size(g.max_file_size);
    if (!size) {
      error_line("--max-file-size: " + size.status().message());
      return kExitError;
    }
    so.max_file_size = *size;
  }
  so.exclude_globs = loaded->config.allow_paths;
  so.follow_symlinks = g.follow_symlinks;  // hardening (issue 18)
  so.verify = !g.no_verify;
  so.decode = !g.no_decode && loaded->config.decode.value_or(true);
  so.reach = loaded->reach;
  so.root = root;
  std::optional<ReachVerdict> min_reach;
  if (!g.min_reach.empty()) {
    min_reach = reach::parse_verdict(g.min_reach);
    if (!min_reach) {
      error_line("--min-reach: expected production, unknown or non_production");
      return kExitError;
    }
  }

  Suppressions suppressions;
  std::vector<std::string> errors = loaded->errors;
  for (const std::string& fp : loaded->config.allow_fingerprints) suppressions.add_fingerprint(fp);
  for (const std::string& re : loaded->config.allow_secrets)
    if (Status s = suppressions.add_secret_pattern(re); !s.ok()) {
      error_line(s.message());
      return kExitError;
    }
  std::string ignore = g.ignore_file;
  if (ignore.empty()) {
    const std::string candidate = (fs::path(root) / ".reachscanignore").string();
    std::error_code ec;
    if (fs::exists(candidate, ec)) ignore = candidate;
  }
  if (!ignore.empty())
    if (Status s = suppressions.add_ignore_file(ignore); !s.ok()) {
      error_line(s.message());
      return kExitError;
    }
  if (!g.baseline.empty())
    if (Status s = suppressions.add_baseline(g.baseline); !s.ok()) {
      error_line(s.message());
      return kExitError;
    }

  // Open every destination before scanning: a bad -o must not cost a whole scan.
  // --- hardening (issue 18): reports are written whole or not at all, and interruptible ---
  auto close_all = [&] {
    for (ReportSink& k : sinks)
      if (k.out) k.out->discard();
  };
  for (ReportSink& k : sinks) {
    auto opened = report::OutputFile::open(k.path);
    if (!opened) {
      close_all();
      error_line(opened.status().message());
      return kExitError;
    }
    k.out = std::move(*opened);
    k.file = k.out->stream();
  }
  // --- end hardening ---
  std::FILE* out = sinks.front().file;

  ScanResult result;
  if (target.kind == Target::Kind::kGit) {
    GitScanOptions go = target.git;
    go.scan = so;
    auto scanned = scan_git(loaded->db, go);
    if (!scanned) {
      close_all();
      error_line(scanned.status().message());
      return kExitError;
    }
    result = std::move(*scanned);
  } else {
    Scanner scanner(loaded->db, so);
    result =
        from_stdin ? scanner.scan_stream(STDIN_FILENO, target.label) : scanner.scan_paths(paths);
  }
  if (interrupted()) result.summary.complete = false;  // hardening (issue 18)
  result.summary.suppressed += suppressions.apply(result.findings);
  for (std::string& e : errors) result.summary.errors.push_back(std::move(e));
  if (min_reach) {
    const std::size_t before = result.findings.size();
    std::erase_if(result.findings, [&](const Finding& f) {
      return !reach::at_least(f.reach ? f.reach->verdict : ReachVerdict::kUnknown, *min_reach);
    });
    result.summary.below_min_reach = before - result.findings.size();
  }
  recount(result.summary, result.findings);

  const bool to_terminal = out == stdout && ::isatty(STDOUT_FILENO);
  // Text is for people, and so is anything printed on a terminal, whatever its name (-o
  // /dev/tty): mask unless asked not to. Hook and CI formats (short, github) always mask.
  auto masks = [&](const ReportSink& k) {
    return report::always_masked(k.format) ||
           (!g.show_secrets && (k.format == report::Format::kText || k.out->is_terminal()));
  };
  if (g.redact) redact_findings(result.findings);
  std::vector<Finding> masked;  // a masked copy, made only when one report needs it
  if (!g.redact && std::any_of(sinks.begin(), sinks.end(), masks)) {
    masked = result.findings;
    redact_findings(masked);
  }
  const bool human_summary = *format == report::Format::kText || *format == report::Format::kJsonl;
  for (const ReportSink& k : sinks) {
    report::ReportOptions ro;
    ro.color = k.format == report::Format::kText && k.file == stdout && to_terminal &&
               !g.no_color && std::getenv("NO_COLOR") == nullptr;
    ro.verbose = g.verbose;
    ro.version = REACHSCAN_VERSION;
    ro.rules = &loaded->db->rules();
    ro.fail_on = g.fail_on;
    auto reporter = report::make_reporter(k.format, k.file, ro);
    reporter->begin();
    for (const Finding& f : (!g.redact && masks(k)) ? masked : result.findings)
      reporter->on_finding(f);
    // The human summary goes to stderr once, for the main report.
    const bool summary = &k == &sinks.front() && human_summary && !g.quiet;
    reporter->finish(result.summary, summary ? stderr : nullptr);
  }
  // hardening (issue 18): every write checked; a report that failed leaves the old one.
  bool write_failed = false;
  for (ReportSink& k : sinks)
    if (Status s = k.out->commit(); !s.ok()) {
      error_line(s.message());
      write_failed = true;
    }
  if (!human_summary || g.quiet) {
    // Machine formats carry the summary; errors still reach the person running the scan.
    for (const Skip& k : result.summary.skipped)
      if (is_error(k.reason))
        error_line(k.path + ": " + to_string(k.reason) + " (" + k.detail + ")");
    for (const std::string& e : result.summary.errors)
      if (std::find(loaded->errors.begin(), loaded->errors.end(), e) == loaded->errors.end())
        error_line(e);
  }

  // hardening (issue 18): an interrupted run exits 128 + signal, like a shell's killed process.
  if (interrupted()) {
    error_line("interrupted by signal " + std::to_string(interrupt_signal()) +
               ": the report holds what was found so far (\"complete\": false)");
    return 128 + interrupt_signal();
  }
  if (write_failed || result.summary.has_errors()) return kExitError;
  if (result.findings.empty() || g.fail_on == "none") return kExitClean;
  if (result.summary.findings_by_reach.count("production"))
    return g.exit_code_set ? g.exit_code : kExitProduction;
  return g.fail_on == "production" ? kExitClean : g.exit_code;
}

int run_rules_list(const GlobalOptions& g) {
  patterns::RuleSet rules = patterns::embedded_rules();
  for (const std::string& p : g.rule_paths) rules.append(patterns::load_rules(p));
  for (const std::string& e : rules.errors) error_line(e);
  if (g.format == "json" || g.format == "jsonl") {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : rules.rules)
      arr.push_back({{"id", r.id},
                     {"name", r.name},
                     {"confidence", to_string(r.confidence)},
                     {"variant", r.variant},
                     {"tags", r.tags},
                     {"pattern", r.pattern},
                     {"min_entropy", r.min_entropy},
                     {"source", r.source}});
    fmt::print("{}\n", arr.dump(2));
  } else {
    for (const auto& r : rules.rules)
      fmt::print("{:<40} {:<7} {:<5} {}\n", r.id, to_string(r.confidence),
                 r.variant.empty() ? "-" : r.variant, r.name);
    if (!g.quiet) fmt::print(stderr, "{} rules\n", rules.rules.size());
  }
  return rules.errors.empty() ? kExitClean : kExitError;
}

int run_rules_check(const GlobalOptions& g, const std::vector<std::string>& paths) {
  patterns::RuleSet rules;
  if (paths.empty()) {
    rules = patterns::embedded_rules();
    for (const std::string& p : g.rule_paths) rules.append(patterns::load_rules(p));
  } else {
    for (const std::string& p : paths) {
      std::error_code ec;
      if (!fs::exists(p, ec)) {
        error_line(p + ": no such file or folder");
        return kExitError;
      }
      rules.append(patterns::load_rules(p));
    }
  }
  const RuleCheckReport report = check_rules(std::move(rules));
  for (const std::string& p : report.problems) fmt::print("{}\n", p);
  if (!g.quiet || !report.problems.empty())
    fmt::print(stderr, "reachscan: {} rules, {} examples checked, {} problem{}\n", report.rules,
               report.examples, report.problems.size(), report.problems.size() == 1 ? "" : "s");
  return report.problems.empty() ? kExitClean : 1;
}

int run(int argc, char** argv) {
  GlobalOptions g;
  CLI::App app{"reachscan: find leaked credentials and tell which ones reach production."};
  app.set_version_flag("--version", std::string("reachscan ") + REACHSCAN_VERSION);
  app.require_subcommand(1);
  app.fallthrough(true);
  app.option_defaults()->always_capture_default();

  app.add_option("-f,--format", g.format,
                 "Output format: text, json, jsonl, sarif, short (one line per finding, for "
                 "hooks), github (GitHub Actions annotations)")
      ->check(CLI::IsMember({"text", "json", "jsonl", "sarif", "short", "github"}));
  app.add_option("-o,--output", g.output, "Write the report to FILE (mode 0600) instead of stdout");
  app.add_option("--report", g.reports,
                 "Also write a report in FORMAT to PATH (mode 0600) from the same scan, e.g. "
                 "sarif:results.sarif (repeatable)");
  app.add_flag("--redact", g.redact, "Mask secrets in every output format");
  app.add_flag("--show-secrets", g.show_secrets, "Print secrets in clear, even in text output");
  app.add_option("-c,--config", g.config,
                 "Config file (default: .reachscan.yaml in the scan root, if present)");
  app.add_option("--rules", g.rule_paths, "Extra rule file or folder (repeatable)");
  app.add_option("--only-rules", g.only_rules, "Only these rule ids (comma-separated)")
      ->delimiter(',');
  app.add_option("--skip-rules", g.skip_rules, "Skip these rule ids (comma-separated)")
      ->delimiter(',');
  app.add_option("-j,--threads", g.threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1u, 1024u));
  app.add_option("--max-file-size", g.max_file_size,
                 "Skip files larger than SIZE, e.g. 25MB, 1GiB; 0 scans every size in chunks "
                 "(default 25MB)");
  app.add_flag("--no-color", g.no_color, "No ANSI colours");
  app.add_flag("-q,--quiet", g.quiet, "No summary; errors only");
  app.add_flag("-v,--verbose", g.verbose, "List every skipped file with its reason");
  app.add_option(
         "--exit-code", g.exit_code,
         "Exit status when findings are reported (default 1, or 3 when one reaches production)")
      ->check(CLI::Range(0, 125));
  app.add_option("--baseline", g.baseline,
                 "Hide findings present in an earlier JSON/JSONL report (by fingerprint)");
  app.add_option("--ignore-file", g.ignore_file,
                 "Fingerprints to ignore (default: .reachscanignore in the scan root)");
  app.add_flag("--no-cache", g.no_cache, "Compile rules afresh instead of using the cache");
  app.add_option("--fail-on", g.fail_on,
                 "Which findings fail the run: any (exit 1, or 3 if any reaches production), "
                 "production (exit 3 only for production-reaching findings), none")
      ->check(CLI::IsMember({"any", "production", "none"}));
  app.add_option("--min-reach", g.min_reach,
                 "Report only findings at least this close to production: production, unknown, "
                 "non_production");
  app.add_flag("--no-verify", g.no_verify, "Skip offline structural verification");
  app.add_flag("--no-decode", g.no_decode,
               "Do not decode base64, URL- and hex-encoded runs to look for secrets inside");

  Target dir_target, stdin_target, git_target;
  dir_target.kind = Target::Kind::kDir;
  stdin_target.kind = Target::Kind::kStdin;
  git_target.kind = Target::Kind::kGit;
  auto* dir = app.add_subcommand("dir", "Scan files and folders");
  dir->add_option("paths", dir_target.paths, "Files or folders")->required();
  dir->add_flag("--follow-symlinks", g.follow_symlinks,
                "Also scan files that symlinks inside the tree point to outside it");

  auto* in = app.add_subcommand("stdin", "Scan standard input");
  in->add_option("--label", stdin_target.label, "Path to report for the input");

  auto* gitcmd = app.add_subcommand(
      "git",
      "Scan a git repository: every blob in its history (default), what is staged (--staged), "
      "or what a range of commits adds (--range, --since-commit). Users of gitleaks' --log-opts: "
      "'--log-opts=A..B' is '--range A..B', '--log-opts=--all' is the default, "
      "'--log-opts=BRANCH' is '--branch BRANCH'.");
  bool staged = false, all_objects = false;
  std::string range, since, branch;
  gitcmd->add_option("repo", git_target.git.repo, "Repository (default: the current folder)");
  auto* staged_opt = gitcmd->add_flag(
      "--staged", staged, "Scan what is staged against HEAD; report only added lines (pre-commit)");
  auto* range_opt =
      gitcmd->add_option("--range", range, "Scan what commits BASE..TIP add (CI on pull requests)");
  auto* since_opt =
      gitcmd->add_option("--since-commit", since, "Scan what commits after REV add (REV..HEAD)");
  auto* branch_opt =
      gitcmd->add_option("--branch", branch, "Scan only the history reachable from this revision");
  gitcmd->add_flag("--all-objects", all_objects,
                   "Also scan blobs no ref reaches (dangling, unreachable)");
  staged_opt->excludes(range_opt)->excludes(since_opt)->excludes(branch_opt);
  range_opt->excludes(since_opt)->excludes(branch_opt);
  since_opt->excludes(branch_opt);

  git::HookOptions hook;
  auto* install = app.add_subcommand("install-hook",
                                     "Install a git pre-commit hook that runs "
                                     "`reachscan git --staged`");
  install->add_option("repo", hook.repo, "Repository (default: the current folder)");
  install->add_flag("--global", hook.global,
                    "Install for every repository of this user (sets the global core.hooksPath)");
  install->add_flag("--force", hook.force, "Replace an existing pre-commit hook");

  auto* rules = app.add_subcommand("rules", "List or check rules");
  rules->require_subcommand(1);
  rules->add_subcommand("list", "List the rules in use");
  std::vector<std::string> check_paths;
  auto* check = rules->add_subcommand("check", "Validate rule files and their examples");
  check->add_option("paths", check_paths, "Rule files or folders (default: the built-in rules)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitClean : kExitError;
  }
  g.exit_code_set = app.count("--exit-code") > 0;

  if (dir->parsed()) return run_scan(g, dir_target);
  if (in->parsed()) return run_scan(g, stdin_target);
  if (gitcmd->parsed()) {
    GitScanOptions& go = git_target.git;
    go.all_objects = all_objects;
    if (staged) {
      go.mode = GitScanOptions::Mode::kStaged;
    } else if (!range.empty() || !since.empty()) {
      go.mode = GitScanOptions::Mode::kRange;
      go.range = range.empty() ? since : range;
    } else if (!branch.empty()) {
      go.branch = branch;
    }
    return run_scan(g, git_target);
  }
  if (check->parsed()) return run_rules_check(g, check_paths);
  if (install->parsed()) {
    std::error_code ec;
    hook.binary = fs::read_symlink("/proc/self/exe", ec).string();
    if (ec) hook.binary = "reachscan";
    auto written = git::install_hook(hook);
    if (!written) {
      error_line(written.status().message());
      return kExitError;
    }
    if (!g.quiet) fmt::print(stderr, "reachscan: installed {}\n", *written);
    return kExitClean;
  }
  return run_rules_list(g);
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe ends output quietly, not the process
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    error_line(e.what());
    return kExitError;
  }
}
