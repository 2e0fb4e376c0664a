#include "git/refs.h"

#include <git2.h>

#include <memory>

#include "git/repository.h"

namespace reachscan::git {
namespace {

std::string last_error() {
  const git_error* e = git_error_last();
  return e && e->message ? e->message : "unknown libgit2 error";
}

std::string hex(const git_oid* id) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, id);
  return buf;
}

}  // namespace

Expected<std::map<std::string, std::string>> ref_tips(const std::string& path) {
  init_library();
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0)
    return Status::error(path + ": not a git repository (" + last_error() + ")");
  std::unique_ptr<git_repository, void (*)(git_repository*)> repo(raw, git_repository_free);
  git_reference_iterator* it_raw = nullptr;
  if (git_reference_iterator_new(&it_raw, repo.get()) != 0)
    return Status::error(path + ": cannot list refs (" + last_error() + ")");
  std::unique_ptr<git_reference_iterator, void (*)(git_reference_iterator*)> it(
      it_raw, git_reference_iterator_free);
  std::map<std::string, std::string> out;
  git_reference* ref = nullptr;
  int rc;
  auto peel = [&](git_reference* r, const std::string& name) -> Status {
    git_object* target = nullptr;
    if (git_reference_peel(&target, r, GIT_OBJECT_ANY) != 0)
      return Status::error(path + ": ref " + name + " does not resolve (" + last_error() + ")");
    out[name] = hex(git_object_id(target));
    git_object_free(target);
    return {};
  };
  while ((rc = git_reference_next(&ref, it.get())) == 0) {
    const std::string name = git_reference_name(ref);
    Status s = peel(ref, name);
    git_reference_free(ref);
    if (!s.ok()) return s;
  }
  if (rc != GIT_ITEROVER) return Status::error(path + ": cannot list refs (" + last_error() + ")");
  git_reference* head = nullptr;
  if (git_repository_head(&head, repo.get()) == 0) {
    Status s = peel(head, "HEAD");
    git_reference_free(head);
    if (!s.ok()) return s;
  }
  return out;
}

}  // namespace reachscan::git
