#include "scanner/pipeline.h"

#include <openssl/rand.h>
#include <tbb/info.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>

#include "core/glob.h"
#include "reach/classify.h"
#include "reach/deployment.h"
#include "scanner/chunked_scan.h"
#include "scanner/detector.h"
#include "scanner/findings.h"
#include "scanner/interrupt.h"
#include "sources/archive.h"
#include "sources/walker.h"

namespace reachscan {
namespace {

// One item after the parallel stage.
struct Outcome {
  std::optional<Item> item;
  FileOutcome file;
};

bool on_added_line(const Finding& f, const Item& item) {
  for (const auto& [first, last] : item.added)
    if (f.line <= last && f.end_line >= first) return true;
  return false;
}

// A ReadFn over a source's stream. A failure mid-way (a damaged blob, one whose bytes are not
// those its id names) is an error of the run, not a skip: the findings read so far are kept.
ReadFn stream_reader(ByteStream& stream, const Item& item, std::vector<std::string>& errors) {
  return [&stream, &item, &errors](char* buf, std::size_t n, ReadFailure& failure) -> long {
    std::string error;
    const long got = stream.read(buf, n, error);
    if (got < 0) {
      errors.push_back(item.path + (item.blob.empty() ? "" : " (blob " + item.blob + ")") + ": " +
                       error);
      failure = {SkipReason::kCorrupt, error, true};
    }
    return got;
  };
}

bool memo_applies(const Item& item) { return !item.blob.empty() && !item.only_added; }

// Read whole, nothing found, nothing that failed: the content is clean whoever scans it again.
bool clean(const FileOutcome& o) {
  return o.findings.empty() && !o.skip && o.errors.empty() && o.notes.empty() &&
         std::none_of(o.member_skips.begin(), o.member_skips.end(),
                      [](const Skip& k) { return is_error(k.reason); });
}

bool excluded(const std::vector<std::string>& globs, const std::string& path) {
  for (const std::string& g : globs)
    if (path_glob_covers(g, path)) return true;
  return false;
}

// A random per-run key for reach::flag_reuse, so that its digests are never comparable across
// runs.
std::string reuse_key() {
  unsigned char key[32];
  if (RAND_bytes(key, sizeof key) != 1) {
    // No entropy source: fall back to a per-process value; digests stay in memory either way.
    const auto seed = std::chrono::steady_clock::now().time_since_epoch().count();
    std::memcpy(key, &seed, sizeof seed);
  }
  return std::string(reinterpret_cast<const char*>(key), sizeof key);
}

}  // namespace

// The deployment model, built once, on first use, from any worker thread.
struct LazyDeployment {
  std::function<std::shared_ptr<const reach::DeploymentModel>()> build;
  std::once_flag once;
  std::shared_ptr<const reach::DeploymentModel> model;
  const reach::DeploymentModel* get() {
    std::call_once(once, [&] {
      if (build) model = build();
    });
    return model.get();
  }
};

struct Scanner::Impl {
  std::shared_ptr<const patterns::RuleDatabase> db;
  std::unique_ptr<LazyDeployment> deployment;  // before the detector, which points into it
  Detector detector;
  ScanOptions options;
  Impl(std::shared_ptr<const patterns::RuleDatabase> d, ScanOptions o)
      : db(d),
        deployment(std::make_unique<LazyDeployment>()),
        detector(std::move(d), detector_options(o, deployment.get())),
        options(std::move(o)) {
    deployment->build = options.deployment;
  }

  static DetectorOptions detector_options(const ScanOptions& o, LazyDeployment* lazy) {
    DetectorOptions d;
    d.verify = o.verify;
    d.decode = o.decode;
    d.max_decode_depth = o.max_decode_depth;
    d.reach = o.reach.get();
    d.root = o.root;
    if (o.deployment) d.deployment = [lazy] { return lazy->get(); };
    return d;
  }

  // After every item: provenance that needs the whole walk, only for what was found; then git
  // context joins the verdict the detector made from the file, and reuse across environments is
  // flagged. Each a pass over the store, a batch at a time.
  void complete(BlobSource& source, FindingStore& store, ScanSummary& summary) const {
    store.update([&](std::vector<Finding*>& batch) { source.gather(batch); }, false);
    const reach::ReachConfig* cfg = options.reach.get();
    store.update([&](std::vector<Finding*>& batch) {
      source.complete(batch);
      if (cfg)
        for (Finding* f : batch)
          if (f->commit && f->reach) f->reach = reach::add_git_context(*f->reach, *f, *cfg);
    });
    source.finish(summary);
    if (!cfg) return;
    const std::string key = reuse_key();
    store.update_by_secret([&](std::vector<Finding>& batch) { reach::flag_reuse(batch, key); });
  }

  ArchiveOptions archive_options() const {
    ArchiveOptions a = options.archive;
    a.chunk_size = options.chunk_size;
    a.max_text_size = options.max_file_size;
    return a;
  }

  // What `source.load` may read of an item. --max-file-size limits text; an archive is bounded by
  // the archive limits instead (--max-archive-size, the bomb limits), its members by
  // --max-file-size. Sources that hand out a file descriptor are streamed and ignore this; a git
  // blob is read whole, so one named as an archive (a committed .jar) is read to max_size.
  std::uint64_t load_limit(const Item& item, const ArchiveOptions& archive) const {
    if (options.max_file_size && archive.max_depth > 0 && archive_named(item.path))
      return archive.max_size ? std::max(archive.max_size, options.max_file_size) : 0;
    return options.max_file_size;
  }

  // Text, archives (opened, members streamed) and compiled artifacts, through one dispatch
  // (sources/archive.h).
  // `self` is `source` when it scans its items itself (ScanningSource), else null.
  Outcome process(Item&& item, const BlobSource& source, const ScanningSource* self,
                  const ArchiveOptions& archive) const {
    Outcome o;
    if (self) {
      self->scan(item, detector, archive, o.file);
      o.item = std::move(item);
      return o;
    }
    Loaded l = source.load(item, load_limit(item, archive));
    if (l.skip) {
      o.file.skip = std::move(l.skip);
    } else if (l.fd >= 0) {
      scan_content(fd_reader(l.fd), item.path, item.size, detector, archive, o.file);
      ::close(l.fd);
    } else if (l.stream) {
      scan_content(stream_reader(*l.stream, item, o.file.errors), item.path, item.size, detector,
                   archive, o.file);
    } else if (l.data) {
      scan_buffer(*l.data, item.path, detector, archive, o.file);
      if (o.file.skip && !item.blob.empty()) o.file.skip->detail += ", blob " + item.blob;
    }
    if (item.only_added)
      std::erase_if(o.file.findings, [&](const Finding& f) { return !on_added_line(f, item); });
    o.item = std::move(item);
    return o;
  }
};

Scanner::Scanner(std::shared_ptr<const patterns::RuleDatabase> db, ScanOptions options) {
  threads_ = options.threads ? options.threads
                             : static_cast<unsigned>(std::max(1, tbb::info::default_concurrency()));
  impl_ = std::make_unique<Impl>(std::move(db), std::move(options));
}

Scanner::~Scanner() = default;

ScanResult Scanner::scan(BlobSource& source, const Policy& policy, ScanObserver* observer,
                         ScanCounters* counters, FindingSink* sink) const {
  const auto t0 = std::chrono::steady_clock::now();
  ScanResult result;
  ScanSummary& summary = result.summary;
  FindingStore store(impl_->options.kept_per_finding,
                     impl_->options.findings_memory.value_or(FindingStore::kNoLimit));
  const std::vector<std::string>& globs = impl_->options.exclude_globs;
  const ArchiveOptions archive = impl_->archive_options();
  const auto* self = dynamic_cast<const ScanningSource*>(&source);
  ScanMemo* memo = impl_->options.memo;

  // Gathers the memo's batch of items that are not excluded and keeps those it does not know.
  std::deque<Item> ready;
  bool source_done = false;
  auto fill = [&] {
    std::vector<Item> batch;
    const std::size_t want = memo ? std::max<std::size_t>(1, memo->batch()) : 1;
    while (batch.size() < want && !interrupted()) {
      auto item = source.next(summary.skipped);
      if (!item) {
        source_done = true;
        break;
      }
      if (!globs.empty() && excluded(globs, item->path)) {
        summary.skipped.push_back(
            {item->path, SkipReason::kExcluded, "matches an allow-listed path"});
        continue;
      }
      batch.push_back(std::move(*item));
    }
    std::vector<const Item*> asked;
    for (const Item& i : batch)
      if (memo && memo_applies(i)) asked.push_back(&i);
    const std::vector<bool> known = asked.empty() ? std::vector<bool>() : memo->known_clean(asked);
    std::size_t k = 0;
    for (Item& i : batch) {
      const bool skip = memo && memo_applies(i) && k < known.size() && known[k++];
      if (skip)
        ++summary.already_scanned;
      else
        ready.push_back(std::move(i));
    }
  };
  // Hands out the next item; stops the pipeline at the end.
  auto pull = [&](tbb::flow_control& fc) -> std::optional<Item> {
    for (;;) {
      // Interrupted (SIGINT/SIGTERM/SIGHUP, scanner/interrupt.h): stop reading; what was found
      // is still reported, marked incomplete.
      // Items already taken from the source are handed out even after an interrupt: a
      // stream source (stdin) has consumed their bytes and they are reported, as before.
      if (!ready.empty()) {
        Item item = std::move(ready.front());
        ready.pop_front();
        return item;
      }
      if (interrupted() || source_done) {
        fc.stop();
        return std::nullopt;
      }
      fill();
    }
  };
  auto collect = [&](Outcome o) {
    if (memo && o.item && memo_applies(*o.item)) {
      if (clean(o.file))
        memo->scanned_clean(*o.item);
      else
        memo->scanned_not_clean(*o.item);
    }
    for (std::string& e : o.file.errors) summary.errors.push_back(std::move(e));
    for (std::string& n : o.file.notes) summary.notes.push_back(std::move(n));
    if (!o.item) return;
    // Archive members (and image layers' files) count as files, their skips as skips.
    summary.files_scanned += o.file.members_scanned;
    for (Skip& k : o.file.member_skips) summary.skipped.push_back(std::move(k));
    if (o.file.skip) {
      summary.skipped.push_back(std::move(*o.file.skip));
      // Unreadable mid-way still counts what was read and keeps its findings.
      if (summary.skipped.back().reason != SkipReason::kUnreadable) return;
    }
    ++summary.files_scanned;
    summary.bytes_scanned += o.file.bytes;
    if (counters) {
      counters->items.fetch_add(1, std::memory_order_relaxed);
      counters->bytes.fetch_add(o.file.bytes, std::memory_order_relaxed);
    }
    std::vector<Finding>& found = o.file.findings;
    for (Finding& f : found) source.describe(*o.item, f);
    const auto before = found.size();
    std::erase_if(found, [&](const Finding& f) { return policy.suppressed(f); });
    summary.suppressed += before - found.size();
    if (found.empty()) return;
    if (observer) observer->on_occurrences(found);
    if (counters) counters->occurrences.fetch_add(found.size(), std::memory_order_relaxed);
    for (Finding& f : found) store.add(std::move(f));
  };

  const unsigned threads = threads_;
  tbb::task_arena arena(static_cast<int>(threads));
  arena.execute([&] {
    // A few items in flight per thread keeps cores busy while bounding memory to
    // tokens x chunk_size.
    tbb::parallel_pipeline(
        threads * 4,
        tbb::make_filter<void, std::optional<Item>>(tbb::filter_mode::serial_in_order, pull) &
            tbb::make_filter<std::optional<Item>, Outcome>(
                tbb::filter_mode::parallel,
                [&](std::optional<Item> item) {
                  return item ? impl_->process(std::move(*item), source, self, archive) : Outcome{};
                }) &
            tbb::make_filter<Outcome, void>(tbb::filter_mode::serial_out_of_order, collect));
  });

  if (interrupted()) summary.complete = false;
  // What the deployment model could not follow (bad YAML, cycles, paths leaving the tree), when
  // a finding made the scan build it.
  if (const auto& model = impl_->deployment->model)
    for (const std::string& n : model->notes()) summary.notes.push_back("deployment model: " + n);

  impl_->complete(source, store, summary);
  // The findings in report order, to the sink or the result; --min-reach counted here.
  PathSecrets secrets;
  bool masked = sink && sink->wants_secrets();
  std::uint64_t shown = 0;
  store.finish(
      [&](ReachVerdict v) {
        if (policy.shown(v)) return true;
        ++summary.below_min_reach;
        return false;
      },
      masked ? &secrets : nullptr,
      [&](SecretFinding&& s) {
        if (masked) sink->secrets(std::move(secrets));
        masked = false;
        tally(policy, s, summary);
        ++shown;
        if (sink)
          sink->on_finding(std::move(s));
        else
          result.findings.push_back(std::move(s));
      });
  if (!store.read_error().empty()) summary.errors.push_back(store.read_error());
  if (!store.spill_error().empty()) summary.notes.push_back(store.spill_error());
  summary.findings = shown;
  std::sort(summary.skipped.begin(), summary.skipped.end(),
            [](const Skip& a, const Skip& b) { return a.path < b.path; });
  summary.rules = impl_->db->rules().size();
  summary.threads = threads;
  summary.elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace reachscan
