// Deployment family: what the deployment model (reach/deployment.h) says deploys the file. A
// file reached from a production entry point is production, even when non-production entry
// points reach it too (then it is also reused across environments); one reached only from
// non-production entry points is non-production. The chain is the evidence.
#include "reach/deployment.h"

#include "reach/signals/common.h"

namespace reachscan::reach::signals {

void deployment_family(const Input& in, Collector& c) {
  // Inside a container image, the model is asked about the image (image.cpp), not the path.
  if (!in.ctx.deployment || in.ctx.image) return;
  const auto reached = in.ctx.deployment->reach(in.rel);
  if (!reached) return;
  const Model& m = in.model;
  if (reached->production)
    c.add("deployment", "deployed to production: " + reached->production_chain,
          m.deployment_production);
  if (reached->non_production)
    c.add("deployment", "deployed outside production: " + reached->non_production_chain,
          m.deployment_non_production);
  if (reached->production && reached->non_production)
    c.add("deployment_reuse",
          "the same file is deployed to production and to non-production environments", 0);
}

}  // namespace reachscan::reach::signals
