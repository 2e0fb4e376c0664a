#include "scanner/org_scan.h"

#include <chrono>
#include <mutex>
#include <type_traits>

#include "git/blob_sources.h"
#include "git/refs.h"
#include "report/reporter.h"
#include "scanner/deployment.h"
#include "scanner/fingerprint.h"
#include "scanner/interrupt.h"

namespace reachscan {
namespace {

// The datastore as the pipeline's memo. The two serial stages that call it may run at the same
// time on different threads; one SQLite connection is used by one thread at a time.
class StoreMemo final : public ScanMemo {
 public:
  explicit StoreMemo(datastore::Store& store) : store_(store) {}
  bool known_clean(const Item& item) override {
    std::lock_guard lock(mu_);
    return store_.known_clean(item.blob);
  }
  void scanned_clean(const Item& item) override {
    std::lock_guard lock(mu_);
    store_.add_clean(item.blob);
  }

 private:
  datastore::Store& store_;
  std::mutex mu_;
};

std::string joined_errors(const ScanSummary& s) {
  std::string out;
  for (const std::string& line : report::error_lines(s, false))
    out += (out.empty() ? "" : "; ") + line;
  return out;
}

}  // namespace

std::string ruleset_hash(const std::vector<patterns::Rule>& rules, const ScanOptions& o,
                         const std::string& version) {
  std::string all = "reachscan-ruleset-v1\n" + version + '\n';
  auto field = [&all](const auto& v) {
    if constexpr (std::is_arithmetic_v<std::decay_t<decltype(v)>>)
      all += std::to_string(v);
    else
      all += v;
    all += '\0';
  };
  for (const patterns::Rule& r : rules) {
    field(r.id), field(r.pattern), field(r.min_entropy), field(r.max_length), field(r.verify);
    field(r.variant), field(static_cast<int>(r.confidence)), field(r.companion_lines);
    field(static_cast<int>(r.companion_only)), field(static_cast<int>(r.opaque));
    for (const std::string& k : r.keywords) field(k);
    for (const std::string& c : r.companions) field(c);
    field(r.secret_group), field(r.path), field(static_cast<int>(r.keywords_anywhere));
    field(r.opt_in);
    for (const patterns::Allowlist& a : r.allowlists) {
      field(static_cast<int>(a.all)), field(a.regex_target);
      for (const auto* list : {&a.commits, &a.paths, &a.regexes, &a.stopwords}) {
        for (const std::string& v : *list) field(v);
        all += '\1';
      }
    }
    all += '\n';
  }
  field(o.max_file_size), field(static_cast<int>(o.decode)), field(o.max_decode_depth);
  field(o.chunk_size);
  field(o.archive.max_depth), field(o.archive.max_size), field(o.archive.max_ratio);
  field(o.archive.ratio_floor), field(o.archive.max_members), field(o.archive.max_buffered);
  field(static_cast<int>(o.archive.binary_strings)), field(o.archive.min_string);
  return sha256_hex(all);
}

OrgScanner::OrgScanner(std::shared_ptr<const patterns::RuleDatabase> db, const Policy& policy,
                       datastore::Store& store, OrgScanOptions options)
    : db_(std::move(db)), policy_(policy), store_(store), options_(std::move(options)) {}

RepoOutcome OrgScanner::scan(const OrgRepository& repo, ScanCounters* counters) {
  const auto t0 = std::chrono::steady_clock::now();
  RepoOutcome out;
  out.name = repo.name;
  auto done = [&](RepoOutcome::State state, std::string error = {}) {
    out.state = state;
    out.error = std::move(error);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
  };
  auto id = store_.add_repository(repo.name, repo.url);
  if (!id) return done(RepoOutcome::State::kFailed, id.status().message());
  auto fail = [&](const std::string& why) {
    if (Status s = store_.record_failure(*id, why); !s.ok())
      return done(RepoOutcome::State::kFailed, why + "; " + s.message());
    return done(RepoOutcome::State::kFailed, why);
  };
  if (!repo.fetch.ok()) return fail(repo.fetch.message());

  // The refs as they are before the walk: if they move while it runs, the next run walks again.
  auto tips = git::ref_tips(repo.git_dir);
  if (!tips) return fail(tips.status().message());
  if (!options_.rescan && *tips == store_.ref_tips(*id) && store_.state(*id) == "scanned")
    return done(RepoOutcome::State::kUnchanged);

  git::GitSourceOptions go;
  go.repo = repo.git_dir;
  auto source = git::open_source(go);
  if (!source) return fail(source.status().message());
  auto root = git::config_root(repo.git_dir);
  StoreMemo memo(store_);
  ScanOptions so = options_.scan;
  so.root = root ? *root : repo.git_dir;
  so.deployment = head_deployment(repo.git_dir);
  so.memo = &memo;
  Scanner scanner(db_, so);
  ScanResult result = scanner.scan(**source, policy_, nullptr, counters);
  out.blobs_scanned = result.summary.files_scanned;
  out.blobs_known = result.summary.already_scanned;
  out.bytes = result.summary.bytes_scanned;
  out.findings = result.findings.size();
  // Interrupted: the blobs proven clean are kept (flushed below); the findings are not recorded,
  // so the next run scans this repository again from where its memo stands.
  if (!result.summary.complete || interrupted()) {
    (void)store_.flush();
    return done(RepoOutcome::State::kInterrupted);
  }
  datastore::RepoScan rs;
  rs.repo_id = *id;
  rs.findings = options_.store_secrets ? std::move(result.findings) : report::mask(result.findings);
  rs.tips = std::move(*tips);
  rs.blobs_scanned = out.blobs_scanned;
  rs.blobs_known = out.blobs_known;
  rs.commits = result.summary.commits;
  rs.error = joined_errors(result.summary);
  if (Status s = store_.record_scan(rs); !s.ok())
    return done(RepoOutcome::State::kFailed, s.message());
  return done(RepoOutcome::State::kScanned, rs.error);
}

}  // namespace reachscan
