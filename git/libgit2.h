// libgit2 plumbing shared by the git sources (not part of the stage's interface): owning handles,
// error text, id conversions and the diff options every diff here uses.
#pragma once

#include <git2.h>

#include <cstring>
#include <memory>
#include <string>

#include "git/repository.h"

namespace reachscan::git::detail {

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
inline std::string last_error(const std::string& what) {
  const git_error* e = git_error_last();
  return what + ": " + (e && e->message ? e->message : "unknown libgit2 error");
}

inline ObjectId to_id(const git_oid* oid) {
  ObjectId id;
  std::memcpy(id.bytes.data(), oid->id, 20);
  return id;
}

inline git_oid to_oid(const ObjectId& id) {
  git_oid oid;
  std::memcpy(oid.id, id.bytes.data(), 20);
  return oid;
}

inline git_diff_options diff_options() {
  git_diff_options o;
  git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
  o.context_lines = 0;
  o.flags |= GIT_DIFF_IGNORE_SUBMODULES;
  return o;
}

}  // namespace reachscan::git::detail
