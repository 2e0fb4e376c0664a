// Provenance look-ups: commit metadata, the refs whose history contains a commit, the blobs at
// HEAD. Asked only for blobs with findings, after (or beside) the walk.
#include <git2.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <optional>

#include "git/libgit2.h"
#include "git/raw_tree.h"
#include "git/repository.h"
#include "git/walk_graph.h"

namespace reachscan::git {
using namespace detail;  // NOLINT: the plumbing of this stage
namespace {

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

// Appends the paths of files that differ between two trees (added, changed or deleted; none for
// an absent tree), in tree order, until `out` holds `max`. Subtrees with the same id are not
// read: a commit's changes cost the folders it touched, not the size of the tree (libgit2's
// tree diff, used before, read both trees through its object layer and cost ~20 ms a commit on
// a 90k-commit history). Submodules are left out, as the diffs elsewhere here leave them out.
void changed_paths(git_odb* odb, const ObjectId* old_tree, const ObjectId* new_tree,
                   const std::string& prefix, std::size_t max, std::vector<std::string>& out) {
  struct Side {
    std::optional<RawTree> tree;
    std::vector<RawEntry> entries;
  };
  auto load = [odb](const ObjectId* id, Side& side) {
    if (!id || !(side.tree = read_raw_tree(odb, *id))) return;
    for_each_entry(side.tree->data, [&](const RawEntry& e) {
      if (e.kind != EntryKind::kSubmodule) side.entries.push_back(e);
    });
  };
  Side a, b;
  load(old_tree, a);
  load(new_tree, b);
  // git's tree order: a subtree's name sorts as if it ended in '/'.
  auto before = [](const RawEntry& x, const RawEntry& y) {
    const std::size_t n = std::min(x.name.size(), y.name.size());
    if (const int c = std::memcmp(x.name.data(), y.name.data(), n); c != 0) return c < 0;
    const auto tail = [n](const RawEntry& e) -> int {
      return e.name.size() > n ? static_cast<unsigned char>(e.name[n])
                               : (e.kind == EntryKind::kTree ? '/' : 0);
    };
    return tail(x) < tail(y);
  };
  auto visit = [&](const RawEntry* was, const RawEntry* now) {
    const RawEntry& e = now ? *now : *was;
    const std::string path =
        prefix.empty() ? std::string(e.name) : prefix + "/" + std::string(e.name);
    const ObjectId* sub_old = was && was->kind == EntryKind::kTree ? &was->id : nullptr;
    const ObjectId* sub_new = now && now->kind == EntryKind::kTree ? &now->id : nullptr;
    if (sub_old || sub_new) changed_paths(odb, sub_old, sub_new, path, max, out);
    if ((was && !sub_old) || (now && !sub_new))
      if (out.size() < max) out.push_back(path);
  };
  std::size_t i = 0, j = 0;
  while ((i < a.entries.size() || j < b.entries.size()) && out.size() < max) {
    const RawEntry* x = i < a.entries.size() ? &a.entries[i] : nullptr;
    const RawEntry* y = j < b.entries.size() ? &b.entries[j] : nullptr;
    if (x && y && !before(*x, *y) && !before(*y, *x)) {  // the same name and kind of entry
      ++i, ++j;
      if (!(x->id == y->id) || x->mode != y->mode) visit(x, y);
    } else if (x && (!y || before(*x, *y))) {
      ++i;
      visit(x, nullptr);
    } else {
      ++j;
      visit(nullptr, y);
    }
  }
}

// The branches, tags and remote branches whose commit the walk saw, sorted by name.
std::vector<NamedTip> named_tips(git_repository* r, const CommitGraph& graph) {
  std::vector<NamedTip> out;
  git_reference_iterator* it_raw = nullptr;
  if (git_reference_iterator_new(&it_raw, r) != 0) return out;
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
    const std::uint32_t tip = graph.index_of(to_id(git_object_id(peeled)));
    if (tip != CommitGraph::kNone) out.push_back({git_reference_shorthand(ref_raw), tip});
  }
  git_error_clear();
  std::sort(out.begin(), out.end(),
            [](const NamedTip& a, const NamedTip& b) { return a.name < b.name; });
  return out;
}

}  // namespace

Expected<CommitInfo> Repository::describe(const ObjectId& id, std::size_t max_touched) const {
  const git_oid oid = to_oid(id);
  git_commit* raw = nullptr;
  if (git_commit_lookup(&raw, static_cast<git_repository*>(this->raw()), &oid) != 0)
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

  std::optional<ObjectId> parent_tree;
  if (git_commit_parentcount(raw) > 0) {
    git_commit* parent = nullptr;
    if (git_commit_lookup(&parent, static_cast<git_repository*>(this->raw()),
                          git_commit_parent_id(raw, 0)) == 0) {
      CommitPtr p(parent);
      parent_tree = to_id(git_commit_tree_id(parent));
    }
  }
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, static_cast<git_repository*>(this->raw())) != 0) return info;
  OdbPtr holder(odb);
  const ObjectId tree = to_id(git_commit_tree_id(raw));
  changed_paths(odb, parent_tree ? &*parent_tree : nullptr, &tree, "", max_touched, info.touched);
  return info;
}

std::map<ObjectId, std::vector<std::string>> Repository::refs_containing(
    const std::vector<ObjectId>& commits, const CommitGraph& graph, std::size_t limit) const {
  std::vector<std::uint32_t> wanted;
  for (const ObjectId& c : commits)
    if (const std::uint32_t i = graph.index_of(c); i != CommitGraph::kNone) wanted.push_back(i);
  if (wanted.empty() || limit == 0) return {};
  return containing_refs(graph, named_tips(static_cast<git_repository*>(raw()), graph), wanted,
                         limit);
}

BlobPaths Repository::head_blobs() const {
  BlobPaths out;
  git_object* raw = nullptr;
  if (git_revparse_single(&raw, static_cast<git_repository*>(this->raw()), "HEAD^{tree}") != 0)
    return out;
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

}  // namespace reachscan::git
