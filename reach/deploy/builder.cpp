// build_deployment_model: lists the tree, reads the manifest-like files and hands each to its
// reader, then propagates environments from the entry points.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <exception>

#include "reach/deploy/impl.h"
#include "reach/deploy/readers.h"
#include "reach/text.h"

namespace reachscan::reach {
namespace {

using deploy::Context;

enum class Kind { kNone, kYaml, kHcl, kDockerfile, kScript };

bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

Kind kind_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  const std::string name =
      detail::to_lower(path.substr(slash == std::string::npos ? 0 : slash + 1));
  if (ends_with(name, ".yaml") || ends_with(name, ".yml") || name == "kustomization")
    return Kind::kYaml;
  if (ends_with(name, ".hcl") || ends_with(name, ".tf") || ends_with(name, ".tfvars") ||
      ends_with(name, ".tfvars.json"))
    return Kind::kHcl;
  if (name == "dockerfile" || name.rfind("dockerfile.", 0) == 0 || ends_with(name, ".dockerfile") ||
      name == "containerfile")
    return Kind::kDockerfile;
  if (ends_with(name, ".sh") || ends_with(name, ".bash")) return Kind::kScript;
  return Kind::kNone;
}

// Only a few YAML files are known by name (kustomization, workflows, compose, helmfile, GitLab
// CI); any other is read only when it names a GitOps API. Parsing every YAML file of a large
// tree (OpenAPI documents, fixtures) would cost more than the scan.
bool gitops_candidate(std::string_view text) {
  return text.find("fluxcd.io") != std::string_view::npos ||
         text.find("argoproj.io") != std::string_view::npos;
}

constexpr std::size_t kYamlHead = 16u << 10;

// YAML files a reader knows by name or place.
bool known_yaml(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  const std::string low = detail::to_lower(path.substr(slash == std::string::npos ? 0 : slash + 1));
  return low == "kustomization.yaml" || low == "kustomization.yml" || low == "kustomization" ||
         path.rfind(".github/workflows/", 0) == 0 || low == ".gitlab-ci.yml" ||
         low == ".gitlab-ci.yaml" || low.rfind("docker-compose", 0) == 0 ||
         low.rfind("compose.", 0) == 0 || low.rfind("helmfile", 0) == 0 ||
         path.find("helmfile.d/") != std::string::npos;
}

void read_yaml(Context& c, const std::string& path, const std::string& text) {
  const std::size_t slash = path.find_last_of('/');
  const std::string name = path.substr(slash == std::string::npos ? 0 : slash + 1);
  const std::string low = detail::to_lower(name);
  const bool kustomization =
      low == "kustomization.yaml" || low == "kustomization.yml" || low == "kustomization";
  const bool workflow = path.rfind(".github/workflows/", 0) == 0;
  const bool gitlab = low == ".gitlab-ci.yml" || low == ".gitlab-ci.yaml";
  const bool compose = low.rfind("docker-compose", 0) == 0 || low.rfind("compose.", 0) == 0;
  const bool helmfile =
      low.rfind("helmfile", 0) == 0 || path.find("helmfile.d/") != std::string::npos;
  if (!kustomization && !workflow && !gitlab && !compose && !helmfile && !gitops_candidate(text))
    return;
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const std::exception& e) {
    c.tree.note(path + ": not read as YAML: " + e.what());
    return;
  }
  for (const YAML::Node& doc : docs) {
    try {
      if (!doc.IsMap()) continue;
      if (kustomization) {
        deploy::read_kustomization(c, path, doc);
      } else if (workflow) {
        deploy::read_github_workflow(c, path, doc);
      } else if (gitlab) {
        deploy::read_gitlab_ci(c, path, doc);
      } else if (compose) {
        deploy::read_compose(c, path, doc);
      } else if (helmfile) {
        deploy::read_helmfile(c, path, doc);
      } else {
        deploy::read_gitops(c, path, doc);
      }
    } catch (const std::exception& e) {
      c.tree.note(path + ": " + e.what());
    }
  }
}

constexpr std::size_t kMaxImageManifests = 5000;

bool yaml_name(std::string_view path) {
  return ends_with(path, ".yaml") || ends_with(path, ".yml");
}

// Image references (reach/deploy/images.cpp) in the YAML files something deploys: files with a
// node, and those under a folder node (a folder applied whole). Read after the other readers,
// which make those nodes; chart templates are the chart's, and their references are templated.
void read_deployed_images(Context& c) {
  std::vector<std::string> files;
  const std::size_t n = c.graph.size();
  for (std::size_t i = 0; i < n && files.size() < kMaxImageManifests; ++i) {
    const std::string name = c.graph.name(static_cast<int>(i));
    if (name.find('#') != std::string::npos || deploy::image_node_name(name)) continue;
    if (!name.empty() && name.back() == '/') {
      const std::string dir = name.substr(0, name.size() - 1);  // "" for the root "/"
      for (const std::string& f : c.tree.files_in(dir, true, kMaxImageManifests - files.size()))
        if (yaml_name(f) && f.find("/templates/") == std::string::npos) files.push_back(f);
    } else if (yaml_name(name)) {
      files.push_back(name);
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  for (const std::string& f : files)
    if (const auto text = c.tree.read(f)) deploy::read_image_refs(c, f, *text);
}

// A folder node ("modules/app/": a folder applied or copied whole) stands for everything under
// it: files and folders with nodes of their own get an edge to it, so what they pull in is
// reached too (a module's main.tf and the modules it calls).
// A file named for an environment is not linked: the folder does not deploy values-staging.yaml
// to production (DeploymentModel::reach applies the same rule to the folders above a file).
void link_folders(deploy::Graph& g, const detail::Model& m) {
  const std::size_t n = g.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::string name = g.name(static_cast<int>(i));
    if (name.find('#') != std::string::npos || name == "/" || deploy::image_node_name(name))
      continue;
    if (name.back() != '/' && deploy::named_direction(m, name) != 0) continue;
    std::size_t end = name.size();
    if (!name.empty() && name.back() == '/') --end;
    for (std::size_t slash = name.find_last_of('/', end == 0 ? 0 : end - 1);
         slash != std::string::npos && slash > 0; slash = name.find_last_of('/', slash - 1)) {
      if (auto dir = g.find(std::string_view(name).substr(0, slash + 1))) {
        g.edge(static_cast<int>(i), *dir);
        break;  // the innermost folder node; it links to the next one up itself
      }
    }
    if (auto root = g.find("/")) g.edge(static_cast<int>(i), *root);
  }
}

}  // namespace

DeploymentModel build_deployment_model(const TreeReader& reader, const DeploymentOptions& options) {
  DeploymentModel out;
  DeploymentModel::Impl& impl = *out.impl_;
  std::string error;
  const detail::Model* m = detail::model(&error);
  if (!m) {
    impl.notes.push_back("reach signal data failed to load: " + error);
    return out;
  }
  impl.chain_hops = m->deployment_chain_hops;
  impl.graph = deploy::Graph(options.max_edges);
  deploy::Tree tree(reader, options);
  Context c{tree, impl.graph, *m};
  for (const std::string& f : tree.files())
    if (ends_with(f, "/Chart.yaml") || f == "Chart.yaml") {
      const std::string dir = deploy::dir_of(f);
      const std::size_t slash = dir.find_last_of('/');
      c.charts.emplace(dir.substr(slash == std::string::npos ? 0 : slash + 1), dir);
    }
  for (const std::string& f : tree.files()) {
    if (ends_with(f, "/Chart.yaml") || f == "Chart.yaml") {
      deploy::read_chart(c, f);
      continue;
    }
    const Kind kind = kind_of(f);
    if (kind == Kind::kNone) continue;
    // Chart templates are Go templates, not YAML: the chart stands for them.
    if (kind == Kind::kYaml && f.find("/templates/") != std::string::npos) continue;
    // Other YAML (OpenAPI documents, fixtures) is only worth reading whole when its head names
    // a GitOps API.
    if (kind == Kind::kYaml && !known_yaml(f)) {
      const auto head = tree.read(f, kYamlHead);
      if (!head || !gitops_candidate(*head)) continue;
    }
    const auto text = tree.read(f);
    if (!text) continue;
    try {
      switch (kind) {
        case Kind::kYaml:
          read_yaml(c, f, *text);
          break;
        case Kind::kHcl:
          deploy::read_hcl(c, f, *text);
          break;
        case Kind::kDockerfile:
          deploy::read_dockerfile(c, f, *text);
          break;
        case Kind::kScript:
          deploy::read_script(c, f, *text);
          break;
        case Kind::kNone:
          break;
      }
    } catch (const std::exception& e) {
      tree.note(f + ": " + e.what());
    }
  }
  read_deployed_images(c);
  link_folders(impl.graph, *m);
  if (impl.graph.limit_reached())
    tree.note("edge limit reached (" + std::to_string(options.max_edges) +
              "): the model is incomplete");
  impl.files_read = tree.files_read();
  impl.notes = tree.take_notes();
  impl.finish();
  return out;
}

}  // namespace reachscan::reach
