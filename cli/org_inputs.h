// Where an organisation scan's repositories come from: list files and folders (`repos`), a
// GitHub organisation or user, a GitLab group. A feed hands them out one at a time, each ready
// to scan (remote ones cloned or updated into the mirror cache while earlier ones are scanned).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/org_command.h"
#include "core/status.h"
#include "scanner/org_scan.h"
#include "sources/mirror.h"

namespace reachscan::cli {

class RepositoryFeed {
 public:
  virtual ~RepositoryFeed() = default;
  // The next repository, ready to scan (or carrying why it could not be fetched); nullopt at
  // the end. Blocks while it is being fetched.
  virtual std::optional<OrgRepository> next() = 0;
  // How many repositories the feed hands out in all (0: not known).
  virtual std::size_t size() const = 0;
  // Why the feed ended early (a shared datastore that could not be reached); ok otherwise.
  virtual Status status() const { return {}; }
};

enum class FeedKind { kRepos, kGithub, kGitlab };

// Lists the repositories (for GitHub and GitLab, through their APIs) and starts fetching remote
// ones. Errors that stop the run: an unreadable list file, an API that refuses or does not know
// the organisation. `notice` receives progress worth showing (rate-limit waits).
Expected<std::unique_ptr<RepositoryFeed>> open_feed(FeedKind kind, const OrgFlags& flags,
                                                    std::function<void(const std::string&)> notice);

// The two halves of open_feed, for workers of a shared datastore (cli/org_workers.h): the
// repositories to scan (listed once per run, by its first worker), and how to fetch them.
Expected<std::vector<sources::RemoteRepo>> list_repositories(
    FeedKind kind, const OrgFlags& flags, const std::function<void(const std::string&)>& notice);
Expected<sources::MirrorOptions> mirror_options(FeedKind kind, const OrgFlags& flags);
// A fetched repository, ready to scan (its URL and fetch error free of credentials).
OrgRepository ready_repository(const sources::MirrorResult& r);

// `url` without a user:password part (what the datastore and messages hold).
std::string without_credentials(const std::string& url);

// Helpers, exposed for tests: whether `s` names a remote repository (a URL or scp-like
// `user@host:path`), and the name a repository gets in reports.
bool is_remote(const std::string& s);
std::string repository_name(const std::string& url_or_path);

}  // namespace reachscan::cli
