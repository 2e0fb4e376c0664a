// reachscan command-line front end: flags (CLI11) -> plain options -> one function per
// subcommand (cli/commands.h). The one place that catches.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <sstream>

#include "cli/commands.h"
#include "cli/org_command.h"
#include "scanner/policy.h"

#ifndef REACHSCAN_VERSION
#define REACHSCAN_VERSION "0.0.0"
#endif

namespace {

using namespace reachscan;
using namespace reachscan::cli;

// gitleaks' --log-opts, where it means what one of our flags means. Anything else is an error
// rather than a scan of something other than what was asked for.
Status map_log_opts(const std::string& opts, std::string& range, std::string& branch) {
  std::istringstream in(opts);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  if (words.size() == 1 && words[0] == "--all") return {};
  if (words.size() == 1 && words[0].find("..") != std::string::npos) {
    range = words[0];
    return {};
  }
  if (words.size() == 1 && words[0].front() != '-') {
    branch = words[0];
    return {};
  }
  return Status::error("--log-opts '" + opts +
                       "': only 'A..B', '--all' or one revision map to reachscan (--range, the "
                       "default, --branch); use those flags");
}

// A subcommand's --help lists its own options, then the options of the commands above it: the
// global options are accepted after the subcommand too (fallthrough), so they belong there.
class HelpWithGlobals : public CLI::Formatter {
 public:
  std::string make_footer(const CLI::App* app) const override {
    std::string out;
    for (const CLI::App* up = app->get_parent(); up != nullptr; up = up->get_parent()) {
      const auto opts = up->get_options([](const CLI::Option* o) {
        return o->nonpositional() && !o->check_lname("help") && !o->check_lname("version");
      });
      if (opts.empty()) continue;
      out += make_group(up->get_parent() ? "Options of " + up->get_name() + " (also accepted here)"
                                         : "Global options (before or after the subcommand)",
                        false, opts);
    }
    return out + CLI::Formatter::make_footer(app);
  }
};

// Flag values that contradict each other (pairs CLI11's excludes() cannot see): an error, not a
// silent choice of one of them.
Status check_conflicts(const CLI::App& app, const GlobalOptions& g) {
  if (g.fail_on == "none" && app.count("--exit-code") > 0)
    return Status::error(
        "--exit-code and --fail-on none contradict each other: --fail-on none "
        "never fails the run");
  return {};
}

int run(int argc, char** argv) {
  GlobalOptions g;
  g.version = REACHSCAN_VERSION;
  CLI::App app{"reachscan: find leaked credentials and tell which ones reach production."};
  app.formatter(std::make_shared<HelpWithGlobals>());
  app.set_version_flag("--version", std::string("reachscan ") + REACHSCAN_VERSION);
  app.require_subcommand(1);
  app.fallthrough(true);
  app.option_defaults()->always_capture_default();

  app.add_option(
         "-f,--format,--report-format", g.format,
         "Output format: text, json, jsonl, sarif, short (one line per finding, for "
         "hooks), github (GitHub Actions annotations), csv (one row per place), junit (JUnit XML, "
         "one test case per place)")
      ->check(CLI::IsMember({"text", "json", "jsonl", "sarif", "short", "github", "csv", "junit"}));
  app.add_option("-o,--output,-r,--report-path", g.output,
                 "Write the report to FILE (mode 0600) instead of stdout");
  app.add_option("--report", g.reports,
                 "Also write a report in FORMAT to PATH (mode 0600) from the same scan, e.g. "
                 "sarif:results.sarif (repeatable)");
  int redact_percent = 0;
  auto* redact = app.add_flag("--redact{100}", redact_percent,
                              "Mask secrets in every output format (gitleaks' --redact=N: any N "
                              "above 0 masks, and reachscan always masks the whole secret)");
  auto* show =
      app.add_flag("--show-secrets", g.show_secrets, "Print secrets in clear, even in text output");
  redact->excludes(show);
  app.add_option("-c,--config", g.config,
                 "Config file: .reachscan.yaml, or a gitleaks .toml (default: .reachscan.yaml in "
                 "the scan root; else $GITLEAKS_CONFIG; else .gitleaks.toml in the scan root)");
  app.add_option("--rules", g.rule_paths,
                 "Extra rule file or folder (repeatable); a .toml file is read as a gitleaks "
                 "config's rules")
      ->allow_extra_args(false);  // `dir --rules R PATH`: PATH is what to scan
  app.add_option("--only-rules", g.only_rules, "Only these rule ids (comma-separated)")
      ->delimiter(',');
  app.add_option("--skip-rules", g.skip_rules, "Skip these rule ids (comma-separated)")
      ->delimiter(',');
  app.add_option("-j,--threads", g.threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1u, 1024u));
  app.add_option("--max-file-size", g.max_file_size,
                 "Skip files larger than SIZE, e.g. 25MB, 1GiB; 0 scans every size in chunks "
                 "(default 25MB)")
      ->check([](const std::string& v) { return v.empty() ? std::string("empty size") : ""; });
  app.add_flag("--no-color", g.no_color, "No ANSI colours");
  auto* quiet = app.add_flag("-q,--quiet", g.quiet, "No summary; errors only");
  app.add_flag("-v,--verbose", g.verbose,
               "List every skipped file with its reason, every place a secret was seen, every rule")
      ->excludes(quiet);
  app.add_flag("--no-progress", g.no_progress, "No progress line on a terminal");
  app.add_option("--findings-memory", g.findings_memory,
                 "MB of occurrences held in memory; past it they go to a private temporary file "
                 "(0600, deleted at exit). Same results either way (default 64; 0: spill all)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1} << 40));
  app.add_option("--exclude", g.exclude,
                 "Do not scan paths matching GLOB (repeatable; the dialect of the config's "
                 "allow.paths)");
  app.add_option(
         "--exit-code", g.exit_code,
         "Exit status when findings are reported (default 1, or 3 when one reaches production)")
      ->check(CLI::Range(0, 125));
  app.add_option("--baseline,--baseline-path", g.baseline,
                 "Hide findings present in an earlier JSON/JSONL report (by fingerprint; a "
                 "gitleaks JSON report works too)");
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
  auto* no_decode =
      app.add_flag("--no-decode", g.no_decode,
                   "Do not decode base64, URL- and hex-encoded runs to look for secrets inside");
  app.add_option("--max-decode-depth", g.max_decode_depth,
                 "Levels of nested encodings to decode (0: none, as --no-decode; default 2)")
      ->check(CLI::Range(0, 8))
      ->excludes(no_decode);
  bool no_banner = false;
  app.add_flag("--no-banner", no_banner, "Accepted for gitleaks users; reachscan prints no banner");
  app.add_flag("--entropy-strings", g.entropy_strings,
               "Also report bare high-entropy base64 and hex strings in quotes or assignments "
               "(opt-in: noisy on source code)");

  add_archive_flags(app, g.archive);

  ScanTarget dir_target, stdin_target, git_target, image_target;
  image_target.kind = ScanTarget::Kind::kImage;
  auto* imagecmd = add_image_subcommand(app, image_target.image, image_target.deployment_repo);
  dir_target.kind = ScanTarget::Kind::kDir;
  stdin_target.kind = ScanTarget::Kind::kStdin;
  git_target.kind = ScanTarget::Kind::kGit;
  auto* dir = app.add_subcommand("dir", "Scan files and folders");
  dir->add_option("paths", dir_target.paths, "Files or folders (default: the current folder)");
  dir->add_flag("--follow-symlinks", g.follow_symlinks,
                "Also scan files that symlinks inside the tree point to outside it");
  dir->add_flag("--scan-build-trees", g.scan_build_trees,
                "Also scan CMake build trees below the scanned folder (folders holding a "
                "CMakeCache.txt), which are skipped by default");

  auto* in = app.add_subcommand("stdin", "Scan standard input");
  in->add_option("--label", stdin_target.label, "Path to report for the input");

  auto* gitcmd = app.add_subcommand(
      "git",
      "Scan a git repository: every blob in its history (default), what is staged (--staged), "
      "or what a range of commits adds (--range, --since-commit). gitleaks' --log-opts is "
      "accepted: "
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
  auto* all_objects_opt = gitcmd->add_flag(
      "--all-objects", all_objects, "Also scan blobs no ref reaches (dangling, unreachable)");
  std::string log_opts;
  auto* log_opts_opt = gitcmd->add_option(
      "--log-opts", log_opts,
      "gitleaks' git log options, where they map: 'A..B' (--range), '--all' (the default), "
      "'REV' (--branch)");
  log_opts_opt->excludes(staged_opt)
      ->excludes(range_opt)
      ->excludes(since_opt)
      ->excludes(branch_opt);
  staged_opt->excludes(range_opt)->excludes(since_opt)->excludes(branch_opt);
  range_opt->excludes(since_opt)->excludes(branch_opt);
  since_opt->excludes(branch_opt);
  all_objects_opt->excludes(staged_opt)->excludes(range_opt)->excludes(since_opt);

  git::HookOptions hook;
  auto* install = app.add_subcommand("install-hook",
                                     "Install a git pre-commit hook that runs "
                                     "`reachscan git --staged`");
  auto* hook_repo =
      install->add_option("repo", hook.repo, "Repository (default: the current folder)");
  install
      ->add_flag("--global", hook.global,
                 "Install for every repository of this user (sets the global core.hooksPath; "
                 "says what it replaces; each repository's own pre-commit hook still runs first)")
      ->excludes(hook_repo);
  install->add_flag("--force", hook.force, "Replace an existing pre-commit hook");

  auto* rules = app.add_subcommand("rules", "List or check rules");
  rules->require_subcommand(1);
  rules->add_subcommand("list", "List the rules in use");
  std::vector<std::string> check_paths;
  auto* check = rules->add_subcommand("check", "Validate rule files and their examples");
  check->add_option("paths", check_paths, "Rule files or folders (default: the built-in rules)");
  std::string gitleaks_file;
  auto* import_gitleaks = rules->add_subcommand(
      "import-gitleaks",
      "Convert a gitleaks config (.gitleaks.toml) to a reachscan rule file, written to stdout or "
      "-o FILE; what cannot be converted is listed as warnings");
  import_gitleaks->add_option("file", gitleaks_file, "The gitleaks config")->required();

  OrgFlags org_flags;
  const OrgCommands org = add_org_subcommands(app, org_flags);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitClean : kExitError;
  }
  if (Status s = check_conflicts(app, g); !s.ok()) {
    error_line(s.message());
    return kExitError;
  }
  g.exit_code_set = app.count("--exit-code") > 0;
  g.redact = redact_percent > 0;

  if (dir->parsed()) return run_scan(g, dir_target);
  if (in->parsed()) return run_scan(g, stdin_target);
  if (imagecmd->parsed()) return run_scan(g, image_target);
  if (const int rc = run_org_command(org, g, org_flags); rc >= 0) return rc;
  if (gitcmd->parsed()) {
    git::GitSourceOptions& go = git_target.git;
    go.all_objects = all_objects;
    if (!log_opts.empty())
      if (Status s = map_log_opts(log_opts, range, branch); !s.ok()) {
        error_line(s.message());
        return kExitError;
      }
    if (staged) {
      go.mode = git::GitSourceOptions::Mode::kStaged;
    } else if (!range.empty() || !since.empty()) {
      go.mode = git::GitSourceOptions::Mode::kRange;
      go.range = range.empty() ? since : range;
    } else if (!branch.empty()) {
      go.branch = branch;
    }
    return run_scan(g, git_target);
  }
  if (check->parsed()) return run_rules_check(g, check_paths);
  if (import_gitleaks->parsed()) return run_rules_import_gitleaks(g, gitleaks_file);
  if (install->parsed()) return run_install_hook(g, hook);
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
