// Forge listing: the repositories of a GitHub organisation or user, or of a GitLab group, read
// from the forge's REST API over HTTP (libcurl).
//
// Usage:
//   ForgeQuery q{.kind = ForgeQuery::Kind::kGithubOrg, .name = "acme"};
//   q.token = token_from_environment;           // the caller reads it; never logged here
//   q.on_notice = [](const std::string& s) { /* show it on stderr */ };
//   Expected<std::vector<RemoteRepo>> repos = list_repositories(q);
//
// What it does:
// - GitHub: GET {api}/orgs/NAME/repos?type=all&per_page=100 (users: /users/NAME/repos?type=owner),
//   following the `Link: <...>; rel="next"` header to the last page. `api_base` empty means
//   https://api.github.com; a GitHub Enterprise URL is accepted either as its API root
//   (https://ghe.example.com/api/v3) or as the bare host (https://ghe.example.com), to which
//   /api/v3 is appended.
// - GitLab: GET {api}/groups/NAME/projects?include_subgroups=true&per_page=100 (NAME is the full
//   group path, e.g. "acme/platform", URL-encoded here), following `Link` or `X-Next-Page`.
//   `api_base` empty means https://gitlab.com/api/v4; a bare host gets /api/v4 appended.
// - Rate limits: a 403 or 429 answer with `Retry-After`, or with `X-RateLimit-Remaining: 0` and
//   `X-RateLimit-Reset` (GitLab: `RateLimit-Reset`), is waited out and retried; each wait is
//   announced through on_notice ("rate limited by api.github.com: waiting 12 s (Retry-After)").
//   The waits of one listing together are bounded by max_wait: a longer wait is an error that
//   says how long the forge asked to wait.
// - 5xx answers and dropped transfers are retried with exponential backoff (retry_backoff,
//   doubled each time, at most max_retries retries), each retry announced through on_notice.
// - Errors are clear and name the URL: "GitHub organisation NAME not found", "malformed JSON
//   from URL: ...", "HTTP 401 from URL: ...". The token travels only in a request header
//   (GitHub: `Authorization: Bearer`, GitLab: `PRIVATE-TOKEN`) and never appears in a message,
//   a notice or a URL. Pagination links and redirects that point to another host than the API
//   are refused, so the token is never sent elsewhere (a redirect within the API's host, as for
//   a renamed organisation, is followed).
// - Filters (forks, archived, visibility) are applied to the listing here.
//
// Thread-safety: list_repositories may be called from several threads at once (each call uses
// its own connection); on_notice is called on the calling thread.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"

namespace reachscan::sources {

struct RemoteRepo {
  std::string name;       // "org/repo" (GitHub full_name, GitLab path_with_namespace)
  std::string clone_url;  // https (or as given) WITHOUT credentials; may be a local path
  bool fork = false;
  bool archived = false;
  std::string visibility;  // public, private, internal ("" when the forge does not say)
  std::string default_branch;
  // From a forge's answer, not the user: a local path or file:// URL in it is refused (it would
  // make us read this machine's repositories), see MirrorFetcher.
  bool listed_by_forge = false;
};

struct ForgeQuery {
  enum class Kind { kGithubOrg, kGithubUser, kGitlabGroup };
  Kind kind = Kind::kGithubOrg;
  std::string name;      // organisation, user, or GitLab group path ("acme/platform")
  std::string api_base;  // empty: https://api.github.com / https://gitlab.com/api/v4
  std::string token;     // from GITHUB_TOKEN/GITLAB_TOKEN/--token-file, by the caller; never logged
  bool include_forks = true;
  bool include_archived = true;
  std::string visibility;         // "" (all), public, private, internal
  bool include_subgroups = true;  // GitLab
  // Progress and waits worth telling the user about, e.g.
  // "rate limited by api.github.com: waiting 12 s (Retry-After)". Never contains the token.
  std::function<void(const std::string&)> on_notice;
  std::chrono::seconds max_wait{600};  // total rate-limit waiting allowed for one listing
  int max_retries = 5;                 // retries of 5xx answers and dropped transfers
  std::chrono::milliseconds retry_backoff{1000};  // first backoff; doubled at each retry
};

// Lists the repositories `query` names, all pages, filtered. An error (not found, rejected
// token, rate limit beyond max_wait, malformed answer, 5xx after all retries, network failure)
// is returned as a Status whose message names the URL and never the token. An empty vector means
// the organisation/user/group exists and has no repository passing the filters.
[[nodiscard]] Expected<std::vector<RemoteRepo>> list_repositories(const ForgeQuery& query);

// The user name a forge expects with a token over HTTPS git: "x-access-token" for GitHub,
// "oauth2" for GitLab (see MirrorOptions::token_user).
std::string token_user_for(ForgeQuery::Kind kind);

}  // namespace reachscan::sources
