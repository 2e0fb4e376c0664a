#include "git/blob_sources.h"

#include <tbb/concurrent_queue.h>
#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "git/libgit2.h"
#include "git/object_streams.h"
#include "git/repository.h"

namespace reachscan::git {
namespace {

// Blobs per walk batch: large enough that the versions of a file in it sit together (see
// HistoryWalker::next_batch), small enough to start reading at once and to bound memory.
constexpr std::size_t kBatchBlobs = 4096;
constexpr std::string_view kLfsPointer = "version https://git-lfs.github.com/spec/v1";
constexpr std::size_t kMaxHeadPaths = 20;
// Blobs from this size on are streamed when stored whole (git/object_streams.h): the size from
// which libgit2's whole-object reads are serialised process-wide (Repository::read_blob).
constexpr std::uint64_t kStreamFrom = 16u << 20;

Item to_item(BlobTask&& t) {
  Item item;
  item.path = std::move(t.path);
  item.size = t.size_hint;
  item.blob = t.blob.hex();
  if (t.commit) item.commit = t.commit->hex();
  item.only_added = t.only_added;
  item.added = std::move(t.added);
  return item;
}

class GitSource final : public BlobSource {
 public:
  GitSource(std::unique_ptr<Repository> repo, GitSourceOptions options)
      : repo_(std::move(repo)), options_(std::move(options)), git_dir_(repo_->git_dir()) {}

  ~GitSource() override { stop_walk(); }

  Status start() {
    if (options_.mode == GitSourceOptions::Mode::kHistory) {
      HistoryWalker::Options wo;
      wo.all_objects = options_.all_objects;
      wo.branch = options_.branch;
      if (options_.branch) {
        auto id = repo_->resolve_commit(*options_.branch);
        if (!id) return id.status();
      }
      // The walk runs on its own thread, beside `describe` on the pipeline's: its own handle
      // (libgit2 handles are not shared between threads).
      auto walk_repo = Repository::open(git_dir_);
      if (!walk_repo) return walk_repo.status();
      walk_repo_ = std::move(*walk_repo);
      walker_ = std::make_unique<HistoryWalker>(*walk_repo_, wo);
      batches_.set_capacity(2);
      // The walk runs on a thread of its own, a batch or two ahead of the readers, so that
      // walking trees (serial) overlaps reading and scanning blobs (parallel).
      producer_ = std::thread([this] {
        try {
          while (!stop_) {
            auto next = walker_->next_batch(kBatchBlobs, walk_errors_);
            commits_ = walker_->commits_walked();
            const bool end = next.empty();
            batches_.push(std::move(next));
            if (end) return;
          }
        } catch (const tbb::user_abort&) {  // the scan stopped early: stop walking
        }
      });
      return Status();
    }
    auto blobs = options_.mode == GitSourceOptions::Mode::kStaged
                     ? staged_blobs(*repo_, listed_skips_)
                     : range_blobs(*repo_, options_.range, listed_skips_);
    if (!blobs) return blobs.status();
    listed_ = std::move(*blobs);
    return Status();
  }

  std::optional<Item> next(std::vector<Skip>& skips) override {
    if (!listed_skips_.empty()) {
      for (Skip& s : listed_skips_) skips.push_back(std::move(s));
      listed_skips_.clear();
    }
    if (!walker_) {
      if (next_listed_ == listed_.size()) return std::nullopt;
      return to_item(std::move(listed_[next_listed_++]));
    }
    if (next_in_batch_ == batch_.size() && !walk_ended_) {
      batches_.pop(batch_);
      next_in_batch_ = 0;
      walk_ended_ = batch_.empty();
    }
    if (next_in_batch_ == batch_.size()) return std::nullopt;
    return to_item(std::move(batch_[next_in_batch_++]));
  }

  Loaded load(const Item& item, std::uint64_t max_size) const override {
    Loaded out;
    // libgit2 handles are not shared between threads: each worker opens its own.
    auto& handle = handles_.local();
    if (!handle) {
      auto h = Repository::open(git_dir_);
      if (!h) {
        out.skip = Skip{item.path, SkipReason::kUnreadable, h.status().message()};
        return out;
      }
      handle = std::move(*h);
    }
    const auto id = ObjectId::from_hex(item.blob);
    if (!id) {
      out.skip = Skip{item.path, SkipReason::kUnreadable, "bad object id " + item.blob};
      return out;
    }
    auto size = handle->blob_size(*id);
    if (size && max_size && *size > max_size) {
      out.skip = Skip{item.path, SkipReason::kTooLarge,
                      std::to_string(*size) + " bytes, blob " + item.blob};
      return out;
    }
    // A large blob stored whole is inflated as the pipeline reads it (bounded memory); one
    // stored as a delta is read whole by libgit2 below, up to max_whole_read.
    const std::uint64_t whole_limit = options_.max_whole_read;
    if (size && (*size >= kStreamFrom || *size > whole_limit)) {
      if (auto opened = streams().open_blob(*id)) {
        out.stream = std::move(opened->stream);
        return out;
      }
      if (*size > whole_limit) {
        out.skip = Skip{item.path, SkipReason::kTooLarge,
                        std::to_string(*size) + " bytes, blob " + item.blob +
                            ": stored as a delta, which is read whole in memory (the limit is " +
                            std::to_string(whole_limit) + " bytes; only blobs stored whole are " +
                            "streamed)"};
        return out;
      }
    }
    auto content = handle->read_blob(*id);
    if (!content) {
      out.skip = Skip{item.path, SkipReason::kUnreadable, content.status().message()};
      return out;
    }
    if (content->data.substr(0, kLfsPointer.size()) == kLfsPointer) {
      out.skip = Skip{item.path, SkipReason::kLfsPointer, "blob " + item.blob};
      return out;
    }
    out.data.emplace(content->data);
    return out;
  }

  void describe(const Item& item, Finding& f) override {
    CommitInfo info;
    if (!item.commit.empty()) {
      auto it = commits_described_.find(item.commit);
      if (it == commits_described_.end()) {
        CommitInfo c;
        if (auto id = ObjectId::from_hex(item.commit)) {
          auto described = repo_->describe(*id);
          if (described)
            c = std::move(*described);
          else
            describe_errors_.push_back(described.status().message());
        }
        it = commits_described_.emplace(item.commit, std::move(c)).first;
      }
      info = it->second;
    }
    info.blob = item.blob;
    info.in_head = options_.mode == GitSourceOptions::Mode::kStaged;
    f.commit = std::move(info);
  }

  void gather(const std::vector<Finding*>& batch) override {
    stop_walk();
    if (batch.empty() || options_.mode == GitSourceOptions::Mode::kStaged) return;
    // Secrets present in HEAD's tree (by fingerprint), and the paths there that hold them.
    // (Only when there is something to place: the HEAD tree walk builds every path.)
    if (!head_) head_ = repo_->head_blobs();
    for (const Finding* f : batch) {
      if (auto id = ObjectId::from_hex(f->commit->blob))
        if (auto it = head_->find(*id); it != head_->end())
          at_head_[f->fingerprint].insert(it->second.begin(), it->second.end());
      if (walker_)
        if (auto id = ObjectId::from_hex(f->commit->id)) commit_ids_.push_back(*id);
    }
  }

  void complete(std::vector<Finding*>& batch) override {
    if (batch.empty() || options_.mode == GitSourceOptions::Mode::kStaged) return;
    // Ref containment needs the whole commit graph: the history walk has it; a range or the
    // index only knows its own commits, so those report refs for full-history scans only.
    if (walker_ && !commit_ids_.empty()) {
      std::sort(commit_ids_.begin(), commit_ids_.end());
      commit_ids_.erase(std::unique(commit_ids_.begin(), commit_ids_.end()), commit_ids_.end());
      containing_ = repo_->refs_containing(commit_ids_, walker_->graph());
      commit_ids_ = {};
    }
    for (Finding* f : batch) {
      CommitInfo& info = *f->commit;
      if (auto id = ObjectId::from_hex(info.id))
        if (auto it = containing_.find(*id); it != containing_.end()) info.refs = it->second;
      const auto here = at_head_.find(f->fingerprint);
      info.in_head = here != at_head_.end();
      if (info.in_head)
        for (const std::string& p : here->second) {
          if (info.head_paths.size() == kMaxHeadPaths) break;
          info.head_paths.push_back(p);
        }
    }
  }

  void finish(ScanSummary& summary) override {
    stop_walk();
    if (repo_->is_shallow())
      summary.notes.push_back(
          "shallow clone: commits before the shallow boundary are not present "
          "and were not scanned");
    for (std::string& e : walk_errors_) summary.errors.push_back(std::move(e));
    for (std::string& e : describe_errors_) summary.errors.push_back(std::move(e));
    if (walker_) {
      summary.commits = walker_->commits_walked();
      if (const auto missing = walker_->missing_parents()) {
        const std::string what = std::to_string(missing) + " parent commit(s) are missing";
        if (repo_->is_shallow())
          summary.notes.push_back(what + " (shallow boundary); scanned what exists");
        else
          summary.errors.push_back(what +
                                   " from a repository that is not shallow; scanned what exists");
      }
    }
  }

  SourceProgress progress() const override { return {commits_.load(), 0}; }

 private:
  // Stops and joins the walk thread on every way out. After the queue is drained the walker can
  // push at most once more without blocking, then sees the flag.
  void stop_walk() {
    if (!producer_.joinable()) return;
    stop_ = true;
    std::vector<BlobTask> drained;
    while (batches_.try_pop(drained)) {
    }
    batches_.abort();
    producer_.join();
  }

  // The packs' indexes, mapped on the first large blob.
  const ObjectStreams& streams() const {
    std::call_once(streams_once_, [this] { streams_ = std::make_unique<ObjectStreams>(git_dir_); });
    return *streams_;
  }

  std::unique_ptr<Repository> repo_;
  GitSourceOptions options_;
  std::string git_dir_;
  mutable std::once_flag streams_once_;
  mutable std::unique_ptr<ObjectStreams> streams_;
  mutable tbb::enumerable_thread_specific<std::unique_ptr<Repository>> handles_;

  std::unique_ptr<Repository> walk_repo_;  // the walk thread's handle; outlives walker_
  std::unique_ptr<HistoryWalker> walker_;
  tbb::concurrent_bounded_queue<std::vector<BlobTask>> batches_;
  std::thread producer_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> commits_{0};
  std::vector<std::string> walk_errors_;  // written by the walk thread until it is joined
  std::vector<BlobTask> batch_;
  std::size_t next_in_batch_ = 0;
  bool walk_ended_ = false;

  std::vector<BlobTask> listed_;
  std::size_t next_listed_ = 0;
  std::vector<Skip> listed_skips_;

  std::map<std::string, CommitInfo> commits_described_;
  std::vector<std::string> describe_errors_;
  // Provenance gathered from the occurrences found (gather) for complete().
  std::optional<BlobPaths> head_;
  std::map<std::string, std::set<std::string>> at_head_;  // fingerprint -> paths at HEAD
  std::vector<ObjectId> commit_ids_;
  std::map<ObjectId, std::vector<std::string>> containing_;  // commit -> refs containing it
};

}  // namespace

Expected<std::unique_ptr<BlobSource>> open_source(const GitSourceOptions& options) {
  auto opened = Repository::open(options.repo);
  if (!opened) return opened.status();
  auto source = std::make_unique<GitSource>(std::move(*opened), options);
  if (Status s = source->start(); !s.ok()) return s;
  return std::unique_ptr<BlobSource>(std::move(source));
}

Expected<std::string> config_root(const std::string& repo) {
  // The repository alone, without its object database (Repository::open opens both): a staged
  // scan opens the repository again for its source, and every millisecond of a hook counts.
  if (Status s = check_repository_files(repo); !s.ok()) return s;
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, repo.c_str(), 0, nullptr) != 0)
    return Status::error(
        detail::last_error(repo + " is not a git repository (or cannot be opened)"));
  detail::RepoPtr opened(raw);
  const char* workdir = git_repository_workdir(raw);
  return std::string(workdir ? workdir : git_repository_path(raw));
}

}  // namespace reachscan::git
