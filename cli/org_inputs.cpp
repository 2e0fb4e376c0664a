#include "cli/org_inputs.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "datastore/db.h"
#include "sources/forge.h"
#include "sources/http.h"
#include "sources/mirror.h"

namespace reachscan::cli {
namespace fs = std::filesystem;
namespace {

// A git repository: a work tree with `.git`, or a bare repository (HEAD, objects/, refs/).
bool is_repository(const fs::path& p) {
  std::error_code ec;
  if (fs::exists(p / ".git", ec)) return true;
  return fs::is_regular_file(p / "HEAD", ec) && fs::is_directory(p / "objects", ec) &&
         fs::is_directory(p / "refs", ec);
}

struct Entry {
  std::string source;  // as listed: a path or a URL
  std::string where;   // the list file and line, or the folder, for messages
};

// Reads list files and folders into entries.
Status collect(const std::vector<std::string>& inputs, std::vector<Entry>& out) {
  for (const std::string& input : inputs) {
    std::error_code ec;
    const fs::path p(input);
    if (fs::is_directory(p, ec)) {
      if (is_repository(p)) {
        out.push_back({input, input});
        continue;
      }
      std::vector<fs::path> subs;
      for (const auto& e : fs::directory_iterator(p, ec))
        if (e.is_directory(ec) && is_repository(e.path())) subs.push_back(e.path());
      std::sort(subs.begin(), subs.end());
      for (const fs::path& s : subs) out.push_back({s.string(), input});
      continue;
    }
    std::ifstream in(p);
    if (!in) return Status::error(input + ": not a folder or a readable list file");
    std::string line;
    for (std::size_t n = 1; std::getline(in, line); ++n) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
        line.pop_back();
      const auto start = line.find_first_not_of(" \t");
      if (start == std::string::npos || line[start] == '#') continue;
      line = line.substr(start);
      // Relative paths are relative to the list file.
      if (!is_remote(line) && fs::path(line).is_relative())
        line = (p.parent_path() / line).lexically_normal().string();
      out.push_back({line, input + ":" + std::to_string(n)});
    }
  }
  return {};
}

}  // namespace

bool is_remote(const std::string& s) {
  if (s.find("://") != std::string::npos) return s.rfind("file://", 0) != 0;
  // scp-like: user@host:path, without a slash before the colon.
  const auto colon = s.find(':');
  const auto at = s.find('@');
  return at != std::string::npos && colon != std::string::npos && at < colon && s.find('/') > colon;
}

std::string repository_name(const std::string& source) {
  std::string s = source;
  if (s.rfind("file://", 0) == 0) s = s.substr(7);
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  if (s.size() > 4 && s.compare(s.size() - 4, 4, ".git") == 0) s.resize(s.size() - 4);
  if (is_remote(source)) {
    // host/owner/name or host:owner/name -> owner/name
    std::string path = s;
    if (auto scheme = path.find("://"); scheme != std::string::npos) {
      path = path.substr(scheme + 3);
      path = path.substr(std::min(path.size(), path.find('/') + 1));
    } else {
      path = path.substr(path.find(':') + 1);
    }
    return path.empty() ? s : path;
  }
  const std::string base = fs::path(s).filename().string();
  return base.empty() || base == "." ? fs::absolute(s).filename().string() : base;
}

// A URL's user:password part, removed: the datastore and messages never hold credentials.
std::string without_credentials(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto host = scheme + 3;
  const auto at = url.find('@', host);
  const auto slash = url.find('/', host);
  if (at == std::string::npos || (slash != std::string::npos && at > slash)) return url;
  return url.substr(0, host) + url.substr(at + 1);
}

namespace {

// `message` with `url` written without its credentials.
std::string scrub(std::string message, const std::string& url) {
  const std::string clean = without_credentials(url);
  if (clean == url) return message;
  for (auto p = message.find(url); p != std::string::npos; p = message.find(url, p + clean.size()))
    message.replace(p, url.size(), clean);
  const auto scheme = url.find("://");
  const std::string userinfo = url.substr(scheme + 3, url.find('@', scheme) - scheme - 3);
  for (auto p = message.find(userinfo); p != std::string::npos; p = message.find(userinfo, p))
    message.replace(p, userinfo.size(), "***");
  return message;
}

// Remote repositories are cloned or updated into the mirror cache by fetch threads while earlier
// ones are scanned; local ones are used in place. Handed out in the order they become ready.
class FetchFeed final : public RepositoryFeed {
 public:
  FetchFeed(std::vector<sources::RemoteRepo> repos, sources::MirrorOptions options)
      : size_(repos.size()), fetcher_(std::move(options)) {
    fetcher_.start(std::move(repos));
  }
  std::optional<OrgRepository> next() override {
    auto r = fetcher_.next();
    if (!r) return std::nullopt;
    return ready_repository(*r);
  }
  std::size_t size() const override { return size_; }

 private:
  std::size_t size_;
  sources::MirrorFetcher fetcher_;
};

// The API token: --token-file, else the forge's environment variable. Never printed.
Expected<std::string> read_token(const OrgFlags& flags, const char* env) {
  if (!flags.token_file.empty()) {
    std::ifstream in(flags.token_file, std::ios::binary);
    if (!in) return Status::error("--token-file " + flags.token_file + ": cannot read it");
    std::string token;
    std::getline(in, token);
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
    if (token.empty()) return Status::error("--token-file " + flags.token_file + ": it is empty");
    return token;
  }
  const char* v = env ? std::getenv(env) : nullptr;
  return std::string(v ? v : "");
}

// The hosts a forge's token may go to: the API's, and github.com for api.github.com.
std::vector<std::string> forge_hosts(FeedKind kind, const OrgFlags& flags) {
  const std::string api = !flags.api_url.empty()      ? flags.api_url
                          : kind == FeedKind::kGitlab ? "https://gitlab.com"
                                                      : "https://api.github.com";
  std::vector<std::string> hosts{sources::url_host(api)};
  if (hosts.front() == "api.github.com") hosts.push_back("github.com");
  return hosts;
}

}  // namespace

Expected<sources::MirrorOptions> mirror_options(FeedKind kind, const OrgFlags& flags) {
  sources::MirrorOptions mo;
  // A shared datastore is no folder: its workers keep mirrors in reachscan.mirrors by default.
  mo.cache_dir = !flags.cache.empty()                          ? flags.cache
                 : datastore::is_postgres_url(flags.datastore) ? "reachscan.mirrors"
                                                               : flags.datastore + ".mirrors";
  mo.jobs = static_cast<int>(flags.fetch_jobs);
  // A list names its own hosts: a token is used only when given explicitly.
  if (kind == FeedKind::kRepos && flags.token_file.empty()) return mo;
  auto token = read_token(flags, kind == FeedKind::kRepos    ? nullptr
                                 : kind == FeedKind::kGitlab ? "GITLAB_TOKEN"
                                                             : "GITHUB_TOKEN");
  if (!token) return token.status();
  mo.token = std::move(*token);
  if (kind != FeedKind::kRepos) mo.token_hosts = forge_hosts(kind, flags);
  if (kind != FeedKind::kRepos)
    mo.token_user =
        sources::token_user_for(kind == FeedKind::kGitlab ? sources::ForgeQuery::Kind::kGitlabGroup
                                                          : sources::ForgeQuery::Kind::kGithubOrg);
  return mo;
}

Expected<std::vector<sources::RemoteRepo>> list_repositories(
    FeedKind kind, const OrgFlags& flags, const std::function<void(const std::string&)>& notice) {
  std::vector<sources::RemoteRepo> repos;
  if (kind == FeedKind::kRepos) {
    std::vector<Entry> entries;
    if (Status s = collect(flags.inputs, entries); !s.ok()) return s;
    std::map<std::string, int> taken;
    for (const Entry& e : entries) {
      sources::RemoteRepo r;
      r.clone_url = e.source;
      r.name = repository_name(e.source);
      // Two repositories with one name (two folders called `api`) stay apart.
      if (const int n = taken[r.name]++; n > 0) r.name += "~" + std::to_string(n + 1);
      repos.push_back(std::move(r));
    }
    return repos;
  }
  sources::ForgeQuery q;
  q.kind = kind == FeedKind::kGitlab    ? sources::ForgeQuery::Kind::kGitlabGroup
           : !flags.github_user.empty() ? sources::ForgeQuery::Kind::kGithubUser
                                        : sources::ForgeQuery::Kind::kGithubOrg;
  q.name = kind == FeedKind::kGitlab   ? flags.gitlab_group
           : flags.github_user.empty() ? flags.github_org
                                       : flags.github_user;
  if (q.name.empty())
    return Status::error("github: name an organisation (--org) or a user (--user)");
  q.api_base = flags.api_url;
  auto token = read_token(flags, kind == FeedKind::kGitlab ? "GITLAB_TOKEN" : "GITHUB_TOKEN");
  if (!token) return token.status();
  q.token = *token;
  q.include_forks = !flags.no_forks;
  q.include_archived = !flags.no_archived;
  q.visibility = flags.visibility;
  q.on_notice = notice;
  auto listed = sources::list_repositories(q);
  if (!listed) return listed.status();
  if (notice) notice("listed " + std::to_string(listed->size()) + " repositories of " + q.name);
  return listed;
}

OrgRepository ready_repository(const sources::MirrorResult& r) {
  OrgRepository out;
  out.name = r.repo.name;
  out.url = without_credentials(r.repo.clone_url);
  out.git_dir = r.git_dir;
  out.fetch = r.status.ok() ? r.status : Status::error(scrub(r.status.message(), r.repo.clone_url));
  return out;
}

Expected<std::unique_ptr<RepositoryFeed>> open_feed(
    FeedKind kind, const OrgFlags& flags, std::function<void(const std::string&)> notice) {
  auto mo = mirror_options(kind, flags);
  if (!mo) return mo.status();
  auto repos = list_repositories(kind, flags, notice);
  if (!repos) return repos.status();
  return std::unique_ptr<RepositoryFeed>(new FetchFeed(std::move(*repos), std::move(*mo)));
}

}  // namespace reachscan::cli
