// Content family: what surrounds the secret in its file: enclosing blocks (`production:`),
// key/value settings (DEPLOY_ENV=, namespace:, environment:), commands (--namespace, terraform
// workspace select), deploy steps in the same CI job, and ARNs; each also looked up in the
// environments map.
#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reach/signals/common.h"
#include "reach/text.h"

namespace reachscan::reach::signals {
namespace {

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
    if (!glob_match(key.substr(kb, k - kb), path.substr(pb, p - pb))) return false;
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
    const std::vector<std::string> words = detail::words_of(cand.key);
    const bool prefixed = words.size() >= 2 && !contains(m_.provider_mode_generic, words[0]);
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

}  // namespace

void content_family(const Input& in, Collector& c) {
  if (in.view) ContentReader(in.model, in.cfg, *in.view, in.rel, in.finding, c).run();
}

}  // namespace reachscan::reach::signals
