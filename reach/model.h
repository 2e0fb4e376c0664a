// The classifier's data model: reach/signals.yaml parsed into plain tables. Internal to reach/.
//
// `model()` parses the embedded data once (thread-safe) and hands out the same read-only tables
// for the life of the process; `parse_model` parses any text, for tests.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace reachscan::reach::detail {

// Deciding tiers, in the order they are consulted (see reach/signals.yaml).
enum class Tier { kCredential = 0, kConfig = 1, kDeployment = 2, kContext = 3, kInfo = 4 };
inline constexpr int kDecidingTiers = 4;

struct TierSpec {
  double threshold = 1.0;
  double confidence_low = 0.5;
  double confidence_high = 0.9;
  bool production_wins = false;
};

// What an extracted value names, and so how it is judged and looked up in the config.
enum class ValueKind {
  kEnvironment,
  kNamespace,
  kCluster,
  kGcpProject,
  kAwsAccount,
  kTrueIsNonProduction,
  kTrueIsProduction,
};

enum class Scope { kNear, kJob, kDocument, kFile };

struct WordMarker {
  std::vector<std::string> words;
  double weight = 0;
  std::string what;
  bool innermost = false;  // among folders, only the innermost one with such a word counts
};

struct GlobMarker {
  std::vector<std::string> globs;
  double weight = 0;
  std::string what;
};

struct AssignmentGroup {
  std::string signal;
  std::vector<std::string> files;      // empty: any file
  std::vector<std::string> not_files;  // files the group does not apply to
  std::vector<std::string> keys;       // lower-case
  ValueKind value = ValueKind::kEnvironment;
  Scope scope = Scope::kJob;
  double production_weight = 0;      // > 0
  double non_production_weight = 0;  // < 0
  bool lookup = true;                // look values up in the environments map
};

struct CommandPhrase {
  std::string phrase;  // lower-case
  std::string signal;
  ValueKind value = ValueKind::kEnvironment;
  Scope scope = Scope::kFile;
  double weight = 0;
};

struct KeyForm {
  std::string rule;
  std::string form;
  std::string what;
};

struct Lifetime {
  std::vector<std::string> rules;  // rule-id globs
  std::string what;
};

struct Model {
  TierSpec tiers[kDecidingTiers];
  double confidence_scale = 3.0;
  double disagreement_penalty = 0.2;
  std::size_t context_lines = 600;
  std::size_t near_lines = 3;
  std::map<std::string, Tier> signal_tiers;
  double config_production = 5.0;
  double config_non_production = -5.0;

  std::vector<std::string> production_words;
  std::vector<std::string> non_production_words;
  std::vector<std::string> non_production_phrases;
  std::vector<std::string> neutral_phrases;  // dev-team: a team, not an environment
  // Signals that add to a tier's evidence but never decide alone (git context).
  std::vector<std::string> supporting_signals;

  double block_production = 2.0;
  double block_non_production = -2.0;

  std::vector<WordMarker> path_markers;
  std::vector<GlobMarker> path_globs;
  std::vector<GlobMarker> file_globs;

  std::vector<AssignmentGroup> assignments;
  // Index of assignment keys by their last component (keys with a wildcard there are listed in
  // wildcard_groups): a line's key is checked only against groups that can match it.
  // Entries are (group, key) index pairs, in data order.
  std::unordered_map<std::string, std::vector<std::pair<std::size_t, std::size_t>>>
      keys_by_last_part;
  std::vector<std::pair<std::size_t, std::size_t>> wildcard_keys;
  std::vector<CommandPhrase> commands;
  std::vector<std::string> deploy_files;
  std::vector<std::string> deploy_phrases;  // lower-case
  double deploy_weight = 1.0;
  std::vector<std::string> container_keys;
  std::vector<std::string> ci_job_files;
  std::vector<std::string> ci_global_keys;

  std::vector<std::string> host_keys;
  GlobMarker local_hosts;
  GlobMarker reserved_hosts;
  std::vector<std::string> neutral_hosts;
  std::vector<GlobMarker> provider_hosts;
  double reserved_near_weight = -1.0;  // a reserved domain near the secret, not its own host
  double host_production = 1.5;
  double host_non_production = -2.0;

  std::vector<std::string> jwt_rules;  // rule-id globs of JWT findings
  std::string jwt_prefix;              // a secret starting with this is decoded as a JWT
  std::vector<std::string> provider_mode_generic;  // words of unprefixed provider mode keys
  std::vector<std::string> jwt_claims;
  double jwt_production = 2.0;
  double jwt_non_production = -2.0;
  double jwt_long_lived_days = 365;

  std::vector<GlobMarker> git_refs;
  double git_feature_only = -0.5;
  std::vector<std::string> git_deploy_paths;
  double git_deploy_weight = 1.0;

  double deployment_production = 3.0;
  double deployment_non_production = -3.0;
  std::size_t deployment_chain_hops = 6;          // hops of a chain named in evidence
  std::vector<std::string> deployment_job_words;  // a job named with one of these deploys

  double image_name_production = 2.0;
  double image_name_non_production = -2.0;
  std::vector<std::string> image_env_keys;  // lower-case
  double image_env_production = 2.0;
  double image_env_non_production = -2.0;
  double image_deployment_production = 3.0;
  double image_deployment_non_production = -3.0;

  double variant_live = 3.0;
  double variant_test = -3.0;
  std::vector<KeyForm> key_forms;
  std::vector<Lifetime> long_lived;
  std::vector<Lifetime> short_lived;

  std::vector<std::string> live_signals;
  std::vector<std::string> production_context_signals;
  std::vector<std::string> place_signals;
  std::vector<std::string> reuse_signals;

  std::vector<std::string> frameworks_always;
  std::vector<std::string> frameworks_long_lived;
  std::vector<std::string> frameworks_live_in_non_production;
  std::vector<std::string> frameworks_reused;

  Tier tier_of(const std::string& signal) const;
};

// Parses signal data; errors name the key (and line) that is wrong, and unknown signal names
// used anywhere in the tables.
Expected<Model> parse_model(std::string_view yaml_text);

// The embedded data, parsed on first use. Null with `error` set if it does not parse, which
// check_signal_data() and the tests rule out.
const Model* model(std::string* error = nullptr);

}  // namespace reachscan::reach::detail
