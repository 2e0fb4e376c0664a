// GitOps entry points: Flux Kustomization and HelmRelease, Argo CD Application and
// ApplicationSet. Their environment comes from where they sit (clusters/production/) or,
// failing that, from their name, namespace or destination.
#include <yaml-cpp/yaml.h>

#include "reach/deploy/readers.h"

namespace reachscan::reach::deploy {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.rfind(p, 0) == 0; }

// The entry point's environment: its folder first, then the values that name a target.
void label_entry(Context& c, int self, const std::string& path, const std::string& kind,
                 const std::vector<std::string>& values) {
  if (auto env = env_of_path(c.model, path)) {
    c.graph.label(self, std::move(*env));
    return;
  }
  for (const std::string& v : values)
    if (auto env = env_of_value(c.model, v, kind + " " + v)) {
      c.graph.label(self, std::move(*env));
      return;
    }
}

using Vars = std::vector<std::pair<std::string, std::string>>;

// An ApplicationSet template's {{key}}, {{.key}}, {{ .key }} placeholders filled in.
std::string expand(std::string s, const Vars& vars) {
  for (const auto& [key, value] : vars)
    for (const std::string& form :
         {"{{" + key + "}}", "{{." + key + "}}", "{{ " + key + " }}", "{{ ." + key + " }}"})
      for (std::size_t at = s.find(form); at != std::string::npos;
           at = s.find(form, at + value.size()))
        s.replace(at, form.size(), value);
  return s;
}

// An Argo CD source: a folder of manifests or a chart, with Helm values files.
void argo_source(Context& c, const YAML::Node& src, int parent, const std::string& from,
                 const Vars& vars = {}) {
  if (!src || !src.IsMap()) return;
  const std::string dir = expand(scalar(src, "path"), vars);
  const YAML::Node helm = src["helm"];
  std::vector<std::string> values;
  if (helm && helm.IsMap()) values = scalars(helm["valueFiles"]);
  for (std::string& v : values) v = expand(std::move(v), vars);
  if (!dir.empty() && !values.empty()) {
    add_release(c, "", dir, values, dir, parent, from);
  } else if (!dir.empty()) {
    include_ref(c, "", dir, parent, from);
  }
}

}  // namespace

bool read_gitops(Context& c, const std::string& path, const YAML::Node& doc) {
  const std::string api = scalar(doc, "apiVersion");
  const std::string kind = scalar(doc, "kind");
  const YAML::Node meta = doc["metadata"];
  const YAML::Node spec = doc["spec"];
  if (!spec || !spec.IsMap()) return false;
  const std::string name = meta ? scalar(meta, "name") : std::string();
  const std::string ns = meta ? scalar(meta, "namespace") : std::string();
  // NOTE: the file is the entry point (a file with a production and a staging Application is
  // reached from both), so the chain names what a reviewer opens.

  if (starts_with(api, "kustomize.toolkit.fluxcd.io") && kind == "Kustomization") {
    const int self = c.graph.node(path);
    include_ref(c, "", scalar(spec, "path"), self, path);
    label_entry(c, self, path, "Flux Kustomization", {name, scalar(spec, "targetNamespace"), ns});
    return true;
  }
  if (starts_with(api, "helm.toolkit.fluxcd.io") && kind == "HelmRelease") {
    const int self = c.graph.node(path);
    const YAML::Node chart = spec["chart"];
    const YAML::Node cs = chart && chart.IsMap() ? chart["spec"] : YAML::Node();
    if (cs && cs.IsMap())
      add_release(c, "", scalar(cs, "chart"), scalars(cs["valuesFiles"]), "", self, path);
    // valuesFrom names ConfigMaps and Secrets: the files that generate them are found through
    // the kustomization that lists them.
    label_entry(c, self, path, "Flux HelmRelease", {name, scalar(spec, "targetNamespace"), ns});
    return true;
  }
  if (starts_with(api, "argoproj.io") && (kind == "Application" || kind == "ApplicationSet")) {
    const int self = c.graph.node(path);
    // NOTE: yaml-cpp nodes are references and assigning to one writes through, so the template's
    // spec gets a node of its own rather than being assigned over `spec`.
    const YAML::Node tmpl = kind == "ApplicationSet" ? spec["template"] : YAML::Node();
    const YAML::Node app = kind != "ApplicationSet" ? spec
                           : tmpl && tmpl.IsMap()   ? tmpl["spec"]
                                                    : YAML::Node();
    if (kind == "ApplicationSet") {
      // Git directory generators name the folders the template is stamped out for.
      if (const YAML::Node gens = spec["generators"]; gens && gens.IsSequence())
        for (const YAML::Node& g : gens) {
          const YAML::Node git = g.IsMap() ? g["git"] : YAML::Node();
          if (!git || !git.IsMap()) continue;
          for (const std::string& d : scalars(git["directories"])) {
            const std::size_t star = d.find('*');
            const std::string root = star == std::string::npos ? d : dir_of(d.substr(0, star));
            include_ref(c, "", root, self, path);
          }
          for (const std::string& f : scalars(git["files"])) include_ref(c, "", f, self, path);
        }
    }
    if (!app || !app.IsMap()) return true;
    // List generators: the template once per element, each element an entry point of its own
    // (`- cluster: production` stamps out path: apps/{{cluster}}, values-{{cluster}}.yaml).
    if (kind == "ApplicationSet")
      if (const YAML::Node gens = spec["generators"]; gens && gens.IsSequence())
        for (const YAML::Node& g : gens) {
          const YAML::Node list = g.IsMap() ? g["list"] : YAML::Node();
          const YAML::Node elements = list && list.IsMap() ? list["elements"] : YAML::Node();
          if (!elements || !elements.IsSequence()) continue;
          std::size_t index = 0;
          for (const YAML::Node& e : elements) {
            if (!e.IsMap()) continue;
            Vars vars;
            for (const auto& kv : e)
              if (kv.first.IsScalar() && kv.second.IsScalar())
                vars.emplace_back(kv.first.Scalar(), kv.second.Scalar());
            const int unit = c.graph.node(path + "#element/" + std::to_string(index++));
            argo_source(c, app["source"], unit, path, vars);
            for (const auto& [key, value] : vars)
              if (auto env =
                      env_of_value(c.model, value, "ApplicationSet element " + key + "=" + value)) {
                c.graph.label(unit, std::move(*env));
                break;
              }
          }
        }
    argo_source(c, app["source"], self, path);
    if (const YAML::Node sources = app["sources"]; sources && sources.IsSequence())
      for (const YAML::Node& s : sources) argo_source(c, s, self, path);
    const YAML::Node dest = app["destination"];
    std::vector<std::string> targets = {name};
    if (dest && dest.IsMap())
      for (const char* k : {"name", "namespace", "server"}) targets.push_back(scalar(dest, k));
    targets.push_back(scalar(app, "project"));
    label_entry(c, self, path, "Argo CD " + kind, targets);
    return true;
  }
  return false;
}

}  // namespace reachscan::reach::deploy
