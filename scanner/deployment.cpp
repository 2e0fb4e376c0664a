#include "scanner/deployment.h"

#include <filesystem>
#include <system_error>

#include "git/head_tree.h"
#include "git/repository.h"

namespace reachscan {
namespace {

class HeadTreeReader : public reach::TreeReader {
 public:
  explicit HeadTreeReader(const git::Repository& repo)
      : tree_(repo, [](std::string_view name) { return reach::TreeReader::skipped_folder(name); }) {
  }
  std::vector<std::string> paths() const override { return tree_.paths(); }
  std::optional<std::string> read(const std::string& path, std::size_t max_bytes) const override {
    return tree_.read(path, max_bytes);
  }

 private:
  git::HeadTree tree_;
};

}  // namespace

std::shared_ptr<const reach::DeploymentModel> build_folder_deployment(const std::string& root) {
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) return nullptr;
  return std::make_shared<const reach::DeploymentModel>(
      reach::build_deployment_model(reach::DirectoryTreeReader(root)));
}

std::shared_ptr<const reach::DeploymentModel> build_head_deployment(const git::Repository& repo) {
  if (repo.head_unborn() || repo.is_empty()) return nullptr;
  return std::make_shared<const reach::DeploymentModel>(
      reach::build_deployment_model(HeadTreeReader(repo)));
}

DeploymentFactory folder_deployment(std::string root) {
  return [root = std::move(root)] { return build_folder_deployment(root); };
}

DeploymentFactory head_deployment(std::string repo) {
  return [repo = std::move(repo)]() -> std::shared_ptr<const reach::DeploymentModel> {
    auto opened = git::Repository::open(repo);
    return opened ? build_head_deployment(**opened) : nullptr;
  };
}

}  // namespace reachscan
