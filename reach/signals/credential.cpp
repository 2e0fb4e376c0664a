// Credential family: what the credential says about itself. Its form (a rule's live/test
// variant: sk_live_ vs sk_test_), how long such a form stays valid (NHI7), and the account or
// project it belongs to (AWS account decoded by the verifier, a service-account key's GCP project).
#include <algorithm>
#include <string>

#include "reach/signals/common.h"

namespace reachscan::reach::signals {

void credential_form(const Input& in, Collector& c) {
  const Finding& f = in.finding;
  const Model& m = in.model;
  if (!f.variant.empty()) {
    const auto form = std::find_if(m.key_forms.begin(), m.key_forms.end(),
                                   [&](const auto& k) { return k.rule == f.rule_id; });
    const bool live = f.variant == "live";
    const std::string detail = form != m.key_forms.end()
                                   ? form->form + " is a " + form->what
                                   : f.rule_id + " is a " + f.variant + "-mode key form";
    if (live || f.variant == "test")
      c.add("key_prefix", detail, live ? m.variant_live : m.variant_test);
  }
  for (const auto& l : m.long_lived)
    if (any_glob(l.rules, f.rule_id)) {
      c.add("key_lifetime", l.what, 0);
      c.mark_long_lived();
      return;
    }
  for (const auto& l : m.short_lived)
    if (any_glob(l.rules, f.rule_id)) {
      c.add("key_lifetime", l.what, 0);
      return;
    }
}

void credential_account(const Input& in, Collector& c) {
  const Model& m = in.model;
  const ReachConfig& cfg = in.cfg;
  const auto& attrs = in.finding.verification.attributes;
  if (!cfg.empty()) {
    if (auto it = attrs.find("aws_account_id"); it != attrs.end())
      if (auto hit = lookup(cfg, &Environment::aws_accounts, it->second))
        c.add("config_aws_account",
              "key belongs to AWS account " + it->second + ", which matches environment " +
                  hit->env->name + " in " + config_name(cfg) +
                  " (aws_accounts: " + quote(hit->pattern) + ")",
              hit->env->production ? m.config_production : m.config_non_production);
  }
  for (const char* key : {"gcp_project_id", "project_id"}) {
    const auto it = attrs.find(key);
    if (it == attrs.end()) continue;
    if (!cfg.empty())
      if (auto hit = lookup(cfg, &Environment::gcp_projects, it->second))
        c.add("config_gcp_project",
              "credential of GCP project " + it->second + ", which matches environment " +
                  hit->env->name + " in " + config_name(cfg) +
                  " (gcp_projects: " + quote(hit->pattern) + ")",
              hit->env->production ? m.config_production : m.config_non_production);
    std::string word;
    const auto g = std::find_if(m.assignments.begin(), m.assignments.end(),
                                [](const auto& a) { return a.signal == "cloud_project"; });
    if (const int dir = direction(m, it->second, &word); dir != 0 && g != m.assignments.end())
      c.add("cloud_project",
            "credential of GCP project " + it->second + ": " + word +
                (dir > 0 ? " names a production" : " names a non-production") + " environment",
            dir > 0 ? g->production_weight : g->non_production_weight);
    break;
  }
}

}  // namespace reachscan::reach::signals
