// Internal to reach/: the deployment graph the readers fill in, and the tree they read.
//
// Nodes are files ("apps/base/release.yaml"), folders ("apps/base/": every file under it) and
// units ("<path>#<name>": a CI job, a helmfile environment). An edge child -> parent says "child
// is deployed, included, copied or built by parent". Entry points carry an Env.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "reach/deployment.h"
#include "reach/model.h"

namespace reachscan::reach::deploy {

struct Env {
  std::string name;  // "production", "non-prod", "staging"
  bool production = false;
  std::string what;  // "cluster production", "job deploy, environment production"
};

class Graph {
 public:
  explicit Graph(std::size_t max_edges) : max_edges_(max_edges) {}

  int node(const std::string& name);
  // `child` is deployed/included by `parent`. Self-edges and
  // duplicates are dropped; past max_edges nothing is added (limit_reached() says so).
  void edge(int child, int parent);
  void label(int node, Env env);
  bool limit_reached() const { return limited_; }

  std::size_t size() const { return names_.size(); }
  std::size_t edge_count() const { return edges_; }
  const std::string& name(int n) const { return names_[static_cast<std::size_t>(n)]; }
  std::optional<int> find(std::string_view name) const;
  const std::vector<int>& parents(int n) const { return parents_[static_cast<std::size_t>(n)]; }
  const std::vector<int>& children(int n) const { return children_[static_cast<std::size_t>(n)]; }
  const std::vector<std::pair<int, Env>>& labels() const { return labels_; }

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string, int> index_;
  std::vector<std::vector<int>> parents_;
  std::vector<std::vector<int>> children_;
  std::vector<std::pair<int, Env>> labels_;
  std::size_t edges_ = 0;
  std::size_t max_edges_;
  bool limited_ = false;
};

// The tree as readers see it: a sorted listing, bounded reads, path resolution and notes.
class Tree {
 public:
  Tree(const TreeReader& reader, const DeploymentOptions& options);

  const std::vector<std::string>& files() const { return files_; }
  bool is_file(std::string_view path) const;
  bool is_dir(std::string_view path) const;  // "" is the root
  // Files under `dir` ("" for the root), in order; at most `limit`.
  std::vector<std::string> files_in(std::string_view dir, bool recursive,
                                    std::size_t limit = 10000) const;
  // Reads one file (at most `max_bytes`, 0: the configured limit) within the budgets; nullopt
  // (and a note once) past them.
  std::optional<std::string> read(const std::string& path, std::size_t max_bytes = 0);
  std::size_t files_read() const { return files_read_; }

  // `ref` relative to folder `base` ("" for the root; a leading '/' means the root), normalized.
  // nullopt for URLs, templated values, and paths that escape the tree (noted, naming `from`).
  std::optional<std::string> resolve(std::string_view base, std::string_view ref,
                                     const std::string& from);

  void note(std::string text);
  std::vector<std::string> take_notes() { return std::move(notes_); }

 private:
  const TreeReader& reader_;
  DeploymentOptions options_;
  std::vector<std::string> files_;
  std::size_t files_read_ = 0;
  std::size_t bytes_read_ = 0;
  bool budget_noted_ = false;
  std::vector<std::string> notes_;
};

// What every reader gets.
struct Context {
  Tree& tree;
  Graph& graph;
  const detail::Model& model;
  // Charts in the tree by name (their folder's name): chart folder.
  std::unordered_map<std::string, std::string> charts = {};
};

// Folder of a path ("a/b/c.yaml" -> "a/b", "c.yaml" -> "").
std::string dir_of(std::string_view path);
// "a/b" + "c" -> "a/b/c"; either may be empty.
std::string join(std::string_view dir, std::string_view name);

// The environment a path names: the innermost folder (or the file's stem) whose words name one.
// `what` becomes "<kind> <folder>" ("cluster production" for clusters/production/apps.yaml:
// the parent folder's name, singular, is the kind when `kind` is empty).
std::optional<Env> env_of_path(const detail::Model& m, std::string_view path,
                               std::string_view kind = {});
// +1 / -1 when the file's own name (without its extension) names a production / non-production
// environment (values-staging.yaml, prod.tfvars), else 0.
int named_direction(const detail::Model& m, std::string_view path);

// The environment a value names ("production", "prod-eu", "staging"); `what` is given.
std::optional<Env> env_of_value(const detail::Model& m, std::string_view value, std::string what);

// A reference from `parent` to a file or folder at `ref` relative to `base`: a folder holding a
// kustomization or a chart stands for that file; any other folder for everything under it.
// Returns false when it resolves to nothing in the tree.
// With `whole_folders` false, a folder that is no such unit is left out (a word of a command
// such as `cd services/api` says nothing about what is deployed).
bool include_ref(Context& c, std::string_view base, std::string_view ref, int parent,
                 const std::string& from, bool whole_folders = true);

// Edges to every existing file or folder named by a word of a command line or a value
// (`-f values-prod.yaml`, `-chdir=infra/prod`, `./scripts/deploy.sh`), relative to `base` and
// then to the root. Templated words are skipped, and words escaping the tree are not noted
// (they are guesses).
void include_words(Context& c, std::string_view base, std::string_view text, int parent);

}  // namespace reachscan::reach::deploy
