// Internal to reach/: what a built DeploymentModel holds.
#pragma once

#include <string>
#include <vector>

#include "reach/deploy/graph.h"
#include "reach/deployment.h"

namespace reachscan::reach {

namespace deploy {
// For every node, the next hop towards the entry point that reaches it first, in one direction.
struct Hop {
  int next = -1;   // parent towards the entry point; -1 at the entry point itself
  int label = -1;  // index into Graph::labels(); -1: not reached
};
}  // namespace deploy

struct DeploymentModel::Impl {
  deploy::Graph graph{0};
  std::vector<deploy::Hop> production;
  std::vector<deploy::Hop> non_production;
  std::vector<std::string> notes;
  std::size_t chain_hops = 6;
  std::size_t entry_count = 0;
  std::size_t files_read = 0;

  // Propagates the entry points' environments (after the readers filled the graph).
  void finish();
  // "file <- parent <- ... <- entry (what)".
  std::string chain(int node, const std::vector<deploy::Hop>& hops) const;
};

}  // namespace reachscan::reach
