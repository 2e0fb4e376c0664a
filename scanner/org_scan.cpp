#include "scanner/org_scan.h"

#include <chrono>
#include <mutex>
#include <set>
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
// time on different threads; one database connection is used by one thread at a time. On a
// shared datastore the input stage asks about a batch of blobs at once and claims the unknown
// ones (`claim`): blobs another live worker is reading are skipped and kept in `deferred`.
class StoreMemo final : public ScanMemo {
 public:
  StoreMemo(datastore::Store& store, bool claim) : store_(store), claim_(claim) {}
  bool known_clean(const Item& item) override {
    std::lock_guard lock(mu_);
    return store_.known_clean(item.blob);
  }
  std::size_t batch() const override { return store_.shared() ? 512 : 1; }
  std::vector<bool> known_clean(const std::vector<const Item*>& items) override {
    if (!store_.shared()) return ScanMemo::known_clean(items);
    std::vector<std::string> blobs;
    for (const Item* i : items) blobs.push_back(i->blob);
    std::lock_guard lock(mu_);
    std::vector<bool> out(items.size(), false);
    auto claims = store_.claim_blobs(blobs, claim_);
    if (!claims) {
      // The datastore is gone (retries spent): read nothing more; the scan reports the error.
      if (error_.ok()) error_ = claims.status();
      return std::vector<bool>(items.size(), true);
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
      out[i] = (*claims)[i] != datastore::BlobClaim::kRead;
      if ((*claims)[i] == datastore::BlobClaim::kDeferred) deferred_.push_back(blobs[i]);
      if (!out[i] && recount_.count(blobs[i])) ++recounted_;
    }
    return out;
  }
  void scanned_clean(const Item& item) override {
    std::lock_guard lock(mu_);
    store_.add_clean(item.blob);
  }
  void scanned_not_clean(const Item& item) override {
    std::lock_guard lock(mu_);
    store_.add_not_clean(item.blob);
  }
  const std::vector<std::string>& deferred() const { return deferred_; }
  const Status& error() const { return error_; }
  // Reads of these blobs are counted (the deferred blobs a second pass reads).
  void count_reads_of(const std::vector<std::string>& blobs) {
    recount_.insert(blobs.begin(), blobs.end());
  }
  std::uint64_t recounted() const { return recounted_; }

 private:
  datastore::Store& store_;
  bool claim_;
  std::mutex mu_;
  std::vector<std::string> deferred_;
  std::set<std::string> recount_;
  std::uint64_t recounted_ = 0;
  Status error_;
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
  auto store_lost = [&](const Status& why) {
    out.store_error = true;
    return done(RepoOutcome::State::kFailed, why.message());
  };
  if (!repo.fetch.ok()) return fail(repo.fetch.message());

  // The refs as they are before the walk: if they move while it runs, the next run walks again.
  auto tips = git::ref_tips(repo.git_dir);
  if (!tips) return fail(tips.status().message());
  if (!options_.rescan && *tips == store_.ref_tips(*id) && store_.state(*id) == "scanned") {
    if (Status s = store_.finish_repository(*id); !s.ok()) return store_lost(s);
    return done(RepoOutcome::State::kUnchanged);
  }

  git::GitSourceOptions go;
  go.repo = repo.git_dir;
  auto source = git::open_source(go);
  if (!source) return fail(source.status().message());
  auto root = git::config_root(repo.git_dir);
  StoreMemo memo(store_, true);
  ScanOptions so = options_.scan;
  so.root = root ? *root : repo.git_dir;
  so.deployment = head_deployment(repo.git_dir);
  so.memo = &memo;
  Scanner scanner(db_, so);
  ScanResult result = scanner.scan(**source, policy_, nullptr, counters);
  out.blobs_scanned = result.summary.files_scanned;
  out.blobs_known = result.summary.already_scanned;
  out.bytes = result.summary.bytes_scanned;
  // Interrupted: the blobs proven clean are kept (flushed below); the findings are not recorded,
  // so the next run scans this repository again from where its memo stands.
  if (!result.summary.complete || interrupted()) {
    (void)store_.flush();
    return done(RepoOutcome::State::kInterrupted);
  }
  if (!memo.error().ok()) return store_lost(memo.error());
  // Blobs other workers were reading when this walk met them: once they are done, those that
  // had findings (or whose worker died) must be read here too. A second walk reads every blob of
  // this repository not known clean, so its findings come from one pass, as in any scan.
  if (!memo.deferred().empty()) {
    auto need = store_.settle(memo.deferred());
    if (!need) return store_lost(need.status());
    if (!need->empty()) {
      auto again = git::open_source(go);
      if (!again) return fail(again.status().message());
      StoreMemo second(store_, false);
      second.count_reads_of(*need);
      so.memo = &second;
      result = Scanner(db_, so).scan(**again, policy_, nullptr, counters);
      if (!result.summary.complete || interrupted()) {
        (void)store_.flush();
        return done(RepoOutcome::State::kInterrupted);
      }
      if (!second.error().ok()) return store_lost(second.error());
      out.blobs_scanned += second.recounted();
      out.blobs_known -= std::min<std::uint64_t>(out.blobs_known, second.recounted());
    }
  }
  out.findings = result.findings.size();
  datastore::RepoScan rs;
  rs.repo_id = *id;
  rs.findings = options_.store_secrets ? std::move(result.findings) : report::mask(result.findings);
  rs.tips = std::move(*tips);
  rs.blobs_scanned = out.blobs_scanned;
  rs.blobs_known = out.blobs_known;
  rs.commits = result.summary.commits;
  rs.error = joined_errors(result.summary);
  if (Status s = store_.record_scan(rs); !s.ok()) return store_lost(s);
  return done(RepoOutcome::State::kScanned, rs.error);
}

}  // namespace reachscan
