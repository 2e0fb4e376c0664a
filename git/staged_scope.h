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

namespace reachscan::git::detail {

// The paths (files, and folders ending in '/' for folders only one side has) where `index` may
// differ from `head`; empty when the index matches HEAD. nullopt when the shortcut does not apply
// (no cache tree, an index format or extension this reader does not handle, conflicts, an index
// file that changed since it was loaded): the caller diffs everything. Reads `head`'s trees
// through `repo` only along changed folders. Not thread-safe (libgit2 handles).
std::optional<std::vector<std::string>> staged_scope(git_repository* repo, git_index* index,
                                                     git_tree* head);

}  // namespace reachscan::git::detail
