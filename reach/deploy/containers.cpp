// Containers: what a Dockerfile copies into its image (COPY/ADD sources), and what a
// docker-compose file runs (build contexts and Dockerfiles, env files, mounted config files). A
// compose file or Dockerfile named for an environment (docker-compose.prod.yml,
// Dockerfile.staging) is an entry point.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>

#include "reach/deploy/readers.h"
#include "reach/text.h"

namespace reachscan::reach::deploy {
namespace {

constexpr std::size_t kMaxInstructions = 5000;

std::string file_name(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Arguments of an instruction: JSON array form or whitespace-separated words.
std::vector<std::string> arguments(std::string_view rest) {
  std::vector<std::string> out;
  rest = detail::trim(rest);
  if (!rest.empty() && rest.front() == '[') {
    std::size_t i = 0;
    while ((i = rest.find('"', i)) != std::string_view::npos) {
      const std::size_t j = rest.find('"', i + 1);
      if (j == std::string_view::npos) break;
      out.emplace_back(rest.substr(i + 1, j - i - 1));
      i = j + 1;
    }
    return out;
  }
  std::size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < rest.size() && rest[j] != ' ' && rest[j] != '\t') ++j;
    if (j > i) out.emplace_back(rest.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

void read_dockerfile(Context& c, const std::string& path, std::string_view text) {
  const int self = c.graph.node(path);
  const std::string base = dir_of(path);
  // Join continuation lines, then read COPY and ADD.
  std::string joined;
  std::size_t instructions = 0;
  auto handle = [&](std::string_view line) {
    line = detail::trim(line);
    if (line.empty() || line.front() == '#' || ++instructions > kMaxInstructions) return;
    const std::size_t sp = line.find_first_of(" \t");
    if (sp == std::string_view::npos) return;
    const std::string op = detail::to_lower(line.substr(0, sp));
    if (op != "copy" && op != "add") return;
    std::vector<std::string> args = arguments(line.substr(sp));
    // Flags (--chown, --chmod); --from copies from another stage or image, not the context.
    for (const std::string& a : args)
      if (a.rfind("--from", 0) == 0) return;
    args.erase(std::remove_if(args.begin(), args.end(),
                              [](const std::string& a) { return a.rfind("--", 0) == 0; }),
               args.end());
    if (args.size() < 2) return;
    args.pop_back();  // the destination
    for (const std::string& src : args) {
      if (src == "." || src == "./" || src.find("://") != std::string::npos) continue;
      if (!include_ref(c, base, src, self, path) && !base.empty())
        include_ref(c, "", src, self, path);
    }
  };
  for (std::size_t i = 0; i <= text.size();) {
    std::size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view line = text.substr(i, j - i);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && line.back() == '\\') {
      joined.append(line.substr(0, line.size() - 1)).push_back(' ');
    } else {
      joined.append(line);
      handle(joined);
      joined.clear();
    }
    i = j + 1;
  }
  const std::string name = file_name(path);
  if (const std::size_t dot = name.find('.'); dot != std::string::npos)
    if (auto env = env_of_value(c.model, name.substr(dot + 1), "image " + name))
      c.graph.label(self, std::move(*env));
}

void read_compose(Context& c, const std::string& path, const YAML::Node& doc) {
  const YAML::Node services = doc["services"];
  if (!services || !services.IsMap()) return;
  const int self = c.graph.node(path);
  const std::string base = dir_of(path);
  for (const auto& kv : services) {
    const YAML::Node svc = kv.second;
    if (!svc.IsMap()) continue;
    if (const YAML::Node build = svc["build"]; build) {
      const std::string context = build.IsScalar() ? build.Scalar() : scalar(build, "context");
      const std::string dockerfile = build.IsMap() ? scalar(build, "dockerfile") : std::string();
      const auto ctx = c.tree.resolve(base, context.empty() ? "." : context, path);
      if (ctx) include_ref(c, *ctx, dockerfile.empty() ? "Dockerfile" : dockerfile, self, path);
    }
    for (const std::string& f : scalars(svc["env_file"])) include_ref(c, base, f, self, path);
    for (const std::string& v : scalars(svc["volumes"], "source")) {
      const std::string src = v.substr(0, v.find(':'));
      if (!src.empty() && src[0] != '/' && src[0] != '~' &&
          (src[0] == '.' || src.find('/') != std::string::npos))
        include_ref(c, base, src, self, path);
    }
    if (const YAML::Node ext = svc["extends"]; ext && ext.IsMap())
      include_ref(c, base, scalar(ext, "file"), self, path);
  }
  for (const char* key : {"configs", "secrets"})
    if (const YAML::Node top = doc[key]; top && top.IsMap())
      for (const auto& kv : top)
        if (kv.second.IsMap()) include_ref(c, base, scalar(kv.second, "file"), self, path);
  // docker-compose.prod.yml, compose.staging.yaml; the plain file is reached through whatever
  // runs it.
  const std::string name = file_name(path);
  const std::size_t first = name.find('.'), last = name.find_last_of('.');
  if (first != last)
    if (auto env =
            env_of_value(c.model, name.substr(first + 1, last - first - 1), "compose file " + name))
      c.graph.label(self, std::move(*env));
}

}  // namespace reachscan::reach::deploy
