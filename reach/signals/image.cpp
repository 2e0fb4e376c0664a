// Image family: what a container image says about where it runs (reachscan image). Its names
// (repository path and tag, registry host left out: app:prod, prod/app, app-production, app:dev),
// its config's Env (NODE_ENV=production, SPRING_PROFILES_ACTIVE=prod) and, with a deployment
// model (--deployment-repo), the manifests and CI jobs that deploy it by name. Weights and keys:
// `image:` in reach/signals.yaml.
#include "reach/deployment.h"
#include "reach/signals/common.h"
#include "reach/text.h"

namespace reachscan::reach::signals {
namespace {

// The image's name without its registry host (`registry.prod.acme.io/app:1` names the
// registry's place, not the image's environment) and without a digest.
std::string name_part(std::string_view name) {
  std::string n(name.substr(0, name.find('@')));
  const std::size_t slash = n.find('/');
  if (slash != std::string::npos) {
    const std::string first = n.substr(0, slash);
    if (first.find_first_of(".:") != std::string::npos || first == "localhost")
      n = n.substr(slash + 1);
  }
  return n;
}

void names(const Input& in, const ImageFacts& img, Collector& c) {
  const Model& m = in.model;
  for (const std::string& name : img.names) {
    std::string word;
    const int dir = direction(m, name_part(name), &word);
    if (dir != 0)
      c.add(
          "image_name",
          "image " + name + " is named for " +
              (dir > 0 ? std::string("production") : std::string("a non-production environment")) +
              " (" + quote(word) + ")",
          weight_for(dir, m.image_name_production, m.image_name_non_production));
    if (!in.cfg.empty())
      if (auto hit = lookup_name(m, in.cfg, name_part(name)))
        c.add(
            "config_environment",
            "image " + name + " names environment " + hit->env->name + " in " + config_name(in.cfg),
            hit->env->production ? m.config_production : m.config_non_production);
  }
}

void env(const Input& in, const ImageFacts& img, Collector& c) {
  const Model& m = in.model;
  for (const std::string& kv : img.env) {
    const std::size_t eq = kv.find('=');
    if (eq == std::string::npos || eq + 1 == kv.size()) continue;
    if (!contains(m.image_env_keys, detail::to_lower(kv.substr(0, eq)))) continue;
    const std::string value = kv.substr(eq + 1);
    std::string word;
    const int dir = direction(m, value, &word);
    if (dir == 0) continue;
    // Values of these keys name environments, not secrets; long ones are cut.
    const std::string shown = value.size() > 40 ? value.substr(0, 40) + "..." : value;
    c.add("image_env", "image config ENV " + kv.substr(0, eq) + "=" + shown,
          weight_for(dir, m.image_env_production, m.image_env_non_production));
  }
}

void deployed(const Input& in, const ImageFacts& img, Collector& c) {
  if (!in.ctx.deployment) return;
  const Model& m = in.model;
  for (const std::string& name : img.names) {
    const auto reached = in.ctx.deployment->reach_image(name);
    if (!reached) continue;
    if (reached->production)
      c.add("image_deployment",
            "image " + name + " deployed to production: " + reached->production_chain,
            m.image_deployment_production);
    if (reached->non_production)
      c.add("image_deployment",
            "image " + name + " deployed outside production: " + reached->non_production_chain,
            m.image_deployment_non_production);
    if (reached->production && reached->non_production)
      c.add("deployment_reuse",
            "image " + name + " is deployed to production and to non-production environments", 0);
  }
}

}  // namespace

void image_family(const Input& in, Collector& c) {
  if (!in.ctx.image) return;
  names(in, *in.ctx.image, c);
  env(in, *in.ctx.image, c);
  deployed(in, *in.ctx.image, c);
}

}  // namespace reachscan::reach::signals
