#include "git/head_tree.h"

#include <git2.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace reachscan::git {
namespace {

struct Walk {
  const std::function<bool(std::string_view)>* skip;
  std::vector<std::string>* paths;
  std::unordered_map<std::string, ObjectId>* blobs;
};

int visit(const char* root, const git_tree_entry* e, void* payload) {
  const Walk& w = *static_cast<Walk*>(payload);
  const git_object_t type = git_tree_entry_type(e);
  const char* name = git_tree_entry_name(e);
  if (type == GIT_OBJECT_TREE) return *w.skip && (*w.skip)(name) ? 1 : 0;  // 1: skip the subtree
  if (type != GIT_OBJECT_BLOB) return 0;
  std::string path = std::string(root) + name;
  ObjectId id;
  std::memcpy(id.bytes.data(), git_tree_entry_id(e)->id, id.bytes.size());
  w.blobs->emplace(path, id);
  w.paths->push_back(std::move(path));
  return 0;
}

}  // namespace

HeadTree::HeadTree(const Repository& repo, std::function<bool(std::string_view)> skip_folder)
    : repo_(repo) {
  git_object* raw = nullptr;
  auto* handle = static_cast<git_repository*>(repo.raw());
  if (git_revparse_single(&raw, handle, "HEAD^{tree}") != 0) return;
  const std::unique_ptr<git_object, void (*)(git_object*)> tree(raw, git_object_free);
  Walk w{&skip_folder, &paths_, &blobs_};
  git_tree_walk(reinterpret_cast<git_tree*>(raw), GIT_TREEWALK_PRE, visit, &w);
  std::sort(paths_.begin(), paths_.end());
}

std::optional<std::string> HeadTree::read(const std::string& path, std::size_t max_bytes) const {
  const auto it = blobs_.find(path);
  if (it == blobs_.end()) return std::nullopt;
  auto blob = repo_.read_blob(it->second);
  if (!blob) return std::nullopt;
  return std::string(blob->data.substr(0, std::min(max_bytes, blob->data.size())));
}

}  // namespace reachscan::git
