#include "git/repository.h"

#include <git2.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <iterator>
#include <map>
#include <mutex>
#include <semaphore>
#include <unordered_map>

namespace reachscan::git {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const {
    if (p) Free(p);
  }
};
template <typename T, void (*Free)(T*)>
using Handle = std::unique_ptr<T, Deleter<T, Free>>;

using RepoPtr = Handle<git_repository, git_repository_free>;
using OdbPtr = Handle<git_odb, git_odb_free>;
using OdbObjectPtr = Handle<git_odb_object, git_odb_object_free>;
using CommitPtr = Handle<git_commit, git_commit_free>;
using TreePtr = Handle<git_tree, git_tree_free>;
using RevwalkPtr = Handle<git_revwalk, git_revwalk_free>;
using DiffPtr = Handle<git_diff, git_diff_free>;
using PatchPtr = Handle<git_patch, git_patch_free>;
using IndexPtr = Handle<git_index, git_index_free>;
using ObjectPtr = Handle<git_object, git_object_free>;
using RefPtr = Handle<git_reference, git_reference_free>;
using RefIterPtr = Handle<git_reference_iterator, git_reference_iterator_free>;

// libgit2 keeps its error text per thread: fetch it on the thread that failed.
std::string last_error(const std::string& what) {
  const git_error* e = git_error_last();
  return what + ": " + (e && e->message ? e->message : "unknown libgit2 error");
}

ObjectId to_id(const git_oid* oid) {
  ObjectId id;
  std::memcpy(id.bytes.data(), oid->id, 20);
  return id;
}

git_oid to_oid(const ObjectId& id) {
  git_oid oid;
  std::memcpy(oid.id, id.bytes.data(), 20);
  return oid;
}

std::string iso_time(const git_time& t) {
  const std::time_t secs = static_cast<std::time_t>(t.time) + t.offset * 60;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  const int off = std::abs(t.offset);
  char zone[24];
  std::snprintf(zone, sizeof zone, "%c%02d:%02d", t.offset < 0 ? '-' : '+', off / 60, off % 60);
  return std::string(buf) + zone;
}

void merge_line(LineRanges& ranges, std::uint64_t line) {
  if (!ranges.empty() && ranges.back().second + 1 == line)
    ranges.back().second = line;
  else
    ranges.emplace_back(line, line);
}

// Turns one diff delta into a task with the added lines, or a skip.
void collect_delta(git_diff* diff, std::size_t i, const std::optional<ObjectId>& commit,
                   ObjectIdSet& seen, std::vector<BlobTask>& out, std::vector<Skip>& skips) {
  const git_diff_delta* d = git_diff_get_delta(diff, i);
  if (d->status == GIT_DELTA_DELETED || d->status == GIT_DELTA_UNMODIFIED) return;
  const std::string path = d->new_file.path ? d->new_file.path : "";
  if (d->new_file.mode == GIT_FILEMODE_COMMIT) {
    skips.push_back({path, SkipReason::kSubmodule, "submodule " + to_id(&d->new_file.id).hex()});
    return;
  }
  if (d->new_file.mode == GIT_FILEMODE_LINK) return;  // a symlink's blob is only a path
  git_patch* raw = nullptr;
  if (git_patch_from_diff(&raw, diff, i) != 0) {
    skips.push_back({path, SkipReason::kUnreadable, last_error("cannot diff")});
    return;
  }
  PatchPtr patch(raw);
  const git_diff_delta* pd = git_patch_get_delta(patch.get());
  if (pd->flags & GIT_DIFF_FLAG_BINARY) {
    // Issue 13: a binary blob has no lines to diff; the scanner opens it whole when it is an
    // archive or a compiled artifact, and skips it as binary otherwise.
    BlobTask t;
    t.blob = to_id(&d->new_file.id);
    t.path = path;
    t.commit = commit;
    t.size_hint = d->new_file.size;
    if (seen.insert(t.blob).second) out.push_back(std::move(t));
    return;
  }
  BlobTask t;
  t.blob = to_id(&d->new_file.id);
  t.path = path;
  t.commit = commit;
  t.only_added = true;
  t.size_hint = d->new_file.size;
  for (std::size_t h = 0; h < git_patch_num_hunks(patch.get()); ++h) {
    const int lines = git_patch_num_lines_in_hunk(patch.get(), h);
    for (int l = 0; l < lines; ++l) {
      const git_diff_line* line = nullptr;
      if (git_patch_get_line_in_hunk(&line, patch.get(), h, static_cast<std::size_t>(l)) != 0)
        continue;
      if (line->origin == GIT_DIFF_LINE_ADDITION && line->new_lineno > 0)
        merge_line(t.added, static_cast<std::uint64_t>(line->new_lineno));
    }
  }
  if (t.added.empty()) return;  // pure rename or mode change: nothing new
  if (!seen.insert(t.blob).second) return;
  out.push_back(std::move(t));
}

git_diff_options diff_options() {
  git_diff_options o;
  git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
  o.context_lines = 0;
  o.flags |= GIT_DIFF_IGNORE_SUBMODULES;
  return o;
}

void find_renames(git_diff* diff) {
  git_diff_find_options f;
  git_diff_find_options_init(&f, GIT_DIFF_FIND_OPTIONS_VERSION);
  f.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_COPIES;
  git_diff_find_similar(diff, &f);
}

}  // namespace

std::string ObjectId::hex() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(40);
  for (unsigned char b : bytes) {
    s.push_back(kHex[b >> 4]);
    s.push_back(kHex[b & 15]);
  }
  return s;
}

std::optional<ObjectId> ObjectId::from_hex(const std::string& hex) {
  git_oid oid;
  if (hex.size() != 40 || git_oid_fromstr(&oid, hex.c_str()) != 0) return std::nullopt;
  return to_id(&oid);
}

void init_library() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
    // Pack windows are mmapped and count towards RSS when touched: keep them bounded.
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, static_cast<std::size_t>(32) << 20);
    // 256 MiB, not 128: blobs are read path by path (HistoryWalker::next_batch), which jumps
    // around the pack, and at 128 MiB unmapping and remapping windows cost a fifth of the wall
    // time of a 40k-commit history (TLB shootdowns between threads); peak RSS stays < 300 MB.
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, static_cast<std::size_t>(256) << 20);
    git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, static_cast<ssize_t>(32) << 20);
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_BLOB, static_cast<std::size_t>(0));
  });
}

struct Repository::Impl {
  RepoPtr repo;
  OdbPtr odb;
  std::string git_dir;
};

Repository::Repository() : impl_(std::make_unique<Impl>()) {}
Repository::~Repository() = default;

Expected<std::unique_ptr<Repository>> Repository::open(const std::string& path) {
  init_library();
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, path.c_str(), 0, nullptr) != 0)
    return Status::error(last_error(path + " is not a git repository (or cannot be opened)"));
  std::unique_ptr<Repository> r(new Repository());
  r->impl_->repo.reset(raw);
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, raw) != 0) return Status::error(last_error(path));
  r->impl_->odb.reset(odb);
  r->impl_->git_dir = git_repository_path(raw);
  return r;
}

const std::string& Repository::git_dir() const { return impl_->git_dir; }
std::string Repository::workdir() const {
  const char* w = git_repository_workdir(impl_->repo.get());
  return w ? w : "";
}
bool Repository::is_shallow() const { return git_repository_is_shallow(impl_->repo.get()) == 1; }
bool Repository::is_empty() const { return git_repository_is_empty(impl_->repo.get()) == 1; }
bool Repository::head_unborn() const { return git_repository_head_unborn(impl_->repo.get()) == 1; }
void* Repository::raw() const { return impl_->repo.get(); }

namespace {

// NOTE: libgit2 1.5 cannot stream a packed object (its pack backend has no read stream;
// git_odb_open_rstream works for loose objects only), and history blobs are nearly all packed.
// So a blob is inflated whole; what we bound instead is how many large ones are held at once:
// one, across every thread and handle. Peak memory is then the read-ahead of small blobs plus
// the largest blob (and its pack window), not threads x the largest blobs.
constexpr std::size_t kLargeBlob = std::size_t{16} << 20;
std::counting_semaphore<1> g_large_blob_slot{1};

}  // namespace

Expected<Repository::Blob> Repository::read_blob(const ObjectId& id) const {
  const git_oid oid = to_oid(id);
  std::size_t len = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  if (git_odb_read_header(&len, &type, impl_->odb.get(), &oid) != 0)
    return Status::error(last_error("cannot read object " + id.hex()));
  if (type != GIT_OBJECT_BLOB) return Status::error("object " + id.hex() + " is not a blob");
  const bool large = len > kLargeBlob;
  if (large) g_large_blob_slot.acquire();  // released with the blob (any thread)
  git_odb_object* raw = nullptr;
  if (git_odb_read(&raw, impl_->odb.get(), &oid) != 0) {
    if (large) g_large_blob_slot.release();
    return Status::error(last_error("cannot read object " + id.hex()));
  }
  std::shared_ptr<git_odb_object> obj(raw, [large](git_odb_object* o) {
    git_odb_object_free(o);
    if (large) g_large_blob_slot.release();
  });
  if (git_odb_object_type(raw) != GIT_OBJECT_BLOB)
    return Status::error("object " + id.hex() + " is not a blob");
  Blob b;
  b.data = std::string_view(static_cast<const char*>(git_odb_object_data(raw)),
                            git_odb_object_size(raw));
  b.owner = std::move(obj);
  return b;
}

Expected<std::uint64_t> Repository::blob_size(const ObjectId& id) const {
  const git_oid oid = to_oid(id);
  std::size_t len = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  if (git_odb_read_header(&len, &type, impl_->odb.get(), &oid) != 0)
    return Status::error(last_error("cannot read object " + id.hex()));
  return static_cast<std::uint64_t>(len);
}

Expected<CommitInfo> Repository::describe(const ObjectId& id, std::size_t max_touched) const {
  const git_oid oid = to_oid(id);
  git_commit* raw = nullptr;
  if (git_commit_lookup(&raw, impl_->repo.get(), &oid) != 0)
    return Status::error(last_error("cannot read commit " + id.hex()));
  CommitPtr commit(raw);
  CommitInfo info;
  info.id = id.hex();
  if (const git_signature* a = git_commit_author(raw)) {
    info.author = a->name ? a->name : "";
    info.email = a->email ? a->email : "";
    info.date = iso_time(a->when);
  }
  if (const char* s = git_commit_summary(raw)) info.summary = s;

  git_tree* tree_raw = nullptr;
  git_tree* parent_tree_raw = nullptr;
  if (git_commit_tree(&tree_raw, raw) != 0) return info;
  TreePtr tree(tree_raw);
  if (git_commit_parentcount(raw) > 0) {
    git_commit* parent = nullptr;
    if (git_commit_parent(&parent, raw, 0) == 0) {
      CommitPtr p(parent);
      git_commit_tree(&parent_tree_raw, parent);
    }
  }
  TreePtr parent_tree(parent_tree_raw);
  git_diff* diff_raw = nullptr;
  git_diff_options o = diff_options();
  if (git_diff_tree_to_tree(&diff_raw, impl_->repo.get(), parent_tree.get(), tree.get(), &o) == 0) {
    DiffPtr diff(diff_raw);
    const std::size_t n = git_diff_num_deltas(diff_raw);
    for (std::size_t i = 0; i < n && info.touched.size() < max_touched; ++i)
      info.touched.emplace_back(git_diff_get_delta(diff_raw, i)->new_file.path);
  }
  return info;
}

std::map<ObjectId, std::vector<std::string>> Repository::refs_containing(
    const std::vector<ObjectId>& commits, const CommitGraph& graph, std::size_t limit) const {
  std::map<ObjectId, std::vector<std::string>> out;
  if (commits.empty()) return out;
  git_repository* r = impl_->repo.get();
  // The refs worth naming, and the commit each points at.
  std::vector<std::string> names;
  std::vector<git_oid> tips;
  git_reference_iterator* it_raw = nullptr;
  if (git_reference_iterator_new(&it_raw, r) != 0) return out;
  {
    RefIterPtr it(it_raw);
    git_reference* ref_raw = nullptr;
    while (git_reference_next(&ref_raw, it.get()) == 0) {
      RefPtr ref(ref_raw);
      const char* name = git_reference_name(ref_raw);
      if (std::strncmp(name, "refs/heads/", 11) != 0 && std::strncmp(name, "refs/tags/", 10) != 0 &&
          std::strncmp(name, "refs/remotes/", 13) != 0)
        continue;
      git_object* peeled = nullptr;
      if (git_reference_peel(&peeled, ref_raw, GIT_OBJECT_COMMIT) != 0) continue;
      ObjectPtr obj(peeled);
      names.emplace_back(git_reference_shorthand(ref_raw));
      tips.push_back(*git_object_id(peeled));
    }
  }
  git_error_clear();
  if (names.empty()) return out;

  // Children before parents (the walk order reversed): a commit's set of containing refs is
  // complete when it is reached, and is passed on to its parents. Only the frontier's sets live.
  const std::size_t words = (names.size() + 63) / 64;
  using Bits = std::vector<std::uint64_t>;
  std::unordered_map<ObjectId, Bits, ObjectIdHash> pending;
  auto bits_of = [&](const ObjectId& id) -> Bits& {
    Bits& b = pending[id];
    if (b.empty()) b.assign(words, 0);
    return b;
  };
  for (std::size_t i = 0; i < tips.size(); ++i)
    bits_of(to_id(&tips[i]))[i / 64] |= std::uint64_t{1} << (i % 64);
  ObjectIdSet wanted(commits.begin(), commits.end());
  for (auto c = graph.order.rbegin(); c != graph.order.rend() && !wanted.empty(); ++c) {
    auto node = pending.extract(*c);
    if (node.empty()) continue;
    Bits bits = std::move(node.mapped());
    if (wanted.erase(*c)) {
      std::vector<std::string>& list = out[*c];
      for (std::size_t i = 0; i < names.size(); ++i)
        if (bits[i / 64] >> (i % 64) & 1) list.push_back(names[i]);
      std::sort(list.begin(), list.end());
      if (list.size() > limit) list.resize(limit);
    }
    if (auto p = graph.parents.find(*c); p != graph.parents.end())
      for (const ObjectId& parent : p->second) {
        Bits& pb = bits_of(parent);
        for (std::size_t k = 0; k < words; ++k) pb[k] |= bits[k];
      }
  }
  return out;
}

BlobPaths Repository::head_blobs() const {
  BlobPaths out;
  git_object* raw = nullptr;
  if (git_revparse_single(&raw, impl_->repo.get(), "HEAD^{tree}") != 0) return out;
  ObjectPtr tree(raw);
  git_tree_walk(
      reinterpret_cast<git_tree*>(raw), GIT_TREEWALK_PRE,
      [](const char* root, const git_tree_entry* e, void* payload) {
        if (git_tree_entry_type(e) == GIT_OBJECT_BLOB)
          (*static_cast<BlobPaths*>(payload))[to_id(git_tree_entry_id(e))].push_back(
              std::string(root) + git_tree_entry_name(e));
        return 0;
      },
      &out);
  return out;
}

Expected<ObjectId> Repository::resolve_commit(const std::string& rev) const {
  git_object* raw = nullptr;
  if (git_revparse_single(&raw, impl_->repo.get(), rev.c_str()) != 0)
    return Status::error(last_error("cannot resolve revision '" + rev + "'"));
  ObjectPtr obj(raw);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, raw, GIT_OBJECT_COMMIT) != 0)
    return Status::error(last_error("revision '" + rev + "' is not a commit"));
  ObjectPtr p(peeled);
  return to_id(git_object_id(peeled));
}

// ---------------------------------------------------------------------------------------------

struct HistoryWalker::Impl {
  const Repository& repo;
  Options options;
  RevwalkPtr walk;
  bool started = false;
  bool walk_done = false;
  bool objects_done = false;
  bool end_checked = false;
  ObjectIdSet seen_trees;
  ObjectIdSet seen_blobs;
  std::deque<BlobTask> pending;
  std::uint64_t commits = 0;
  std::uint64_t missing = 0;
  std::vector<git_oid> tips;  // what was pushed, for the fallback walk
  CommitGraph graph;
  bool manual = false;  // libgit2's walk failed on a missing parent: walk ourselves
  std::vector<git_oid> order;
  std::size_t order_pos = 0;

  explicit Impl(const Repository& r, Options o) : repo(r), options(std::move(o)) {
    seen_trees.reserve(1 << 16);
    seen_blobs.reserve(1 << 16);
  }

  git_repository* raw() const { return static_cast<git_repository*>(repo.raw()); }

  void start(std::vector<std::string>& errors) {
    started = true;
    git_revwalk* w = nullptr;
    if (git_revwalk_new(&w, raw()) != 0) {
      errors.push_back(last_error("cannot walk history"));
      walk_done = true;
      return;
    }
    walk.reset(w);
    git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
    if (options.branch) {
      auto id = repo.resolve_commit(*options.branch);
      if (!id) {
        errors.push_back(id.status().message());
        walk_done = true;
        return;
      }
      const git_oid oid = to_oid(*id);
      git_revwalk_push(w, &oid);
      tips.push_back(oid);
    } else {
      // Every ref that peels to a commit: branches, tags, remotes, stash, notes. A ref that
      // does not peel (a missing or corrupt object, a garbage line in packed-refs) is a recorded
      // error naming the ref: the history behind it was not scanned, so the scan is not clean.
      push_refs(w, errors);
      if (!repo.head_unborn()) {  // a detached HEAD is reachable from no ref
        git_oid head;
        if (git_reference_name_to_id(&head, raw(), "HEAD") != 0) {
          errors.push_back(last_error("cannot resolve HEAD"));
        } else {
          git_object* peeled = nullptr;
          if (git_object_lookup(&peeled, raw(), &head, GIT_OBJECT_COMMIT) != 0) {
            errors.push_back(last_error("HEAD points at " + to_id(&head).hex() +
                                        ", which cannot be read as a commit"));
          } else {
            ObjectPtr obj(peeled);
            tips.push_back(head);
            if (git_revwalk_push(w, &head) != 0) errors.push_back(last_error("cannot walk HEAD"));
          }
        }
      }
      git_error_clear();
    }
    if (options.hide) {
      const git_oid oid = to_oid(*options.hide);
      git_revwalk_hide(w, &oid);
    }
  }

  // Pushes every ref's commit onto the walk; refs that cannot be listed or peeled are errors.
  void push_refs(git_revwalk* w, std::vector<std::string>& errors) {
    git_reference_iterator* it_raw = nullptr;
    if (git_reference_iterator_new(&it_raw, raw()) != 0) {
      errors.push_back(last_error("cannot list the repository's refs"));
      return;
    }
    RefIterPtr it(it_raw);
    for (;;) {
      git_reference* ref_raw = nullptr;
      const int rc = git_reference_next(&ref_raw, it.get());
      if (rc == GIT_ITEROVER) break;
      if (rc != 0) {
        // NOTE: libgit2 stops listing at a corrupt packed-refs entry; the refs after it are not
        // reachable through the iterator, so say so rather than report a partial walk as clean.
        errors.push_back(last_error("cannot list the repository's refs (packed-refs corrupt?)"));
        break;
      }
      RefPtr ref(ref_raw);
      const std::string name = git_reference_name(ref_raw);
      git_object* peeled = nullptr;
      if (git_reference_peel(&peeled, ref_raw, GIT_OBJECT_ANY) != 0) {
        const git_oid* target = git_reference_target(ref_raw);
        errors.push_back(last_error("ref " + name + " cannot be resolved" +
                                    (target ? " (object " + to_id(target).hex() + ")" : "")));
        continue;
      }
      ObjectPtr obj(peeled);
      // A tag of a tree or a blob (git.git has one) has no history to walk; its content is
      // scanned with --all-objects.
      if (git_object_type(peeled) != GIT_OBJECT_COMMIT) continue;
      const git_oid id = *git_object_id(peeled);
      tips.push_back(id);
      if (git_revwalk_push(w, &id) != 0) errors.push_back(last_error("cannot walk " + name));
    }
  }

  // Walks the trees of one commit that were not seen before, queueing new blobs.
  void walk_commit(const git_oid& commit_oid, std::vector<std::string>& errors) {
    git_commit* raw_commit = nullptr;
    if (git_commit_lookup(&raw_commit, raw(), &commit_oid) != 0) {
      errors.push_back(last_error("cannot read commit " + to_id(&commit_oid).hex()));
      return;
    }
    CommitPtr commit(raw_commit);
    ++commits;
    const ObjectId cid = to_id(&commit_oid);
    graph.order.push_back(cid);
    std::vector<ObjectId>& parents = graph.parents[cid];
    for (unsigned p = 0; p < git_commit_parentcount(raw_commit); ++p)
      parents.push_back(to_id(git_commit_parent_id(raw_commit, p)));
    const ObjectId root = to_id(git_commit_tree_id(raw_commit));
    if (!seen_trees.insert(root).second) return;
    // Most of a new tree is its first parent's tree unchanged. When that parent was walked, an
    // entry with the same name, id and mode as there was seen with it and needs no set lookup:
    // on a history with large directories (git.git: ~500 entries at the root, 200k commits) the
    // lookups were most of the walk.
    std::optional<ObjectId> parent_root;
    if (git_commit_parentcount(raw_commit) > 0) {
      const git_oid* pid = git_commit_parent_id(raw_commit, 0);
      git_commit* parent = nullptr;
      if (graph.parents.count(to_id(pid)) && git_commit_lookup(&parent, raw(), pid) == 0) {
        CommitPtr holder(parent);
        parent_root = to_id(git_commit_tree_id(parent));
      }
    }
    struct Item {
      ObjectId tree;
      std::string prefix;
      std::optional<ObjectId> base;  // the same folder in the first parent's tree
    };
    std::vector<Item> stack = {{root, "", parent_root}};
    while (!stack.empty()) {
      Item item = std::move(stack.back());
      stack.pop_back();
      const git_oid toid = to_oid(item.tree);
      git_tree* raw_tree = nullptr;
      if (git_tree_lookup(&raw_tree, raw(), &toid) != 0) {
        errors.push_back(
            last_error("cannot read tree " + item.tree.hex() + " (commit " + cid.hex() + ")"));
        continue;
      }
      TreePtr tree(raw_tree);
      TreePtr base;
      if (item.base) {
        const git_oid boid = to_oid(*item.base);
        git_tree* raw_base = nullptr;
        if (git_tree_lookup(&raw_base, raw(), &boid) == 0) base.reset(raw_base);
      }
      const std::size_t n = git_tree_entrycount(raw_tree);
      const std::size_t bn = base ? git_tree_entrycount(base.get()) : 0;
      std::size_t j = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const git_tree_entry* e = git_tree_entry_byindex(raw_tree, i);
        const char* name = git_tree_entry_name(e);
        // Both trees are sorted by name (git's order differs from strcmp's only around names
        // that extend a folder's name; a miss there just takes the lookup below).
        const git_tree_entry* same = nullptr;
        if (j < bn) {  // mostly the entry at the same position: no name compare needed (an
                       // id with its mode seen in the parent's tree was seen, whatever its name)
          const git_tree_entry* b = git_tree_entry_byindex(base.get(), j);
          if (git_oid_equal(git_tree_entry_id(b), git_tree_entry_id(e)) &&
              git_tree_entry_filemode(b) == git_tree_entry_filemode(e)) {
            ++j;
            continue;
          }
        }
        while (j < bn &&
               std::strcmp(git_tree_entry_name(git_tree_entry_byindex(base.get(), j)), name) < 0)
          ++j;
        if (j < bn &&
            std::strcmp(git_tree_entry_name(git_tree_entry_byindex(base.get(), j)), name) == 0)
          same = git_tree_entry_byindex(base.get(), j);
        if (same && git_oid_equal(git_tree_entry_id(same), git_tree_entry_id(e)) &&
            git_tree_entry_filemode(same) == git_tree_entry_filemode(e))
          continue;
        const ObjectId eid = to_id(git_tree_entry_id(e));
        const git_object_t type = git_tree_entry_type(e);
        // Most entries of a new tree were seen before: build the path only for new ones.
        auto path = [&] {
          return item.prefix.empty() ? std::string(name) : item.prefix + "/" + name;
        };
        if (type == GIT_OBJECT_TREE) {
          if (seen_trees.insert(eid).second) {
            std::optional<ObjectId> sub_base;
            if (same && git_tree_entry_type(same) == GIT_OBJECT_TREE)
              sub_base = to_id(git_tree_entry_id(same));
            stack.push_back({eid, path(), sub_base});
          }
        } else if (type == GIT_OBJECT_BLOB && git_tree_entry_filemode(e) != GIT_FILEMODE_LINK) {
          if (seen_blobs.insert(eid).second) {
            BlobTask t;
            t.blob = eid;
            t.path = path();
            t.commit = cid;
            pending.push_back(std::move(t));
          }
        }
      }
    }
  }

  // Parents-before-children order of every commit reachable from `tips` whose object exists,
  // by iterative post-order DFS. Used when libgit2's walk stops at a missing parent (shallow
  // clones, damaged repositories): what exists is still scanned.
  void build_manual_order() {
    manual = true;
    ObjectIdSet visited;
    std::vector<std::pair<git_oid, unsigned>> stack;  // commit, next parent index
    for (const git_oid& tip : tips) {
      if (!visited.insert(to_id(&tip)).second) continue;
      stack.emplace_back(tip, 0);
      while (!stack.empty()) {
        auto& [oid, next_parent] = stack.back();
        git_commit* raw_commit = nullptr;
        if (git_commit_lookup(&raw_commit, raw(), &oid) != 0) {
          ++missing;
          stack.pop_back();
          continue;
        }
        CommitPtr commit(raw_commit);
        const unsigned parents = git_commit_parentcount(raw_commit);
        if (next_parent < parents) {
          const git_oid parent = *git_commit_parent_id(raw_commit, next_parent++);
          if (visited.insert(to_id(&parent)).second) {
            git_odb* odb = nullptr;
            bool exists = false;
            if (git_repository_odb(&odb, raw()) == 0) {
              exists = git_odb_exists(odb, &parent) == 1;
              git_odb_free(odb);
            }
            if (exists)
              stack.emplace_back(parent, 0);
            else
              ++missing;
          }
          continue;
        }
        order.push_back(oid);
        stack.pop_back();
      }
    }
    git_error_clear();
  }

  void add_unreachable() {
    objects_done = true;
    struct Payload {
      Impl* self;
      std::vector<ObjectId> ids;
    } payload{this, {}};
    git_odb* odb = nullptr;
    if (git_repository_odb(&odb, raw()) != 0) return;
    OdbPtr holder(odb);
    git_odb_foreach(
        odb,
        [](const git_oid* id, void* p) {
          auto* pl = static_cast<Payload*>(p);
          const ObjectId oid = to_id(id);
          if (!pl->self->seen_blobs.count(oid) && !pl->self->seen_trees.count(oid))
            pl->ids.push_back(oid);
          return 0;
        },
        &payload);
    std::sort(payload.ids.begin(), payload.ids.end());
    payload.ids.erase(std::unique(payload.ids.begin(), payload.ids.end()), payload.ids.end());
    for (const ObjectId& id : payload.ids) {
      const git_oid oid = to_oid(id);
      std::size_t len = 0;
      git_object_t type = GIT_OBJECT_INVALID;
      if (git_odb_read_header(&len, &type, odb, &oid) != 0 || type != GIT_OBJECT_BLOB) continue;
      seen_blobs.insert(id);
      BlobTask t;
      t.blob = id;
      t.path = "(unreachable blob " + id.hex().substr(0, 12) + ")";
      t.size_hint = len;
      pending.push_back(std::move(t));
    }
  }
};

HistoryWalker::HistoryWalker(const Repository& repo, Options options)
    : impl_(std::make_unique<Impl>(repo, std::move(options))) {}
HistoryWalker::~HistoryWalker() = default;
std::uint64_t HistoryWalker::commits_walked() const { return impl_->commits; }
std::uint64_t HistoryWalker::missing_parents() const { return impl_->missing; }
const CommitGraph& HistoryWalker::graph() const { return impl_->graph; }

std::vector<BlobTask> HistoryWalker::next_batch(std::size_t max, std::vector<std::string>& errors) {
  Impl& w = *impl_;
  if (!w.started) w.start(errors);
  while (w.pending.size() < max) {
    if (!w.walk_done && w.manual) {
      if (w.order_pos < w.order.size()) {
        w.walk_commit(w.order[w.order_pos++], errors);
      } else {
        w.walk_done = true;
      }
      continue;
    }
    if (!w.walk_done && w.commits == 0 && !w.options.hide && w.repo.is_shallow()) {
      // libgit2 (1.5) knows nothing of shallow boundaries: its walk fails at the first missing
      // parent and leaks its sort state when it does (LeakSanitizer). Walk ourselves at once.
      w.build_manual_order();
      continue;
    }
    if (!w.walk_done) {
      git_oid oid;
      const int rc = git_revwalk_next(&oid, w.walk.get());
      if (rc == GIT_ITEROVER) {
        w.walk_done = true;
      } else if (rc != 0) {
        if (w.commits == 0) {
          // libgit2 sorts the whole walk up front and gives up on a missing parent (shallow
          // clone, damaged repository): walk what exists ourselves.
          w.build_manual_order();
        } else {
          errors.push_back(last_error("history walk stopped"));
          w.walk_done = true;
        }
      } else {
        w.walk_commit(oid, errors);
      }
      continue;
    }
    if (w.options.all_objects && !w.objects_done) {
      w.add_unreachable();
      continue;
    }
    if (!w.end_checked) {
      w.end_checked = true;
      // Refs exist but not one commit could be read (a truncated pack, a lost .idx): "nothing
      // found" would read as clean, so it is an error of its own.
      if (w.commits == 0 && !w.options.hide && !w.repo.is_empty())
        errors.push_back("the repository has refs but no commit could be read (" +
                         std::to_string(w.tips.size()) +
                         " readable tip(s)): its history was not scanned");
    }
    break;
  }
  std::vector<BlobTask> batch(std::make_move_iterator(w.pending.begin()),
                              std::make_move_iterator(w.pending.end()));
  w.pending.clear();
  std::stable_sort(batch.begin(), batch.end(),
                   [](const BlobTask& a, const BlobTask& b) { return a.path < b.path; });
  return batch;
}

// ---------------------------------------------------------------------------------------------

Expected<std::vector<BlobTask>> staged_blobs(const Repository& repo, std::vector<Skip>& skips) {
  git_repository* r = static_cast<git_repository*>(repo.raw());
  if (git_repository_is_bare(r)) return Status::error("a bare repository has no index to scan");
  git_index* index_raw = nullptr;
  if (git_repository_index(&index_raw, r) != 0)
    return Status::error(last_error("cannot read index"));
  IndexPtr index(index_raw);
  TreePtr head_tree;
  if (!repo.head_unborn()) {
    git_object* raw = nullptr;
    if (git_revparse_single(&raw, r, "HEAD^{tree}") != 0)
      return Status::error(last_error("cannot read HEAD"));
    head_tree.reset(reinterpret_cast<git_tree*>(raw));
  }
  git_diff* diff_raw = nullptr;
  git_diff_options o = diff_options();
  if (git_diff_tree_to_index(&diff_raw, r, head_tree.get(), index.get(), &o) != 0)
    return Status::error(last_error("cannot diff the index against HEAD"));
  DiffPtr diff(diff_raw);
  find_renames(diff_raw);
  std::vector<BlobTask> out;
  ObjectIdSet seen;
  for (std::size_t i = 0; i < git_diff_num_deltas(diff_raw); ++i)
    collect_delta(diff_raw, i, std::nullopt, seen, out, skips);
  return out;
}

namespace {

// The commits of `tip`'s history that are not in `base`'s, parents before children, walking only
// commits that exist. libgit2 (1.5) knows nothing of shallow boundaries: marking base's history
// uninteresting can run into a parent the clone does not have, and then its walk fails (whether
// it does depends on commit dates). This walk stops at missing commits instead; a missing parent
// of a commit in the range is still reported by the caller.
std::vector<git_oid> range_commits_tolerant(git_repository* r, const git_oid& tip,
                                            const std::optional<git_oid>& base) {
  auto parents_of = [r](const git_oid& id, std::vector<git_oid>& out) {
    out.clear();
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, r, &id) != 0) return false;
    CommitPtr c(raw);
    for (unsigned i = 0; i < git_commit_parentcount(raw); ++i)
      out.push_back(*git_commit_parent_id(raw, i));
    return true;
  };
  ObjectIdSet hidden;
  std::vector<git_oid> parents;
  if (base) {
    std::vector<git_oid> todo = {*base};
    hidden.insert(to_id(&*base));
    while (!todo.empty()) {
      const git_oid id = todo.back();
      todo.pop_back();
      if (!parents_of(id, parents)) continue;
      for (const git_oid& p : parents)
        if (hidden.insert(to_id(&p)).second) todo.push_back(p);
    }
  }
  std::vector<git_oid> order;
  ObjectIdSet visited;
  std::vector<std::pair<git_oid, std::vector<git_oid>>> stack;  // commit, parents left to visit
  if (hidden.count(to_id(&tip)) || !visited.insert(to_id(&tip)).second) return order;
  if (!parents_of(tip, parents)) return order;
  stack.emplace_back(tip, parents);
  while (!stack.empty()) {
    auto& [id, left] = stack.back();
    if (left.empty()) {
      order.push_back(id);
      stack.pop_back();
      continue;
    }
    const git_oid p = left.back();
    left.pop_back();
    const ObjectId pid = to_id(&p);
    if (hidden.count(pid) || !visited.insert(pid).second) continue;
    if (!parents_of(p, parents)) continue;  // beyond the shallow boundary
    stack.emplace_back(p, parents);
  }
  git_error_clear();
  return order;
}

}  // namespace

Expected<std::vector<BlobTask>> range_blobs(const Repository& repo, const std::string& range,
                                            std::vector<Skip>& skips) {
  git_repository* r = static_cast<git_repository*>(repo.raw());
  std::string base = range, tip = "HEAD";
  if (const auto dots = range.find(".."); dots != std::string::npos) {
    if (range.find("...") != std::string::npos)
      return Status::error("symmetric ranges (A...B) are not supported; use BASE..TIP");
    base = range.substr(0, dots);
    tip = range.substr(dots + 2);
    if (tip.empty()) tip = "HEAD";
  }
  auto tip_id = repo.resolve_commit(tip);
  if (!tip_id) return tip_id.status();
  std::optional<ObjectId> base_id;
  if (!base.empty()) {
    auto b = repo.resolve_commit(base);
    if (!b)
      return Status::error(
          b.status().message() +
          (repo.is_shallow() ? " (the clone is shallow: fetch more history)" : ""));
    base_id = *b;
  }
  const git_oid tip_oid = to_oid(*tip_id);
  std::vector<git_oid> commits;
  if (repo.is_shallow()) {
    // libgit2's walk fails at the shallow boundary and leaks its sort state when it does
    // (LeakSanitizer): walk what exists ourselves.
    std::optional<git_oid> hide;
    if (base_id) hide = to_oid(*base_id);
    commits = range_commits_tolerant(r, tip_oid, hide);
  } else {
    git_revwalk* w = nullptr;
    if (git_revwalk_new(&w, r) != 0) return Status::error(last_error("cannot walk history"));
    RevwalkPtr walk(w);
    git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
    if (git_revwalk_push(w, &tip_oid) != 0)
      return Status::error(last_error("cannot walk from " + tip_id->hex()));
    if (base_id) {
      const git_oid base_oid = to_oid(*base_id);
      if (git_revwalk_hide(w, &base_oid) != 0)
        return Status::error(last_error("cannot walk from " + base_id->hex()));
    }
    git_oid walked;
    int rc;
    while ((rc = git_revwalk_next(&walked, w)) == 0) commits.push_back(walked);
    if (rc != GIT_ITEROVER) return Status::error(last_error("history walk failed"));
  }
  std::vector<BlobTask> out;
  ObjectIdSet seen;
  for (const git_oid& oid : commits) {
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, r, &oid) != 0)
      return Status::error(last_error("cannot read commit " + to_id(&oid).hex()));
    CommitPtr commit(raw);
    if (git_commit_parentcount(raw) > 1) continue;
    git_tree* tree_raw = nullptr;
    if (git_commit_tree(&tree_raw, raw) != 0)
      return Status::error(last_error("cannot read tree of " + to_id(&oid).hex()));
    TreePtr tree(tree_raw);
    TreePtr parent_tree;
    if (git_commit_parentcount(raw) == 1) {
      git_commit* parent = nullptr;
      if (git_commit_parent(&parent, raw, 0) != 0)
        return Status::error(
            last_error("parent of " + to_id(&oid).hex() + " is missing") +
            (repo.is_shallow() ? " (the clone is shallow: fetch more history)" : ""));
      CommitPtr p(parent);
      git_tree* pt = nullptr;
      if (git_commit_tree(&pt, parent) == 0) parent_tree.reset(pt);
    }
    git_diff* diff_raw = nullptr;
    git_diff_options o = diff_options();
    if (git_diff_tree_to_tree(&diff_raw, r, parent_tree.get(), tree.get(), &o) != 0)
      return Status::error(last_error("cannot diff " + to_id(&oid).hex()));
    DiffPtr diff(diff_raw);
    find_renames(diff_raw);
    for (std::size_t i = 0; i < git_diff_num_deltas(diff_raw); ++i)
      collect_delta(diff_raw, i, to_id(&oid), seen, out, skips);
  }
  return out;
}

}  // namespace reachscan::git
