// Kustomize: what a kustomization.yaml pulls in, and the environment an overlay stands for.
#include <yaml-cpp/yaml.h>

#include "reach/deploy/readers.h"

namespace reachscan::reach::deploy {

std::vector<std::string> scalars(const YAML::Node& node, const char* key) {
  std::vector<std::string> out;
  if (!node) return out;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
  } else if (node.IsSequence()) {
    for (const YAML::Node& item : node) {
      if (item.IsScalar())
        out.push_back(item.Scalar());
      else if (item.IsMap() && item[key] && item[key].IsScalar())
        out.push_back(item[key].Scalar());
    }
  }
  return out;
}

std::string scalar(const YAML::Node& node, const char* key) {
  if (!node.IsMap()) return {};
  const YAML::Node v = node[key];
  return v && v.IsScalar() ? v.Scalar() : std::string();
}

void read_kustomization(Context& c, const std::string& path, const YAML::Node& doc) {
  const std::string base = dir_of(path);
  const int self = c.graph.node(path);
  for (const char* key : {"resources", "bases", "components", "crds", "patchesStrategicMerge",
                          "transformers", "generators", "configurations", "openapi"})
    for (const std::string& ref : scalars(doc[key])) include_ref(c, base, ref, self, path);
  for (const char* key : {"patches", "patchesJson6902", "replacements"})
    for (const std::string& ref : scalars(doc[key], "path")) include_ref(c, base, ref, self, path);
  for (const char* key : {"configMapGenerator", "secretGenerator"}) {
    const YAML::Node gens = doc[key];
    if (!gens || !gens.IsSequence()) continue;
    for (const YAML::Node& g : gens) {
      if (!g.IsMap()) continue;
      for (const char* field : {"files", "envs", "env"})
        for (std::string ref : scalars(g[field])) {
          // files: [key=path] names the key the file's content is stored under.
          if (const std::size_t eq = ref.find('='); eq != std::string::npos)
            ref = ref.substr(eq + 1);
          include_ref(c, base, ref, self, path);
        }
    }
  }
  if (const YAML::Node charts = doc["helmCharts"]; charts && charts.IsSequence())
    for (const YAML::Node& h : charts) {
      std::vector<std::string> values = scalars(h["valuesFile"]);
      for (const std::string& v : scalars(h["additionalValuesFiles"])) values.push_back(v);
      const std::string home = scalar(doc, "helmGlobals").empty() ? "charts" : std::string();
      add_release(c, join(base, home), scalar(h, "name"), values, base, self, path);
    }
  // images: the overlay sets which image (newName) and tag (newTag, digest) its workloads run.
  if (const YAML::Node images = doc["images"]; images && images.IsSequence())
    for (const YAML::Node& img : images) {
      std::string name = scalar(img, "newName");
      if (name.empty()) name = scalar(img, "name");
      if (name.empty()) continue;
      if (const std::string digest = scalar(img, "digest"); !digest.empty())
        add_image(c, name + "@" + digest, self);
      else
        add_image(c, name + ":" + scalar(img, "newTag"), self);
    }
  // An overlay stands for the environment its folder or namespace names.
  if (auto env = env_of_path(c.model, base, "overlay")) {
    c.graph.label(self, std::move(*env));
  } else if (const std::string ns = scalar(doc, "namespace"); !ns.empty()) {
    if (auto e = env_of_value(c.model, ns, "overlay namespace " + ns)) c.graph.label(self, *e);
  }
}

}  // namespace reachscan::reach::deploy
