// Container images in the deployment model: nodes "image:<repository>:<tag>" (or
// "image:<repository>" for a reference whose tag is templated: every tag) deployed by the
// manifest, CI job or script that names them. A manifest reached from a production entry point
// (`image: registry/app:1.2` in a production overlay) or a production job that pushes an image
// (`docker push registry/app:latest`) makes the image production (DeploymentModel::reach_image).
#include <algorithm>
#include <string>
#include <vector>

#include "reach/deploy/readers.h"
#include "reach/text.h"

namespace reachscan::reach::deploy {
namespace {

constexpr std::size_t kMaxLines = 20000;   // lines of one manifest looked at
constexpr std::size_t kMaxTokens = 20000;  // words of one command text looked at

bool templated(std::string_view s) {
  return s.find("{{") != std::string_view::npos || s.find('$') != std::string_view::npos ||
         s.find("<%") != std::string_view::npos;
}

bool valid_repository(std::string_view r) {
  if (r.empty() || r.front() == '/' || r.back() == '/' || r.front() == '-') return false;
  return std::all_of(r.begin(), r.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
           ch == '-' || ch == '/' || ch == ':';
  });
}

std::string_view unquote(std::string_view v) {
  v = detail::trim(v);
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
    v = v.substr(1, v.size() - 2);
  return detail::trim(v);
}

// A YAML scalar value after `key:` on a line, without a trailing comment; "" when none.
std::string_view value_after(std::string_view line, std::string_view key) {
  std::string_view v = line.substr(key.size());
  if (const std::size_t hash = v.find(" #"); hash != std::string_view::npos) v = v.substr(0, hash);
  return unquote(v);
}

std::size_t indent_of(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '-')) ++i;
  return i;
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < text.size() && out.size() < kMaxLines;) {
    std::size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view l = text.substr(i, j - i);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    out.push_back(l);
    i = j + 1;
  }
  return out;
}

// Helm-style `image:` blocks: registry, repository and tag under the key.
void image_block(Context& c, const std::vector<std::string_view>& lines, std::size_t at,
                 int parent) {
  const std::size_t indent = indent_of(lines[at]);
  std::string registry, repository, tag;
  for (std::size_t i = at + 1; i < lines.size(); ++i) {
    const std::string_view raw = lines[i];
    const std::string_view t = detail::trim(raw);
    if (t.empty() || t.front() == '#') continue;
    if (indent_of(raw) <= indent) break;
    if (t.rfind("registry:", 0) == 0) registry = value_after(t, "registry:");
    if (t.rfind("repository:", 0) == 0) repository = value_after(t, "repository:");
    if (t.rfind("tag:", 0) == 0) tag = value_after(t, "tag:");
  }
  if (repository.empty()) return;
  std::string ref = registry.empty() ? repository : registry + "/" + repository;
  // No tag: the chart's appVersion, which a values file does not say: any tag.
  ref += ":" + (tag.empty() ? std::string("{{.Chart.AppVersion}}") : tag);
  add_image(c, ref, parent);
}

bool flag_with_value(std::string_view w) {
  return w == "-f" || w == "--file" || w == "--build-arg" || w == "--platform" || w == "--target" ||
         w == "--label" || w == "--cache-from" || w == "--cache-to" || w == "--secret" ||
         w == "--network" || w == "--progress" || w == "--builder" || w == "-o" ||
         w == "--output" || w == "--namespace" || w == "-n" || w == "--context";
}

}  // namespace

std::optional<ImageRef> parse_image_ref(std::string_view ref) {
  ref = unquote(ref);
  std::string r = detail::to_lower(ref);
  if (templated(r)) std::erase_if(r, [](char ch) { return ch == ' ' || ch == '\t'; });
  if (r.empty() || r.size() > 512 || r.find_first_of(" \t\"'") != std::string::npos)
    return std::nullopt;
  ImageRef out;
  const std::size_t at = r.find('@');
  const std::size_t slash = r.find_last_of('/', at == std::string::npos ? r.size() : at);
  const std::size_t colon = r.find(':', slash == std::string::npos ? 0 : slash);
  const std::size_t end = std::min(at, colon);
  out.repository = r.substr(0, end);
  if (at != std::string::npos) {
    out.tag = r.substr(at);  // "@sha256:..."
  } else if (colon != std::string::npos) {
    out.tag = r.substr(colon + 1);
  } else {
    out.tag = "latest";
  }
  if (templated(out.repository)) return std::nullopt;
  if (templated(out.tag) || out.tag.empty()) out.tag.clear();  // every tag
  for (const char* hub : {"docker.io/", "index.docker.io/", "registry-1.docker.io/"})
    if (out.repository.rfind(hub, 0) == 0) out.repository.erase(0, std::string_view(hub).size());
  if (out.repository.rfind("library/", 0) == 0) out.repository.erase(0, 8);
  if (!valid_repository(out.repository)) return std::nullopt;
  return out;
}

std::string image_node(const ImageRef& r) {
  return "image:" + r.repository +
         (r.tag.empty()          ? ""
          : r.tag.front() == '@' ? r.tag
                                 : ":" + r.tag);
}

bool image_node_name(std::string_view name) { return name.rfind("image:", 0) == 0; }

void add_image(Context& c, std::string_view ref, int parent) {
  if (auto r = parse_image_ref(ref)) c.graph.edge(c.graph.node(image_node(*r)), parent);
}

void read_image_refs(Context& c, const std::string& path, std::string_view text) {
  if (text.find("image") == std::string_view::npos) return;
  const std::vector<std::string_view> lines = lines_of(text);
  int self = -1;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view t = detail::trim(lines[i]);
    if (!t.empty() && t.front() == '-') t = detail::trim(t.substr(1));
    if (t.rfind("image:", 0) != 0) continue;
    if (self < 0) self = c.graph.node(path);
    const std::string_view v = value_after(t, "image:");
    if (v.empty())
      image_block(c, lines, i, self);
    else if (v.front() != '{' && v.front() != '[' && v.front() != '&' && v.front() != '*')
      add_image(c, v, self);
  }
}

void include_image_words(Context& c, std::string_view text, int parent) {
  if (text.find("docker") == std::string_view::npos &&
      text.find("podman") == std::string_view::npos &&
      text.find("buildah") == std::string_view::npos &&
      text.find("set image") == std::string_view::npos)
    return;
  std::vector<std::string_view> words;
  for (std::size_t i = 0; i < text.size() && words.size() < kMaxTokens;) {
    while (i < text.size() &&
           std::string_view(" \t\r\n\\;&|()`").find(text[i]) != std::string_view::npos)
      ++i;
    std::size_t j = i;
    while (j < text.size() &&
           std::string_view(" \t\r\n;&|()`").find(text[j]) == std::string_view::npos)
      ++j;
    if (j > i) words.push_back(unquote(text.substr(i, j - i)));
    i = j;
  }
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    const std::string_view tool = words[i];
    if (tool != "docker" && tool != "podman" && tool != "buildah" && tool != "kubectl") continue;
    std::size_t k = i + 1;
    if (k < words.size() && words[k] == "buildx") ++k;
    if (k >= words.size()) break;
    const std::string_view verb = words[k];
    // Arguments up to the next tool invocation.
    std::vector<std::string_view> args;
    for (std::size_t a = k + 1; a < words.size() && args.size() < 64; ++a) {
      const std::string_view w = words[a];
      if (w == "docker" || w == "podman" || w == "buildah" || w == "kubectl") break;
      args.push_back(w);
    }
    if (tool == "kubectl") {
      // kubectl set image deployment/app app=registry/app:1.2
      if (verb != "set" || args.empty() || args[0] != "image") continue;
      for (std::size_t a = 2; a < args.size(); ++a)
        if (const std::size_t eq = args[a].find('='); eq != std::string_view::npos)
          add_image(c, args[a].substr(eq + 1), parent);
      continue;
    }
    if (verb == "push") {
      for (std::string_view a : args)
        if (!a.empty() && a.front() != '-') {
          add_image(c, a, parent);
          break;
        }
    } else if (verb == "build" || verb == "bud") {
      for (std::size_t a = 0; a < args.size(); ++a) {
        if ((args[a] == "-t" || args[a] == "--tag") && a + 1 < args.size())
          add_image(c, args[a + 1], parent);
        else if (args[a].rfind("--tag=", 0) == 0)
          add_image(c, args[a].substr(6), parent);
        else if (flag_with_value(args[a]))
          ++a;
      }
    } else if (verb == "tag") {
      std::vector<std::string_view> plain;
      for (std::string_view a : args)
        if (!a.empty() && a.front() != '-') plain.push_back(a);
      if (plain.size() >= 2) add_image(c, plain[1], parent);
    }
  }
}

}  // namespace reachscan::reach::deploy
