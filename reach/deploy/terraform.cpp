// Terraform and Terragrunt, read as text (HCL lines): Terragrunt `include` and
// `read_terragrunt_config` (find_in_parent_folders), `dependency` config paths, `terraform {
// source }` and Terraform `module` sources, `file()`/`templatefile()` of the module's own files.
// Live folders (live/prod/..., environments/staging/...) and *.tfvars named for an environment are
// entry points; a shared root config included from prod and non-prod folders reaches both.
#include <algorithm>

#include "reach/deploy/readers.h"
#include "reach/text.h"

namespace reachscan::reach::deploy {
namespace {

constexpr std::size_t kMaxLines = 20000;

bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

// The first "..." string at or after `pos`, with ${...} kept as written.
std::optional<std::string> quoted(std::string_view line, std::size_t pos) {
  const std::size_t a = line.find('"', pos);
  if (a == std::string_view::npos) return std::nullopt;
  const std::size_t b = line.find('"', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  return std::string(line.substr(a + 1, b - a - 1));
}

// Terragrunt's find_in_parent_folders(name): the nearest folder above the config's own that
// holds `name` (root.hcl, then terragrunt.hcl when no name is given).
std::optional<std::string> find_in_parents(const Tree& tree, const std::string& path,
                                           const std::string& name) {
  const std::vector<std::string> names =
      name.empty() ? std::vector<std::string>{"root.hcl", "terragrunt.hcl"}
                   : std::vector<std::string>{name};
  std::string dir = dir_of(path);
  while (!dir.empty()) {
    dir = dir_of(dir);
    for (const std::string& n : names) {
      const std::string f = join(dir, n);
      if (f != path && tree.is_file(f)) return f;
    }
  }
  return std::nullopt;
}

// A module source or config path with the Terragrunt / Terraform functions that name folders
// replaced; nullopt for remote sources and anything still templated.
std::optional<std::string> local_path(std::string v, const std::string& dir,
                                      const std::string& parent_dir) {
  if (v.find("::") != std::string::npos || v.find("://") != std::string::npos ||
      v.rfind("tfr:", 0) == 0)
    return std::nullopt;
  for (const auto& [fn, with] :
       {std::pair<std::string, std::string>{"${get_repo_root()}", "/"},
        {"${get_terragrunt_dir()}", dir.empty() ? "/" : "/" + dir},
        {"${path.module}", dir.empty() ? "/" : "/" + dir},
        {"${path.root}", dir.empty() ? "/" : "/" + dir},
        {"${get_parent_terragrunt_dir()}", parent_dir.empty() ? "/" : "/" + parent_dir}})
    if (v.rfind(fn, 0) == 0) v = with + v.substr(fn.size());
  if (const std::size_t q = v.find('?'); q != std::string::npos) v.resize(q);
  for (std::size_t at; (at = v.find("//", 1)) != std::string::npos;) v.erase(at, 1);
  if (v.empty() || (v[0] != '.' && v[0] != '/')) return std::nullopt;
  return v;
}

}  // namespace

void read_hcl(Context& c, const std::string& path, std::string_view text) {
  const int self = c.graph.node(path);
  const std::string dir = dir_of(path);
  std::string parent_dir;
  std::size_t lines = 0;
  for (std::size_t i = 0; i <= text.size() && lines < kMaxLines; ++lines) {
    std::size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    const std::string_view line = detail::trim(text.substr(i, j - i));
    i = j + 1;
    if (line.empty() || line.front() == '#' || line.rfind("//", 0) == 0) continue;
    // include / read_terragrunt_config(find_in_parent_folders("account.hcl"))
    for (std::size_t at = line.find("find_in_parent_folders("); at != std::string_view::npos;
         at = line.find("find_in_parent_folders(", at + 1)) {
      const std::size_t open = at + 23;
      std::string name;
      if (open < line.size() && line[open] == '"') name = quoted(line, open).value_or("");
      if (auto f = find_in_parents(c.tree, path, name)) {
        c.graph.edge(c.graph.node(*f), self);
        if (parent_dir.empty()) parent_dir = dir_of(*f);
      }
    }
    if (const std::size_t at = line.find("read_terragrunt_config(\""); at != std::string_view::npos)
      if (auto v = quoted(line, at))
        if (auto p = local_path(*v, dir, parent_dir)) include_ref(c, dir, *p, self, path);
    for (const char* fn : {"file(\"", "templatefile(\"", "filebase64(\""})
      if (const std::size_t at = line.find(fn); at != std::string_view::npos)
        if (auto v = quoted(line, at))
          if (auto p = local_path(*v, dir, parent_dir)) include_ref(c, dir, *p, self, path);
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    // The key is the last word before '=' (`terraform { source = "..." }` on one line).
    std::string key(detail::trim(line.substr(0, eq)));
    if (const std::size_t sp = key.find_last_of(" \t{"); sp != std::string::npos)
      key = key.substr(sp + 1);
    if (key == "source" || key == "config_path") {
      if (auto v = quoted(line, eq))
        if (auto p = local_path(*v, dir, parent_dir)) include_ref(c, dir, *p, self, path);
    }
  }
  if (lines >= kMaxLines)
    c.tree.note(path + ": longer than " + std::to_string(kMaxLines) +
                " lines; the rest was not read");
  // Entry points: a live folder of an environment, or tfvars named for one. Shared modules are
  // reached through whatever uses them.
  const bool in_modules = path.find("modules/") != std::string::npos;
  if (!in_modules || ends_with(path, ".tfvars") || ends_with(path, ".tfvars.json"))
    if (auto env = env_of_path(c.model, path)) c.graph.label(self, std::move(*env));
}

}  // namespace reachscan::reach::deploy
