#include "reach/signals/common.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "reach/text.h"

namespace reachscan::reach::signals {

std::string quote(std::string_view s) { return "'" + std::string(s) + "'"; }

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (!contains(v, s)) v.push_back(s);
}

bool any_glob(const std::vector<std::string>& globs, std::string_view text) {
  return std::any_of(globs.begin(), globs.end(),
                     [&](const std::string& g) { return glob_match(g, text); });
}

bool any_path_glob(const std::vector<std::string>& globs, std::string_view path) {
  return std::any_of(globs.begin(), globs.end(),
                     [&](const std::string& g) { return path_glob_match(g, path); });
}

namespace {

bool alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// `value` with every occurrence of a phrase (found case-insensitively; with `whole`, only where it
// is not part of a longer word) replaced by `with`.
std::string replace_phrases(std::string_view value, const std::vector<std::string>& phrases,
                            std::string_view with, bool whole) {
  std::string out(value);
  std::string low = detail::to_lower(out);
  for (const std::string& p : phrases) {
    std::size_t at = 0;
    while ((at = low.find(p, at)) != std::string::npos) {
      const std::size_t end = at + p.size();
      if (whole && ((at > 0 && alnum(low[at - 1])) || (end < low.size() && alnum(low[end])))) {
        at = end;
        continue;
      }
      out.replace(at, p.size(), with);
      low.replace(at, p.size(), with);
      at += with.size();
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> env_words(const Model& m, std::string_view value) {
  const std::string plain = replace_phrases(value, m.neutral_phrases, " ", true);
  return detail::words_of(replace_phrases(plain, m.non_production_phrases, " nonprod ", false));
}

int direction(const Model& m, std::string_view value, std::string* word) {
  const std::string plain = replace_phrases(value, m.neutral_phrases, " ", true);
  const std::string low = detail::to_lower(plain);
  for (const std::string& p : m.non_production_phrases)
    if (low.find(p) != std::string::npos) {
      if (word) *word = p;
      return -1;
    }
  int dir = 0;
  for (const std::string& w : detail::words_of(plain)) {
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

std::optional<ConfigHit> lookup(const ReachConfig& cfg, EnvList list, std::string_view value,
                                bool path_mode) {
  std::optional<ConfigHit> best;
  std::size_t best_len = 0;
  for (const Environment& e : cfg.environments) {
    for (const std::string& g : e.*list) {
      const bool hit = path_mode ? path_glob_match(g, value) : glob_match(g, value);
      if (!hit) continue;
      const std::size_t len = glob_literal_length(g);
      if (!best || len > best_len || (len == best_len && e.production && !best->env->production)) {
        best = ConfigHit{&e, g};
        best_len = len;
      }
    }
  }
  return best;
}

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

std::vector<Collected> Collector::reduce() const {
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

}  // namespace reachscan::reach::signals
