// Internal to reach/: one reader per format. Each adds nodes, edges and entry points to the
// graph for one file; none throws (yaml-cpp errors are caught by the builder) and none follows a
// path outside the tree.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reach/deploy/graph.h"

namespace YAML {
class Node;
}

namespace reachscan::reach::deploy {

// Scalars of a node: a scalar, a list of scalars, or a list of maps with `key`.
std::vector<std::string> scalars(const YAML::Node& node, const char* key = "path");
// A scalar child, or "".
std::string scalar(const YAML::Node& node, const char* key);

// kustomize.cpp: kustomization.yaml (resources, bases, components, patches, generators, helm
// charts' values files); an overlay carries the environment of its folder or namespace.
void read_kustomization(Context& c, const std::string& path, const YAML::Node& doc);

// gitops.cpp: Flux Kustomization and HelmRelease, Argo CD Application and ApplicationSet.
// Returns false when `doc` is none of them.
bool read_gitops(Context& c, const std::string& path, const YAML::Node& doc);

// helm.cpp: a chart (Chart.yaml: its templates, default values, sub-charts), helmfile releases
// and environments.
void read_chart(Context& c, const std::string& chart_yaml);
void read_helmfile(Context& c, const std::string& path, const YAML::Node& doc);
// A release of the chart at `chart` (a path or a chart name) by `parent`, with values files.
void add_release(Context& c, std::string_view base, std::string_view chart,
                 const std::vector<std::string>& values, std::string_view values_base, int parent,
                 const std::string& from);

// ci.cpp: GitHub Actions jobs and GitLab CI jobs (units "<file>#<job>", entry points when they
// name an environment) and shell scripts: the files, charts, manifests and Dockerfiles their
// commands name.
void read_github_workflow(Context& c, const std::string& path, const YAML::Node& doc);
void read_gitlab_ci(Context& c, const std::string& path, const YAML::Node& doc);
void read_script(Context& c, const std::string& path, std::string_view text);

// containers.cpp: Dockerfile COPY/ADD sources; docker-compose services (build, env files, config
// files), per-environment compose files as entry points.
void read_dockerfile(Context& c, const std::string& path, std::string_view text);
void read_compose(Context& c, const std::string& path, const YAML::Node& doc);

// images.cpp: container images, as nodes "image:<repository>:<tag>" ("image:<repository>" for
// every tag, when the tag is templated) with an edge to what deploys them.
struct ImageRef {
  std::string repository;  // lower-case, docker.io/ and library/ left out
  std::string tag;         // "1.2", "@sha256:...", or empty: every tag
};
// nullopt for what is no image reference (a templated repository, spaces, bad characters).
std::optional<ImageRef> parse_image_ref(std::string_view ref);
std::string image_node(const ImageRef& r);
bool image_node_name(std::string_view name);
// An edge from the image `ref` names (when it parses) to `parent`.
void add_image(Context& c, std::string_view ref, int parent);
// `image:` values of a manifest (Kubernetes, compose, Helm values with registry/repository/tag).
void read_image_refs(Context& c, const std::string& path, std::string_view text);
// Images a command line builds, tags, pushes or rolls out (docker/podman push, build -t, tag;
// kubectl set image).
void include_image_words(Context& c, std::string_view text, int parent);

// terraform.cpp: Terragrunt include / read_terragrunt_config / dependency / terraform.source,
// Terraform module sources, and root modules, live folders and *.tfvars per environment.
void read_hcl(Context& c, const std::string& path, std::string_view text);

}  // namespace reachscan::reach::deploy
