#include "scanner/git_scan.h"

#include <tbb/concurrent_queue.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <thread>
#include <unordered_map>

#include "git/repository.h"
#include "reach/classify.h"
#include "scanner/chunked_scan.h"
#include "scanner/interrupt.h"
#include "sources/walker.h"

namespace reachscan {
namespace {

// Blobs per walk batch: large enough that the versions of a file in it sit together (see
// HistoryWalker::next_batch), small enough to start reading at once and to bound memory.
constexpr std::size_t kBatchBlobs = 4096;

constexpr std::string_view kLfsPointer = "version https://git-lfs.github.com/spec/v1";

// A blob read by the serial stage, ready for detection.
struct BlobWork {
  git::BlobTask task;
  std::optional<std::string> content;  // none: skipped (reason in `skip`)
  std::optional<Skip> skip;
};

struct BlobOutcome {
  FileOutcome file;
  std::optional<git::BlobTask> task;
  std::vector<std::string> errors;
};

bool on_added_line(const Finding& f, const git::LineRanges& added) {
  for (const auto& [first, last] : added)
    if (f.line <= last && f.end_line >= first) return true;
  return false;
}

bool excluded(const std::vector<std::string>& globs, const std::string& path) {
  for (const std::string& g : globs)
    if (glob_match(g, path)) return true;
  return false;
}

}  // namespace

Expected<ScanResult> scan_git(std::shared_ptr<const patterns::RuleDatabase> db,
                              const GitScanOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  auto opened = git::Repository::open(options.repo);
  if (!opened) return opened.status();
  const git::Repository& repo = **opened;
  ScanResult result;
  ScanSummary& summary = result.summary;
  if (repo.is_shallow())
    summary.notes.push_back(
        "shallow clone: commits before the shallow boundary are not present "
        "and were not scanned");

  // The source: a lazy history walk, or the precomputed blobs of the index or a range.
  std::unique_ptr<git::HistoryWalker> walker;
  std::vector<git::BlobTask> listed;
  std::size_t next_listed = 0;
  if (options.mode == GitScanOptions::Mode::kHistory) {
    git::HistoryWalker::Options wo;
    wo.all_objects = options.all_objects;
    wo.branch = options.branch;
    if (options.branch) {
      auto id = repo.resolve_commit(*options.branch);
      if (!id) return id.status();
    }
    walker = std::make_unique<git::HistoryWalker>(repo, wo);
  } else {
    auto blobs = options.mode == GitScanOptions::Mode::kStaged
                     ? git::staged_blobs(repo, summary.skipped)
                     : git::range_blobs(repo, options.range, summary.skipped);
    if (!blobs) return blobs.status();
    listed = std::move(*blobs);
  }

  const unsigned threads =
      options.scan.threads ? options.scan.threads
                           : static_cast<unsigned>(std::max(1, tbb::info::default_concurrency()));
  DetectorOptions dopts;
  dopts.verify = options.scan.verify;  // reach waits for provenance, below
  dopts.decode = options.scan.decode;
  const Detector detector(db, dopts);
  // libgit2 handles are not shared between threads: each worker opens its own.
  tbb::enumerable_thread_specific<std::unique_ptr<git::Repository>> handles;
  const std::string git_dir = repo.git_dir();
  std::vector<std::pair<git::BlobTask, Finding>> found;

  // The history walk runs on a thread of its own, a batch or two ahead of the readers, so that
  // walking trees (serial) overlaps reading and scanning blobs (parallel).
  tbb::concurrent_bounded_queue<std::vector<git::BlobTask>> batches;
  batches.set_capacity(2);
  std::vector<std::string> walk_errors;
  std::atomic<bool> stop_walk{false};
  std::thread producer;
  if (walker)
    producer = std::thread([&] {
      try {
        while (!stop_walk && !interrupted()) {
          auto next = walker->next_batch(kBatchBlobs, walk_errors);
          const bool end = next.empty();
          batches.push(std::move(next));
          if (end) return;
        }
      } catch (const tbb::user_abort&) {  // the scan stopped early: stop walking
      }
    });
  // Stops and joins the walk thread on every way out (a scan that throws included). After the
  // queue is drained the walker can push at most once more without blocking, then sees the flag.
  struct WalkThread {
    tbb::concurrent_bounded_queue<std::vector<git::BlobTask>>& queue;
    std::thread& thread;
    std::atomic<bool>& stop;
    void finish() {
      if (!thread.joinable()) return;
      stop = true;
      std::vector<git::BlobTask> drained;
      while (queue.try_pop(drained)) {
      }
      queue.abort();
      thread.join();
    }
    ~WalkThread() { finish(); }
  } walk_thread{batches, producer, stop_walk};
  std::vector<git::BlobTask> batch;
  std::size_t next_in_batch = 0;
  bool walk_ended = false;

  tbb::task_arena arena(static_cast<int>(threads));
  arena.execute(
      [&] {
        tbb::parallel_pipeline(threads * 4,
                               tbb::make_filter<void, std::optional<git::BlobTask>>(
                                   tbb::filter_mode::serial_in_order,
                                   [&](tbb::flow_control& fc) -> std::optional<git::BlobTask> {
                                     for (;;) {
                                       // Interrupted: stop reading (scanner/interrupt.h).
                                       if (interrupted()) {
                                         summary.complete = false;
                                         fc.stop();
                                         return std::nullopt;
                                       }
                                       std::optional<git::BlobTask> t;
                                       if (walker) {
                                         if (next_in_batch == batch.size() && !walk_ended) {
                                           batches.pop(batch);
                                           next_in_batch = 0;
                                           walk_ended = batch.empty();
                                         }
                                         if (next_in_batch < batch.size())
                                           t = std::move(batch[next_in_batch++]);
                                       } else if (next_listed < listed.size()) {
                                         t = std::move(listed[next_listed++]);
                                       }
                                       if (!t) {
                                         fc.stop();
                                         return std::nullopt;
                                       }
                                       if (excluded(options.scan.exclude_globs, t->path)) {
                                         summary.skipped.push_back(
                                             {t->path, SkipReason::kExcluded,
                                              "matches an allow-listed path"});
                                         continue;
                                       }
                                       return t;
                                     }
                                   }) &
                                   tbb::make_filter<std::optional<git::BlobTask>, BlobOutcome>(
                                       tbb::filter_mode::parallel,
                                       [&](std::optional<git::BlobTask> t) {
                                         BlobOutcome o;
                                         if (!t) return o;
                                         auto& handle = handles.local();
                                         if (!handle) {
                                           auto h = git::Repository::open(git_dir);
                                           if (!h) {
                                             o.errors.push_back(h.status().message());
                                             return o;
                                           }
                                           handle = std::move(*h);
                                         }
                                         if (options.scan.max_file_size) {
                                           auto size = handle->blob_size(t->blob);
                                           if (size && *size > options.scan.max_file_size) {
                                             o.file.skip =
                                                 Skip{t->path, SkipReason::kTooLarge,
                                                      std::to_string(*size) + " bytes, blob " +
                                                          t->blob.hex()};
                                             o.task = std::move(t);
                                             return o;
                                           }
                                         }
                                         auto content = handle->read_blob(t->blob);
                                         if (!content) {
                                           o.file.skip = Skip{t->path, SkipReason::kUnreadable,
                                                              content.status().message()};
                                           o.task = std::move(t);
                                           return o;
                                         }
                                         if (content->data.substr(0, kLfsPointer.size()) ==
                                             kLfsPointer) {
                                           o.file.skip = Skip{t->path, SkipReason::kLfsPointer,
                                                              "blob " + t->blob.hex()};
                                         } else {
                                           scan_memory(content->data, t->path, detector,
                                                       options.scan.chunk_size, o.file);
                                           if (o.file.skip)
                                             o.file.skip->detail += ", blob " + t->blob.hex();
                                         }
                                         if (t->only_added)
                                           std::erase_if(o.file.findings, [&](const Finding& f) {
                                             return !on_added_line(f, t->added);
                                           });
                                         o.task = std::move(t);
                                         return o;
                                       }) &
                                   tbb::make_filter<BlobOutcome, void>(
                                       tbb::filter_mode::serial_out_of_order, [&](BlobOutcome o) {
                                         for (std::string& e : o.errors)
                                           summary.errors.push_back(std::move(e));
                                         for (std::string& e : o.file.errors)
                                           summary.errors.push_back(std::move(e));
                                         for (std::string& n : o.file.notes)
                                           summary.notes.push_back(std::move(n));
                                         if (!o.task) return;
                                         if (o.file.skip) {
                                           summary.skipped.push_back(std::move(*o.file.skip));
                                           if (summary.skipped.back().reason !=
                                               SkipReason::kUnreadable)
                                             return;
                                         }
                                         ++summary.files_scanned;
                                         summary.bytes_scanned += o.file.bytes;
                                         for (Finding& f : o.file.findings)
                                           found.emplace_back(*o.task, std::move(f));
                                       }));
      });

  walk_thread.finish();
  for (std::string& e : walk_errors) summary.errors.push_back(std::move(e));

  // Provenance, looked up once per commit, only for findings.
  // (Only when there is something to place: the HEAD tree walk builds every path.)
  const git::BlobPaths head = options.mode == GitScanOptions::Mode::kStaged || found.empty()
                                  ? git::BlobPaths{}
                                  : repo.head_blobs();
  // Secrets present in HEAD's tree (by fingerprint), and the paths there that hold them.
  std::map<std::string, std::set<std::string>> at_head;
  for (const auto& [task, f] : found)
    if (auto it = head.find(task.blob); it != head.end())
      at_head[f.fingerprint].insert(it->second.begin(), it->second.end());
  std::vector<git::ObjectId> finding_commits;
  for (const auto& [task, f] : found)
    if (task.commit) finding_commits.push_back(*task.commit);
  std::sort(finding_commits.begin(), finding_commits.end());
  finding_commits.erase(std::unique(finding_commits.begin(), finding_commits.end()),
                        finding_commits.end());
  // Ref containment needs the whole commit graph: the history walk has it; a range or the index
  // only knows its own commits, so those report refs for full-history scans only.
  auto containing = walker ? repo.refs_containing(finding_commits, walker->graph())
                           : std::map<git::ObjectId, std::vector<std::string>>{};
  std::map<git::ObjectId, CommitInfo> commits;
  for (auto& [task, f] : found) {
    CommitInfo info;
    if (task.commit) {
      auto it = commits.find(*task.commit);
      if (it == commits.end()) {
        auto described = repo.describe(*task.commit);
        CommitInfo c = described ? std::move(*described) : CommitInfo{};
        if (!described) summary.errors.push_back(described.status().message());
        c.refs = std::move(containing[*task.commit]);
        it = commits.emplace(*task.commit, std::move(c)).first;
      }
      info = it->second;
    }
    info.blob = task.blob.hex();
    const auto here = at_head.find(f.fingerprint);
    info.in_head = options.mode == GitScanOptions::Mode::kStaged || here != at_head.end();
    if (here != at_head.end()) {
      constexpr std::size_t kMaxHeadPaths = 20;
      for (const std::string& p : here->second) {
        if (info.head_paths.size() == kMaxHeadPaths) break;
        info.head_paths.push_back(p);
      }
    }
    f.commit = std::move(info);
    result.findings.push_back(std::move(f));
  }

  // Production reach, now that provenance (refs, in_head, touched paths) is known: the blob is
  // read again for the findings' context, once per blob.
  if (options.scan.reach) {
    std::map<std::string, std::string> texts;
    for (Finding& f : result.findings) {
      const std::string& blob = f.commit->blob;
      auto it = texts.find(blob);
      if (it == texts.end()) {
        std::string text;
        if (auto id = git::ObjectId::from_hex(blob))
          if (auto content = repo.read_blob(*id)) text.assign(content->data);
        it = texts.emplace(blob, std::move(text)).first;
      }
      reach::FileContext ctx;
      ctx.path = f.path;
      ctx.text = it->second;
      ctx.secret_offset = static_cast<std::size_t>(f.offset);
      f.reach = reach::classify(f, ctx, *options.scan.reach);
    }
    flag_reuse_randomly(result.findings);
  }

  if (walker) {
    summary.commits = walker->commits_walked();
    if (const auto missing = walker->missing_parents()) {
      const std::string what = std::to_string(missing) + " parent commit(s) are missing";
      if (repo.is_shallow())
        summary.notes.push_back(what + " (shallow boundary); scanned what exists");
      else
        summary.errors.push_back(what +
                                 " from a repository that is not shallow; scanned what "
                                 "exists");
    }
  }
  sort_findings(result.findings);
  std::sort(summary.skipped.begin(), summary.skipped.end(),
            [](const Skip& a, const Skip& b) { return a.path < b.path; });
  for (const Finding& f : result.findings) ++summary.findings_by_rule[f.rule_id];
  summary.findings = result.findings.size();
  summary.rules = db->rules().size();
  summary.threads = threads;
  summary.elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace reachscan
