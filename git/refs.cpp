#include "git/refs.h"

#include "git/libgit2.h"

namespace reachscan::git {

Expected<std::map<std::string, std::string>> ref_tips(const std::string& path) {
  using namespace detail;
  init_library();
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0)
    return Status::error(last_error(path + ": not a git repository"));
  const RepoPtr repo(raw);
  git_reference_iterator* it_raw = nullptr;
  if (git_reference_iterator_new(&it_raw, repo.get()) != 0)
    return Status::error(last_error(path + ": cannot list refs"));
  const RefIterPtr it(it_raw);
  std::map<std::string, std::string> out;
  auto peel = [&](git_reference* r, const std::string& name) -> Status {
    git_object* target = nullptr;
    if (git_reference_peel(&target, r, GIT_OBJECT_ANY) != 0)
      return Status::error(last_error(path + ": ref " + name + " does not resolve"));
    const ObjectPtr owned(target);
    out[name] = to_id(git_object_id(target)).hex();
    return {};
  };
  git_reference* ref = nullptr;
  int rc;
  while ((rc = git_reference_next(&ref, it.get())) == 0) {
    const RefPtr owned(ref);
    if (Status s = peel(ref, git_reference_name(ref)); !s.ok()) return s;
  }
  if (rc != GIT_ITEROVER) return Status::error(last_error(path + ": cannot list refs"));
  git_reference* head = nullptr;
  if (git_repository_head(&head, repo.get()) == 0) {
    const RefPtr owned(head);
    if (Status s = peel(head, "HEAD"); !s.ok()) return s;
  }
  return out;
}

}  // namespace reachscan::git
