// `reachscan repos|github|gitlab|report|triage` (cli/org_command.h).
#include "cli/org_command.h"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "cli/org_inputs.h"
#include "cli/org_workers.h"
#include "cli/setup.h"
#include "datastore/db.h"
#include "datastore/store.h"
#include "report/escape.h"
#include "scanner/interrupt.h"
#include "scanner/org_scan.h"

namespace reachscan::cli {
namespace {

using report::escape_for_terminal;

void note_line(const GlobalOptions& g, const std::string& msg) {
  if (!g.quiet) fmt::print(stderr, "reachscan: {}\n", escape_for_terminal(msg));
}

// The repositories' state as summary notes and errors (failed ones make the exit code an error).
void summarise_repositories(const std::vector<datastore::Repository>& repos,
                            const std::set<std::string>& selected, ScanSummary& s) {
  std::size_t scanned = 0, failed = 0, pending = 0;
  for (const datastore::Repository& r : repos) {
    if (!selected.empty() && !selected.count(r.name)) continue;
    if (r.state == "scanned") ++scanned;
    if (r.state == "failed") ++failed;
    if (r.state == "pending") ++pending;
    if (!r.error.empty()) s.errors.push_back("repository " + r.name + ": " + r.error);
    s.commits += r.commits;
  }
  s.notes.push_back(fmt::format("{} repositories: {} scanned, {} failed, {} not scanned yet",
                                scanned + failed + pending, scanned, failed, pending));
}

// The organisation's findings from the datastore, through --min-reach, suppressions and triage,
// to every sink; returns the exit status.
int render(const GlobalOptions& g, datastore::Store& store, const datastore::Filter& filter,
           const Policy& policy, Sinks& sinks, ScanSummary summary) {
  auto all = store.findings(filter);
  if (!all) {
    error_line(all.status().message());
    sinks.discard();
    return kExitError;
  }
  std::vector<SecretFinding> shown, failing;
  for (SecretFinding& s : *all) {
    if (policy.suppressed(s.first)) {
      ++summary.suppressed;
      continue;
    }
    if (!tally(policy, s, summary)) continue;
    // By repository: each finding once per repository, with its verdict there.
    std::map<std::string, ReachVerdict> where;
    for (const Finding& o : s.occurrences) {
      const ReachVerdict ov = o.reach ? o.reach->verdict : ReachVerdict::kUnknown;
      auto [it, fresh] = where.emplace(o.repository, ov);
      if (!fresh && reach_rank(ov) > reach_rank(it->second)) it->second = ov;
    }
    for (const auto& [repo, rv] : where) ++summary.findings_by_repository[repo][to_string(rv)];
    // Triaged as not a leak: shown with its triage, but it does not fail the run.
    const bool dismissed =
        s.triage && (s.triage->status == "rejected" || s.triage->status == "false_positive");
    if (!dismissed) failing.push_back(s);
    shown.push_back(std::move(s));
  }
  summary.findings = shown.size();
  sinks.write(shown, summary);
  const bool write_failed = !sinks.commit();
  if (!sinks.human_summary() || g.quiet) print_errors(g, summary, {});
  if (interrupted()) {
    error_line("interrupted by signal " + std::to_string(interrupt_signal()) +
               ": the datastore keeps every repository completed; run the same command to go on");
    return 128 + interrupt_signal();
  }
  if (write_failed) return kExitError;
  return policy.exit_code(summary, failing);
}

std::string outcome_line(const RepoOutcome& o, std::size_t i, std::size_t n) {
  const std::string head =
      n ? fmt::format("[{}/{}] {}: ", i, n, o.name) : fmt::format("[{}] {}: ", i, o.name);
  switch (o.state) {
    case RepoOutcome::State::kUnchanged:
      return head + "unchanged since its last scan";
    case RepoOutcome::State::kFailed:
      return head + "FAILED: " + o.error;
    case RepoOutcome::State::kInterrupted:
      return head + "interrupted";
    case RepoOutcome::State::kScanned:
      break;
  }
  return head +
         fmt::format("{} blobs read ({:.1f} MB), {} already scanned, {} findings, {:.1f} s{}",
                     o.blobs_scanned, static_cast<double>(o.bytes) / 1e6, o.blobs_known, o.findings,
                     o.seconds, o.error.empty() ? "" : "; " + o.error);
}

// The scan loop of `repos|github|gitlab`: every repository the feed hands out, into the store.
struct ScanTotals {
  std::set<std::string> names;
  std::size_t scanned = 0;
  bool store_lost = false;
};

ScanTotals scan_feed(const GlobalOptions& g, OrgScanner& org, RepositoryFeed& feed,
                     ScanSummary& summary) {
  ScanTotals t;
  std::size_t i = 0;
  while (auto repo = feed.next()) {
    if (interrupted()) break;
    t.names.insert(repo->name);
    const RepoOutcome o = org.scan(*repo);
    note_line(g, outcome_line(o, ++i, feed.size()));
    summary.files_scanned += o.blobs_scanned;
    summary.bytes_scanned += o.bytes;
    summary.already_scanned += o.blobs_known;
    if (o.state == RepoOutcome::State::kScanned) ++t.scanned;
    if (o.store_error) {
      error_line(o.error);
      t.store_lost = true;
      break;
    }
    if (o.state == RepoOutcome::State::kInterrupted) break;
  }
  if (!feed.status().ok()) {
    error_line(feed.status().message());
    t.store_lost = true;
  }
  return t;
}

int run_scan_into_store(const GlobalOptions& g, const OrgFlags& f, FeedKind kind) {
  const auto t0 = std::chrono::steady_clock::now();
  install_interrupt_handlers();
  auto setup = load_setup(g, ".");
  if (!setup) return kExitError;
  auto options = scan_options(g, *setup, ".");
  if (!options) return kExitError;
  // Everything found is stored; --min-reach applies when the datastore is reported.
  GlobalOptions store_all = g;
  store_all.min_reach.clear();
  auto scan_policy = load_policy(store_all, *setup, ".");
  auto policy = load_policy(g, *setup, ".");
  if (!scan_policy || !policy) return kExitError;
  auto notice = [&g](const std::string& msg) { note_line(g, msg); };
  const bool shared = datastore::is_postgres_url(f.datastore);
  // One machine: the whole list, fetched ahead. Workers of a shared datastore: the list goes
  // to the database once per run and each worker fetches what it claims.
  std::unique_ptr<RepositoryFeed> feed;
  if (!shared) {
    auto opened = open_feed(kind, f, notice);
    if (!opened) {
      error_line(opened.status().message());
      return kExitError;
    }
    feed = std::move(*opened);
  }
  datastore::StoreOptions so;
  so.retry_seconds = static_cast<int>(f.retry_seconds);
  auto store = datastore::Store::open(f.datastore, so);
  if (!store) {
    error_line(store.status().message());
    return kExitError;
  }
  if (Status s = (*store)->use_ruleset(ruleset_hash(setup->db->rules(), *options, g.version));
      !s.ok()) {
    error_line(s.message());
    return kExitError;
  }
  std::unique_ptr<WorkerSession> session;
  if (shared) {
    auto started = WorkerSession::start(**store, kind, f, notice);
    if (!started) {
      error_line(started.status().message());
      return kExitError;
    }
    session = std::move(*started);
  }
  auto sinks = Sinks::open(g, setup->db->rules());
  if (!sinks) return kExitError;

  OrgScanOptions oo;
  oo.scan = *options;
  oo.store_secrets = f.store_secrets;
  oo.rescan = f.rescan;
  oo.version = g.version;
  OrgScanner org(setup->db, *scan_policy, **store, oo);
  ScanSummary summary;
  summary.rules = setup->db->rules().size();
  summary.threads =
      options->threads ? options->threads : std::max(1u, std::thread::hardware_concurrency());
  const ScanTotals t = scan_feed(g, org, session ? session->feed() : *feed, summary);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::set<std::string> names = t.names;
  if (session) {
    note_line(g, fmt::format("worker: {} repositories scanned here, {} blobs read ({:.1f} MB), "
                             "{} datastore writes, {:.1f} s",
                             t.scanned, summary.files_scanned,
                             static_cast<double>(summary.bytes_scanned) / 1e6, (*store)->writes(),
                             seconds));
    if (t.store_lost) {
      error_line(
          "this worker stops; the repositories it held go to the other workers once its "
          "lease ends");
      return kExitError;
    }
    const auto all = session->run_repositories();
    names = std::set<std::string>(all.begin(), all.end());
  } else if (t.store_lost) {
    return kExitError;
  }
  for (const std::string& e : setup->errors) summary.errors.push_back(e);
  summary.complete = !interrupted();
  summary.elapsed_seconds = seconds;
  summarise_repositories((*store)->repositories(), names, summary);
  datastore::Filter filter;
  filter.repositories.assign(names.begin(), names.end());
  if (names.empty()) filter.repositories.push_back("");  // nothing was listed: nothing to show
  return render(g, **store, filter, *policy, *sinks, std::move(summary));
}

int run_report(const GlobalOptions& g, const OrgFlags& f) {
  auto setup = load_setup(g, ".");
  if (!setup) return kExitError;
  auto policy = load_policy(g, *setup, ".");
  if (!policy) return kExitError;
  datastore::StoreOptions so;
  so.writer = false;
  auto store = datastore::Store::open(f.datastore, so);
  if (!store) {
    error_line(store.status().message());
    return kExitError;
  }
  for (const std::string& s : f.statuses)
    if (s != "open" && !datastore::valid_triage_status(s)) {
      error_line("--status " + s + ": expected open, accepted, rejected or false_positive");
      return kExitError;
    }
  auto sinks = Sinks::open(g, setup->db->rules());
  if (!sinks) return kExitError;
  datastore::Filter filter;
  filter.repositories = f.repos;
  filter.rules = f.rules;
  filter.statuses = f.statuses;
  ScanSummary summary;
  summary.rules = setup->db->rules().size();
  summarise_repositories((*store)->repositories(),
                         std::set<std::string>(f.repos.begin(), f.repos.end()), summary);
  return render(g, **store, filter, *policy, *sinks, std::move(summary));
}

int run_triage(const OrgCommands& c, const GlobalOptions& g, const OrgFlags& f) {
  datastore::StoreOptions so;
  so.writer = c.triage_export->parsed() ? false : true;
  so.lock = false;  // short writes; SQLite serialises them with a running scan
  auto store = datastore::Store::open(f.datastore, so);
  if (!store) {
    error_line(store.status().message());
    return kExitError;
  }
  if (c.triage_export->parsed()) {
    auto text = (*store)->export_triage();
    if (!text) {
      error_line(text.status().message());
      return kExitError;
    }
    auto out = report::OutputFile::open(g.output);
    if (!out) {
      error_line(out.status().message());
      return kExitError;
    }
    std::fputs(text->c_str(), (*out)->stream());
    if (Status s = (*out)->commit(); !s.ok()) {
      error_line(s.message());
      return kExitError;
    }
    return kExitClean;
  }
  if (c.triage_import->parsed()) {
    std::ifstream in(f.file, std::ios::binary);
    if (!in) {
      error_line("triage import: cannot read " + f.file);
      return kExitError;
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto n = (*store)->import_triage(text);
    if (!n) {
      error_line(n.status().message());
      return kExitError;
    }
    note_line(g, fmt::format("imported triage of {} findings", *n));
    return kExitClean;
  }
  if (Status s = (*store)->set_triage(f.fingerprint, {f.status, f.comment, ""}); !s.ok()) {
    error_line(s.message());
    return kExitError;
  }
  note_line(g, f.fingerprint + ": " + f.status);
  return kExitClean;
}

int run_merge(const GlobalOptions& g, const OrgFlags& f) {
  if (datastore::is_postgres_url(f.merge_out)) {
    error_line(
        "datastore merge: the output must be a SQLite datastore (workers of a PostgreSQL "
        "datastore already share one)");
    return kExitError;
  }
  auto out = datastore::Store::open(f.merge_out, {});
  if (!out) {
    error_line(out.status().message());
    return kExitError;
  }
  for (const std::string& in : f.merge_in) {
    if (Status s = (*out)->merge_from(in); !s.ok()) {
      error_line(s.message());
      return kExitError;
    }
    note_line(g, "merged " + in + " into " + f.merge_out);
  }
  return kExitClean;
}

void add_store_options(CLI::App* cmd, OrgFlags& f) {
  cmd->add_option("--datastore", f.datastore,
                  "The datastore that keeps every repository's state and findings between runs: "
                  "a SQLite file (created 0600), or postgresql://... shared by workers (the same "
                  "command started on many machines scans one organisation together)");
  cmd->add_option("--lease", f.lease_seconds,
                  "PostgreSQL workers: seconds a worker's claims outlive its last heartbeat "
                  "(renewed every third of it)")
      ->check(CLI::Range(3u, 3600u));
  cmd->add_option("--retry", f.retry_seconds,
                  "PostgreSQL: seconds a lost connection is retried (with backoff) before the "
                  "worker exits 2")
      ->check(CLI::Range(1u, 3600u));
  cmd->add_flag("--store-secrets", f.store_secrets,
                "Keep secret values in the datastore (default: fingerprint and masked preview)");
  cmd->add_flag("--rescan", f.rescan,
                "Walk repositories whose refs did not move since their last scan, too");
  cmd->add_option("--cache", f.cache,
                  "Folder of bare mirrors of remote repositories (default: DATASTORE.mirrors)");
  cmd->add_option("--fetch-jobs", f.fetch_jobs, "Repositories cloned or fetched at once")
      ->check(CLI::Range(1u, 64u));
}

void add_forge_options(CLI::App* cmd, OrgFlags& f) {
  cmd->add_option(
      "--api-url", f.api_url,
      "API base URL (GitHub Enterprise: https://HOST/api/v3; GitLab: https://HOST/api/v4)");
  cmd->add_option("--token-file", f.token_file,
                  "Read the API token from FILE (default: GITHUB_TOKEN or GITLAB_TOKEN)");
  cmd->add_flag("--no-forks", f.no_forks, "Skip forks");
  cmd->add_flag("--no-archived", f.no_archived, "Skip archived repositories");
  cmd->add_option("--visibility", f.visibility, "Only public, private or internal repositories")
      ->check(CLI::IsMember({"public", "private", "internal"}));
}

}  // namespace

OrgCommands add_org_subcommands(CLI::App& app, OrgFlags& f) {
  OrgCommands c;
  c.repos = app.add_subcommand(
      "repos",
      "Scan many repositories into one datastore: files listing clone URLs or local paths (one "
      "per line), or folders of repositories or bare mirrors");
  c.repos->add_option("inputs", f.inputs, "List files or folders")->required();
  add_store_options(c.repos, f);

  c.github = app.add_subcommand("github", "Scan every repository of a GitHub organisation or user");
  auto* org = c.github->add_option("--org", f.github_org, "Organisation");
  auto* user = c.github->add_option("--user", f.github_user, "User");
  org->excludes(user);
  add_forge_options(c.github, f);
  add_store_options(c.github, f);

  c.gitlab = app.add_subcommand("gitlab", "Scan every project of a GitLab group and its subgroups");
  c.gitlab->add_option("--group", f.gitlab_group, "Group (full path)")->required();
  add_forge_options(c.gitlab, f);
  add_store_options(c.gitlab, f);

  c.report = app.add_subcommand("report", "Render an organisation scan's datastore");
  c.report->add_option("datastore", f.datastore, "The datastore (a file or postgresql://...)")
      ->required();
  c.report->add_option("--repo", f.repos, "Only these repositories (repeatable)");
  c.report->add_option("--rule", f.rules, "Only these rule ids (repeatable)");
  c.report->add_option("--status", f.statuses,
                       "Only findings with this triage: open, accepted, rejected, false_positive");

  c.triage = app.add_subcommand("triage", "Record decisions on findings in a datastore");
  c.triage->require_subcommand(1);
  auto* set = c.triage->add_subcommand("set", "Set a finding's triage status and comment");
  set->add_option("datastore", f.datastore, "The datastore")->required();
  set->add_option("fingerprint", f.fingerprint, "The finding's fingerprint")->required();
  set->add_option("--status", f.status, "accepted, rejected or false_positive")
      ->required()
      ->check(CLI::IsMember({"accepted", "rejected", "false_positive"}));
  set->add_option("--comment", f.comment, "Why");
  c.triage_export = c.triage->add_subcommand("export", "Write the triage as JSON (-o FILE)");
  c.triage_export->add_option("datastore", f.datastore, "The datastore")->required();
  c.triage_import = c.triage->add_subcommand("import", "Read triage JSON into a datastore");
  c.triage_import->add_option("datastore", f.datastore, "The datastore")->required();
  c.triage_import->add_option("file", f.file, "JSON from `triage export`")->required();

  c.datastore = app.add_subcommand("datastore", "Maintain organisation-scan datastores");
  c.datastore->require_subcommand(1);
  c.merge = c.datastore->add_subcommand(
      "merge",
      "Fold SQLite datastores of separate runs into OUT (the newest scan of each repository "
      "wins; clean blobs and triage are joined)");
  c.merge->add_option("out", f.merge_out, "The datastore to merge into (created if missing)")
      ->required();
  c.merge->add_option("inputs", f.merge_in, "Datastores to merge from")->required();
  return c;
}

int run_org_command(const OrgCommands& c, const GlobalOptions& g, const OrgFlags& f) {
  if (c.report->parsed()) return run_report(g, f);
  if (c.triage->parsed()) return run_triage(c, g, f);
  if (c.merge->parsed()) return run_merge(g, f);
  if (!c.repos->parsed() && !c.github->parsed() && !c.gitlab->parsed()) return -1;
  return run_scan_into_store(g, f,
                             c.github->parsed()   ? FeedKind::kGithub
                             : c.gitlab->parsed() ? FeedKind::kGitlab
                                                  : FeedKind::kRepos);
}

}  // namespace reachscan::cli
