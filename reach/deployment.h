// The deployment model of a scanned tree: what deploys each file, and where.
//
// `build_deployment_model` reads the manifest-like files of a tree (YAML, HCL, tfvars,
// Dockerfiles, CI files, shell scripts; each up to a bounded size) through a `TreeReader`, and
// builds a graph whose nodes are files, folders and deployment units (a CI job, a helmfile
// environment) and whose edges say "X is deployed / included / built by Y". Entry points carry
// an environment: a Flux Kustomization or Argo CD Application of a production cluster, a
// Kustomize overlay named for an environment, a CI job with `environment: production`, a
// Terragrunt live folder of a production account, a `docker-compose.prod.yml`, a `prod.tfvars`.
// Formats read (one reader each, reach/deploy/): Kustomize, Flux Kustomization and HelmRelease,
// Argo CD Application and ApplicationSet, Helm charts and helmfile, Terraform and Terragrunt,
// GitHub Actions and GitLab CI jobs (and the scripts they run), Dockerfiles, docker-compose.
//
// A file reached from a production entry point is production (and, when also reached from a
// non-production one, reused across environments); a file reached only from non-production
// entry points is non-production. `DeploymentModel::reach` answers for one path, with the chain
// a reviewer can check: `apps/base/podinfo/release.yaml <- apps/production/kustomization.yaml
// <- clusters/production/apps.yaml (cluster production)`.
//
// Hostile input (bad YAML, reference cycles, paths escaping the tree, thousands of overlays) is
// recorded in `notes()` and bounded by DeploymentOptions; building never throws and never fails.
// A built model is immutable and may be shared between threads.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reachscan::reach {

// A tree of files, as the model builder reads it: a folder on disk (DirectoryTreeReader), the
// HEAD tree of a repository (git/tree_reader.h), or anything else. Paths are relative to the
// tree's root, '/'-separated, without "./". Implementations must be callable from one thread at
// a time; the builder never calls them concurrently.
class TreeReader {
 public:
  virtual ~TreeReader() = default;
  // Folders never looked into, whatever the reader: version control, vendored and installed
  // third-party code (.git, vendor, node_modules, ...). Their files are not deployment
  // configuration of this tree. A reader may skip them while listing (cheaper); the builder
  // drops them either way, so every reader yields the same model for the same tree.
  static bool skipped_folder(std::string_view name);
  // Every regular file of the tree.
  virtual std::vector<std::string> paths() const = 0;
  // At most `max_bytes` of a file's content; nullopt when it cannot be read.
  virtual std::optional<std::string> read(const std::string& path, std::size_t max_bytes) const = 0;
};

// The files under a folder on disk. Skips .git, .hg and .svn and does not follow symlinked
// folders; unreadable entries are left out.
class DirectoryTreeReader : public TreeReader {
 public:
  explicit DirectoryTreeReader(std::string root) : root_(std::move(root)) {}
  std::vector<std::string> paths() const override;
  std::optional<std::string> read(const std::string& path, std::size_t max_bytes) const override;

 private:
  std::string root_;
};

struct DeploymentOptions {
  std::size_t max_file_bytes = 256u << 10;  // bytes read of one manifest
  std::size_t max_files_read = 50000;       // manifests read in all
  std::size_t max_bytes_read = 256u << 20;  // bytes read in all
  std::size_t max_edges = 2000000;          // edges kept in all
  std::size_t max_paths = 2000000;          // tree entries looked at
};

// How one file is reached. Chains name the file, each hop up to the entry point, and the entry
// point's environment in parentheses.
struct DeploymentReach {
  bool production = false;
  bool non_production = false;
  std::string production_chain;
  std::string non_production_chain;
};

class DeploymentModel {
 public:
  DeploymentModel();
  ~DeploymentModel();
  DeploymentModel(DeploymentModel&&) noexcept;
  DeploymentModel& operator=(DeploymentModel&&) noexcept;

  // How `rel_path` (relative to the tree's root) is reached: through its own node or a folder
  // above it (a folder applied or copied whole). nullopt when no entry point reaches it.
  std::optional<DeploymentReach> reach(std::string_view rel_path) const;

  // How a container image named `image_ref` (`registry/app:1.2`, `app:latest`, `app@sha256:...`)
  // is reached: through a manifest that names it (`image: registry/app:1.2` in a Kubernetes or
  // compose file, kustomize `images:` newName/newTag, Helm values `image.repository`/`tag`) or a
  // CI job or script that builds or pushes it (`docker push`, `docker build -t`, `docker tag`,
  // docker/build-push-action `tags`). Names are compared with docker.io/ and library/ left out
  // and `:latest` for no tag; a reference whose tag is templated (`app:${{ github.sha }}`,
  // `{{ .Values.image.tag }}`) stands for every tag of its repository. nullopt: nothing deploys it.
  std::optional<DeploymentReach> reach_image(std::string_view image_ref) const;

  // What the builder could not read or follow (bad YAML, a path escaping the tree, a cycle, a
  // limit reached), one line each, at most a few hundred.
  const std::vector<std::string>& notes() const;

  std::size_t nodes() const;
  std::size_t edges() const;
  std::size_t entry_points() const;
  std::size_t files_read() const;

  struct Impl;

 private:
  friend DeploymentModel build_deployment_model(const TreeReader&, const DeploymentOptions&);
  std::unique_ptr<Impl> impl_;
};

// Builds the model of a tree. Cost: one listing of the tree, then only manifest-like files are
// read (bounded by `options`). Never throws except std::bad_alloc.
DeploymentModel build_deployment_model(const TreeReader& tree,
                                       const DeploymentOptions& options = {});

}  // namespace reachscan::reach
