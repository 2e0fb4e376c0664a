// CI/CD: GitHub Actions and GitLab CI jobs, and the shell scripts they run. A job is a unit
// ("<file>#<job>"); with an environment (`environment: production`, or failing that a job or
// workflow named for one) it is an entry point. Whatever its commands and inputs name (charts,
// values files, manifests, Dockerfiles, tfvars, scripts) is deployed by it.
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "reach/deploy/readers.h"
#include "reach/text.h"

namespace reachscan::reach::deploy {
namespace {

constexpr int kMaxIncludeDepth = 5;

// `environment: production` or `environment: {name: production}`.
std::string environment_of(const YAML::Node& job) {
  const YAML::Node e = job["environment"];
  if (!e) return {};
  if (e.IsScalar()) return e.Scalar();
  return scalar(e, "name");
}

void label_job(Context& c, int unit, const std::string& path, const std::string& id,
               const std::string& environment) {
  if (!environment.empty()) {
    if (auto env =
            env_of_value(c.model, environment, "job " + id + ", environment " + environment)) {
      c.graph.label(unit, std::move(*env));
      return;
    }
    // A custom environment name (the map in .reachscan.yaml may know it): no label here.
    if (environment.find("${") == std::string::npos && environment.find("{{") == std::string::npos)
      return;
  }
  // No environment: only a job (or workflow) named for deploying says where it deploys.
  const auto deploys = [&](std::string_view name) {
    for (const std::string& w : detail::words_of(name))
      if (std::find(c.model.deployment_job_words.begin(), c.model.deployment_job_words.end(), w) !=
          c.model.deployment_job_words.end())
        return true;
    return false;
  };
  if (deploys(id))
    if (auto env = env_of_value(c.model, id, "job " + id)) {
      c.graph.label(unit, std::move(*env));
      return;
    }
  const std::size_t slash = path.find_last_of('/');
  if (deploys(path.substr(slash == std::string::npos ? 0 : slash + 1)))
    if (auto env = env_of_path(c.model, path, "workflow")) c.graph.label(unit, std::move(*env));
}

void commands(Context& c, const YAML::Node& node, std::string_view base, int unit,
              const std::string& path) {
  if (!node) return;
  if (node.IsScalar()) {
    include_words(c, base, node.Scalar(), unit);
    include_image_words(c, node.Scalar(), unit);
  } else if (node.IsSequence()) {
    for (const YAML::Node& item : node) commands(c, item, base, unit, path);
  }
}

// docker/build-push-action: the images named in `tags` (lines or commas), when it pushes.
void build_push_tags(Context& c, const YAML::Node& with, int unit) {
  const std::string push = scalar(with, "push");
  if (push != "true" && push.find("${{") == std::string::npos) return;
  std::string tags = scalar(with, "tags");
  std::replace(tags.begin(), tags.end(), ',', '\n');
  std::size_t i = 0;
  while (i < tags.size()) {
    std::size_t j = tags.find('\n', i);
    if (j == std::string::npos) j = tags.size();
    add_image(c, tags.substr(i, j - i), unit);
    i = j + 1;
  }
}

void gitlab(Context& c, const std::string& path, const YAML::Node& doc, int depth,
            std::vector<std::string>& seen) {
  static const char* const kReserved[] = {"stages",        "variables",    "include",  "default",
                                          "workflow",      "image",        "services", "cache",
                                          "before_script", "after_script", "pages"};
  if (!doc.IsMap()) return;
  // Local includes: read here, so a file included from .gitlab-ci.yml is read wherever it is.
  for (std::string inc : scalars(doc["include"], "local")) {
    if (inc.rfind("http", 0) == 0) continue;
    const auto file = c.tree.resolve("", inc, path);
    if (!file || !c.tree.is_file(*file)) continue;
    c.graph.edge(c.graph.node(*file), c.graph.node(path));
    if (depth >= kMaxIncludeDepth || std::find(seen.begin(), seen.end(), *file) != seen.end()) {
      if (depth >= kMaxIncludeDepth) c.tree.note(path + ": includes nested too deep; stopped");
      continue;
    }
    seen.push_back(*file);
    const auto text = c.tree.read(*file);
    if (!text) continue;
    try {
      gitlab(c, *file, YAML::Load(*text), depth + 1, seen);
    } catch (const YAML::Exception& e) {
      c.tree.note(*file + ": not read: " + e.what());
    }
  }
  for (const auto& kv : doc) {
    const std::string id = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
    const YAML::Node job = kv.second;
    if (id.empty() || id.front() == '.' || !job.IsMap() ||
        std::any_of(std::begin(kReserved), std::end(kReserved),
                    [&](const char* r) { return id == r; }))
      continue;
    if (!job["script"] && !job["trigger"] && !job["environment"]) continue;
    const int unit = c.graph.node(path + "#" + id);
    for (const char* key : {"before_script", "script", "after_script"})
      commands(c, job[key], "", unit, path);
    label_job(c, unit, path, id, environment_of(job));
  }
}

}  // namespace

void read_github_workflow(Context& c, const std::string& path, const YAML::Node& doc) {
  const YAML::Node jobs = doc["jobs"];
  if (!jobs || !jobs.IsMap()) return;
  std::string default_dir;
  if (const YAML::Node d = doc["defaults"]; d && d.IsMap() && d["run"] && d["run"].IsMap())
    default_dir = scalar(d["run"], "working-directory");
  for (const auto& kv : jobs) {
    const std::string id = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
    const YAML::Node job = kv.second;
    if (id.empty() || !job.IsMap()) continue;
    const int unit = c.graph.node(path + "#" + id);
    // A reusable workflow runs as this job.
    if (const std::string uses = scalar(job, "uses"); uses.rfind("./", 0) == 0)
      include_ref(c, "", uses, unit, path);
    commands(c, job["with"], "", unit, path);
    if (const YAML::Node with = job["with"]; with && with.IsMap())
      for (const auto& w : with) commands(c, w.second, "", unit, path);
    if (const YAML::Node steps = job["steps"]; steps && steps.IsSequence())
      for (const YAML::Node& step : steps) {
        if (!step.IsMap()) continue;
        std::string dir = scalar(step, "working-directory");
        if (dir.empty()) dir = default_dir;
        const auto base = c.tree.resolve("", dir, path).value_or(std::string());
        commands(c, step["run"], base, unit, path);
        const std::string uses = scalar(step, "uses");
        if (uses.rfind("./", 0) == 0) include_ref(c, "", uses, unit, path);
        if (uses.rfind("docker/build-push-action", 0) == 0 && step["with"])
          build_push_tags(c, step["with"], unit);
        if (const YAML::Node with = step["with"]; with && with.IsMap())
          for (const auto& w : with) commands(c, w.second, "", unit, path);
      }
    label_job(c, unit, path, id, environment_of(job));
  }
}

void read_gitlab_ci(Context& c, const std::string& path, const YAML::Node& doc) {
  std::vector<std::string> seen = {path};
  gitlab(c, path, doc, 0, seen);
}

void read_script(Context& c, const std::string& path, std::string_view text) {
  const int self = c.graph.node(path);
  include_words(c, dir_of(path), text, self);
  include_image_words(c, text, self);
  // A deploy script named for an environment (deploy-prod.sh) is an entry point.
  const std::string low = detail::to_lower(text);
  const bool deploys =
      std::any_of(c.model.deploy_phrases.begin(), c.model.deploy_phrases.end(),
                  [&](const std::string& p) { return low.find(p) != std::string::npos; });
  if (!deploys) return;
  const std::size_t slash = path.find_last_of('/');
  if (auto env = env_of_value(c.model, path.substr(slash == std::string::npos ? 0 : slash + 1),
                              "deploy script " + path))
    c.graph.label(self, std::move(*env));
}

}  // namespace reachscan::reach::deploy
