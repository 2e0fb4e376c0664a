// The history walk: every blob reachable from the refs, each once, with its first commit.
#include <git2.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <iterator>

#include "git/id_set.h"
#include "git/libgit2.h"
#include "git/raw_tree.h"
#include "git/repository.h"
#include "git/walk_graph.h"

namespace reachscan::git {
using namespace detail;  // NOLINT: the plumbing of this stage

struct HistoryWalker::Impl {
  const Repository& repo;
  Options options;
  RevwalkPtr walk;
  bool started = false;
  bool walk_done = false;
  bool objects_done = false;
  bool end_checked = false;
  OdbPtr odb;
  FlatIdSet seen;  // trees and blobs met so far (ids of different types never collide)
  std::deque<BlobTask> pending;
  std::uint64_t commits = 0;
  std::uint64_t missing = 0;
  std::vector<git_oid> tips;  // what was pushed, for the fallback walk
  CommitGraph graph;
  std::vector<ObjectId> parent_ids;  // scratch for walk_commit
  bool manual = false;               // libgit2's walk failed on a missing parent: walk ourselves
  std::vector<git_oid> order;
  std::size_t order_pos = 0;

  explicit Impl(const Repository& r, Options o) : repo(r), options(std::move(o)) {
    git_odb* raw_odb = nullptr;
    if (git_repository_odb(&raw_odb, raw()) == 0) odb.reset(raw_odb);
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

  // Walks the trees of one commit that were not seen before, queueing new blobs. Trees are read
  // raw from the object database and parsed here: no git_tree object, no object cache (see
  // init_library), one inflate per new tree and one seen-set lookup per entry of a new tree.
  void walk_commit(const git_oid& commit_oid, std::vector<std::string>& errors) {
    git_commit* raw_commit = nullptr;
    if (git_commit_lookup(&raw_commit, raw(), &commit_oid) != 0) {
      errors.push_back(last_error("cannot read commit " + to_id(&commit_oid).hex()));
      return;
    }
    CommitPtr commit(raw_commit);
    ++commits;
    const ObjectId cid = to_id(&commit_oid);
    parent_ids.clear();
    for (unsigned p = 0; p < git_commit_parentcount(raw_commit); ++p)
      parent_ids.push_back(to_id(git_commit_parent_id(raw_commit, p)));
    graph.add(cid, parent_ids);
    const ObjectId root = to_id(git_commit_tree_id(raw_commit));
    if (!seen.insert(root)) return;
    struct Item {
      ObjectId tree;
      std::string prefix;
    };
    std::vector<Item> stack = {{root, ""}};
    while (!stack.empty()) {
      Item item = std::move(stack.back());
      stack.pop_back();
      const auto tree = read_raw_tree(odb.get(), item.tree);
      if (!tree) {
        errors.push_back(
            last_error("cannot read tree " + item.tree.hex() + " (commit " + cid.hex() + ")"));
        continue;
      }
      const std::string_view data = tree->data;
      if (!walk_entries(data, item.prefix, cid, [&](const ObjectId& id, std::string&& path) {
            stack.push_back({id, std::move(path)});
          }))
        errors.push_back("tree " + item.tree.hex() + " is corrupt (commit " + cid.hex() + ")");
    }
  }

  // Goes through one raw tree ("<octal mode> <name>\0<20-byte id>" per entry): queues blobs not
  // seen before and hands subtrees not seen before to `push_tree`. False when the tree does not
  // parse (what parsed is kept).
  template <typename PushTree>
  bool walk_entries(std::string_view data, const std::string& prefix, const ObjectId& cid,
                    PushTree&& push_tree) {
    auto path = [&](std::string_view name) {
      std::string p;
      p.reserve(prefix.size() + 1 + name.size());
      if (!prefix.empty()) p.append(prefix).push_back('/');
      p.append(name);
      return p;
    };
    return for_each_entry(data, [&](const RawEntry& e) {
      if (e.kind == EntryKind::kTree) {
        if (seen.insert(e.id)) push_tree(e.id, path(e.name));
      } else if (e.kind == EntryKind::kFile) {
        if (seen.insert(e.id)) {
          BlobTask t;
          t.blob = e.id;
          t.path = path(e.name);
          t.commit = cid;
          pending.push_back(std::move(t));
        }
      }
    });
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
            if (odb && git_odb_exists(odb.get(), &parent) == 1)
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

  // Everything but the commit graph (which provenance asks after the walk): the seen-set, the
  // revwalk (libgit2 holds a node for every commit it sorted) and the fallback order.
  void release_walk_state() {
    walk.reset();
    seen = FlatIdSet();
    std::vector<git_oid>().swap(order);
    std::vector<git_oid>().swap(tips);
  }

  void add_unreachable() {
    objects_done = true;
    struct Payload {
      Impl* self;
      std::vector<ObjectId> ids;
    } payload{this, {}};
    if (!odb) return;
    git_odb_foreach(
        odb.get(),
        [](const git_oid* id, void* p) {
          auto* pl = static_cast<Payload*>(p);
          const ObjectId oid = to_id(id);
          if (!pl->self->seen.contains(oid)) pl->ids.push_back(oid);
          return 0;
        },
        &payload);
    std::sort(payload.ids.begin(), payload.ids.end());
    payload.ids.erase(std::unique(payload.ids.begin(), payload.ids.end()), payload.ids.end());
    for (const ObjectId& id : payload.ids) {
      const git_oid oid = to_oid(id);
      std::size_t len = 0;
      git_object_t type = GIT_OBJECT_INVALID;
      if (git_odb_read_header(&len, &type, odb.get(), &oid) != 0 || type != GIT_OBJECT_BLOB)
        continue;
      seen.insert(id);
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
      w.release_walk_state();
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

}  // namespace reachscan::git
