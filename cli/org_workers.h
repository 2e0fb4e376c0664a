// One worker of an organisation scan on a shared (PostgreSQL) datastore: the same command
// started on many machines makes many workers of one run. The first to start lists the
// repositories (the others wait for the list); each then claims repositories one at a time with a
// lease that a heartbeat thread renews, fetches and scans them, and waits at the end until every
// repository of the run is done (taking over those whose worker stopped).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/org_inputs.h"
#include "datastore/store.h"

namespace reachscan::cli {

class WorkerSession {
 public:
  // Registers the worker, starts its heartbeat and joins (or starts) the run these flags name.
  static Expected<std::unique_ptr<WorkerSession>> start(
      datastore::Store& store, FeedKind kind, const OrgFlags& flags,
      std::function<void(const std::string&)> notice);
  // Ends the heartbeat and the worker's leases (what it still held is free for others at once).
  ~WorkerSession();
  WorkerSession(const WorkerSession&) = delete;
  WorkerSession& operator=(const WorkerSession&) = delete;

  // The repositories this worker claims, fetched; ends when the run has none left.
  RepositoryFeed& feed() { return *feed_; }
  // Every repository of the run (for the report).
  std::vector<std::string> run_repositories();

 private:
  WorkerSession() = default;
  struct Heartbeat;
  datastore::Store* store_ = nullptr;
  std::unique_ptr<RepositoryFeed> feed_;
  std::unique_ptr<Heartbeat> heartbeat_;
};

}  // namespace reachscan::cli
