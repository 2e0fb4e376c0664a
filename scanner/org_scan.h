// Organisation scans: many repositories, one datastore, each blob once.
//
// Each repository is scanned as a git history through the one pipeline, with the datastore as
// its memo: a blob that any repository's scan (this run's or an earlier one's) read whole and
// found clean under the same rule set is not read again, so forks cost their own new blobs only.
// Blobs with findings are always scanned again, so each repository gets its own provenance and
// reach verdicts. A repository whose refs have not moved since its last complete scan is not
// walked at all. A repository's findings replace its earlier ones in one transaction when its
// scan completes (see datastore/store.h for what that means when a run is killed).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/blob_source.h"
#include "core/status.h"
#include "datastore/store.h"
#include "patterns/rule_database.h"
#include "scanner/pipeline.h"
#include "scanner/policy.h"

namespace reachscan {

// A repository to scan: its name in reports, where it came from, and the git dir to read (a
// local mirror or repository); `fetch` holds why it could not be obtained.
struct OrgRepository {
  std::string name;
  std::string url;
  std::string git_dir;
  Status fetch;
};

struct OrgScanOptions {
  ScanOptions scan;            // per-repository settings; root, deployment and memo set per repo
  bool store_secrets = false;  // keep secret values in the datastore (default: masked)
  bool rescan = false;         // walk repositories whose refs did not move, too
  std::string version;         // the tool's version, part of the rule-set hash
};

struct RepoOutcome {
  enum class State { kScanned, kUnchanged, kFailed, kInterrupted };
  State state = State::kScanned;
  std::string name;
  std::string error;         // kFailed: why; kScanned: problems that did not stop it
  bool store_error = false;  // kFailed because the datastore could not be written: stop the run
  std::uint64_t blobs_scanned = 0;
  std::uint64_t blobs_known = 0;
  std::uint64_t bytes = 0;
  std::uint64_t findings = 0;
  double seconds = 0;
};

// The identity of "scanned clean": the tool version, every rule's detection fields and the scan
// options that change what is found.
std::string ruleset_hash(const std::vector<patterns::Rule>& rules, const ScanOptions& options,
                         const std::string& version);

class OrgScanner {
 public:
  // `policy` suppresses (ignore files, baselines, allow lists) as in any scan; --min-reach and
  // --fail-on are applied when the datastore is reported, so everything found is stored.
  OrgScanner(std::shared_ptr<const patterns::RuleDatabase> db, const Policy& policy,
             datastore::Store& store, OrgScanOptions options);

  // Scans one repository into the datastore. Never throws; failures are recorded there and
  // returned as kFailed.
  RepoOutcome scan(const OrgRepository& repo, ScanCounters* counters = nullptr);

 private:
  std::shared_ptr<const patterns::RuleDatabase> db_;
  const Policy& policy_;
  datastore::Store& store_;
  OrgScanOptions options_;
};

}  // namespace reachscan
