#include "reach/classify.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "reach/model.h"
#include "reach/text.h"

namespace reachscan::reach {
namespace {

using detail::FileView;
using detail::Model;
using detail::Pair;
using detail::Scope;
using detail::Tier;
using detail::ValueKind;

std::string quote(std::string_view s) { return "'" + std::string(s) + "'"; }

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (!contains(v, s)) v.push_back(s);
}

bool any_glob(const std::vector<std::string>& globs, std::string_view text) {
  return std::any_of(globs.begin(), globs.end(),
                     [&](const std::string& g) { return detail::glob_match(g, text); });
}

bool any_path_glob(const std::vector<std::string>& globs, std::string_view path) {
  return std::any_of(globs.begin(), globs.end(),
                     [&](const std::string& g) { return detail::path_glob_match(g, path); });
}

// +1 production, -1 non-production, 0 neither, from the environment words of a value. When a
// value names both, production wins: a credential that can reach production is treated so.
int direction(const Model& m, std::string_view value, std::string* word = nullptr) {
  const std::string low = detail::to_lower(value);
  for (const std::string& p : m.non_production_phrases)
    if (low.find(p) != std::string::npos) {
      if (word) *word = p;
      return -1;
    }
  int dir = 0;
  for (const std::string& w : detail::words_of(value)) {
    if (contains(m.production_words, w)) {
      if (word) *word = w;
      return 1;
    }
    if (dir == 0 && contains(m.non_production_words, w)) {
      if (word) *word = w;
      dir = -1;
    }
  }
  return dir;
}

double weight_for(int dir, double production, double non_production) {
  return dir > 0 ? production : dir < 0 ? non_production : 0.0;
}

// ---- the user's environments map ------------------------------------------------------------

using EnvList = std::vector<std::string> Environment::*;

struct ConfigHit {
  const Environment* env = nullptr;
  std::string pattern;
};

// The environment whose glob matches `value` most specifically (ties: production first).
std::optional<ConfigHit> lookup(const ReachConfig& cfg, EnvList list, std::string_view value,
                                bool path_mode = false) {
  std::optional<ConfigHit> best;
  std::size_t best_len = 0;
  for (const Environment& e : cfg.environments) {
    for (const std::string& g : e.*list) {
      const bool hit = path_mode ? detail::path_glob_match(g, value) : detail::glob_match(g, value);
      if (!hit) continue;
      const std::size_t len = detail::glob_literal_length(g);
      if (!best || len > best_len || (len == best_len && e.production && !best->env->production)) {
        best = ConfigHit{&e, g};
        best_len = len;
      }
    }
  }
  return best;
}

// An environment named by a value: the exact name, or one of the value's words. Names whose
// meaning the environment words already give (production, staging, dev) add nothing to the
// heuristics and are skipped; custom names (canary, blue, qa2) and names the map contradicts
// (live-mirror with production: false) are the map's knowledge.
std::optional<ConfigHit> lookup_name(const Model& m, const ReachConfig& cfg,
                                     std::string_view value) {
  const std::string low = detail::to_lower(value);
  const std::vector<std::string> words = detail::words_of(value);
  std::optional<ConfigHit> best;
  for (const Environment& e : cfg.environments) {
    const std::string name = detail::to_lower(e.name);
    if (name != low && !contains(words, name)) continue;
    const int said = direction(m, name);
    if (said != 0 && (said > 0) == e.production) continue;
    if (!best || (e.production && !best->env->production)) best = ConfigHit{&e, e.name};
    if (name == low) break;
  }
  return best;
}

std::string config_name(const ReachConfig& cfg) {
  if (cfg.path.empty()) return "the environments map";
  const std::size_t slash = cfg.path.find_last_of('/');
  return slash == std::string::npos ? cfg.path : cfg.path.substr(slash + 1);
}

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
  std::vector<Collected> reduce() const {
    std::map<std::string, std::pair<int, int>> best;  // signal -> (strongest +, strongest -)
    for (int i = 0; i < static_cast<int>(items_.size()); ++i) {
      const Evidence& e = items_[static_cast<std::size_t>(i)].e;
      auto [it, fresh] = best.try_emplace(e.signal, -1, -1);
      auto& [pos, neg] = it->second;
      if (e.weight > 0 && (pos < 0 || e.weight > items_[static_cast<std::size_t>(pos)].e.weight))
        pos = i;
      if (e.weight < 0 && (neg < 0 || e.weight < items_[static_cast<std::size_t>(neg)].e.weight))
        neg = i;
    }
    std::vector<Collected> out;
    for (int i = 0; i < static_cast<int>(items_.size()); ++i) {
      const Collected& c = items_[static_cast<std::size_t>(i)];
      const auto& [pos, neg] = best.at(c.e.signal);
      if (c.e.weight == 0) {
        const bool dup = std::any_of(out.begin(), out.end(), [&](const Collected& o) {
          return o.e.signal == c.e.signal && o.e.detail == c.e.detail;
        });
        if (!dup) out.push_back(c);
      } else if (i == pos || i == neg) {
        out.push_back(c);
      }
    }
    std::stable_sort(out.begin(), out.end(), [](const Collected& a, const Collected& b) {
      if (a.tier != b.tier) return a.tier < b.tier;
      return std::fabs(a.e.weight) > std::fabs(b.e.weight);
    });
    return out;
  }

 private:
  const Model& m_;
  std::vector<Collected> items_;
};

// ---- paths ------------------------------------------------------------------------------------

std::string relative_path(const FileContext& ctx, const Finding& f, const ReachConfig& cfg) {
  std::string p = detail::normalize_path(ctx.path.empty() ? f.path : ctx.path);
  for (const std::string& base : {ctx.root, cfg.base_dir}) {
    if (base.empty()) continue;
    const std::string b = detail::normalize_path(base);
    if (b.empty() || b == ".") continue;
    if (p.size() > b.size() && p.compare(0, b.size(), b) == 0 &&
        (p[b.size()] == '/' || b.back() == '/')) {
      p = p.substr(b.size() + (b.back() == '/' ? 0 : 1));
      break;
    }
  }
  return p;
}

void path_signals(const Model& m, const std::string& rel, Collector& c) {
  const std::size_t slash = rel.find_last_of('/');
  const std::string dir = slash == std::string::npos ? std::string() : rel.substr(0, slash);
  const std::string file = slash == std::string::npos ? rel : rel.substr(slash + 1);

  struct Hit {
    int segment;
    std::string name;
    const detail::WordMarker* marker;
  };
  std::vector<Hit> hits;
  int innermost = -1;
  std::size_t i = 0;
  for (int segment = 0; i < dir.size(); ++segment) {
    std::size_t j = dir.find('/', i);
    if (j == std::string::npos) j = dir.size();
    const std::string seg = dir.substr(i, j - i);
    for (const std::string& w : detail::words_of(seg))
      for (const auto& marker : m.path_markers)
        if (contains(marker.words, w)) {
          hits.push_back({segment, seg, &marker});
          if (marker.innermost) innermost = segment;
        }
    i = j + 1;
  }
  for (const Hit& h : hits)
    if (!h.marker->innermost || h.segment == innermost)
      c.add("path", "folder " + quote(h.name) + " in " + dir + "/: " + h.marker->what,
            h.marker->weight);
  for (const std::string& w : detail::words_of(file))
    for (const auto& marker : m.path_markers)
      if (contains(marker.words, w))
        c.add("file_name", "file name " + file + ": " + marker.what, marker.weight);
  for (const auto& marker : m.path_globs)
    for (const std::string& g : marker.globs)
      if (detail::path_glob_match(g, rel)) {
        c.add("path", rel + " matches " + quote(g) + ": " + marker.what, marker.weight);
        break;
      }
  for (const auto& marker : m.file_globs)
    if (any_glob(marker.globs, file))
      c.add("file_name", "file name " + file + ": " + marker.what, marker.weight);
}

// ---- structure and content --------------------------------------------------------------------

struct Candidate {
  std::string signal;
  std::string key;
  std::string value;
  ValueKind kind = ValueKind::kEnvironment;
  double production_weight = 0;
  double non_production_weight = 0;
  bool lookup = true;  // look the value up in the environments map
  int line = 0;
  int depth = 0;
  int distance = 0;
  int dir = 0;
};

const char* kind_label(ValueKind k) {
  switch (k) {
    case ValueKind::kNamespace:
      return "Kubernetes namespace";
    case ValueKind::kCluster:
      return "cluster";
    case ValueKind::kGcpProject:
      return "GCP project";
    case ValueKind::kAwsAccount:
      return "AWS account";
    default:
      return "environment";
  }
}

EnvList env_list(ValueKind k) {
  switch (k) {
    case ValueKind::kNamespace:
      return &Environment::namespaces;
    case ValueKind::kCluster:
      return &Environment::clusters;
    case ValueKind::kGcpProject:
      return &Environment::gcp_projects;
    case ValueKind::kAwsAccount:
      return &Environment::aws_accounts;
    default:
      return nullptr;
  }
}

const char* config_signal(ValueKind k) {
  switch (k) {
    case ValueKind::kNamespace:
      return "config_namespace";
    case ValueKind::kCluster:
      return "config_cluster";
    case ValueKind::kGcpProject:
      return "config_gcp_project";
    case ValueKind::kAwsAccount:
      return "config_aws_account";
    default:
      return "config_environment";
  }
}

bool is_true(std::string_view v) {
  const std::string low = detail::to_lower(v);
  return low == "true" || low == "yes" || low == "on" || low == "1";
}
bool is_false(std::string_view v) {
  const std::string low = detail::to_lower(v);
  return low == "false" || low == "no" || low == "off" || low == "0";
}

// Key path `path` ends with the components of data key `key` (each component a glob).
bool key_matches(std::string_view key, std::string_view path) {
  if (key.rfind("--", 0) == 0 || path.rfind("--", 0) == 0) return key == path;
  // Compare component by component from the end, without allocating.
  std::size_t k = key.size(), p = path.size();
  while (true) {
    const std::size_t kd = key.rfind('.', k == 0 ? 0 : k - 1);
    const std::size_t pd = path.rfind('.', p == 0 ? 0 : p - 1);
    const std::size_t kb = kd == std::string_view::npos || k == 0 ? 0 : kd + 1;
    const std::size_t pb = pd == std::string_view::npos || p == 0 ? 0 : pd + 1;
    if (!detail::glob_match(key.substr(kb, k - kb), path.substr(pb, p - pb))) return false;
    if (kb == 0) return true;   // every component of the data key matched
    if (pb == 0) return false;  // the data key is longer than the key path
    k = kb - 1;
    p = pb - 1;
  }
}

// Reads what surrounds the secret (enclosing blocks, key/value settings, commands, deploy
// steps, ARNs) and adds the evidence to a Collector. One instance per classify call.
class ContentReader {
 public:
  ContentReader(const Model& m, const ReachConfig& cfg, const FileView& view,
                const std::string& rel, const Finding& f, Collector& c)
      : m_(m), cfg_(cfg), view_(view), rel_(rel), c_(c) {
    // Words that name what the secret belongs to: rule id, tags, its own key, enclosing keys.
    auto add = [&](std::string_view text) {
      for (std::string& w : detail::words_of(text)) owner_words_.push_back(std::move(w));
    };
    add(f.rule_id);
    for (const std::string& t : f.tags) add(t);
    add(view.line_text(view.secret_line()).substr(0, view.secret_column()));
    for (int a : view.ancestors()) add(view.lines()[static_cast<std::size_t>(a)].key);
  }

  void run() {
    blocks();
    assignments();
    deploy_steps();
    arns();
  }

 private:
  bool file_matches(const std::vector<std::string>& globs) const {
    return globs.empty() || any_path_glob(globs, rel_);
  }

  std::pair<int, int> range(Scope s) const {
    const int n = static_cast<int>(view_.lines().size());
    switch (s) {
      case Scope::kNear: {
        const int near = static_cast<int>(m_.near_lines);
        return {std::max(view_.document_begin(), view_.secret_line() - near),
                std::min(view_.document_end(), view_.secret_line() + near + 1)};
      }
      case Scope::kJob:
        return view_.job(m_.container_keys, any_path_glob(m_.ci_job_files, rel_),
                         m_.ci_global_keys);
      case Scope::kDocument:
        return {view_.document_begin(), view_.document_end()};
      case Scope::kFile:
        return {0, n};
    }
    return {0, n};
  }

  std::string where(int line) const { return "line " + std::to_string(view_.line_number(line)); }

  // A line lower-cased, computed once per call.
  const std::string& lower(int line) {
    if (lower_.empty()) lower_.resize(view_.lines().size());
    auto& slot = lower_[static_cast<std::size_t>(line)];
    if (!slot) slot = detail::to_lower(view_.line_text(line));
    return *slot;
  }

  void blocks() {
    const auto& anc = view_.ancestors();
    bool heuristic_done = false, config_done = false;
    for (auto it = anc.rbegin(); it != anc.rend(); ++it) {
      const detail::Line& l = view_.lines()[static_cast<std::size_t>(*it)];
      if (l.key.empty()) continue;
      const std::string label = (l.section ? "[" + l.key + "]" : l.key + ":");
      if (!heuristic_done) {
        std::string word;
        if (const int dir = direction(m_, l.key, &word); dir != 0) {
          c_.add("enclosing_block",
                 "inside " + quote(label) + " (" + where(*it) + "): " + word + " names " +
                     (dir > 0 ? "a production" : "a non-production") + " environment",
                 weight_for(dir, m_.block_production, m_.block_non_production));
          heuristic_done = true;
        }
      }
      if (!config_done && !cfg_.empty()) {
        const std::string last = l.key.substr(l.key.find_last_of('.') + 1);
        if (auto hit = lookup_name(m_, cfg_, last)) {
          config_hit("config_environment", "inside " + quote(label) + " (" + where(*it) + ")", *hit,
                     "name");
          config_done = true;
        }
      }
    }
  }

  void config_hit(const std::string& signal, const std::string& seen, const ConfigHit& hit,
                  const std::string& field) {
    c_.add(signal,
           seen + " matches environment " + hit.env->name + " in " + config_name(cfg_) + " (" +
               field + ": " + quote(hit.pattern) + ")",
           hit.env->production ? m_.config_production : m_.config_non_production);
  }

  // ${VAR}, $VAR, {{ var }}, %(var)s: a reference to a value set elsewhere, not a value.
  static bool is_reference(std::string_view v) {
    return v.find('$') != std::string_view::npos || v.find("{{") != std::string_view::npos ||
           v.find("%(") != std::string_view::npos || v.find("<%") != std::string_view::npos;
  }

  // Whether a provider mode setting speaks for this secret (see provider_mode in signals.yaml).
  bool mode_applies(const Candidate& cand) const {
    static constexpr std::string_view kGeneric[] = {"sandbox", "use",  "is",       "test",
                                                    "live",    "mode", "testmode", "livemode"};
    const std::vector<std::string> words = detail::words_of(cand.key);
    const bool prefixed = words.size() >= 2 && std::find(std::begin(kGeneric), std::end(kGeneric),
                                                         words[0]) == std::end(kGeneric);
    if (!prefixed) {
      const int line = cand.line;
      return view_.lines()[static_cast<std::size_t>(line)].parent ==
             view_.lines()[static_cast<std::size_t>(view_.secret_line())].parent;
    }
    return contains(owner_words_, words[0]);
  }

  void consider(Candidate cand) {
    if (is_reference(cand.value)) return;
    if (cand.signal == "provider_mode" && !mode_applies(cand)) return;
    cand.depth = view_.depth_of(cand.line);
    cand.distance = std::abs(cand.line - view_.secret_line());
    switch (cand.kind) {
      case ValueKind::kTrueIsNonProduction:
        cand.dir = is_true(cand.value) ? -1 : is_false(cand.value) ? 1 : 0;
        break;
      case ValueKind::kTrueIsProduction:
        cand.dir = is_true(cand.value) ? 1 : is_false(cand.value) ? -1 : 0;
        break;
      case ValueKind::kAwsAccount:
        cand.dir = 0;
        break;
      default:
        cand.dir = direction(m_, cand.value);
    }
    candidates_.push_back(std::move(cand));
  }

  static bool better(const Candidate& a, const Candidate& b, bool prefer_production) {
    if (a.depth != b.depth) return a.depth > b.depth;
    if (prefer_production && (a.dir > 0) != (b.dir > 0)) return a.dir > 0;
    if (a.distance != b.distance) return a.distance < b.distance;
    return a.line < b.line;
  }

  void assignments() {
    // Which groups apply to this file, and their scopes: once per call, not per pair.
    const std::size_t n = m_.assignments.size();
    std::vector<char> applies(n, 0);
    std::vector<std::pair<int, int>> scopes(n);
    for (std::size_t gi = 0; gi < n; ++gi) {
      const auto& g = m_.assignments[gi];
      applies[gi] =
          file_matches(g.files) && (g.not_files.empty() || !any_path_glob(g.not_files, rel_));
      if (applies[gi]) scopes[gi] = range(g.scope);
    }
    // Pairs: each key is checked only against the groups its last component can match, and the
    // first matching group (in data order) owns it.
    std::vector<std::pair<std::size_t, std::size_t>> maybe;  // (group, key)
    for (const Pair& p : view_.pairs()) {
      const std::string last =
          p.key.rfind("--", 0) == 0 ? p.key : p.key.substr(p.key.find_last_of('.') + 1);
      maybe = m_.wildcard_keys;
      if (const auto it = m_.keys_by_last_part.find(last); it != m_.keys_by_last_part.end())
        maybe.insert(maybe.end(), it->second.begin(), it->second.end());
      std::sort(maybe.begin(), maybe.end());
      for (const auto& [gi, ki] : maybe) {
        if (!applies[gi]) continue;
        const auto& g = m_.assignments[gi];
        if (!key_matches(g.keys[ki], p.key)) continue;
        const auto [lo, hi] = scopes[gi];
        if (p.line >= lo && p.line < hi && p.line != view_.secret_line())
          consider({g.signal, display_key(p), p.value, g.value, g.production_weight,
                    g.non_production_weight, g.lookup, p.line});
        else if (p.line == view_.secret_line() && p.line >= lo && p.line < hi &&
                 !value_holds_secret(p))
          consider({g.signal, display_key(p), p.value, g.value, g.production_weight,
                    g.non_production_weight, g.lookup, p.line});
        break;  // the first matching group owns the key
      }
    }
    // Commands.
    for (const auto& cmd : m_.commands) {
      const auto [lo, hi] = range(cmd.scope);
      for (int i = lo; i < hi; ++i) {
        if (view_.lines()[static_cast<std::size_t>(i)].blank) continue;
        const std::string& low = lower(i);
        const std::size_t at = low.find(cmd.phrase);
        if (at == std::string::npos) continue;
        std::size_t begin = at + cmd.phrase.size();
        while (begin < low.size() && low[begin] == ' ') ++begin;
        std::size_t end = begin;
        while (end < low.size() && low[end] != ' ' && low[end] != '"' && low[end] != '\'' &&
               low[end] != ';' && low[end] != '&')
          ++end;
        if (end == begin) continue;
        // Lower-casing keeps byte offsets, so the value can be cut from the original line.
        const std::string_view orig = view_.line_text(i).substr(begin, end - begin);
        consider({cmd.signal, cmd.phrase, std::string(orig), cmd.value, std::fabs(cmd.weight),
                  -std::fabs(cmd.weight), true, i});
      }
    }

    // Per signal: the best candidate with a direction; per config list: the best hit.
    std::map<std::string, const Candidate*> chosen;
    for (const Candidate& cand : candidates_) {
      if (cand.dir == 0) continue;
      const Candidate*& cur = chosen[cand.signal];
      if (!cur || better(cand, *cur, true)) cur = &cand;
    }
    for (const auto& [signal, cand] : chosen) {
      const double w = cand->dir > 0 ? cand->production_weight : cand->non_production_weight;
      c_.add(signal, describe(*cand), w);
    }
    if (cfg_.empty()) return;
    std::map<std::string, std::pair<const Candidate*, ConfigHit>> hits;
    for (const Candidate& cand : candidates_) {
      if (!cand.lookup || cand.kind == ValueKind::kTrueIsNonProduction ||
          cand.kind == ValueKind::kTrueIsProduction)
        continue;
      const EnvList list = env_list(cand.kind);
      std::optional<ConfigHit> hit =
          list ? lookup(cfg_, list, cand.value) : lookup_name(m_, cfg_, cand.value);
      if (!hit) continue;
      const std::string signal = config_signal(cand.kind);
      auto it = hits.find(signal);
      Candidate scored = cand;
      scored.dir = hit->env->production ? 1 : -1;
      if (it == hits.end() || better(scored, *it->second.first, true)) {
        owned_.push_back(scored);
        hits.insert_or_assign(signal, std::make_pair(&owned_.back(), *hit));
      }
    }
    for (const auto& [signal, h] : hits)
      config_hit(signal, describe(*h.first, false), h.second, field_of(h.first->kind));
  }

  // The key as written; generic keys (name, value, default) keep their parent: environment.name.
  static std::string display_key(const Pair& p) {
    const std::string low = detail::to_lower(p.raw_key);
    if (low != "name" && low != "value" && low != "default") return p.raw_key;
    const std::size_t dot = p.key.find_last_of('.');
    if (dot == std::string::npos || dot == 0) return p.raw_key;
    const std::size_t prev = p.key.find_last_of('.', dot - 1);
    return prev == std::string::npos ? p.key : p.key.substr(prev + 1);
  }

  // A pair on the secret's own line whose value is the secret itself says nothing about context.
  bool value_holds_secret(const Pair& p) const {
    const std::string_view line = view_.line_text(p.line);
    const std::size_t at = line.find(p.value);
    return at != std::string_view::npos && view_.secret_column() >= at &&
           view_.secret_column() < at + p.value.size() + 1;
  }

  static const char* field_of(ValueKind k) {
    switch (k) {
      case ValueKind::kNamespace:
        return "namespaces";
      case ValueKind::kCluster:
        return "clusters";
      case ValueKind::kGcpProject:
        return "gcp_projects";
      case ValueKind::kAwsAccount:
        return "aws_accounts";
      default:
        return "name";
    }
  }

  std::string describe(const Candidate& c, bool with_meaning = true) const {
    std::string what;
    if (c.signal == "ci_environment")
      what = "CI job environment";
    else if (c.signal == "terraform_workspace")
      what = "Terraform workspace/environment";
    else if (c.signal == "provider_mode")
      what = "provider mode";
    else if (c.signal == "env_var")
      what = "environment setting";
    else if (c.signal == "runtime_env")
      what = "framework run mode";
    else
      what = kind_label(c.kind);
    std::string out = what + " " + c.key + "=" + c.value + " (" + where(c.line) + ")";
    if (with_meaning && c.dir != 0) out += c.dir > 0 ? ": production" : ": non-production";
    return out;
  }

  void deploy_steps() {
    if (!any_path_glob(m_.deploy_files, rel_)) return;
    const auto [lo, hi] = range(Scope::kJob);
    int best = -1;
    std::string phrase;
    for (int i = lo; i < hi; ++i) {
      if (view_.lines()[static_cast<std::size_t>(i)].blank) continue;
      const std::string& low = lower(i);
      for (const std::string& p : m_.deploy_phrases)
        if (low.find(p) != std::string::npos &&
            (best < 0 ||
             std::abs(i - view_.secret_line()) < std::abs(best - view_.secret_line()))) {
          best = i;
          phrase = p;
        }
    }
    if (best >= 0)
      c_.add("ci_deploy", "deploy step '" + phrase + "' in the same job (" + where(best) + ")",
             m_.deploy_weight);
  }

  void arns() {
    if (cfg_.empty()) return;
    bool account_done = false, cluster_done = false;
    const int n = static_cast<int>(view_.lines().size());
    // Nearest first.
    for (int d = 0; d < n && !(account_done && cluster_done); ++d) {
      for (int i : {view_.secret_line() - d, view_.secret_line() + d}) {
        if (i < 0 || i >= n || (d == 0 && i != view_.secret_line())) continue;
        if (view_.lines()[static_cast<std::size_t>(i)].blank) continue;
        for (const auto& [account, cluster] : detail::arns_in_line(view_.line_text(i))) {
          if (!account_done)
            if (auto hit = lookup(cfg_, &Environment::aws_accounts, account)) {
              config_hit("config_aws_account",
                         "AWS account " + account + " in an ARN (" + where(i) + ")", *hit,
                         "aws_accounts");
              account_done = true;
            }
          if (!cluster_done && !cluster.empty())
            if (auto hit = lookup(cfg_, &Environment::clusters, cluster)) {
              config_hit("config_cluster", "EKS cluster " + cluster + " (" + where(i) + ")", *hit,
                         "clusters");
              cluster_done = true;
            }
        }
        if (d == 0) break;
      }
    }
  }

  const Model& m_;
  const ReachConfig& cfg_;
  const FileView& view_;
  const std::string& rel_;
  Collector& c_;
  std::vector<Candidate> candidates_;
  std::deque<Candidate> owned_;
  std::vector<std::optional<std::string>> lower_;
  std::vector<std::string> owner_words_;
};

// ---- hosts ------------------------------------------------------------------------------------

struct HostSeen {
  std::string host;
  std::string where;  // "connection string, line 3"
  int depth = 0;      // structural closeness to the secret (FileView::depth_of)
  int line = -1;      // index in the FileView, -1 when not from the text
};

void host_signals(const Model& m, const ReachConfig& cfg, const std::vector<HostSeen>& hosts,
                  bool own, Collector& c) {
  bool provider_done = false, reserved_done = false, host_done = false, config_done = false;
  for (const HostSeen& h : hosts) {
    if (!provider_done)
      for (const auto& p : m.provider_hosts)
        if (any_glob(p.globs, h.host)) {
          c.add("provider_host", h.host + " (" + h.where + "): " + p.what, p.weight);
          provider_done = true;
          break;
        }
    if (!reserved_done && any_glob(m.reserved_hosts.globs, h.host)) {
      c.add("reserved_host", h.host + " (" + h.where + "): " + m.reserved_hosts.what,
            m.reserved_hosts.weight);
      reserved_done = true;
    }
    if (!config_done && !cfg.empty())
      if (auto hit = lookup(cfg, &Environment::hosts, h.host)) {
        c.add("config_host",
              "host " + h.host + " (" + h.where + ") matches environment " + hit->env->name +
                  " in " + config_name(cfg) + " (hosts: " + quote(hit->pattern) + ")",
              hit->env->production ? m.config_production : m.config_non_production);
        config_done = true;
      }
    if (!host_done) {
      if (any_glob(m.local_hosts.globs, h.host)) {
        c.add("host", h.host + " (" + h.where + "): " + m.local_hosts.what, m.local_hosts.weight);
        host_done = true;
      } else if (!any_glob(m.neutral_hosts, h.host) && !any_glob(m.reserved_hosts.globs, h.host) &&
                 !std::any_of(m.provider_hosts.begin(), m.provider_hosts.end(),
                              [&](const auto& p) { return any_glob(p.globs, h.host); })) {
        // Environment words in the labels, leaving out the top-level domain (acme.dev).
        std::string labels = h.host;
        const std::size_t dot = labels.find_last_of('.');
        if (dot != std::string::npos) labels = labels.substr(0, dot);
        std::string word;
        if (const int dir = direction(m, labels, &word); dir != 0) {
          c.add("host",
                h.host + " (" + h.where + "): " + word + " names " +
                    (dir > 0 ? "a production" : "a non-production") + " environment",
                weight_for(dir, m.host_production, m.host_non_production));
          host_done = true;
        }
      }
    }
    if (own) break;  // the credential's own host is the only one that counts
  }
}

std::vector<HostSeen> own_hosts(const Finding& f, const FileView& view) {
  std::vector<HostSeen> out;
  const auto it = f.verification.attributes.find("host");
  if (it != f.verification.attributes.end() && !it->second.empty()) {
    out.push_back(
        {detail::to_lower(it->second),
         "connection string, line " + std::to_string(view.line_number(view.secret_line())), 0,
         view.secret_line()});
    return out;
  }
  const std::string_view line = view.line_text(view.secret_line());
  for (const auto& u : detail::url_hosts(line))
    if (view.secret_column() >= u.begin && view.secret_column() < u.end) {
      out.push_back(
          {u.host,
           "connection string, line " + std::to_string(view.line_number(view.secret_line())), 0,
           view.secret_line()});
      break;
    }
  return out;
}

// Hosts near the secret: URLs and host keys within near_lines, in the same document, keeping
// only the structurally closest ones (same list item, same block), nearest first.
std::vector<HostSeen> near_hosts(const Model& m, const FileView& view) {
  std::vector<HostSeen> out;
  const int s = view.secret_line();
  const int near = static_cast<int>(m.near_lines);
  std::vector<int> order = {s};
  for (int d = 1; d <= near; ++d) order.insert(order.end(), {s - d, s + d});
  for (int i : order) {
    if (i < view.document_begin() || i >= view.document_end()) continue;
    if (view.lines()[static_cast<std::size_t>(i)].blank) continue;
    const std::string where = "line " + std::to_string(view.line_number(i));
    const int depth = i == s ? 1 << 20 : view.depth_of(i);
    for (const auto& u : detail::url_hosts(view.line_text(i)))
      out.push_back({u.host, where, depth, i});
    const auto& pairs = view.pairs();  // in line order
    const auto first = std::lower_bound(pairs.begin(), pairs.end(), i,
                                        [](const Pair& p, int line) { return p.line < line; });
    for (auto it = first; it != pairs.end() && it->line == i; ++it) {
      const Pair& p = *it;
      const std::string last = p.key.substr(p.key.find_last_of('.') + 1);
      if (!std::any_of(m.host_keys.begin(), m.host_keys.end(),
                       [&](const std::string& k) { return detail::glob_match(k, last); }))
        continue;
      if (p.value.find("://") != std::string::npos) continue;  // found as a URL already
      const std::string h = detail::host_of(p.value);
      if (!h.empty() && (h.find('.') != std::string::npos || h == "localhost"))
        out.push_back({h, where, depth, i});
    }
  }
  // Hosts in sibling blocks (the `production:` next to the secret's `test:`) are not its hosts.
  std::vector<HostSeen> kept;
  for (const HostSeen& h : out)
    if (h.line == s || view.shares_scope(h.line)) kept.push_back(h);
  std::stable_sort(kept.begin(), kept.end(),
                   [](const HostSeen& a, const HostSeen& b) { return a.depth > b.depth; });
  return kept;
}

// ---- JWT ---------------------------------------------------------------------------------------

struct JwtClaims {
  std::vector<std::pair<std::string, std::string>> claims;  // name, value (iss, aud...)
  std::optional<double> exp;
  std::optional<double> iat;
  bool present = false;
};

// Attribute `name` as the verify stage sets it ("iss"), or with a jwt_ prefix ("jwt_iss").
const std::string* jwt_attribute(const Finding& f, const std::string& name) {
  const auto& attrs = f.verification.attributes;
  for (const std::string& key : {name, "jwt_" + name}) {
    const auto it = attrs.find(key);
    if (it != attrs.end()) return &it->second;
  }
  return nullptr;
}

JwtClaims jwt_claims(const Finding& f, const Model& m) {
  JwtClaims out;
  for (const std::string& name : m.jwt_claims) {
    const std::string* v = jwt_attribute(f, name);
    if (!v) continue;
    out.present = true;
    // The verifier joins array claims (aud) with commas.
    std::size_t i = 0;
    while (i <= v->size()) {
      std::size_t j = v->find(',', i);
      if (j == std::string::npos) j = v->size();
      if (j > i) out.claims.emplace_back(name, v->substr(i, j - i));
      i = j + 1;
    }
  }
  auto num = [&](const char* key) -> std::optional<double> {
    const std::string* v = jwt_attribute(f, key);
    if (!v) return std::nullopt;
    char* end = nullptr;
    const double d = std::strtod(v->c_str(), &end);
    return end && *end == 0 && end != v->c_str() ? std::optional<double>(d) : std::nullopt;
  };
  if (auto e = num("exp")) out.exp = e, out.present = true;
  if (auto i = num("iat")) out.iat = i;
  if (const std::string* never = jwt_attribute(f, "never_expires"); never && *never == "true")
    out.present = true;
  if (out.present || f.verification.status == VerifyStatus::kValidStructure) return out;

  // No verifier attributes: decode the payload ourselves (offline, no signature check).
  const std::string& s = f.secret;
  if (s.rfind("eyJ", 0) != 0) return out;
  const std::size_t d1 = s.find('.');
  const std::size_t d2 = d1 == std::string::npos ? d1 : s.find('.', d1 + 1);
  if (d2 == std::string::npos) return out;
  const auto payload = detail::base64url_decode(std::string_view(s).substr(d1 + 1, d2 - d1 - 1));
  if (!payload) return out;
  const nlohmann::json j = nlohmann::json::parse(*payload, nullptr, false);
  if (!j.is_object()) return out;
  out.present = true;
  for (const std::string& name : m.jwt_claims) {
    if (!j.contains(name)) continue;
    const auto& v = j[name];
    if (v.is_string())
      out.claims.emplace_back(name, v.get<std::string>());
    else if (v.is_array())
      for (const auto& a : v)
        if (a.is_string()) out.claims.emplace_back(name, a.get<std::string>());
  }
  if (j.contains("exp") && j["exp"].is_number()) out.exp = j["exp"].get<double>();
  if (j.contains("iat") && j["iat"].is_number()) out.iat = j["iat"].get<double>();
  return out;
}

// A NumericDate as ISO 8601; out-of-range values (claims are attacker-controlled text) as numbers.
std::string utc_date(double epoch) {
  constexpr double kYear9999 = 253402300799.0;
  if (!(epoch >= 0 && epoch <= kYear9999)) return std::to_string(epoch);
  const std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return std::to_string(epoch);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Returns true when the token is long-lived.
bool jwt_signals(const Model& m, const ReachConfig& cfg, const JwtClaims& jwt, Collector& c) {
  bool config_done = false, claim_done = false;
  for (const auto& [name, value] : jwt.claims) {
    const std::string host =
        value.find("://") != std::string::npos ? detail::host_of(value) : value;
    if (!config_done && !cfg.empty())
      if (auto hit = lookup(cfg, &Environment::hosts, host)) {
        c.add("config_host",
              "JWT " + name + " " + value + " matches environment " + hit->env->name + " in " +
                  config_name(cfg) + " (hosts: " + quote(hit->pattern) + ")",
              hit->env->production ? m.config_production : m.config_non_production);
        config_done = true;
      }
    if (!claim_done) {
      std::string word;
      std::string labels = host;
      if (value.find("://") != std::string::npos) {
        const std::size_t dot = labels.find_last_of('.');
        if (dot != std::string::npos) labels = labels.substr(0, dot);
      }
      if (any_glob(m.local_hosts.globs, host)) {
        c.add("jwt_claim", "JWT " + name + " " + value + ": " + m.local_hosts.what,
              m.jwt_non_production);
        claim_done = true;
      } else if (const int dir = direction(m, labels, &word); dir != 0) {
        c.add("jwt_claim",
              "JWT " + name + " " + value + ": " + word + " names " +
                  (dir > 0 ? "a production" : "a non-production") + " environment",
              weight_for(dir, m.jwt_production, m.jwt_non_production));
        claim_done = true;
      }
    }
  }
  if (!jwt.exp) {
    c.add("key_lifetime", "JWT without an exp claim: it never expires", 0);
    return true;
  }
  std::string detail = "JWT exp " + utc_date(*jwt.exp);
  bool long_lived = false;
  if (jwt.iat) {
    const double days = (*jwt.exp - *jwt.iat) / 86400.0;
    if (days > m.jwt_long_lived_days) {
      detail += ", valid for " +
                (days < 1e12 ? std::to_string(static_cast<long long>(days)) : std::string("ever")) +
                " days";
      long_lived = true;
    }
  }
  c.add(long_lived ? "key_lifetime" : "jwt_expiry", detail, 0);
  return long_lived;
}

// ---- git ---------------------------------------------------------------------------------------

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

bool yaml_documents(const std::string& rel) {
  const std::string low = detail::to_lower(rel);
  return low.find(".yml") != std::string::npos || low.find(".yaml") != std::string::npos;
}

// Scores collected evidence: the first deciding tier whose sum reaches its threshold decides;
// flags and framework tags follow from the evidence.
Reach decide(const Model& m, const Collector& c, bool long_lived) {
  Reach r;
  // Decide.
  const std::vector<Collected> ev = c.reduce();
  double sum[detail::kDecidingTiers] = {0, 0, 0};
  double config_positive = 0;
  for (const Collected& e : ev) {
    if (e.tier == Tier::kInfo) continue;
    sum[static_cast<int>(e.tier)] += e.e.weight;
    if (e.tier == Tier::kConfig && e.e.weight > 0) config_positive += e.e.weight;
  }
  int decided = -1;
  double strength = 0;
  for (int t = 0; t < detail::kDecidingTiers && decided < 0; ++t) {
    const detail::TierSpec& spec = m.tiers[t];
    if (spec.production_wins && config_positive >= spec.threshold) {
      r.verdict = ReachVerdict::kProduction;
      strength = config_positive - spec.threshold;
      decided = t;
    } else if (sum[t] >= spec.threshold) {
      r.verdict = ReachVerdict::kProduction;
      strength = sum[t] - spec.threshold;
      decided = t;
    } else if (sum[t] <= -spec.threshold) {
      r.verdict = ReachVerdict::kNonProduction;
      strength = -sum[t] - spec.threshold;
      decided = t;
    }
  }
  if (decided >= 0) {
    const detail::TierSpec& spec = m.tiers[decided];
    double conf = spec.confidence_low + (spec.confidence_high - spec.confidence_low) *
                                            (1.0 - std::exp(-strength / m.confidence_scale));
    const int sign = r.verdict == ReachVerdict::kProduction ? 1 : -1;
    for (int t = decided + 1; t < detail::kDecidingTiers; ++t)
      if (sum[t] * sign <= -m.tiers[t].threshold) {
        conf -= m.disagreement_penalty;
        break;
      }
    r.confidence = std::round(std::clamp(conf, 0.05, 1.0) * 100.0) / 100.0;
  }
  for (const Collected& e : ev) r.evidence.push_back(e.e);

  // Flags and frameworks.
  auto any_of_signals = [&](const std::vector<std::string>& signals, int sign) {
    return std::any_of(ev.begin(), ev.end(), [&](const Collected& e) {
      return contains(signals, e.e.signal) && e.e.weight * sign > 0;
    });
  };
  const bool live_form = any_of_signals(m.live_signals, 1);
  const bool production_context =
      r.verdict == ReachVerdict::kProduction || any_of_signals(m.production_context_signals, 1);
  if ((live_form || production_context) && any_of_signals(m.place_signals, -1))
    r.flags.push_back("live_secret_in_non_production");

  for (const std::string& t : m.frameworks_always) add_unique(r.frameworks, t);
  if (long_lived)
    for (const std::string& t : m.frameworks_long_lived) add_unique(r.frameworks, t);
  if (!r.flags.empty())
    for (const std::string& t : m.frameworks_live_in_non_production) add_unique(r.frameworks, t);
  return r;
}

}  // namespace

Reach classify(const Finding& f, const FileContext& ctx, const ReachConfig& cfg) {
  Reach r;
  std::string error;
  const Model* mp = detail::model(&error);
  if (!mp) {
    r.evidence.push_back({"internal", "reach signal data failed to load: " + error, 0});
    return r;
  }
  const Model& m = *mp;
  Collector c(m);
  bool long_lived = false;

  // The credential itself.
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
      long_lived = true;
      break;
    }
  if (!long_lived)
    for (const auto& l : m.short_lived)
      if (any_glob(l.rules, f.rule_id)) {
        c.add("key_lifetime", l.what, 0);
        break;
      }

  // Where it is.
  const std::string rel = relative_path(ctx, f, cfg);
  path_signals(m, rel, c);
  if (!cfg.empty())
    if (auto hit = lookup(cfg, &Environment::paths, rel, true))
      c.add("config_path",
            rel + " matches environment " + hit->env->name + " in " + config_name(cfg) +
                " (paths: " + quote(hit->pattern) + ")",
            hit->env->production ? m.config_production : m.config_non_production);

  // What surrounds it.
  if (!ctx.text.empty()) {
    const FileView view(ctx.text, static_cast<std::size_t>(ctx.secret_offset), m.context_lines,
                        yaml_documents(rel), static_cast<std::size_t>(f.line));
    ContentReader(m, cfg, view, rel, f, c).run();
    std::vector<HostSeen> hosts = own_hosts(f, view);
    const bool own = !hosts.empty();
    if (!own) hosts = near_hosts(m, view);
    host_signals(m, cfg, hosts, own, c);
    // Provider endpoints near the secret count even when the secret has its own host.
    if (own) host_signals(m, ReachConfig{}, near_hosts(m, view), false, c);
  }

  // Verifier attributes.
  const auto& attrs = f.verification.attributes;
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
    if (const int dir = direction(m, it->second, &word); dir != 0) {
      const auto g = std::find_if(m.assignments.begin(), m.assignments.end(),
                                  [](const auto& a) { return a.signal == "cloud_project"; });
      const double wp = g == m.assignments.end() ? 1.5 : g->production_weight;
      const double wn = g == m.assignments.end() ? -1.5 : g->non_production_weight;
      c.add("cloud_project",
            "credential of GCP project " + it->second + ": " + word +
                (dir > 0 ? " names a production" : " names a non-production") + " environment",
            dir > 0 ? wp : wn);
    }
    break;
  }
  if (f.rule_id == "jwt" || f.secret.rfind("eyJ", 0) == 0) {
    const JwtClaims jwt = jwt_claims(f, m);
    if (jwt.present && jwt_signals(m, cfg, jwt, c)) long_lived = true;
  }

  // Git provenance.
  if (f.commit) git_signals(m, cfg, *f.commit, c);
  return decide(m, c, long_lived);
}

Reach add_git_context(const Reach& local, const Finding& f, const ReachConfig& cfg) {
  if (!f.commit) return local;
  const Model* mp = detail::model();
  if (!mp) return local;
  const Model& m = *mp;
  Collector c(m);
  for (const Evidence& e : local.evidence)
    if (e.signal.rfind("git_", 0) != 0 && e.signal != "config_branch")
      c.add(e.signal, e.detail, e.weight);
  git_signals(m, cfg, *f.commit, c);
  const bool long_lived = std::any_of(
      m.frameworks_long_lived.begin(), m.frameworks_long_lived.end(), [&](const std::string& t) {
        return contains(local.frameworks, t) && !contains(m.frameworks_always, t);
      });
  Reach r = decide(m, c, long_lived);
  r.related = local.related;
  return r;
}

bool at_least(ReachVerdict v, ReachVerdict min) {
  auto rank = [](ReachVerdict x) {
    switch (x) {
      case ReachVerdict::kNonProduction:
        return 0;
      case ReachVerdict::kUnknown:
        return 1;
      case ReachVerdict::kProduction:
        return 2;
    }
    return 1;
  };
  return rank(v) >= rank(min);
}

std::optional<ReachVerdict> parse_verdict(std::string_view text) {
  const std::string low = detail::to_lower(text);
  if (low == "production") return ReachVerdict::kProduction;
  if (low == "unknown") return ReachVerdict::kUnknown;
  if (low == "non_production" || low == "non-production") return ReachVerdict::kNonProduction;
  return std::nullopt;
}

Status check_signal_data() {
  std::string error;
  if (!detail::model(&error)) return Status::error(error);
  return Status();
}

}  // namespace reachscan::reach
