// What every signal family of the reach classifier shares: the evidence collector, environment
// words, the environments-map lookups, and the input a family reads. Internal to reach/.
//
// A family (reach/signals/*.cpp) is a function `void f(const Input&, Collector&)` that reads one
// kind of evidence and adds weighted items to the collector; reach/signals/registry.cpp lists
// them in the order they run. Families are pure: they read only their Input and the signal data.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/glob.h"
#include "reach/classify.h"
#include "reach/file_view.h"
#include "reach/model.h"

namespace reachscan::reach::signals {

using detail::FileView;
using detail::Model;
using detail::Pair;
using detail::Scope;
using detail::Tier;
using detail::ValueKind;

std::string quote(std::string_view s);
bool contains(const std::vector<std::string>& v, std::string_view s);
void add_unique(std::vector<std::string>& v, const std::string& s);
bool any_glob(const std::vector<std::string>& globs, std::string_view text);
bool any_path_glob(const std::vector<std::string>& globs, std::string_view path);

// Words of a value, path segment or file name as environment words: team and role phrases
// (dev-team) are dropped, and non-production phrases (non-prod, pre-prod) become `nonprod`, so
// that `non-prod` is never read as `prod`.
std::vector<std::string> env_words(const Model& m, std::string_view value);

// +1 production, -1 non-production, 0 neither, from the environment words of a value. When a
// value names both, production wins: a credential that can reach production is treated so.
int direction(const Model& m, std::string_view value, std::string* word = nullptr);

double weight_for(int dir, double production, double non_production);

// ---- the user's environments map ------------------------------------------------------------

using EnvList = std::vector<std::string> Environment::*;

struct ConfigHit {
  const Environment* env = nullptr;
  std::string pattern;
};

// The environment whose glob matches `value` most specifically (ties: production first).
std::optional<ConfigHit> lookup(const ReachConfig& cfg, EnvList list, std::string_view value,
                                bool path_mode = false);

// An environment named by a value: the exact name, or one of the value's words. Names whose
// meaning the environment words already give (production, staging, dev) add nothing to the
// heuristics and are skipped; custom names (canary, blue, qa2) and names the map contradicts
// (live-mirror with production: false) are the map's knowledge.
std::optional<ConfigHit> lookup_name(const Model& m, const ReachConfig& cfg,
                                     std::string_view value);

// The config file's name as evidence names it.
std::string config_name(const ReachConfig& cfg);

// ---- evidence collection ----------------------------------------------------------------------

struct Collected {
  Evidence e;
  Tier tier;
};

class Collector {
 public:
  explicit Collector(const Model& m) : m_(m) {}

  void add(const std::string& signal, std::string detail, double weight) {
    items_.push_back({Evidence{signal, std::move(detail), weight}, m_.tier_of(signal)});
  }

  // Keeps, per signal, the strongest item in each direction (and every distinct info item), so
  // redundant markers do not stack. Sorted by tier, then by strength.
  std::vector<Collected> reduce() const;

  // A family saw a long-lived credential form (NHI7).
  void mark_long_lived() { long_lived_ = true; }
  bool long_lived() const { return long_lived_; }

 private:
  const Model& m_;
  std::vector<Collected> items_;
  bool long_lived_ = false;
};

// ---- what a family reads ----------------------------------------------------------------------

struct Input {
  const Finding& finding;
  const FileContext& ctx;
  const ReachConfig& cfg;
  const Model& model;
  std::string rel;       // the finding's path relative to the scan root / config folder
  const FileView* view;  // the text around the secret; null when there is none
};

// The finding's path relative to the scan root (or the config's folder).
std::string relative_path(const FileContext& ctx, const Finding& f, const ReachConfig& cfg);

// The families, one per file (see registry.cpp for the order they run in).
void credential_form(const Input& in, Collector& c);     // credential.cpp: key forms, lifetimes
void credential_account(const Input& in, Collector& c);  // credential.cpp: AWS account, GCP project
void path_family(const Input& in, Collector& c);         // path.cpp
void content_family(const Input& in, Collector& c);      // content.cpp
void host_family(const Input& in, Collector& c);         // hosts.cpp
void jwt_family(const Input& in, Collector& c);          // jwt.cpp
void git_family(const Input& in, Collector& c);          // git.cpp
void deployment_family(const Input& in, Collector& c);   // deployment.cpp
void image_family(const Input& in, Collector& c);        // image.cpp: container images

using FamilyFn = void (*)(const Input&, Collector&);
struct Family {
  std::string_view name;
  FamilyFn fn;
};
// Every family, in the order they run.
const std::vector<Family>& families();

}  // namespace reachscan::reach::signals
