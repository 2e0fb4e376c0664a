#include "reach/deploy/graph.h"

#include <algorithm>

#include "reach/signals/common.h"
#include "reach/text.h"

namespace reachscan::reach::deploy {
namespace {

constexpr std::size_t kMaxNotes = 200;
constexpr std::size_t kMaxWordsPerText = 4000;

bool is_reference(std::string_view v) {
  return v.find("${") != std::string_view::npos || v.find("{{") != std::string_view::npos ||
         v.find('$') != std::string_view::npos || v.find('*') != std::string_view::npos ||
         v.find("://") != std::string_view::npos || v.find('<') != std::string_view::npos;
}

std::string singular(std::string_view word) {
  std::string w(word);
  if (w.size() > 3 && w.back() == 's' && w[w.size() - 2] != 's') w.pop_back();
  return w;
}

}  // namespace

// ---- Graph ------------------------------------------------------------------------------------

int Graph::node(const std::string& name) {
  const auto it = index_.find(name);
  if (it != index_.end()) return it->second;
  const int id = static_cast<int>(names_.size());
  names_.push_back(name);
  parents_.emplace_back();
  children_.emplace_back();
  index_.emplace(name, id);
  return id;
}

void Graph::edge(int child, int parent) {
  if (child == parent) return;
  if (edges_ >= max_edges_) {
    limited_ = true;
    return;
  }
  auto& ps = parents_[static_cast<std::size_t>(child)];
  if (std::find(ps.begin(), ps.end(), parent) != ps.end()) return;
  ps.push_back(parent);
  children_[static_cast<std::size_t>(parent)].push_back(child);
  ++edges_;
}

void Graph::label(int node, Env env) { labels_.emplace_back(node, std::move(env)); }

std::optional<int> Graph::find(std::string_view name) const {
  const auto it = index_.find(std::string(name));
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

// ---- Tree -------------------------------------------------------------------------------------

Tree::Tree(const TreeReader& reader, const DeploymentOptions& options)
    : reader_(reader), options_(options) {
  files_ = reader.paths();
  for (std::string& f : files_) f = detail::normalize_path(f);
  const auto skipped = [](const std::string& f) {
    for (std::size_t i = 0, j; (j = f.find('/', i)) != std::string::npos; i = j + 1)
      if (TreeReader::skipped_folder(std::string_view(f).substr(i, j - i))) return true;
    return false;
  };
  files_.erase(std::remove_if(files_.begin(), files_.end(), skipped), files_.end());
  if (files_.size() > options_.max_paths) {
    note("the tree has " + std::to_string(files_.size()) + " files; only the first " +
         std::to_string(options_.max_paths) + " were looked at");
    files_.resize(options_.max_paths);
  }
  std::sort(files_.begin(), files_.end());
  files_.erase(std::unique(files_.begin(), files_.end()), files_.end());
}

bool Tree::is_file(std::string_view path) const {
  return std::binary_search(files_.begin(), files_.end(), path,
                            [](std::string_view a, std::string_view b) { return a < b; });
}

bool Tree::is_dir(std::string_view path) const {
  if (path.empty()) return !files_.empty();
  const std::string prefix = std::string(path) + "/";
  const auto it = std::lower_bound(files_.begin(), files_.end(), prefix);
  return it != files_.end() && it->compare(0, prefix.size(), prefix) == 0;
}

std::vector<std::string> Tree::files_in(std::string_view dir, bool recursive,
                                        std::size_t limit) const {
  std::vector<std::string> out;
  const std::string prefix = dir.empty() ? std::string() : std::string(dir) + "/";
  for (auto it = std::lower_bound(files_.begin(), files_.end(), prefix);
       it != files_.end() && it->compare(0, prefix.size(), prefix) == 0 && out.size() < limit; ++it)
    if (recursive || it->find('/', prefix.size()) == std::string::npos) out.push_back(*it);
  return out;
}

std::optional<std::string> Tree::read(const std::string& path, std::size_t max_bytes) {
  if (files_read_ >= options_.max_files_read || bytes_read_ >= options_.max_bytes_read) {
    if (!budget_noted_)
      note("read budget reached (" + std::to_string(files_read_) + " manifests, " +
           std::to_string(bytes_read_) + " bytes): later manifests were not read");
    budget_noted_ = true;
    return std::nullopt;
  }
  auto text = reader_.read(
      path, max_bytes ? std::min(max_bytes, options_.max_file_bytes) : options_.max_file_bytes);
  if (!text) return std::nullopt;
  ++files_read_;
  bytes_read_ += text->size();
  return text;
}

std::optional<std::string> Tree::resolve(std::string_view base, std::string_view ref,
                                         const std::string& from) {
  std::string_view r = detail::trim(ref);
  while (!r.empty() && (r.front() == '"' || r.front() == '\'')) r.remove_prefix(1);
  while (!r.empty() && (r.back() == '"' || r.back() == '\'' || r.back() == ',')) r.remove_suffix(1);
  if (r.empty() || r.size() > 1024 || is_reference(r)) return std::nullopt;
  std::vector<std::string> parts;
  if (r.front() != '/' && !base.empty()) {
    for (std::size_t i = 0; i <= base.size();) {
      std::size_t j = base.find('/', i);
      if (j == std::string_view::npos) j = base.size();
      if (j > i) parts.emplace_back(base.substr(i, j - i));
      i = j + 1;
    }
  }
  for (std::size_t i = 0; i <= r.size();) {
    std::size_t j = r.find('/', i);
    if (j == std::string_view::npos) j = r.size();
    const std::string_view seg = r.substr(i, j - i);
    if (seg == "..") {
      if (parts.empty()) {
        if (!from.empty())
          note(from + ": " + std::string(r) + " points outside the tree; not followed");
        return std::nullopt;
      }
      parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.emplace_back(seg);
    }
    i = j + 1;
  }
  std::string out;
  for (const std::string& p : parts) out = join(out, p);
  return out;
}

void Tree::note(std::string text) {
  if (notes_.size() < kMaxNotes) notes_.push_back(std::move(text));
}

// ---- helpers ----------------------------------------------------------------------------------

std::string dir_of(std::string_view path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
}

std::string join(std::string_view dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  if (name.empty()) return std::string(dir);
  return std::string(dir) + "/" + std::string(name);
}

std::optional<Env> env_of_path(const detail::Model& m, std::string_view path,
                               std::string_view kind) {
  std::vector<std::string_view> segs;
  for (std::size_t i = 0; i <= path.size();) {
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) segs.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  if (segs.empty()) return std::nullopt;
  // The file's stem (values-prod.yaml, prod.tfvars), then folders from the innermost out.
  std::string stem(segs.back());
  if (const std::size_t dot = stem.find('.'); dot != std::string::npos && dot > 0)
    stem = stem.substr(0, stem.find_last_of('.'));
  for (int i = static_cast<int>(segs.size()) - 1; i >= 0; --i) {
    const std::string seg = i == static_cast<int>(segs.size()) - 1
                                ? stem
                                : std::string(segs[static_cast<std::size_t>(i)]);
    std::string word;
    const int dir = signals::direction(m, seg, &word);
    if (dir == 0) continue;
    std::string what(kind);
    if (what.empty())
      what = i > 0 ? singular(segs[static_cast<std::size_t>(i - 1)]) : std::string("folder");
    return Env{seg, dir > 0, what + " " + seg};
  }
  return std::nullopt;
}

int named_direction(const detail::Model& m, std::string_view path) {
  const std::size_t slash = path.find_last_of('/');
  std::string_view stem = path.substr(slash == std::string_view::npos ? 0 : slash + 1);
  if (const std::size_t dot = stem.find_last_of('.'); dot != std::string_view::npos && dot > 0)
    stem = stem.substr(0, dot);
  return signals::direction(m, stem);
}

std::optional<Env> env_of_value(const detail::Model& m, std::string_view value, std::string what) {
  if (value.empty() || is_reference(value)) return std::nullopt;
  const int dir = signals::direction(m, value);
  if (dir == 0) return std::nullopt;
  return Env{std::string(value), dir > 0, std::move(what)};
}

bool include_ref(Context& c, std::string_view base, std::string_view ref, int parent,
                 const std::string& from, bool whole_folders) {
  const auto path = c.tree.resolve(base, ref, from);
  if (!path) return false;
  if (c.tree.is_file(*path)) {
    c.graph.edge(c.graph.node(*path), parent);
    return true;
  }
  if (!c.tree.is_dir(*path)) return false;
  for (const char* unit : {"kustomization.yaml", "kustomization.yml", "Kustomization", "Chart.yaml",
                           "terragrunt.hcl", "helmfile.yaml"}) {
    const std::string f = join(*path, unit);
    if (c.tree.is_file(f)) {
      c.graph.edge(c.graph.node(f), parent);
      return true;
    }
  }
  if (!whole_folders) return false;
  c.graph.edge(c.graph.node(path->empty() ? std::string("/") : *path + "/"), parent);
  return true;
}

void include_words(Context& c, std::string_view base, std::string_view text, int parent) {
  std::size_t words = 0;
  std::size_t i = 0;
  auto sep = [](char ch) {
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '"' || ch == '\'' ||
           ch == ';' || ch == '|' || ch == '&' || ch == '(' || ch == ')' || ch == ',' ||
           ch == '[' || ch == ']' || ch == '`';
  };
  while (i < text.size() && words < kMaxWordsPerText) {
    while (i < text.size() && sep(text[i])) ++i;
    std::size_t j = i;
    while (j < text.size() && !sep(text[j])) ++j;
    std::string_view w = text.substr(i, j - i);
    i = j;
    ++words;
    if (w.empty() || w.front() == '#') continue;
    // --flag=value, KEY=value, src:dest (volumes)
    if (const std::size_t eq = w.find('='); eq != std::string_view::npos) w = w.substr(eq + 1);
    if (const std::size_t colon = w.find(':'); colon != std::string_view::npos && w[0] != '/')
      w = w.substr(0, colon);
    if (w.empty() || w.front() == '-' || w.front() == '/') continue;  // flags, system paths
    if (w.find('/') == std::string_view::npos && w.find('.') == std::string_view::npos) continue;
    if (w == "." || w == "./") {
      // `docker build .`: the Dockerfile of the working folder; the folder itself says nothing.
      const std::string dockerfile = join(base, "Dockerfile");
      if (c.tree.is_file(dockerfile)) c.graph.edge(c.graph.node(dockerfile), parent);
      continue;
    }
    if (w == "..") continue;
    // Words of commands are guesses: one that escapes the tree is not worth a note.
    if (!include_ref(c, base, w, parent, {}, false) && !base.empty())
      include_ref(c, "", w, parent, {}, false);
  }
}

}  // namespace reachscan::reach::deploy
