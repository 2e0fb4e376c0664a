// Provenance look-ups: commit metadata, the refs whose history contains a commit, the blobs at
// HEAD. Asked only for blobs with findings, after (or beside) the walk.
#include <git2.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <unordered_map>

#include "git/libgit2.h"
#include "git/repository.h"

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
  if (git_diff_tree_to_tree(&diff_raw, static_cast<git_repository*>(this->raw()), parent_tree.get(),
                            tree.get(), &o) == 0) {
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
  git_repository* r = static_cast<git_repository*>(this->raw());
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
