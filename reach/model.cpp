#include "reach/model.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <mutex>

#include "reach/embedded.h"

namespace reachscan::reach::detail {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

[[noreturn]] void fail(const YAML::Node& n, const std::string& what) {
  throw YAML::Exception(n.Mark(), what);
}

const YAML::Node require(const YAML::Node& parent, const char* key) {
  const YAML::Node n = parent[key];
  if (!n) fail(parent, std::string("missing key '") + key + "'");
  return n;
}

std::vector<std::string> strings(const YAML::Node& n, bool to_lower = false) {
  std::vector<std::string> out;
  if (!n) return out;
  if (!n.IsSequence()) fail(n, "expected a list of strings");
  for (const auto& item : n) {
    if (!item.IsScalar()) fail(item, "expected a string");
    out.push_back(to_lower ? lower(item.as<std::string>()) : item.as<std::string>());
  }
  return out;
}

double number(const YAML::Node& n) {
  if (!n || !n.IsScalar()) fail(n, "expected a number");
  return n.as<double>();
}

std::pair<double, double> weights(const YAML::Node& n) {
  if (!n || !n.IsMap()) fail(n, "expected {production: w, non_production: w}");
  return {number(require(n, "production")), number(require(n, "non_production"))};
}

ValueKind value_kind(const YAML::Node& n) {
  const std::string v = n.as<std::string>();
  if (v == "environment") return ValueKind::kEnvironment;
  if (v == "namespace") return ValueKind::kNamespace;
  if (v == "cluster") return ValueKind::kCluster;
  if (v == "gcp_project") return ValueKind::kGcpProject;
  if (v == "aws_account") return ValueKind::kAwsAccount;
  if (v == "true_is_non_production") return ValueKind::kTrueIsNonProduction;
  if (v == "true_is_production") return ValueKind::kTrueIsProduction;
  fail(n, "unknown value kind '" + v + "'");
}

Scope scope(const YAML::Node& n) {
  const std::string v = n.as<std::string>();
  if (v == "near") return Scope::kNear;
  if (v == "job") return Scope::kJob;
  if (v == "document") return Scope::kDocument;
  if (v == "file") return Scope::kFile;
  fail(n, "unknown scope '" + v + "'");
}

GlobMarker glob_marker(const YAML::Node& n, bool need_weight = true) {
  GlobMarker m;
  m.globs = strings(require(n, "globs"));
  if (need_weight) m.weight = number(require(n, "weight"));
  if (n["what"]) m.what = n["what"].as<std::string>();
  return m;
}

std::vector<Lifetime> lifetimes(const YAML::Node& n) {
  std::vector<Lifetime> out;
  if (!n) return out;
  for (const auto& item : n)
    out.push_back({strings(require(item, "rules")), require(item, "what").as<std::string>()});
  return out;
}

Model parse(const YAML::Node& doc) {
  Model m;
  if (!doc.IsMap()) fail(doc, "signal data must be a mapping");

  const YAML::Node tiers = require(doc, "tiers");
  const char* names[kDecidingTiers] = {"credential", "config", "deployment", "context"};
  for (int i = 0; i < kDecidingTiers; ++i) {
    const YAML::Node t = require(tiers, names[i]);
    TierSpec& s = m.tiers[i];
    s.threshold = number(require(t, "threshold"));
    const YAML::Node c = require(t, "confidence");
    if (!c.IsSequence() || c.size() != 2) fail(c, "confidence must be [low, high]");
    s.confidence_low = number(c[0]);
    s.confidence_high = number(c[1]);
    if (!(s.confidence_low > 0 && s.confidence_low <= s.confidence_high && s.confidence_high <= 1))
      fail(c, "confidence must satisfy 0 < low <= high <= 1");
    if (s.threshold <= 0) fail(t, "threshold must be positive");
    s.production_wins = t["production_wins"] && t["production_wins"].as<bool>();
  }
  m.confidence_scale = number(require(doc, "confidence_scale"));
  m.disagreement_penalty = number(require(doc, "disagreement_penalty"));
  m.context_lines = require(doc, "context_lines").as<std::size_t>();
  m.near_lines = require(doc, "near_lines").as<std::size_t>();

  for (const auto& kv : require(doc, "signals")) {
    const std::string tier = kv.second.as<std::string>();
    Tier t;
    if (tier == "config")
      t = Tier::kConfig;
    else if (tier == "credential")
      t = Tier::kCredential;
    else if (tier == "context")
      t = Tier::kContext;
    else if (tier == "deployment")
      t = Tier::kDeployment;
    else if (tier == "info")
      t = Tier::kInfo;
    else
      fail(kv.second, "unknown tier '" + tier + "'");
    m.signal_tiers[kv.first.as<std::string>()] = t;
  }
  std::tie(m.config_production, m.config_non_production) = weights(require(doc, "config_weights"));

  const YAML::Node words = require(doc, "environment_words");
  m.production_words = strings(require(words, "production"), true);
  m.non_production_words = strings(require(words, "non_production"), true);
  m.non_production_phrases = strings(require(words, "non_production_phrases"), true);
  m.neutral_phrases = strings(require(words, "neutral_phrases"), true);
  m.supporting_signals = strings(require(doc, "supporting_signals"));
  m.provider_mode_generic = strings(require(doc, "provider_mode_generic_words"), true);

  std::tie(m.block_production, m.block_non_production) = weights(require(doc, "block_weights"));
  for (const auto& item : require(doc, "path_markers"))
    m.path_markers.push_back({strings(require(item, "words"), true),
                              number(require(item, "weight")),
                              require(item, "what").as<std::string>(),
                              item["innermost"] && item["innermost"].as<bool>()});
  for (const auto& item : require(doc, "path_globs")) m.path_globs.push_back(glob_marker(item));
  for (const auto& item : require(doc, "file_globs")) m.file_globs.push_back(glob_marker(item));

  for (const auto& item : require(doc, "assignments")) {
    AssignmentGroup g;
    g.signal = require(item, "signal").as<std::string>();
    g.files = strings(item["files"]);
    g.not_files = strings(item["not_files"]);
    g.keys = strings(require(item, "keys"), true);
    g.value = value_kind(require(item, "value"));
    g.scope = scope(require(item, "scope"));
    if (item["weights"]) {
      std::tie(g.production_weight, g.non_production_weight) = weights(item["weights"]);
    } else {
      const double w = std::fabs(number(require(item, "weight")));
      g.production_weight = w;
      g.non_production_weight = -w;
    }
    if (g.production_weight <= 0 || g.non_production_weight >= 0)
      fail(item, "weights must be positive for production and negative for non_production");
    g.lookup = !item["lookup"] || item["lookup"].as<bool>();
    m.assignments.push_back(std::move(g));
  }
  for (std::size_t g = 0; g < m.assignments.size(); ++g) {
    const auto& keys = m.assignments[g].keys;
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const std::string& key = keys[k];
      const std::string last =
          key.rfind("--", 0) == 0 ? key : key.substr(key.find_last_of('.') + 1);
      (last.find_first_of("*?[") != std::string::npos ? m.wildcard_keys : m.keys_by_last_part[last])
          .emplace_back(g, k);
    }
  }
  for (const auto& item : require(doc, "commands")) {
    CommandPhrase c;
    c.phrase = lower(require(item, "phrase").as<std::string>());
    c.signal = require(item, "signal").as<std::string>();
    c.value = value_kind(require(item, "value"));
    c.scope = scope(require(item, "scope"));
    c.weight = number(require(item, "weight"));
    m.commands.push_back(std::move(c));
  }
  const YAML::Node deploy = require(doc, "deploy_steps");
  m.deploy_files = strings(require(deploy, "files"));
  m.deploy_phrases = strings(require(deploy, "phrases"), true);
  m.deploy_weight = number(require(deploy, "weight"));
  m.container_keys = strings(require(doc, "container_keys"), true);
  const YAML::Node jobs = require(doc, "ci_jobs");
  m.ci_job_files = strings(require(jobs, "files"));
  m.ci_global_keys = strings(require(jobs, "global_keys"), true);

  const YAML::Node hosts = require(doc, "hosts");
  m.host_keys = strings(require(hosts, "keys"), true);
  m.local_hosts = glob_marker(require(hosts, "local"));
  m.reserved_hosts = glob_marker(require(hosts, "reserved"));
  m.reserved_near_weight = number(require(require(hosts, "reserved"), "near_weight"));
  m.neutral_hosts = strings(require(require(hosts, "neutral"), "globs"));
  for (const auto& item : require(hosts, "providers"))
    m.provider_hosts.push_back(glob_marker(item));
  std::tie(m.host_production, m.host_non_production) = weights(require(hosts, "word_weights"));

  const YAML::Node jwt = require(doc, "jwt");
  m.jwt_rules = strings(require(jwt, "rules"));
  m.jwt_prefix = require(jwt, "prefix").as<std::string>();
  m.jwt_claims = strings(require(jwt, "claims"));
  std::tie(m.jwt_production, m.jwt_non_production) = weights(require(jwt, "word_weights"));
  m.jwt_long_lived_days = number(require(jwt, "long_lived_days"));

  const YAML::Node git = require(doc, "git");
  for (const auto& item : require(git, "refs")) m.git_refs.push_back(glob_marker(item));
  m.git_feature_only = number(require(git, "feature_only_weight"));
  m.git_deploy_paths = strings(require(git, "deploy_paths"));
  m.git_deploy_weight = number(require(git, "deploy_weight"));

  const YAML::Node dep = require(doc, "deployment");
  std::tie(m.deployment_production, m.deployment_non_production) = weights(require(dep, "weights"));
  m.deployment_chain_hops = require(dep, "chain_hops").as<std::size_t>();
  m.deployment_job_words = strings(require(dep, "job_words"), true);

  const YAML::Node image = require(doc, "image");
  std::tie(m.image_name_production, m.image_name_non_production) =
      weights(require(image, "name_weights"));
  m.image_env_keys = strings(require(image, "env_keys"), true);
  std::tie(m.image_env_production, m.image_env_non_production) =
      weights(require(image, "env_weights"));
  std::tie(m.image_deployment_production, m.image_deployment_non_production) =
      weights(require(image, "deployment_weights"));

  const YAML::Node forms = require(doc, "key_forms");
  const YAML::Node vw = require(forms, "variant_weights");
  m.variant_live = number(require(vw, "live"));
  m.variant_test = number(require(vw, "test"));
  for (const auto& item : require(forms, "forms"))
    m.key_forms.push_back({require(item, "rule").as<std::string>(),
                           require(item, "form").as<std::string>(),
                           require(item, "what").as<std::string>()});
  m.long_lived = lifetimes(forms["long_lived"]);
  m.short_lived = lifetimes(forms["short_lived"]);

  const YAML::Node flag = require(require(doc, "flags"), "live_secret_in_non_production");
  m.live_signals = strings(require(flag, "live_signals"));
  m.production_context_signals = strings(require(flag, "production_context_signals"));
  m.place_signals = strings(require(flag, "place_signals"));
  m.reuse_signals =
      strings(require(require(require(doc, "flags"), "reused_across_environments"), "signals"));

  const YAML::Node fw = require(doc, "frameworks");
  m.frameworks_always = strings(require(fw, "always"));
  m.frameworks_long_lived = strings(require(fw, "long_lived"));
  m.frameworks_live_in_non_production = strings(require(fw, "live_secret_in_non_production"));
  m.frameworks_reused = strings(require(fw, "reused_across_environments"));
  return m;
}

// Every signal named in a table must have a tier, or its evidence could never count.
Status check_signals(const Model& m) {
  std::vector<std::string> used = {"key_prefix",
                                   "deployment",
                                   "deployment_reuse",
                                   "image_name",
                                   "image_env",
                                   "image_deployment",
                                   "image",
                                   "provider_host",
                                   "reserved_host",
                                   "host",
                                   "path",
                                   "file_name",
                                   "enclosing_block",
                                   "ci_deploy",
                                   "jwt_claim",
                                   "git_branch",
                                   "git_deploy_commit",
                                   "reuse",
                                   "key_lifetime",
                                   "jwt_expiry",
                                   "git_history",
                                   "internal",
                                   "config_path",
                                   "config_host",
                                   "config_aws_account",
                                   "config_gcp_project",
                                   "config_namespace",
                                   "config_cluster",
                                   "config_branch",
                                   "config_environment"};
  for (const auto& g : m.assignments) used.push_back(g.signal);
  for (const auto& c : m.commands) used.push_back(c.signal);
  for (const auto* list : {&m.live_signals, &m.production_context_signals, &m.place_signals,
                           &m.reuse_signals, &m.supporting_signals})
    used.insert(used.end(), list->begin(), list->end());
  for (const std::string& s : used)
    if (!m.signal_tiers.count(s))
      return Status::error("signal data: signal '" + s + "' has no tier under 'signals:'");
  return Status();
}

}  // namespace

Tier Model::tier_of(const std::string& signal) const {
  const auto it = signal_tiers.find(signal);
  return it == signal_tiers.end() ? Tier::kInfo : it->second;
}

Expected<Model> parse_model(std::string_view yaml_text) {
  try {
    Model m = parse(YAML::Load(std::string(yaml_text)));
    if (Status s = check_signals(m); !s.ok()) return s;
    return m;
  } catch (const YAML::Exception& e) {
    return Status::error("signal data:" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

const Model* model(std::string* error) {
  // NOTE: parsed once and never modified afterwards: constant data, not state.
  static const Expected<Model> parsed = parse_model(embedded_signal_data());
  if (!parsed.ok()) {
    if (error) *error = parsed.status().message();
    return nullptr;
  }
  return &parsed.value();
}

}  // namespace reachscan::reach::detail
