// Mirror cache: bare mirrors of remote repositories in a cache folder, cloned or brought up to
// date in parallel with libgit2, each result handed out as soon as it is ready so the caller can
// scan one repository while others are still fetching.
//
// Usage:
//   MirrorFetcher fetcher(MirrorOptions{.cache_dir = "cache", .token = token, .jobs = 4});
//   fetcher.start(repos);
//   while (auto r = fetcher.next()) { if (r->status.ok()) scan(r->git_dir); else record(*r); }
//
// Layout: each remote repository has one bare mirror at CACHE/HOST/OWNER/NAME.git (see
// mirror_folder()), fetched with the refspec +refs/*:refs/* and pruned, so branches and tags
// deleted upstream disappear from the mirror too. A first clone goes to a temporary folder
// next to its final place and is renamed into place when complete, so an interrupted clone never
// leaves a half mirror behind. The cache folder is created with mode 0700.
//
// Local repositories (a path, or a file:// URL) are used in place: git_dir is the repository's
// own git folder and in_place is true; nothing is copied unless MirrorOptions::clone_local.
//
// Credentials: the token is offered only through libgit2's credential callback, when a server
// asks for one, over https (or http on the loopback interface), as user token_user
// ("x-access-token" for GitHub, "oauth2" for GitLab). A user:password part in a clone URL is
// used the same way and stripped from the URL. The URL written in the mirror's config never
// carries credentials.
//
// Threads: `jobs` fetch threads, separate from any scan threads; each opens its own libgit2
// handles. start() is called once; next() is called from one consumer thread. The destructor
// cancels fetches in progress and joins the threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "sources/forge.h"

namespace reachscan::sources {

struct MirrorOptions {
  std::string cache_dir;
  std::string token;                          // never written anywhere; see the header comment
  int jobs = 4;                               // parallel fetches (at least 1)
  std::string token_user = "x-access-token";  // "oauth2" for GitLab: see token_user_for()
  bool clone_local = false;                   // mirror local repositories too instead of in place
  // When not empty, the token is offered only to clone URLs on these hosts (a forge's own:
  // the clone URLs in its answer are not trusted to name where the token may go).
  std::vector<std::string> token_hosts;
};

struct MirrorResult {
  RemoteRepo repo;
  std::string git_dir;    // the bare mirror, or the local repository's git folder when in_place
  Status status;          // not ok: why this repository could not be cloned or updated
  bool cloned = false;    // a first clone (false: an existing mirror was updated, or in place)
  bool in_place = false;  // a local repository used where it is, not copied
};

class MirrorFetcher {
 public:
  explicit MirrorFetcher(MirrorOptions options);
  ~MirrorFetcher();
  MirrorFetcher(const MirrorFetcher&) = delete;
  MirrorFetcher& operator=(const MirrorFetcher&) = delete;

  // Starts fetching `repos` on the fetch threads. Call once.
  void start(std::vector<RemoteRepo> repos);

  // The next finished repository, in completion order; blocks while fetches are in progress.
  // nullopt once every repository given to start() has been delivered (or start() was never
  // called). Every repository is delivered exactly once, failed ones with their error.
  std::optional<MirrorResult> next();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The mirror's folder, relative to the cache, for a clone URL: "host/owner/name.git" (a port
// becomes "host_port"; scp-like "git@host:owner/name" is understood). Every path segment is
// sanitized: characters outside [A-Za-z0-9._-] become '_', segments starting with '.' get a '_'
// prefix, so no ".." or absolute path can come out. Error if the URL has no host or no path.
[[nodiscard]] Expected<std::string> mirror_folder(const std::string& clone_url);

// A local repository path for a clone URL that names one (a path or a file:// URL), else "".
std::string local_path(const std::string& clone_url);

}  // namespace reachscan::sources
