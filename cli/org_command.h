// Organisation scans from the command line: `repos`, `github`, `gitlab` scan many repositories
// into one datastore and print the organisation's findings; `report` renders a datastore again;
// `triage` records decisions on findings and moves them between datastores.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace reachscan::cli {

struct OrgFlags {
  // Where repositories come from.
  std::vector<std::string> inputs;  // repos: files listing clone URLs or paths, or folders
  std::string github_org, github_user, gitlab_group;
  std::string api_url;     // GitHub Enterprise / self-managed GitLab API base
  std::string token_file;  // else GITHUB_TOKEN / GITLAB_TOKEN
  bool no_forks = false;
  bool no_archived = false;
  std::string visibility;  // public, private, internal
  // Where results go.
  std::string datastore = "reachscan.db";
  std::string cache;  // mirror cache (default: DATASTORE.mirrors)
  unsigned fetch_jobs = 4;
  bool store_secrets = false;
  bool rescan = false;
  unsigned lease_seconds = 60;  // shared datastore: a worker's lease past its last heartbeat
  unsigned retry_seconds = 60;  // shared datastore: how long a lost connection is retried
  // report / triage
  std::vector<std::string> repos, rules, statuses;
  std::string fingerprint, status, comment, file;
  // datastore merge
  std::string merge_out;
  std::vector<std::string> merge_in;
};

// Adds `repos`, `github`, `gitlab`, `report`, `triage` (with `export` and `import`) and
// `datastore merge`.
struct OrgCommands {
  CLI::App* repos = nullptr;
  CLI::App* github = nullptr;
  CLI::App* gitlab = nullptr;
  CLI::App* report = nullptr;
  CLI::App* triage = nullptr;
  CLI::App* triage_export = nullptr;
  CLI::App* triage_import = nullptr;
  CLI::App* datastore = nullptr;
  CLI::App* merge = nullptr;
};
OrgCommands add_org_subcommands(CLI::App& app, OrgFlags& flags);

// Runs whichever of them was parsed; -1 when none was.
int run_org_command(const OrgCommands& commands, const GlobalOptions& g, const OrgFlags& flags);

}  // namespace reachscan::cli
