#include "cli/org_workers.h"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "scanner/interrupt.h"

namespace reachscan::cli {
namespace {

// The run's name: the same command (kind and what it lists) is the same run.
std::string run_key(FeedKind kind, const OrgFlags& f) {
  std::string key = kind == FeedKind::kRepos    ? "repos"
                    : kind == FeedKind::kGitlab ? "gitlab " + f.gitlab_group
                                                : "github " + f.github_org + " " + f.github_user;
  for (const std::string& i : f.inputs) key += "\n" + i;
  return key;
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

// Claims the next repository of the run, waiting while others are still leased by live
// workers; fetches it into this worker's mirror cache.
class ClaimFeed final : public RepositoryFeed {
 public:
  ClaimFeed(datastore::Store& store, sources::MirrorOptions mo)
      : store_(store), mo_(std::move(mo)) {}
  std::optional<OrgRepository> next() override {
    while (!interrupted()) {
      std::size_t remaining = 0;
      auto claimed = store_.claim_repository(remaining);
      if (!claimed) {
        status_ = claimed.status();
        return std::nullopt;
      }
      if (*claimed) return fetch(**claimed);
      if (remaining == 0) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return std::nullopt;
  }
  std::size_t size() const override { return 0; }
  Status status() const override { return status_; }

 private:
  OrgRepository fetch(const datastore::RunRepository& r) {
    sources::MirrorOptions mo = mo_;
    mo.jobs = 1;
    sources::MirrorFetcher fetcher(mo);
    sources::RemoteRepo repo;
    repo.name = r.name;
    repo.clone_url = r.url;
    fetcher.start({repo});
    auto ready = fetcher.next();
    if (!ready) {
      OrgRepository out{r.name, r.url, "", Status::error("not fetched")};
      return out;
    }
    return ready_repository(*ready);
  }

  datastore::Store& store_;
  sources::MirrorOptions mo_;
  Status status_;
};

}  // namespace

// Renews the worker's leases every third of the lease until the session ends.
struct WorkerSession::Heartbeat {
  explicit Heartbeat(datastore::Store& store, int lease_seconds)
      : thread([this, &store, lease_seconds] {
          const auto every = std::chrono::milliseconds(lease_seconds * 1000 / 3);
          std::unique_lock lock(mu);
          while (!cv.wait_for(lock, every, [this] { return stop; })) (void)store.heartbeat();
        }) {}
  ~Heartbeat() {
    {
      std::lock_guard lock(mu);
      stop = true;
    }
    cv.notify_all();
    thread.join();
  }
  std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  std::thread thread;
};

Expected<std::unique_ptr<WorkerSession>> WorkerSession::start(
    datastore::Store& store, FeedKind kind, const OrgFlags& flags,
    std::function<void(const std::string&)> notice) {
  std::unique_ptr<WorkerSession> w(new WorkerSession());
  w->store_ = &store;
  auto mo = mirror_options(kind, flags);
  if (!mo) return mo.status();
  if (Status s = store.register_worker(host_name(), static_cast<int>(flags.lease_seconds)); !s.ok())
    return s;
  w->heartbeat_ = std::make_unique<Heartbeat>(store, static_cast<int>(flags.lease_seconds));
  auto run = store.join_run(
      run_key(kind, flags), [&]() -> Expected<std::vector<datastore::RunRepository>> {
        auto repos = list_repositories(kind, flags, notice);
        if (!repos) return repos.status();
        std::vector<datastore::RunRepository> out;
        for (const sources::RemoteRepo& r : *repos)
          out.push_back({0, r.name, without_credentials(r.clone_url)});
        if (notice) notice("listed " + std::to_string(out.size()) + " repositories for this run");
        return out;
      });
  if (!run) return run.status();
  w->feed_ = std::make_unique<ClaimFeed>(store, std::move(*mo));
  return w;
}

WorkerSession::~WorkerSession() {
  heartbeat_.reset();
  if (store_) (void)store_->retire();
}

std::vector<std::string> WorkerSession::run_repositories() { return store_->run_repositories(); }

}  // namespace reachscan::cli
