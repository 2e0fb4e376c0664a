// The datastore of organisation scans: one SQLite file (WAL mode, created 0600, schema versioned
// with migrations; the default) or one PostgreSQL database (`postgresql://...`, shared by many
// worker processes on many machines) that holds the repositories and what their last scan saw (ref
// tips), the blobs already scanned clean under a rule set (so a blob shared by 40 forks is scanned
// once and a re-run scans only new blobs), the findings (one per secret under one rule, identified
// by its fingerprint, the same 128-bit hash reports print), their occurrences in every repository,
// and triage (status and comment per finding, kept across re-scans).
//
// Secret values are stored only when the caller passes them unmasked (`--store-secrets`); by
// default findings arrive masked and the datastore holds the fingerprint and a masked preview.
//
// One writer at a time: a scan takes an exclusive lock (a `.lock` file beside the database,
// released by the kernel if the process dies), and a second scan is refused with a clear message.
// Readers (`report`) take no lock and never block the scan (WAL). A repository's findings are
// replaced in one transaction when its scan completes, so a scan killed at any point leaves the
// datastore as it was before that repository (plus blobs proven clean), and the same command run
// again continues where it stopped without counting anything twice.
//
// PostgreSQL adds what many workers of one scan share (datastore/workers.cpp): the run (the
// repository list, enumerated once by the first worker), leases on repositories (claimed with
// FOR UPDATE SKIP LOCKED, kept alive by the worker's heartbeat, taken over when it stops) and
// claims on blobs (a blob is read by the one worker whose claim the database accepted; claims are
// made in batches). SQLite has one writer, so it needs none of that.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace reachscan::datastore {

class Connection;
class Statement;

inline constexpr int kSchemaVersion = 1;

struct StoreOptions {
  bool writer = true;      // creates the file, writes; false: read-only (report)
  bool lock = true;        // writer: take the run lock (scans); triage writes without it
  int retry_seconds = 60;  // PostgreSQL: how long a lost connection is retried
};

// What a worker does with a blob (claim_blobs).
enum class BlobClaim : std::uint8_t {
  kRead,      // read it: this worker's claim, or it had findings (read in every repository)
  kKnown,     // scanned clean already: skip
  kDeferred,  // another live worker is reading it: skip now, settle() at the repository's end
};

// A repository of the run, as the first worker listed it.
struct RunRepository {
  std::int64_t id = 0;
  std::string name;
  std::string url;
};

struct Repository {
  std::int64_t id = 0;
  std::string name;
  std::string url;
  std::string state;  // pending, scanned, failed
  std::string error;
  std::string scanned_at;  // UTC, ISO 8601
  std::uint64_t blobs_scanned = 0;
  std::uint64_t blobs_known = 0;  // skipped: already scanned clean, here or in another repository
  std::uint64_t commits = 0;
};

// What one repository's completed scan found; written in one transaction.
struct RepoScan {
  std::int64_t repo_id = 0;
  std::vector<SecretFinding> findings;      // secrets masked unless the user stores them
  std::map<std::string, std::string> tips;  // ref -> commit id, as scanned
  std::uint64_t blobs_scanned = 0;
  std::uint64_t blobs_known = 0;
  std::uint64_t commits = 0;
  std::string error;  // problems that did not stop the scan; empty: none
};

// The statuses set_triage accepts.
bool valid_triage_status(std::string_view s);

// What a report selects. Empty lists select everything.
struct Filter {
  std::vector<std::string> repositories;
  std::vector<std::string> rules;
  std::vector<std::string> statuses;  // open (no triage), accepted, rejected, false_positive
  std::size_t kept_per_finding = 1000;
};

class Store {
 public:
  static Expected<std::unique_ptr<Store>> open(const std::string& path, StoreOptions options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The rule set (a hash of the rules and the options that change what is found) that "scanned
  // clean" refers to; a blob is skipped only when it was scanned clean under the same one.
  Status use_ruleset(const std::string& hash);

  Expected<std::int64_t> add_repository(const std::string& name, const std::string& url);
  std::vector<Repository> repositories();
  // One repository's state ("pending", "scanned", "failed"); empty when it is not known.
  std::string state(std::int64_t repo_id);
  std::map<std::string, std::string> ref_tips(std::int64_t repo_id);

  // The blob memo. `known_clean` sees blobs added in this run too.
  bool known_clean(std::string_view blob_hex);
  void add_clean(std::string_view blob_hex);  // batched; committed every few thousand and by flush
  // A blob read here that was not clean (findings, errors): every repository must read it.
  // Workers tell the others (batched like add_clean); SQLite needs nothing.
  void add_not_clean(std::string_view blob_hex);
  Status flush();

  Status record_failure(std::int64_t repo_id, const std::string& error);
  Status record_scan(const RepoScan& scan);

  // One secret under one rule across the organisation: every finding with an occurrence the
  // filter selects, with those occurrences (at most kept_per_finding; `count` is exact), each
  // carrying its repository; `first` is the most severe, `repositories` every repository it is
  // in, `triage` its triage. Ordered by the first occurrence's repository, path and line.
  Expected<std::vector<SecretFinding>> findings(const Filter& filter);

  // ---- Many workers (PostgreSQL only; SQLite answers with an error) ----
  bool shared() const;
  // Registers this process as a worker; its leases last `lease_seconds` past each heartbeat.
  Status register_worker(const std::string& host, int lease_seconds);
  // Renews this worker's leases. Uses its own connection: safe to call from another thread.
  Status heartbeat();
  // Ends this worker's leases now (a clean exit): what it held is free for others at once.
  Status retire();
  // Joins the unfinished run called `key`, or starts one: the first worker (under an advisory
  // lock, so the others wait) calls `list` and records the repositories, in order.
  using Lister = std::function<Expected<std::vector<RunRepository>>()>;
  Expected<std::int64_t> join_run(const std::string& key, const Lister& list);
  // The next repository of the run that is not done and not leased by a live worker; nullopt
  // when there is none now (`remaining` says how many are not done: wait while it is not 0).
  Expected<std::optional<RunRepository>> claim_repository(std::size_t& remaining);
  // The names of the run's repositories, in its order.
  std::vector<std::string> run_repositories();
  // Marks a repository of the run done without a scan (its refs did not move); record_scan and
  // record_failure mark theirs in their own transaction.
  Status finish_repository(std::int64_t repo_id);
  // One batch of blobs (40 hex digits each), one round trip or three: which to read. With
  // `claim` false nothing is claimed: blobs not known clean are read.
  Expected<std::vector<BlobClaim>> claim_blobs(std::span<const std::string> blobs, bool claim);
  // The deferred blobs of a repository once their readers are done (waits while a live worker
  // still holds one): those that must be read here (they had findings, or their reader died).
  Expected<std::vector<std::string>> settle(const std::vector<std::string>& deferred);
  // Statements that wrote, since open (for the throughput figures of bench/).
  std::uint64_t writes() const { return writes_; }

  // Folds the SQLite datastore at `path` into this one: rule sets, clean blobs, each repository
  // whose scan there is newer than here (with its findings, counts and ref tips), triage (newest
  // decision wins). One transaction per source.
  Status merge_from(const std::string& path);

  Status set_triage(const std::string& fingerprint, const Triage& t);
  // Triage as JSON ([{fingerprint, status, comment, updated_at}]) and back.
  Expected<std::string> export_triage();
  Expected<std::size_t> import_triage(std::string_view json);

 private:
  Store() = default;
  Status migrate();
  bool readable();  // the schema version can be read (false on read-only media in WAL mode)
  Status migrate_postgres();
  Status prepare_statements();
  Status record_scan_once(const RepoScan& scan);
  Status mark_done(std::int64_t repo_id);
  Status flush_postgres();
  bool flush_due() const;  // workers: more than a second since the last write of the buffers
  // Runs `unit` (a transaction or an idempotent statement); after a lost connection it
  // reconnects (with backoff) and runs it again.
  Status retrying(const std::function<Status()>& unit);

  std::unique_ptr<Connection> db_;
  std::unique_ptr<Connection> heartbeat_db_;  // PostgreSQL workers: the heartbeat's own
  std::string name_;
  StoreOptions options_;
  int lock_fd_ = -1;
  std::int64_t ruleset_ = 0;
  std::unique_ptr<Statement> known_, add_clean_;
  std::size_t pending_ = 0;
  bool in_batch_ = false;
  Status error_;
  // PostgreSQL workers.
  std::int64_t worker_ = 0;
  std::int64_t run_ = 0;
  int lease_seconds_ = 60;
  std::vector<std::string> clean_buffer_, not_clean_buffer_;  // not yet written
  std::int64_t flushed_at_ = 0;                               // steady clock, ms
  std::uint64_t writes_ = 0;
};

}  // namespace reachscan::datastore
