// Reading the `environments:` map of .reachscan.yaml.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "reach/classify.h"
#include "reach/text.h"

namespace reachscan::reach {
namespace {

constexpr const char* kKeys =
    "production, hosts, aws_accounts, gcp_projects, namespaces, clusters, paths, branches";

std::vector<std::string> string_list(const YAML::Node& n, const std::string& where) {
  std::vector<std::string> out;
  if (n.IsNull()) return out;
  if (n.IsScalar()) return {n.as<std::string>()};
  if (!n.IsSequence()) throw YAML::Exception(n.Mark(), where + " must be a list of strings");
  for (const auto& item : n) {
    if (!item.IsScalar()) throw YAML::Exception(item.Mark(), where + " must be a list of strings");
    out.push_back(item.as<std::string>());
  }
  return out;
}

bool production_by_name(const std::string& name) {
  const std::string low = detail::to_lower(name);
  return low == "production" || low == "prod" || low == "prd" || low == "live";
}

}  // namespace

Expected<ReachConfig> parse_reach_config(std::string_view yaml_text,
                                         const std::string& config_path) {
  ReachConfig cfg;
  cfg.path = config_path;
  cfg.base_dir = std::filesystem::path(config_path).parent_path().lexically_normal().string();
  if (cfg.base_dir == ".") cfg.base_dir.clear();
  try {
    const YAML::Node doc = YAML::Load(std::string(yaml_text));
    if (doc.IsNull()) return cfg;
    if (!doc.IsMap()) return Status::error(config_path + ": config must be a YAML mapping");
    const YAML::Node envs = doc["environments"];
    if (!envs || envs.IsNull()) return cfg;
    if (!envs.IsMap())
      throw YAML::Exception(envs.Mark(), "environments must be a mapping of environment names");
    for (const auto& kv : envs) {
      Environment e;
      e.name = kv.first.as<std::string>();
      e.line = static_cast<std::size_t>(kv.first.Mark().line + 1);
      e.production = production_by_name(e.name);
      const YAML::Node& body = kv.second;
      const std::string where = "environments." + e.name;
      if (body.IsNull()) {
        cfg.environments.push_back(std::move(e));
        continue;
      }
      if (!body.IsMap()) throw YAML::Exception(body.Mark(), where + " must be a mapping");
      for (const auto& f : body) {
        const std::string key = f.first.as<std::string>();
        const YAML::Node& v = f.second;
        const std::string field = where + "." + key;
        if (key == "production") {
          if (!v.IsScalar()) throw YAML::Exception(v.Mark(), field + " must be true or false");
          const std::string b = detail::to_lower(v.as<std::string>());
          if (b == "true" || b == "yes")
            e.production = true;
          else if (b == "false" || b == "no")
            e.production = false;
          else
            throw YAML::Exception(v.Mark(), field + " must be true or false");
        } else if (key == "hosts") {
          e.hosts = string_list(v, field);
        } else if (key == "aws_accounts") {
          e.aws_accounts = string_list(v, field);
        } else if (key == "gcp_projects") {
          e.gcp_projects = string_list(v, field);
        } else if (key == "namespaces") {
          e.namespaces = string_list(v, field);
        } else if (key == "clusters") {
          e.clusters = string_list(v, field);
        } else if (key == "paths") {
          e.paths = string_list(v, field);
        } else if (key == "branches") {
          e.branches = string_list(v, field);
        } else {
          throw YAML::Exception(f.first.Mark(), "unknown key '" + key + "' in " + where +
                                                    " (expected " + kKeys + ")");
        }
      }
      cfg.environments.push_back(std::move(e));
    }
  } catch (const YAML::Exception& e) {
    return Status::error(config_path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return cfg;
}

Expected<ReachConfig> load_reach_config(const std::string& config_path) {
  std::ifstream in(config_path, std::ios::binary);
  if (!in) return Status::error(config_path + ": cannot read config file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_reach_config(ss.str(), config_path);
}

}  // namespace reachscan::reach
