// Production reach: does a finding's credential reach production, and why.
//
// `classify` looks at one finding, the file or blob it sits in and the user's environments map,
// and returns a `Reach`: a verdict (production / non_production / unknown), a confidence, the
// evidence that decided it, framework tags (OWASP NHI Top 10, NIST CSF 2.0) and flags.
// `flag_reuse` then looks across all findings of a scan for the same secret value used in both
// production and non-production contexts.
//
// Evidence comes in three tiers, consulted in order: what the credential itself says (key form
// such as sk_live_/sk_test_, provider sandbox endpoints: facts no map of places changes), the
// user's `environments:` map (which beats every heuristic), and where the credential sits and
// what surrounds it (path, file name, Kubernetes namespace, CI environment, *_ENV assignments,
// hosts, git refs). The first tier whose evidence reaches its threshold decides. Every weight,
// marker and threshold lives in reach/signals.yaml, embedded at build time; see reach/README.md.
//
// Everything here is a pure function of its arguments: no I/O (except load_reach_config), no
// global mutable state. The signal tables are parsed once from the embedded data on first use
// (thread-safe) and never change afterwards, so all functions may be called from any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace reachscan::reach {

// One named environment from `.reachscan.yaml`. Every list holds globs (case-insensitive):
// `*` matches any run of characters (for paths, any run within one folder; `**` crosses folders),
// `?` one character.
struct Environment {
  std::string name;
  bool production = false;  // `production: true|false`; default true for production/prod/prd/live
  std::size_t line = 0;     // 1-based line of the environment's key in the config file
  std::vector<std::string> hosts;         // 'db.prod.acme.internal', '*.prod.acme.internal'
  std::vector<std::string> aws_accounts;  // '111122223333'
  std::vector<std::string> gcp_projects;  // 'acme-prod-4471'
  std::vector<std::string> namespaces;    // Kubernetes namespaces: 'payments', 'prod-*'
  std::vector<std::string> clusters;      // Kubernetes clusters / kube contexts
  std::vector<std::string> paths;         // 'k8s/overlays/production/**' (see README)
  std::vector<std::string> branches;      // 'main', 'release/*'
};

// The `environments:` map. Empty when the config file has none.
struct ReachConfig {
  std::string path;      // the config file it came from (named in evidence); empty for none
  std::string base_dir;  // folder of the config file: path globs are relative to it
  std::vector<Environment> environments;  // in file order

  bool empty() const { return environments.empty(); }
};

// Reads the `environments:` key of a `.reachscan.yaml` (other keys are ignored here: they belong
// to scanner/config.h). A file without the key gives an empty config. Errors name the file and
// the line: unreadable file, malformed YAML, an environment that is not a mapping, an unknown
// key inside an environment, a list that is not a list of strings.
[[nodiscard]] Expected<ReachConfig> load_reach_config(const std::string& config_path);

// The same from YAML text; `config_path` only names the source in errors and evidence.
[[nodiscard]] Expected<ReachConfig> parse_reach_config(std::string_view yaml_text,
                                                       const std::string& config_path);

// The file or blob a finding sits in. `text` is the whole file (or a large window of it: the
// classifier reads at most a few hundred lines either side of the secret) and must outlive the
// call; `secret_offset` is the byte offset of the secret in `text` (Finding::offset for whole
// files). `path` is the finding's path as reported (for git blobs, the path in the tree).
// `root`, when set, is the folder the scan started from: it is stripped from `path` before
// folder names are read, so a checkout under /home/dev/ does not look like a dev environment.
// (The config's folder is stripped the same way.)
//
// `deployment`, when set, is the deployment model of the scanned tree (reach/deployment.h), with
// paths relative to `root` (or, for git scans, to the repository root): a file it reaches from a
// production entry point is production. Must outlive the call.
class DeploymentModel;

// The container image a finding sits in, as the classifier reads it (sources/image.h fills it):
// its names (RepoTags, OCI ref.name annotations, or the NAME it was exported by), its config's
// Env ("KEY=value"), and the file's path inside the image (empty for the config and history).
struct ImageFacts {
  std::vector<std::string> names;
  std::vector<std::string> env;
  std::string path;
};

struct FileContext {
  std::string path;
  std::string_view text;
  std::size_t secret_offset = 0;
  std::string root;
  const DeploymentModel* deployment = nullptr;
  // Set when the file is inside a container image: names and Env are read as evidence (signals
  // image_name, image_env), and `deployment`, when set, is asked which manifests and CI jobs
  // deploy the image by name (image_deployment) rather than the file by path.
  const ImageFacts* image = nullptr;
};

// Classifies one finding. Reads the finding's rule id, variant, tags, secret (only to decode JWT
// claims when no verifier did), verification attributes (host, aws_account_id, gcp_project_id or
// project_id; iss, aud, exp, iat, never_expires, also with a jwt_ prefix) and commit provenance
// (refs, in_head, touched). Never fails: with no evidence the verdict is unknown with confidence
// 0. An offset outside `text` is clamped. Thread-safe. Cost grows with the lines read around the
// secret (at most context_lines either side, see signals.yaml): a fraction of a millisecond.
Reach classify(const Finding& f, const FileContext& ctx, const ReachConfig& cfg);

// Adds git provenance (refs containing the introducing commit, whether the secret is still at
// HEAD, paths the commit also changed) to a verdict `classify` made before provenance was known,
// and decides again. Reads only `local`'s evidence and `f.commit`: the file is not needed again.
// Returns `local` unchanged when `f` has no commit. Thread-safe.
Reach add_git_context(const Reach& local, const Finding& f, const ReachConfig& cfg);

// Adds what a container image says (its names, its config's Env, and the manifests of
// `deployment` that deploy it; see ImageFacts) to a verdict `classify` made from the file alone,
// and decides again. The path evidence `local` read from the finding's display path
// (`IMAGE!sha256:...!etc/app.conf`) is replaced by the evidence of the path inside the image, so
// words of the image name count once, as image_name. `deployment` may be null. Thread-safe.
Reach add_image_context(const Reach& local, const Finding& f, const ImageFacts& image,
                        const ReachConfig& cfg, const DeploymentModel* deployment);

// Marks reuse of one secret value across environments. Occurrences are grouped by
// HMAC-SHA256(key, secret) (the clear value is never kept). In a group with a production
// occurrence, every other occurrence becomes production too (evidence `reuse`: it is the same
// credential), and when the group also holds a non_production occurrence, every occurrence gets
// the `reused_across_environments` flag, `related` locations (path:line, @commit when known),
// and the OWASP NHI8/NHI9 tags; previously non_production ones also get
// `live_secret_in_non_production`. Call after classify (findings without reach count as unknown
// and get one when changed). `key` should be random per run so digests are not comparable
// across runs. Not thread-safe with respect to `findings`.
void flag_reuse(std::vector<Finding>& findings, std::string_view key);

// Ordering used by --min-reach: non_production < unknown < production. True when `v` is at least
// `min` (so at_least(kUnknown, kUnknown) and at_least(kProduction, kUnknown) are true).
bool at_least(ReachVerdict v, ReachVerdict min);

// Parses "production", "unknown", "non_production" (also "non-production"); nullopt otherwise.
std::optional<ReachVerdict> parse_verdict(std::string_view text);

// Validates the embedded signal data (reach/signals.yaml). Ok in any correct build; tests call
// it, and a broken table makes classify return unknown with an `internal` evidence item.
[[nodiscard]] Status check_signal_data();

}  // namespace reachscan::reach
