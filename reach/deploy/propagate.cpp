// DeploymentModel: environments propagated from the entry points down the graph, and the
// lookup of one path.
#include <deque>
#include <string>
#include <vector>

#include "reach/deploy/graph.h"
#include "reach/deploy/impl.h"
#include "reach/deploy/readers.h"
#include "reach/model.h"
#include "reach/signals/common.h"
#include "reach/text.h"

namespace reachscan::reach {

using deploy::Env;
using deploy::Graph;

namespace {

using deploy::Hop;

void bfs(const Graph& g, const std::vector<std::pair<int, int>>& sources, std::vector<Hop>& hops) {
  std::deque<int> queue;
  for (const auto& [node, label] : sources) {
    Hop& h = hops[static_cast<std::size_t>(node)];
    if (h.label >= 0) continue;
    h = Hop{-1, label};
    queue.push_back(node);
  }
  while (!queue.empty()) {
    const int n = queue.front();
    queue.pop_front();
    for (int child : g.children(n)) {
      Hop& h = hops[static_cast<std::size_t>(child)];
      if (h.label >= 0) continue;
      h = Hop{n, hops[static_cast<std::size_t>(n)].label};
      queue.push_back(child);
    }
  }
}

// Entry points of one direction reached from no other entry point of that direction are the
// sources, so a chain runs up to the outermost entry (the cluster, not the overlay it applies).
// Entry points only reachable from each other (a cycle) become sources afterwards.
std::vector<Hop> propagate(const Graph& g, bool production) {
  std::vector<std::pair<int, int>> entries;
  for (std::size_t i = 0; i < g.labels().size(); ++i)
    if (g.labels()[i].second.production == production)
      entries.emplace_back(g.labels()[i].first, static_cast<int>(i));
  std::vector<char> reached(g.size(), 0), seen(g.size(), 0);
  std::deque<int> queue;
  for (const auto& [node, label] : entries)
    if (!seen[static_cast<std::size_t>(node)]) {
      seen[static_cast<std::size_t>(node)] = 1;
      queue.push_back(node);
    }
  while (!queue.empty()) {
    const int n = queue.front();
    queue.pop_front();
    for (int child : g.children(n)) {
      reached[static_cast<std::size_t>(child)] = 1;
      if (!seen[static_cast<std::size_t>(child)]) {
        seen[static_cast<std::size_t>(child)] = 1;
        queue.push_back(child);
      }
    }
  }
  std::vector<std::pair<int, int>> sources;
  for (const auto& e : entries)
    if (!reached[static_cast<std::size_t>(e.first)]) sources.push_back(e);
  std::vector<Hop> hops(g.size());
  bfs(g, sources, hops);
  for (const auto& e : entries)
    if (hops[static_cast<std::size_t>(e.first)].label < 0) bfs(g, {e}, hops);
  return hops;
}

}  // namespace

void DeploymentModel::Impl::finish() {
  production = propagate(graph, true);
  non_production = propagate(graph, false);
  entry_count = graph.labels().size();
}

std::string DeploymentModel::Impl::chain(int node, const std::vector<Hop>& hops) const {
  std::string out = graph.name(node);
  std::size_t hop = 0;
  int n = node;
  while (hops[static_cast<std::size_t>(n)].next >= 0) {
    n = hops[static_cast<std::size_t>(n)].next;
    if (++hop > chain_hops) {
      // Skip to the entry point.
      while (hops[static_cast<std::size_t>(n)].next >= 0)
        n = hops[static_cast<std::size_t>(n)].next;
      out += " <- ...";
    }
    out += " <- " + graph.name(n);
    if (hop > chain_hops) break;
  }
  const Env& env =
      graph.labels()[static_cast<std::size_t>(hops[static_cast<std::size_t>(n)].label)].second;
  return out + " (" + env.what + ")";
}

DeploymentModel::DeploymentModel() : impl_(std::make_unique<Impl>()) {}
DeploymentModel::~DeploymentModel() = default;
DeploymentModel::DeploymentModel(DeploymentModel&&) noexcept = default;
DeploymentModel& DeploymentModel::operator=(DeploymentModel&&) noexcept = default;

std::optional<DeploymentReach> DeploymentModel::reach(std::string_view rel_path) const {
  const Impl& d = *impl_;
  if (d.graph.size() == 0 || d.graph.labels().empty()) return std::nullopt;
  const std::string path = detail::normalize_path(rel_path);
  // The file's own node, then the folders above it, innermost first.
  std::vector<std::pair<int, bool>> candidates;  // node, is a folder
  if (auto n = d.graph.find(path)) candidates.emplace_back(*n, false);
  for (std::size_t slash = path.find_last_of('/'); slash != std::string::npos && slash > 0;
       slash = path.find_last_of('/', slash - 1)) {
    if (auto n = d.graph.find(path.substr(0, slash + 1))) candidates.emplace_back(*n, true);
  }
  if (auto n = d.graph.find("/")) candidates.emplace_back(*n, true);
  // A file swept in with its folder (applied or copied whole) but named for another environment
  // (values-staging.yaml next to the production values) is not deployed there by name: the
  // folder does not speak for that direction.
  const detail::Model* m = detail::model();
  const int named = m ? deploy::named_direction(*m, path) : 0;
  DeploymentReach r;
  for (const auto& [node, folder] : candidates) {
    const std::string prefix = folder ? path + " <- " : std::string();
    if (folder && named != 0) {
      if (named < 0 && !r.non_production &&
          d.non_production[static_cast<std::size_t>(node)].label >= 0) {
        r.non_production = true;
        r.non_production_chain = prefix + d.chain(node, d.non_production);
      }
      if (named > 0 && !r.production && d.production[static_cast<std::size_t>(node)].label >= 0) {
        r.production = true;
        r.production_chain = prefix + d.chain(node, d.production);
      }
      continue;
    }
    if (!r.production && d.production[static_cast<std::size_t>(node)].label >= 0) {
      r.production = true;
      r.production_chain = prefix + d.chain(node, d.production);
    }
    if (!r.non_production && d.non_production[static_cast<std::size_t>(node)].label >= 0) {
      r.non_production = true;
      r.non_production_chain = prefix + d.chain(node, d.non_production);
    }
  }
  if (!r.production && !r.non_production) return std::nullopt;
  return r;
}

std::optional<DeploymentReach> DeploymentModel::reach_image(std::string_view image_ref) const {
  const Impl& d = *impl_;
  if (d.graph.size() == 0 || d.graph.labels().empty()) return std::nullopt;
  auto ref = deploy::parse_image_ref(image_ref);
  if (!ref) return std::nullopt;
  // This tag's node, then the node of every tag of the repository.
  std::vector<int> candidates;
  if (!ref->tag.empty())
    if (auto n = d.graph.find(deploy::image_node(*ref))) candidates.push_back(*n);
  if (auto n = d.graph.find(deploy::image_node({ref->repository, ""}))) candidates.push_back(*n);
  DeploymentReach r;
  for (int node : candidates) {
    if (!r.production && d.production[static_cast<std::size_t>(node)].label >= 0) {
      r.production = true;
      r.production_chain = d.chain(node, d.production);
    }
    if (!r.non_production && d.non_production[static_cast<std::size_t>(node)].label >= 0) {
      r.non_production = true;
      r.non_production_chain = d.chain(node, d.non_production);
    }
  }
  if (!r.production && !r.non_production) return std::nullopt;
  return r;
}

const std::vector<std::string>& DeploymentModel::notes() const { return impl_->notes; }
std::size_t DeploymentModel::nodes() const { return impl_->graph.size(); }
std::size_t DeploymentModel::edges() const { return impl_->graph.edge_count(); }
std::size_t DeploymentModel::entry_points() const { return impl_->entry_count; }
std::size_t DeploymentModel::files_read() const { return impl_->files_read; }

}  // namespace reachscan::reach
