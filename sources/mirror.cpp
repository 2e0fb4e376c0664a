#include "sources/mirror.h"

#include <git2.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "git/libgit2.h"
#include "sources/http.h"

namespace reachscan::sources {
namespace fs = std::filesystem;
namespace {

// Owning libgit2 handles, as the git sources hold them.
using git::detail::Handle;
using git::detail::RefPtr;
using git::detail::RepoPtr;
using RemotePtr = Handle<git_remote, git_remote_free>;
using ConfigPtr = Handle<git_config, git_config_free>;

constexpr char kMirrorRefspec[] = "+refs/*:refs/*";

// libgit2 keeps its error text per thread: fetch it on the thread that failed.
std::string git_message() {
  const git_error* e = git_error_last();
  return e && e->message ? e->message : "unknown libgit2 error";
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// "user:password" from a URL's authority, decoded; empty strings if none.
std::pair<std::string, std::string> url_credentials(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  const auto start = scheme + 3;
  const auto path = url.find_first_of("/?#", start);
  const auto at = url.rfind('@', path == std::string::npos ? url.size() : path);
  if (at == std::string::npos || at < start) return {};
  const std::string info = url.substr(start, at - start);
  const auto colon = info.find(':');
  if (colon == std::string::npos) return {percent_decode(info), ""};
  return {percent_decode(info.substr(0, colon)), percent_decode(info.substr(colon + 1))};
}

bool scp_like(const std::string& url) {
  if (url.find("://") != std::string::npos) return false;
  const auto colon = url.find(':');
  const auto slash = url.find('/');
  return colon != std::string::npos && colon > 0 && (slash == std::string::npos || colon < slash);
}

std::string sanitize_segment(const std::string& s) {
  std::string out;
  for (unsigned char c : s)
    out.push_back(std::isalnum(c) || c == '.' || c == '_' || c == '-' ? static_cast<char>(c) : '_');
  if (out.empty() || out.front() == '.') out.insert(out.begin(), '_');
  return out;
}

// May the token go to this URL's server? Only over https, or http on the loopback interface.
bool token_allowed(const std::string& url) {
  const std::string origin = url_origin(url);
  if (origin.starts_with("https://")) return true;
  const std::string host = url_host(url);
  return origin.starts_with("http://") &&
         (host == "127.0.0.1" || host == "localhost" || host == "[::1]");
}

struct FetchContext {
  std::string user;
  std::string password;
  bool offer_password = false;
  std::string origin;  // the clone URL's scheme://host:port: credentials go nowhere else
  int attempts = 0;
  const std::atomic<bool>* stop = nullptr;
};

int on_credentials(git_credential** out, const char* url, const char* username_from_url,
                   unsigned int allowed, void* payload) {
  auto* ctx = static_cast<FetchContext*>(payload);
  if (ctx->attempts++ > 0) {
    git_error_set_str(
        GIT_ERROR_NET,
        (std::string("authentication failed for ") + redact_url(url ? url : "") +
         (ctx->offer_password ? ": the credentials were refused" : ": no usable credentials"))
            .c_str());
    return GIT_EUSER;
  }
  // NOTE: libgit2 may have followed a redirect; the credentials are offered only to the host
  // the clone URL names.
  const bool same_host = url && url_origin(url) == ctx->origin;
  if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && ctx->offer_password && same_host)
    return git_credential_userpass_plaintext_new(out, ctx->user.c_str(), ctx->password.c_str());
  if (allowed & GIT_CREDENTIAL_SSH_KEY)
    return git_credential_ssh_key_from_agent(out, username_from_url ? username_from_url : "git");
  git_error_set_str(GIT_ERROR_NET,
                    (std::string("authentication required by ") + redact_url(url ? url : "") +
                     ": give a token (https only) or credentials")
                        .c_str());
  return GIT_EUSER;
}

int on_progress(const git_indexer_progress*, void* payload) {
  const auto* ctx = static_cast<FetchContext*>(payload);
  return ctx->stop->load() ? -1 : 0;
}

struct Outcome {
  std::string git_dir;
  Status status;
  bool cloned = false;
  bool in_place = false;
};

// Points HEAD at the remote's default branch (or the forge's), when that branch exists.
void set_head(git_repository* repo, git_remote* remote, const std::string& default_branch) {
  std::string target;
  git_buf buf = GIT_BUF_INIT;
  if (git_remote_default_branch(&buf, remote) == 0) target = buf.ptr;
  git_buf_dispose(&buf);
  if (target.empty() && !default_branch.empty()) target = "refs/heads/" + default_branch;
  git_reference* ref = nullptr;
  if (target.empty() || git_reference_lookup(&ref, repo, target.c_str()) != 0) return;
  git_reference_free(ref);
  (void)git_repository_set_head(repo, target.c_str());
}

class Worker {
 public:
  Worker(const MirrorOptions& o, const std::atomic<bool>& stop) : options_(o), stop_(stop) {}

  Outcome fetch(const std::string& clone_url, const std::string& default_branch,
                bool listed_by_forge) {
    const std::string local = local_path(clone_url);
    if (!local.empty() && listed_by_forge)
      return Outcome{"", Status::error("the forge's clone URL " + redact_url(clone_url) +
                                       " names a local path; refused")};
    if (!local.empty() && !options_.clone_local) return open_in_place(local);
    const std::string url = local.empty() ? redact_url(clone_url) : fs::absolute(local).string();
    auto folder = mirror_folder(url);
    if (!folder) return Outcome{"", folder.status()};
    const fs::path final_dir = fs::path(options_.cache_dir) / *folder;
    FetchContext ctx = context(clone_url);
    std::error_code ec;
    if (fs::exists(final_dir, ec)) return update(final_dir, url, default_branch, ctx);
    return clone(final_dir, url, default_branch, ctx);
  }

 private:
  FetchContext context(const std::string& clone_url) const {
    FetchContext ctx;
    ctx.stop = &stop_;
    auto [user, password] = url_credentials(clone_url);
    if (!password.empty()) {
      ctx.user = user;
      ctx.password = password;
    } else if (!options_.token.empty()) {
      ctx.user = options_.token_user;
      ctx.password = options_.token;
    }
    const auto& hosts = options_.token_hosts;
    const bool host_ok = !password.empty() || hosts.empty() ||
                         std::find(hosts.begin(), hosts.end(), url_host(clone_url)) != hosts.end();
    ctx.offer_password = !ctx.password.empty() && token_allowed(clone_url) && host_ok;
    ctx.origin = url_origin(clone_url);
    return ctx;
  }

  static Outcome open_in_place(const std::string& path) {
    git_repository* raw = nullptr;
    if (git_repository_open_ext(&raw, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0)
      return Outcome{"",
                     Status::error("not a git repository: " + path + " (" + git_message() + ")"),
                     false, true};
    RepoPtr repo(raw);
    std::string dir = git_repository_path(repo.get());
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    return Outcome{dir, Status(), false, true};
  }

  Outcome clone(const fs::path& final_dir, const std::string& url,
                const std::string& default_branch, FetchContext& ctx) {
    const fs::path partial = final_dir.string() + ".partial";
    std::error_code ec;
    fs::remove_all(partial, ec);  // left by an interrupted run
    fs::create_directories(final_dir.parent_path(), ec);
    git_repository_init_options init = GIT_REPOSITORY_INIT_OPTIONS_INIT;
    init.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
    git_repository* raw = nullptr;
    if (git_repository_init_ext(&raw, partial.c_str(), &init) != 0)
      return failed("cannot create the mirror " + partial.string(), partial);
    RepoPtr repo(raw);
    if (Status s = write_remote_config(repo.get(), url); !s.ok()) {
      repo.reset();
      fs::remove_all(partial, ec);
      return Outcome{"", s};
    }
    if (Status s = fetch_into(repo.get(), url, default_branch, ctx); !s.ok()) {
      repo.reset();
      fs::remove_all(partial, ec);
      return Outcome{"", s};
    }
    repo.reset();
    fs::rename(partial, final_dir, ec);
    if (ec) {
      fs::remove_all(partial, ec);
      return Outcome{"", Status::error("cannot move the mirror into " + final_dir.string())};
    }
    return Outcome{final_dir.string(), Status(), true};
  }

  Outcome update(const fs::path& dir, const std::string& url, const std::string& default_branch,
                 FetchContext& ctx) {
    git_repository* raw = nullptr;
    if (git_repository_open_bare(&raw, dir.c_str()) != 0)
      return Outcome{"", Status::error("the mirror " + dir.string() + " cannot be opened (" +
                                       git_message() + "); remove it to clone again")};
    RepoPtr repo(raw);
    // The clone URL may have changed (a renamed repository): keep the mirror's remote current.
    if (Status s = write_remote_config(repo.get(), url); !s.ok()) return Outcome{"", s};
    if (Status s = fetch_into(repo.get(), url, default_branch, ctx); !s.ok()) return Outcome{"", s};
    return Outcome{dir.string(), Status()};
  }

  Status fetch_into(git_repository* repo, const std::string& url, const std::string& default_branch,
                    FetchContext& ctx) {
    // NOTE: an in-memory remote, not git_remote_lookup("origin"): libgit2 1.5 leaks a PCRE2
    // match block (about 20 KB) for every config entry its insteadOf lookup does not match
    // (fixed upstream in libgit2 PR #6382), which is hundreds of KB per repository over an
    // organisation. The URL and refspec are the ones write_remote_config() stores.
    git_remote_create_options create = GIT_REMOTE_CREATE_OPTIONS_INIT;
    create.repository = repo;
    create.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
    git_remote* raw = nullptr;
    if (git_remote_create_with_opts(&raw, url.c_str(), &create) != 0)
      return Status::error("cannot set up the fetch of " + url + ": " + git_message());
    RemotePtr remote(raw);
    char* specs[] = {const_cast<char*>(kMirrorRefspec)};
    const git_strarray refspecs{specs, 1};
    git_fetch_options opts = GIT_FETCH_OPTIONS_INIT;
    opts.prune = GIT_FETCH_PRUNE;
    opts.update_fetchhead = 0;
    opts.proxy_opts.type = GIT_PROXY_AUTO;  // http.proxy or the proxy environment, as git does
    opts.callbacks.credentials = on_credentials;
    opts.callbacks.transfer_progress = on_progress;
    opts.callbacks.payload = &ctx;
    if (git_remote_fetch(remote.get(), &refspecs, &opts, "reachscan mirror fetch") != 0) {
      if (stop_.load()) return Status::error("fetch of " + url + " cancelled");
      return Status::error("cannot fetch " + url + ": " + git_message());
    }
    set_head(repo, remote.get(), default_branch);
    return Status();
  }

  // The mirror's remote as `git clone --mirror` writes it, so git itself can fetch it too.
  static Status write_remote_config(git_repository* repo, const std::string& url) {
    git_config* raw = nullptr;
    if (git_repository_config(&raw, repo) != 0)
      return Status::error("cannot read the configuration of the mirror of " + url + ": " +
                           git_message());
    ConfigPtr config(raw);
    if (git_config_set_string(config.get(), "remote.origin.url", url.c_str()) != 0 ||
        git_config_set_string(config.get(), "remote.origin.fetch", kMirrorRefspec) != 0 ||
        git_config_set_bool(config.get(), "remote.origin.mirror", 1) != 0)
      return Status::error("cannot write the remote of the mirror of " + url + ": " +
                           git_message());
    return Status();
  }

  static Outcome failed(const std::string& what, const fs::path& partial) {
    Outcome out{"", Status::error(what + ": " + git_message())};
    std::error_code ec;
    fs::remove_all(partial, ec);
    return out;
  }

  const MirrorOptions& options_;
  const std::atomic<bool>& stop_;
};

// Repositories that share one mirror folder are fetched once, together.
struct Unit {
  std::vector<RemoteRepo> repos;
};

}  // namespace

std::string local_path(const std::string& clone_url) {
  if (clone_url.starts_with("file://")) {
    std::string rest = clone_url.substr(7);
    if (rest.starts_with("localhost/")) rest = rest.substr(9);
    return rest.starts_with("/") ? percent_decode(rest) : std::string();
  }
  if (clone_url.empty() || clone_url.find("://") != std::string::npos || scp_like(clone_url))
    return "";
  return clone_url;
}

Expected<std::string> mirror_folder(const std::string& clone_url) {
  std::string host;
  std::string path;
  const std::string url = redact_url(clone_url);
  if (!local_path(url).empty()) {
    host = "local";
    std::error_code ec;
    path = fs::absolute(local_path(url), ec).lexically_normal().string();
  } else if (scp_like(url)) {
    const auto colon = url.find(':');
    host = url.substr(0, colon);
    if (const auto at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
    path = url.substr(colon + 1);
  } else {
    const auto start = url.find("://") + 3;
    const auto slash = url.find_first_of("/?#", start);
    host = url.substr(start, slash == std::string::npos ? slash : slash - start);
    path = slash == std::string::npos ? "" : url.substr(slash);
    path = path.substr(0, path.find_first_of("?#"));
    std::replace(host.begin(), host.end(), ':', '_');
  }
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::vector<std::string> parts;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    auto end = path.find('/', pos);
    if (end == std::string::npos) end = path.size();
    const std::string seg = path.substr(pos, end - pos);
    if (!seg.empty() && seg != "." && seg != "..") parts.push_back(sanitize_segment(seg));
    pos = end + 1;
  }
  if (host.empty() || parts.empty())
    return Status::error("cannot derive a mirror folder from the clone URL " + url +
                         ": it needs a host and a path");
  std::string out = sanitize_segment(host);
  for (const std::string& p : parts) out += "/" + p;
  if (!out.ends_with(".git")) out += ".git";
  return out;
}

struct MirrorFetcher::Impl {
  explicit Impl(MirrorOptions o) : options(std::move(o)) {
    git_libgit2_init();
    options.jobs = std::max(1, options.jobs);
  }
  ~Impl() {
    stop = true;
    for (std::thread& t : threads) t.join();
    git_libgit2_shutdown();
  }

  Status prepare_cache() const {
    if (options.cache_dir.empty()) return Status::error("no mirror cache folder given");
    std::error_code ec;
    const fs::path dir(options.cache_dir);
    if (fs::is_directory(dir, ec)) return Status();
    if (!dir.parent_path().empty()) fs::create_directories(dir.parent_path(), ec);
    if (::mkdir(dir.c_str(), 0700) != 0 && !fs::is_directory(dir, ec))
      return Status::error("cannot create the mirror cache folder " + options.cache_dir);
    return Status();
  }

  // NOTE: exceptions must not escape a fetch thread; one (out of memory, a filesystem error)
  // becomes that repository's error.
  Outcome fetch_unit(Worker& worker, const Unit& unit) const {
    const RemoteRepo& repo = unit.repos.front();
    const bool needs_cache = options.clone_local || local_path(repo.clone_url).empty();
    if (needs_cache && !cache_status.ok()) return Outcome{"", cache_status};
    try {
      return worker.fetch(repo.clone_url, repo.default_branch, repo.listed_by_forge);
    } catch (const std::exception& e) {
      return Outcome{
          "", Status::error("cannot mirror " + redact_url(repo.clone_url) + ": " + e.what())};
    }
  }

  void run() {
    Worker worker(options, stop);
    for (;;) {
      const std::size_t i = next_unit.fetch_add(1);
      if (i >= units.size() || stop.load()) return;
      const Unit& unit = units[i];
      Outcome out = fetch_unit(worker, unit);
      std::lock_guard lock(mu);
      for (const RemoteRepo& r : unit.repos)
        ready.push_back(MirrorResult{r, out.git_dir, out.status, out.cloned, out.in_place});
      cv.notify_all();
    }
  }

  MirrorOptions options;
  std::vector<Unit> units;
  std::size_t total = 0;
  std::size_t delivered = 0;
  std::atomic<std::size_t> next_unit{0};
  std::atomic<bool> stop{false};
  Status cache_status;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<MirrorResult> ready;
  std::vector<std::thread> threads;
};

MirrorFetcher::MirrorFetcher(MirrorOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

MirrorFetcher::~MirrorFetcher() = default;

void MirrorFetcher::start(std::vector<RemoteRepo> repos) {
  if (!impl_->threads.empty() || impl_->total > 0) return;
  Impl& m = *impl_;
  m.total = repos.size();
  const bool any_remote = std::any_of(repos.begin(), repos.end(), [&](const RemoteRepo& r) {
    return m.options.clone_local || local_path(r.clone_url).empty();
  });
  if (any_remote) m.cache_status = m.prepare_cache();
  std::map<std::string, std::size_t> by_folder;
  for (RemoteRepo& r : repos) {
    const bool in_place = !m.options.clone_local && !local_path(r.clone_url).empty();
    auto folder = mirror_folder(r.clone_url);
    const std::string key = in_place || !folder ? "" : *folder;
    if (!key.empty()) {
      auto [it, fresh] = by_folder.emplace(key, m.units.size());
      if (!fresh) {
        m.units[it->second].repos.push_back(std::move(r));
        continue;
      }
    }
    m.units.push_back(Unit{{std::move(r)}});
  }
  const std::size_t n =
      std::min<std::size_t>(static_cast<std::size_t>(m.options.jobs), m.units.size());
  for (std::size_t i = 0; i < n; ++i) m.threads.emplace_back([&m] { m.run(); });
}

std::optional<MirrorResult> MirrorFetcher::next() {
  Impl& m = *impl_;
  std::unique_lock lock(m.mu);
  if (m.delivered >= m.total) return std::nullopt;
  m.cv.wait(lock, [&] { return !m.ready.empty(); });
  MirrorResult r = std::move(m.ready.front());
  m.ready.pop_front();
  ++m.delivered;
  return r;
}

}  // namespace reachscan::sources
