// What a staged scan has to diff: the paths where the index can differ from HEAD, found with the
// index's cache tree (its TREE extension: the tree id of every folder whose entries have not
// changed since it was last written) so that folders identical to HEAD's are skipped without
// reading their trees, as `git diff --cached` does. The diff itself stays libgit2's, limited to
// these paths, so rename detection and patches are unchanged.
//
// Internal to the git sources (it speaks libgit2 types).
#pragma once

#include <git2.h>

#include <optional>
#include <string>
#include <vector>

#include "git/libgit2.h"

namespace reachscan::git::detail {

// The paths (files, and folders ending in '/' for folders only one side has) where `index` may
// differ from `head`; empty when the index matches HEAD. nullopt when the shortcut does not apply
// (no cache tree, an index format or extension this reader does not handle, conflicts, an index
// file that changed since it was loaded): the caller diffs everything. Reads `head`'s trees
// through `repo` only along changed folders. Not thread-safe (libgit2 handles).
std::optional<std::vector<std::string>> staged_scope(git_repository* repo, git_index* index,
                                                     git_tree* head);

// The same scope with the index file read here instead of by libgit2, whose reader builds every
// entry and a path map (a fifth of a staged scan's CPU for moby's 1.7 MB index), and an index in
// memory holding only the entries in the scope and the .gitattributes files, for the diff (which
// reads attributes from the repository's index: set it as the repository's). nullopt where
// staged_scope's shortcut does not apply, and also for an index with conflicts or entries with
// extended flags (intent-to-add, skip-worktree): the caller then reads the index with libgit2.
struct StagedIndex {
  std::vector<std::string> scope;  // sorted; empty: the index matches HEAD (and `index` is null)
  IndexPtr index;
};
std::optional<StagedIndex> staged_index(git_repository* repo, git_tree* head);

}  // namespace reachscan::git::detail
