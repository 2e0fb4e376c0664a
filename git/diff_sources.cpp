// Diff-based sources: what is staged, and what a range of commits adds, with the added lines.
#include <git2.h>
#include <git2/sys/repository.h>

#include <cstring>

#include "git/libgit2.h"
#include "git/repository.h"
#include "git/staged_scope.h"

namespace reachscan::git {
using namespace detail;  // NOLINT: the plumbing of this stage
namespace {

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

void find_renames(git_diff* diff) {
  git_diff_find_options f;
  git_diff_find_options_init(&f, GIT_DIFF_FIND_OPTIONS_VERSION);
  f.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_COPIES;
  git_diff_find_similar(diff, &f);
}

}  // namespace

namespace {

// The diff of `index` against `head` (null: no HEAD yet), limited to `scope` when there is one.
Expected<std::vector<BlobTask>> diff_staged(git_repository* r, git_tree* head, git_index* index,
                                            const std::vector<std::string>* scope,
                                            std::vector<Skip>& skips) {
  std::vector<char*> paths;
  git_diff_options o = diff_options();
  if (scope) {
    for (const std::string& p : *scope) paths.push_back(const_cast<char*>(p.c_str()));
    o.pathspec = {paths.data(), paths.size()};
    o.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
  }
  git_diff* diff_raw = nullptr;
  if (git_diff_tree_to_index(&diff_raw, r, head, index, &o) != 0)
    return Status::error(last_error("cannot diff the index against HEAD"));
  DiffPtr diff(diff_raw);
  find_renames(diff_raw);
  std::vector<BlobTask> out;
  ObjectIdSet seen;
  for (std::size_t i = 0; i < git_diff_num_deltas(diff_raw); ++i)
    collect_delta(diff_raw, i, std::nullopt, seen, out, skips);
  return out;
}

}  // namespace

Expected<std::vector<BlobTask>> staged_blobs(const Repository& repo, std::vector<Skip>& skips) {
  git_repository* r = static_cast<git_repository*>(repo.raw());
  if (git_repository_is_bare(r)) return Status::error("a bare repository has no index to scan");
  TreePtr head_tree;
  if (!repo.head_unborn()) {
    git_object* raw = nullptr;
    if (git_revparse_single(&raw, r, "HEAD^{tree}") != 0)
      return Status::error(last_error("cannot read HEAD"));
    head_tree.reset(reinterpret_cast<git_tree*>(raw));
  }
  // The common case: the index file read here, only the paths where it can differ from HEAD
  // compared (the cache tree skips unchanged folders without reading them), and only their
  // entries diffed.
  if (auto staged = staged_index(r, head_tree.get())) {
    if (staged->scope.empty()) return std::vector<BlobTask>{};
    // The diff's attribute look-ups would otherwise have libgit2 read the whole index.
    if (git_repository_set_index(r, staged->index.get()) != 0)
      return Status::error(last_error("cannot set the index"));
    return diff_staged(r, head_tree.get(), staged->index.get(), &staged->scope, skips);
  }
  // Otherwise libgit2 reads the index, with the same shortcut where the cache tree allows it.
  git_index* index_raw = nullptr;
  if (git_repository_index(&index_raw, r) != 0)
    return Status::error(last_error("cannot read index"));
  IndexPtr index(index_raw);
  const auto scope = staged_scope(r, index.get(), head_tree.get());
  if (scope && scope->empty()) return std::vector<BlobTask>{};
  return diff_staged(r, head_tree.get(), index.get(), scope ? &*scope : nullptr, skips);
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
