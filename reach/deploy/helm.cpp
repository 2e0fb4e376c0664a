// Helm: a chart's templates and default values belong to every release of the chart; a release
// (Flux HelmRelease, Argo CD, helmfile, `helm upgrade --install` in a script) adds its values
// files. helmfile environments are entry points of their own.
#include <yaml-cpp/yaml.h>

#include "reach/deploy/readers.h"

namespace reachscan::reach::deploy {
namespace {

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

// The folder of the chart a release names: a path to a chart, or a chart of that name in the tree.
std::optional<std::string> chart_dir(Context& c, std::string_view base, std::string_view chart,
                                     const std::string& from) {
  if (chart.empty()) return std::nullopt;
  if (chart.find('/') != std::string_view::npos || chart.front() == '.') {
    if (auto dir = c.tree.resolve(base, chart, from);
        dir && c.tree.is_file(join(*dir, "Chart.yaml")))
      return dir;
    if (auto dir = c.tree.resolve("", chart, from); dir && c.tree.is_file(join(*dir, "Chart.yaml")))
      return dir;
  }
  const std::size_t slash = chart.find_last_of('/');  // repo/name
  const auto it =
      c.charts.find(std::string(chart.substr(slash == std::string_view::npos ? 0 : slash + 1)));
  if (it != c.charts.end()) return it->second;
  return std::nullopt;
}

}  // namespace

void read_chart(Context& c, const std::string& chart_yaml) {
  const std::string dir = dir_of(chart_yaml);
  const int chart = c.graph.node(chart_yaml);
  for (const char* sub : {"templates", "crds", "files", "charts"})
    if (c.tree.is_dir(join(dir, sub))) c.graph.edge(c.graph.node(join(dir, sub) + "/"), chart);
  for (const char* f : {"values.yaml", "values.yml", "values.schema.json", "Chart.lock"})
    if (c.tree.is_file(join(dir, f))) c.graph.edge(c.graph.node(join(dir, f)), chart);
}

void add_release(Context& c, std::string_view base, std::string_view chart,
                 const std::vector<std::string>& values, std::string_view values_base, int parent,
                 const std::string& from) {
  const auto dir = chart_dir(c, base, chart, from);
  if (dir) c.graph.edge(c.graph.node(join(*dir, "Chart.yaml")), parent);
  for (const std::string& v : values) {
    if (include_ref(c, values_base, v, parent, from)) continue;
    if (dir && include_ref(c, *dir, v, parent, from)) continue;
    include_ref(c, "", v, parent, from);
  }
}

void read_helmfile(Context& c, const std::string& path, const YAML::Node& doc) {
  const std::string base = dir_of(path);
  const int self = c.graph.node(path);
  for (const std::string& b : scalars(doc["bases"])) include_ref(c, base, b, self, path);
  // One unit per environment, or the file itself when there are none.
  std::vector<std::pair<std::string, int>> units;
  if (const YAML::Node envs = doc["environments"]; envs && envs.IsMap()) {
    for (const auto& kv : envs) {
      const std::string name = kv.first.Scalar();
      const int unit = c.graph.node(path + "#environment/" + name);
      if (auto env = env_of_value(c.model, name, "helmfile environment " + name))
        c.graph.label(unit, std::move(*env));
      if (kv.second.IsMap())
        for (const std::string& v : scalars(kv.second["values"]))
          include_ref(c, base, v, unit, path);
      units.emplace_back(name, unit);
    }
  }
  if (units.empty()) {
    units.emplace_back("", self);
    if (auto env = env_of_path(c.model, path, "helmfile")) c.graph.label(self, std::move(*env));
  }
  const YAML::Node releases = doc["releases"];
  if (!releases || !releases.IsSequence()) return;
  for (const YAML::Node& r : releases) {
    if (!r.IsMap()) continue;
    const std::string chart = scalar(r, "chart");
    std::vector<std::string> values = scalars(r["values"]);
    for (const std::string& s : scalars(r["secrets"])) values.push_back(s);
    for (const auto& [name, unit] : units) {
      std::vector<std::string> expanded;
      for (const std::string& v : values)
        expanded.push_back(replace_all(replace_all(v, "{{ .Environment.Name }}", name),
                                       "{{.Environment.Name}}", name));
      add_release(c, base, chart, expanded, base, unit, path);
    }
    if (units.size() == 1 && units[0].second == self)
      if (auto env = env_of_value(c.model, scalar(r, "namespace"), "helmfile release namespace"))
        c.graph.label(self, std::move(*env));
  }
}

}  // namespace reachscan::reach::deploy
