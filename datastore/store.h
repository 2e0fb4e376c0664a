// The datastore of organisation scans: one SQLite file (WAL mode, created 0600, schema versioned
// with migrations) that holds the repositories and what their last scan saw (ref tips), the
// blobs already scanned clean under a rule set (so a blob shared by 40 forks is scanned once and
// a re-run scans only new blobs), the findings (one per secret under one rule, identified by its
// fingerprint, the same 128-bit hash reports print), their occurrences in every repository, and
// triage (status and comment per finding, kept across re-scans).
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
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
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
  bool writer = true;  // creates the file, writes; false: read-only (report)
  bool lock = true;    // writer: take the run lock (scans); triage writes without it
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
  Status flush();

  Status record_failure(std::int64_t repo_id, const std::string& error);
  Status record_scan(const RepoScan& scan);

  // One secret under one rule across the organisation: every finding with an occurrence the
  // filter selects, with those occurrences (at most kept_per_finding; `count` is exact), each
  // carrying its repository; `first` is the most severe, `repositories` every repository it is
  // in, `triage` its triage. Ordered by the first occurrence's repository, path and line.
  Expected<std::vector<SecretFinding>> findings(const Filter& filter);

  Status set_triage(const std::string& fingerprint, const Triage& t);
  // Triage as JSON ([{fingerprint, status, comment, updated_at}]) and back.
  Expected<std::string> export_triage();
  Expected<std::size_t> import_triage(std::string_view json);

 private:
  Store() = default;
  Status migrate();
  Status prepare_statements();

  std::unique_ptr<Connection> db_;
  int lock_fd_ = -1;
  std::int64_t ruleset_ = 0;
  std::unique_ptr<Statement> known_, add_clean_;
  std::size_t pending_ = 0;
  bool in_batch_ = false;
  Status error_;
};

}  // namespace reachscan::datastore
