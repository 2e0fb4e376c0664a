// Git family: the refs that hold the introducing commit, whether the secret is still at HEAD,
// what else the commit changed, and the environments map's `branches:`. Git context alone
// never decides production (see the git tier in signals.yaml).
#include <optional>
#include <string>

#include "reach/signals/common.h"
#include "reach/text.h"

namespace reachscan::reach::signals {
namespace {

std::string short_ref(std::string_view ref) {
  for (std::string_view pre : {"refs/heads/", "refs/remotes/"}) {
    if (ref.rfind(pre, 0) == 0) {
      ref.remove_prefix(pre.size());
      if (pre == "refs/remotes/") {
        const std::size_t slash = ref.find('/');
        if (slash != std::string_view::npos) ref.remove_prefix(slash + 1);
      }
      return std::string(ref);
    }
  }
  if (ref.rfind("refs/tags/", 0) == 0) return "tags/" + std::string(ref.substr(10));
  return std::string(ref);
}

void git_signals(const Model& m, const ReachConfig& cfg, const CommitInfo& ci, Collector& c) {
  const std::string id = ci.id.substr(0, 12);
  if (!ci.refs.empty()) {
    const detail::GlobMarker* best = nullptr;
    std::string best_ref;
    for (const std::string& r : ci.refs) {
      const std::string s = short_ref(r);
      for (const auto& marker : m.git_refs)
        if (any_glob(marker.globs, s) && (!best || marker.weight > best->weight)) {
          best = &marker;
          best_ref = s;
        }
    }
    if (best) {
      c.add("git_branch", "commit " + id + " is on " + best_ref + ": " + best->what, best->weight);
    } else {
      c.add("git_branch",
            "commit " + id + " is only on feature branches (" + short_ref(ci.refs[0]) +
                (ci.refs.size() > 1 ? ", ..." : "") + ")",
            m.git_feature_only);
    }
    if (!cfg.empty()) {
      std::optional<ConfigHit> hit;
      std::string ref;
      for (const std::string& r : ci.refs) {
        auto h = lookup(cfg, &Environment::branches, short_ref(r), true);
        if (h && (!hit || (h->env->production && !hit->env->production))) {
          hit = h;
          ref = short_ref(r);
        }
      }
      if (hit)
        c.add("config_branch",
              "branch " + ref + " matches environment " + hit->env->name + " in " +
                  config_name(cfg) + " (branches: " + quote(hit->pattern) + ")",
              hit->env->production ? m.config_production : m.config_non_production);
    }
  }
  if (!ci.in_head && !ci.id.empty())
    c.add("git_history",
          "no longer at HEAD (commit " + id + "): removal does not revoke the credential", 0);
  for (const std::string& t : ci.touched)
    if (any_path_glob(m.git_deploy_paths, detail::normalize_path(t))) {
      c.add("git_deploy_commit", "introducing commit " + id + " also changed " + t,
            m.git_deploy_weight);
      break;
    }
}

}  // namespace

void git_family(const Input& in, Collector& c) {
  if (in.finding.commit) git_signals(in.model, in.cfg, *in.finding.commit, c);
}

}  // namespace reachscan::reach::signals
