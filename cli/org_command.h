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
  // report / triage
  std::vector<std::string> repos, rules, statuses;
  std::string fingerprint, status, comment, file;
};

// Adds `repos`, `github`, `gitlab`, `report` and `triage` (with `export` and `import`).
struct OrgCommands {
  CLI::App* repos = nullptr;
  CLI::App* github = nullptr;
  CLI::App* gitlab = nullptr;
  CLI::App* report = nullptr;
  CLI::App* triage = nullptr;
  CLI::App* triage_export = nullptr;
  CLI::App* triage_import = nullptr;
};
OrgCommands add_org_subcommands(CLI::App& app, OrgFlags& flags);

// Runs whichever of them was parsed; -1 when none was.
int run_org_command(const OrgCommands& commands, const GlobalOptions& g, const OrgFlags& flags);

}  // namespace reachscan::cli
