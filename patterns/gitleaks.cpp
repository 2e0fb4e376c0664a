#include "patterns/gitleaks.h"

#include <toml++/toml.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include "core/read_file.h"
#include "patterns/rule_database.h"

namespace reachscan::patterns {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxExtendDepth = 2;  // as gitleaks

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// gitleaks reads its TOML through viper, which ignores the case of keys.
std::string key_of(const toml::key& k) { return lower(std::string(k.str())); }

std::string at(const std::string& source, const toml::node& n) {
  const auto line = n.source().begin.line;
  return line ? source + ":" + std::to_string(line) : source;
}

// One table being read: its values by lower-cased key, and the keys nobody asked for.
class Fields {
 public:
  Fields(const toml::table& t, std::string where) : where_(std::move(where)) {
    for (auto&& [k, v] : t) values_[key_of(k)] = &v;
  }
  const toml::node* get(const std::string& key) {
    used_.insert(key);
    const auto it = values_.find(key);
    return it == values_.end() ? nullptr : it->second;
  }
  std::string text(const std::string& key, std::vector<std::string>& warnings) {
    const toml::node* n = get(key);
    if (!n) return {};
    if (auto v = n->value<std::string>()) return *v;
    warnings.push_back(where_ + ": '" + key + "' must be a string; ignored");
    return {};
  }
  std::vector<std::string> list(const std::string& key, std::vector<std::string>& warnings) {
    std::vector<std::string> out;
    const toml::node* n = get(key);
    if (!n) return out;
    const toml::array* a = n->as_array();
    if (!a) {
      warnings.push_back(where_ + ": '" + key + "' must be a list of strings; ignored");
      return out;
    }
    for (const toml::node& item : *a) {
      if (auto v = item.value<std::string>())
        out.push_back(*v);
      else
        warnings.push_back(where_ + ": '" + key + "' holds a value that is not a string; ignored");
    }
    return out;
  }
  // Every key present that was never asked for.
  void report_unknown(const std::string& what, std::vector<std::string>& warnings) const {
    for (const auto& [k, v] : values_)
      if (!used_.count(k))
        warnings.push_back(where_ + ": " + what + " field '" + k +
                           "' is not supported by reachscan; ignored");
  }

 private:
  std::string where_;
  std::map<std::string, const toml::node*> values_;
  std::set<std::string> used_;
};

struct ParsedAllowlist {
  Allowlist list;
  std::vector<std::string> target_rules;  // global allowlists only
};

ParsedAllowlist parse_allowlist(const toml::table& t, const std::string& where, bool global,
                                std::vector<std::string>& warnings) {
  Fields f(t, where);
  ParsedAllowlist out;
  Allowlist& a = out.list;
  a.description = f.text("description", warnings);
  const std::string condition = lower(f.text("condition", warnings));
  if (!condition.empty() && condition != "or" && condition != "and")
    warnings.push_back(where + ": allowlist condition '" + condition +
                       "' is not OR or AND; OR used");
  a.all = condition == "and";
  for (std::string& c : f.list("commits", warnings)) a.commits.push_back(lower(std::move(c)));
  a.paths = f.list("paths", warnings);
  const std::string target = f.text("regextarget", warnings);
  if (!target.empty()) {
    if (target == "secret" || target == "match" || target == "line")
      a.regex_target = target;
    else
      warnings.push_back(where + ": allowlist regexTarget '" + target +
                         "' is not secret, match or line; secret used");
  }
  a.regexes = f.list("regexes", warnings);
  for (std::string& w : f.list("stopwords", warnings)) a.stopwords.push_back(lower(std::move(w)));
  if (global) out.target_rules = f.list("targetrules", warnings);
  f.report_unknown("allowlist", warnings);
  return out;
}

// The allowlists under `key`: an array of tables (`[[allowlists]]`) or one table (`[allowlist]`).
std::vector<ParsedAllowlist> allowlists_at(Fields& f, const std::string& key,
                                           const std::string& source, bool global,
                                           std::vector<std::string>& warnings) {
  std::vector<ParsedAllowlist> out;
  const toml::node* n = f.get(key);
  if (!n) return out;
  auto take = [&](const toml::node& item) {
    const toml::table* t = item.as_table();
    if (!t) {
      warnings.push_back(at(source, item) + ": " + key + " entry is not a table; ignored");
      return;
    }
    ParsedAllowlist a = parse_allowlist(*t, at(source, item), global, warnings);
    if (a.list.commits.empty() && a.list.paths.empty() && a.list.regexes.empty() &&
        a.list.stopwords.empty()) {
      warnings.push_back(at(source, item) +
                         ": allowlist has none of commits, paths, regexes, stopwords; ignored");
      return;
    }
    out.push_back(std::move(a));
  };
  if (const toml::array* arr = n->as_array())
    for (const toml::node& item : *arr) take(item);
  else
    take(*n);
  return out;
}

// gitleaks ids are free text; ours are lower-case words joined by single . _ -.
std::string normalised_id(const std::string& id) {
  std::string out;
  for (char c : lower(id)) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (ok)
      out.push_back(c);
    else if (!out.empty() && out.back() != '-')
      out.push_back('-');
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

// One [[rules]] entry; nullopt (with a warning saying why) when it cannot be carried over.
std::optional<Rule> parse_rule(const toml::table& t, const std::string& where,
                               const std::string& source, std::vector<std::string>& warnings) {
  Fields f(t, where);
  Rule r;
  r.source = source;
  const std::string raw_id = f.text("id", warnings);
  r.id = normalised_id(raw_id);
  const std::string label = "rule " + (raw_id.empty() ? std::string("?") : raw_id);
  if (r.id.empty()) {
    warnings.push_back(where + ": " + label + ": no usable id; rule not loaded");
    return std::nullopt;
  }
  if (r.id != raw_id)
    warnings.push_back(where + ": " + label + ": id written as '" + r.id + "' in reachscan");
  r.description = f.text("description", warnings);
  r.name = r.description.empty() ? raw_id : r.description;
  r.pattern = f.text("regex", warnings);
  r.path = f.text("path", warnings);
  r.secret_group = 0;
  if (const toml::node* g = f.get("secretgroup")) {
    const auto v = g->value<std::int64_t>();
    if (v && *v >= 0 && *v <= 99)
      r.secret_group = static_cast<int>(*v);
    else
      warnings.push_back(where + ": " + label + ": secretGroup must be 0 to 99; 0 used");
  }
  if (const toml::node* e = f.get("entropy")) {
    const auto v = e->value<double>();
    if (v && *v >= 0 && *v <= 8)
      r.min_entropy = *v;
    else
      warnings.push_back(where + ": " + label + ": entropy must be a number 0 to 8; ignored");
  }
  for (std::string& k : f.list("keywords", warnings)) r.keywords.push_back(lower(std::move(k)));
  r.keywords_anywhere = true;
  r.tags = f.list("tags", warnings);
  for (const char* key : {"allowlist", "allowlists"})
    for (ParsedAllowlist& a : allowlists_at(f, key, source, false, warnings))
      r.allowlists.push_back(std::move(a.list));
  if (f.get("required"))
    warnings.push_back(where + ": " + label +
                       ": 'required' (composite rules) is not supported; the rule reports its own "
                       "matches alone");
  bool skip_report = false;
  if (const toml::node* s = f.get("skipreport")) skip_report = s->value<bool>().value_or(false);
  f.report_unknown(label, warnings);
  if (skip_report) {
    warnings.push_back(where + ": " + label +
                       ": skipReport rules only serve composite rules; rule not loaded");
    return std::nullopt;
  }
  if (r.pattern.empty()) {
    warnings.push_back(where + ": " + label +
                       (r.path.empty() ? ": no regex; rule not loaded"
                                       : ": path-only rules (a finding per file name) are not "
                                         "supported; rule not loaded"));
    return std::nullopt;
  }
  if (std::string problem = engine_problem(r); !problem.empty()) {
    warnings.push_back(where + ": " + label + ": " + problem + "; rule not loaded");
    return std::nullopt;
  }
  return r;
}

GitleaksConfig parse_at_depth(std::string_view text, const std::string& source, int depth);

// [extend]: the file it names is loaded first; useDefault and disabledRules are noted.
void apply_extend(Fields& top, const std::string& source, int depth, GitleaksConfig& out) {
  const toml::node* n = top.get("extend");
  if (!n) return;
  auto& warnings = out.rules.warnings;
  const toml::table* t = n->as_table();
  if (!t) {
    warnings.push_back(at(source, *n) + ": [extend] is not a table; ignored");
    return;
  }
  Fields f(*t, at(source, *n));
  if (const toml::node* u = f.get("usedefault")) out.use_default = u->value<bool>().value_or(false);
  out.disabled_rules = f.list("disabledrules", warnings);
  if (!f.text("url", warnings).empty())
    warnings.push_back(at(source, *n) + ": [extend] url is not supported (no network); ignored");
  const std::string path = f.text("path", warnings);
  f.report_unknown("[extend]", warnings);
  if (path.empty()) return;
  if (depth >= kMaxExtendDepth) {
    warnings.push_back(at(source, *n) + ": [extend] path nested more than " +
                       std::to_string(kMaxExtendDepth) + " deep; ignored");
    return;
  }
  fs::path file(path);
  if (file.is_relative() && !fs::exists(file)) file = fs::path(source).parent_path() / file;
  auto base_text = read_regular_file(file.string(), kMaxRuleFileBytes, "gitleaks config");
  if (!base_text) {
    out.rules.errors.push_back(at(source, *n) + ": [extend] path: " + base_text.status().message());
    return;
  }
  GitleaksConfig base = parse_at_depth(*base_text, file.string(), depth + 1);
  out.use_default = out.use_default || base.use_default;
  out.rules.append(std::move(base.rules));
  for (std::string& d : base.disabled_rules) out.disabled_rules.push_back(std::move(d));
  for (Allowlist& a : base.global_allowlists) out.global_allowlists.push_back(std::move(a));
}

GitleaksConfig parse_at_depth(std::string_view text, const std::string& source, int depth) {
  GitleaksConfig out;
  toml::table doc;
  try {
    doc = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    out.rules.errors.push_back(source + ":" + std::to_string(e.source().begin.line) +
                               ": malformed TOML: " + std::string(e.description()));
    return out;
  }
  auto& warnings = out.rules.warnings;
  Fields top(doc, source);
  apply_extend(top, source, depth, out);
  std::vector<Rule> own;
  if (const toml::node* n = top.get("rules")) {
    const toml::array* arr = n->as_array();
    if (!arr) warnings.push_back(at(source, *n) + ": 'rules' must be an array of tables; ignored");
    for (std::size_t i = 0; arr && i < arr->size(); ++i) {
      const toml::table* t = (*arr)[i].as_table();
      if (!t) continue;
      if (auto r = parse_rule(*t, at(source, (*arr)[i]), source, warnings)) own.push_back(*r);
    }
  }
  // Rules of this file replace those of the file it extends; disabled ones go.
  std::set<std::string> disabled;
  for (const std::string& d : out.disabled_rules) disabled.insert(normalised_id(d));
  std::set<std::string> own_ids;
  for (const Rule& r : own) own_ids.insert(r.id);
  std::set<std::string> matched;  // disabled ids that name a rule of the file
  std::erase_if(out.rules.rules, [&](const Rule& r) {
    if (disabled.count(r.id)) matched.insert(r.id);
    return own_ids.count(r.id) || disabled.count(r.id);
  });
  std::erase_if(out.disabled_rules,
                [&](const std::string& d) { return matched.count(normalised_id(d)) > 0; });
  for (Rule& r : own) out.rules.rules.push_back(std::move(r));

  std::vector<ParsedAllowlist> global;
  for (const char* key : {"allowlist", "allowlists"})
    for (ParsedAllowlist& a : allowlists_at(top, key, source, true, warnings))
      global.push_back(std::move(a));
  for (const ParsedAllowlist& g : global) {
    std::set<std::string> targets;
    for (const std::string& id : g.target_rules) targets.insert(normalised_id(id));
    for (Rule& r : out.rules.rules)
      if (targets.empty() || targets.count(r.id)) r.allowlists.push_back(g.list);
    if (targets.empty()) out.global_allowlists.push_back(g.list);
  }
  top.get("title");
  top.get("description");
  top.get("minversion");
  top.report_unknown("top-level", warnings);
  return out;
}

void emit_list(YAML::Emitter& y, const char* key, const std::vector<std::string>& items) {
  if (items.empty()) return;
  y << YAML::Key << key << YAML::Value << YAML::BeginSeq;
  for (const std::string& s : items) y << YAML::SingleQuoted << s;
  y << YAML::EndSeq;
}

void emit_allowlist(YAML::Emitter& y, const Allowlist& a) {
  y << YAML::BeginMap;
  if (!a.description.empty()) y << YAML::Key << "description" << YAML::Value << a.description;
  if (a.all) y << YAML::Key << "condition" << YAML::Value << "AND";
  emit_list(y, "commits", a.commits);
  emit_list(y, "paths", a.paths);
  if (a.regex_target != "secret") y << YAML::Key << "regex_target" << YAML::Value << a.regex_target;
  emit_list(y, "regexes", a.regexes);
  emit_list(y, "stopwords", a.stopwords);
  y << YAML::EndMap;
}

}  // namespace

GitleaksConfig parse_gitleaks(std::string_view toml, const std::string& source) {
  return parse_at_depth(toml, source, 0);
}

GitleaksConfig load_gitleaks(const std::string& path) {
  auto text = read_regular_file(path, kMaxRuleFileBytes, "gitleaks config");
  if (!text) {
    GitleaksConfig out;
    out.rules.errors.push_back(text.status().message());
    return out;
  }
  return parse_gitleaks(*text, path);
}

bool is_toml_path(const std::string& path) {
  return lower(fs::path(path).extension().string()) == ".toml";
}

std::string format_rules_yaml(const std::vector<Rule>& rules) {
  YAML::Emitter y;
  y << YAML::BeginSeq;
  for (const Rule& r : rules) {
    y << YAML::BeginMap;
    y << YAML::Key << "id" << YAML::Value << r.id;
    y << YAML::Key << "name" << YAML::Value << r.name;
    if (!r.description.empty() && r.description != r.name)
      y << YAML::Key << "description" << YAML::Value << r.description;
    y << YAML::Key << "pattern" << YAML::Value << YAML::SingleQuoted << r.pattern;
    if (r.secret_group != 1) y << YAML::Key << "secret_group" << YAML::Value << r.secret_group;
    if (!r.path.empty()) y << YAML::Key << "path" << YAML::Value << YAML::SingleQuoted << r.path;
    emit_list(y, "keywords", r.keywords);
    if (r.keywords_anywhere && !r.keywords.empty())
      y << YAML::Key << "keywords_anywhere" << YAML::Value << true;
    if (r.min_entropy > 0) y << YAML::Key << "min_entropy" << YAML::Value << r.min_entropy;
    y << YAML::Key << "confidence" << YAML::Value << to_string(r.confidence);
    emit_list(y, "tags", r.tags);
    if (!r.allowlists.empty()) {
      y << YAML::Key << "allowlists" << YAML::Value << YAML::BeginSeq;
      for (const Allowlist& a : r.allowlists) emit_allowlist(y, a);
      y << YAML::EndSeq;
    }
    y << YAML::EndMap;
  }
  y << YAML::EndSeq;
  return std::string(y.c_str()) + "\n";
}

}  // namespace reachscan::patterns
