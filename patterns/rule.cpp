#include "patterns/rule.h"

#include <openssl/evp.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "core/read_file.h"
#include "patterns/embedded.h"
#include "patterns/gitleaks.h"
#include "patterns/rule_cache.h"

namespace reachscan::patterns {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> string_list(const YAML::Node& node, const char* key) {
  std::vector<std::string> out;
  const YAML::Node v = node[key];
  if (!v) return out;
  if (v.IsScalar()) {
    out.push_back(v.as<std::string>());
    return out;
  }
  if (!v.IsSequence()) throw YAML::Exception(v.Mark(), std::string(key) + " must be a list");
  for (const YAML::Node& item : v) out.push_back(item.as<std::string>());
  return out;
}

const std::set<std::string>& known_keys() {
  static const std::set<std::string> keys = {"id",
                                             "name",
                                             "pattern",
                                             "description",
                                             "keywords",
                                             "min_entropy",
                                             "confidence",
                                             "variant",
                                             "max_length",
                                             "verify",
                                             "tags",
                                             "references",
                                             "examples",
                                             "negative_examples",
                                             "companions",
                                             "companion_lines",
                                             "companion_only",
                                             "opaque",
                                             "secret_group",
                                             "path",
                                             "example_path",
                                             "keywords_anywhere",
                                             "allowlists",
                                             "opt_in"};
  return keys;
}

Allowlist parse_allowlist(const YAML::Node& node) {
  if (!node.IsMap()) throw YAML::Exception(node.Mark(), "an allowlist must be a mapping");
  static const std::set<std::string> keys = {"description",  "condition", "commits",  "paths",
                                             "regex_target", "regexes",   "stopwords"};
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (!keys.count(key))
      throw YAML::Exception(kv.first.Mark(), "unknown allowlist field '" + key + "'");
  }
  Allowlist a;
  if (node["description"]) a.description = node["description"].as<std::string>();
  if (node["condition"]) {
    const std::string c = lower(node["condition"].as<std::string>());
    if (c != "or" && c != "and")
      throw YAML::Exception(node["condition"].Mark(), "condition must be OR or AND");
    a.all = c == "and";
  }
  for (std::string& c : string_list(node, "commits")) a.commits.push_back(lower(std::move(c)));
  a.paths = string_list(node, "paths");
  if (node["regex_target"]) {
    a.regex_target = node["regex_target"].as<std::string>();
    if (a.regex_target != "secret" && a.regex_target != "match" && a.regex_target != "line")
      throw YAML::Exception(node["regex_target"].Mark(),
                            "regex_target must be secret, match or line");
  }
  a.regexes = string_list(node, "regexes");
  for (std::string& w : string_list(node, "stopwords")) a.stopwords.push_back(lower(std::move(w)));
  if (a.commits.empty() && a.paths.empty() && a.regexes.empty() && a.stopwords.empty())
    throw YAML::Exception(node.Mark(),
                          "an allowlist needs at least one of commits, paths, regexes, stopwords");
  return a;
}

Rule parse_rule(const YAML::Node& node, const std::string& source) {
  if (!node.IsMap()) throw YAML::Exception(node.Mark(), "a rule must be a mapping");
  Rule r;
  r.source = source;
  if (node["id"]) r.id = node["id"].as<std::string>();
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (!known_keys().count(key))
      throw YAML::Exception(kv.first.Mark(), "unknown field '" + key + "'");
  }
  if (node["name"]) r.name = node["name"].as<std::string>();
  if (node["pattern"]) r.pattern = node["pattern"].as<std::string>();
  // Block scalars end with a newline that is not part of the pattern.
  while (!r.pattern.empty() && (r.pattern.back() == '\n' || r.pattern.back() == ' '))
    r.pattern.pop_back();
  if (node["description"]) r.description = node["description"].as<std::string>();
  for (std::string& k : string_list(node, "keywords")) r.keywords.push_back(lower(std::move(k)));
  if (node["min_entropy"]) r.min_entropy = node["min_entropy"].as<double>();
  if (node["confidence"]) {
    const auto c = parse_confidence(node["confidence"].as<std::string>());
    if (!c)
      throw YAML::Exception(node["confidence"].Mark(), "confidence must be high, medium or low");
    r.confidence = *c;
  }
  if (node["variant"]) {
    r.variant = node["variant"].as<std::string>();
    if (r.variant != "live" && r.variant != "test")
      throw YAML::Exception(node["variant"].Mark(), "variant must be live or test");
  }
  if (node["max_length"]) r.max_length = node["max_length"].as<std::size_t>();
  if (node["verify"]) r.verify = node["verify"].as<std::string>();
  r.tags = string_list(node, "tags");
  r.references = string_list(node, "references");
  r.examples = string_list(node, "examples");
  r.negative_examples = string_list(node, "negative_examples");
  r.companions = string_list(node, "companions");
  if (node["companion_lines"]) r.companion_lines = node["companion_lines"].as<std::size_t>();
  if (node["companion_only"]) r.companion_only = node["companion_only"].as<bool>();
  if (node["opaque"]) r.opaque = node["opaque"].as<bool>();
  if (node["secret_group"]) r.secret_group = node["secret_group"].as<int>();
  if (node["path"]) r.path = node["path"].as<std::string>();
  if (node["example_path"]) r.example_path = node["example_path"].as<std::string>();
  if (node["keywords_anywhere"]) r.keywords_anywhere = node["keywords_anywhere"].as<bool>();
  if (const YAML::Node al = node["allowlists"]) {
    if (!al.IsSequence()) throw YAML::Exception(al.Mark(), "allowlists must be a list");
    for (const YAML::Node& a : al) r.allowlists.push_back(parse_allowlist(a));
  }
  if (node["opt_in"]) r.opt_in = node["opt_in"].as<std::string>();
  return r;
}

std::string where(const std::string& source, const YAML::Mark& mark) {
  if (mark.is_null()) return source;
  return source + ":" + std::to_string(mark.line + 1);
}

}  // namespace

void RuleSet::append(RuleSet other) {
  for (Rule& r : other.rules) rules.push_back(std::move(r));
  for (std::string& e : other.errors) errors.push_back(std::move(e));
  for (std::string& w : other.warnings) warnings.push_back(std::move(w));
}

void RuleSet::drop_duplicate_ids() {
  std::map<std::string, std::string> seen;
  std::erase_if(rules, [&](const Rule& r) {
    auto [it, fresh] = seen.emplace(r.id, r.source);
    if (!fresh)
      errors.push_back(r.source + ": rule " + r.id + ": duplicate id (already defined in " +
                       it->second + "); ignored");
    return !fresh;
  });
}

void RuleSet::check_companions() {
  std::set<std::string> ids, named;
  for (const Rule& r : rules) ids.insert(r.id);
  for (const Rule& r : rules)
    for (const std::string& c : r.companions) {
      named.insert(c);
      if (!ids.count(c))
        errors.push_back(r.source + ": rule " + r.id + ": companion '" + c + "' is not a rule");
    }
  for (const Rule& r : rules)
    if (r.companion_only && !named.count(r.id))
      errors.push_back(r.source + ": rule " + r.id +
                       ": companion_only, but no rule names it in companions");
}

RuleSet parse_rules(std::string_view yaml, const std::string& source) {
  RuleSet out;
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    out.errors.push_back(where(source, e.mark) + ": malformed YAML: " + e.msg);
    return out;
  }
  if (doc.IsNull()) return out;
  if (!doc.IsSequence()) {
    out.errors.push_back(source + ": a rule file must be a YAML list of rules");
    return out;
  }
  for (const YAML::Node& node : doc) {
    std::string id = "?";
    try {
      if (node.IsMap() && node["id"]) id = node["id"].as<std::string>();
      Rule r = parse_rule(node, source);
      std::vector<std::string> problems = lint_rule(r);
      if (!problems.empty()) {
        for (const std::string& p : problems)
          out.errors.push_back(where(source, node.Mark()) + ": rule " + id + ": " + p);
        continue;
      }
      out.rules.push_back(std::move(r));
    } catch (const YAML::Exception& e) {
      out.errors.push_back(where(source, e.mark) + ": rule " + id + ": " + e.msg);
    }
  }
  return out;
}

RuleSet load_rules(const std::string& path, const std::string& confine) {
  namespace fs = std::filesystem;
  RuleSet out;
  std::error_code ec;
  std::vector<fs::path> files;
  if (fs::is_directory(path, ec)) {
    for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      const fs::path& p = it->path();
      if (it->is_regular_file(ec) && (p.extension() == ".yaml" || p.extension() == ".yml"))
        files.push_back(p);
    }
    if (ec) out.errors.push_back(path + ": cannot list rule folder: " + ec.message());
    std::sort(files.begin(), files.end());
  } else {
    files.emplace_back(path);
  }
  for (const fs::path& f : files) {
    if (!confine.empty())
      if (Status s = check_inside(f.string(), confine, "rule file"); !s.ok()) {
        out.errors.push_back(s.message());
        continue;
      }
    if (is_toml_path(f.string())) {
      out.append(load_gitleaks(f.string(), confine).rules);
      continue;
    }
    // Rule files may come from the scanned tree (its config's `rules:`): regular files only,
    // size-capped (core/read_file.h).
    auto text = read_regular_file(f.string(), kMaxRuleFileBytes, "rule file");
    if (!text) {
      out.errors.push_back(text.status().message());
      continue;
    }
    out.append(parse_rules(*text, f.string()));
  }
  return out;
}

RuleSet embedded_rules_with_opt_in() {
  RuleSet out;
  for (const EmbeddedFile& f : embedded_rule_files())
    out.append(parse_rules(f.content, "patterns/rules/" + std::string(f.name)));
  return out;
}

RuleSet embedded_rules() {
  RuleSet out = embedded_rules_with_opt_in();
  drop_opt_in_rules(out.rules, {}, {});
  return out;
}

namespace {

// NOTE: hashed piece by piece from the embedded strings rather than joined first: a warm start
// would otherwise copy every rule file into fresh memory (page faults) to hash it once.
std::string embedded_digest() {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  const std::string_view version("reachscan-rules-v5");
  EVP_DigestUpdate(ctx.get(), version.data(), version.size());
  for (const EmbeddedFile& f : embedded_rule_files()) {
    EVP_DigestUpdate(ctx.get(), f.name.data(), f.name.size());
    EVP_DigestUpdate(ctx.get(), "", 1);  // the '\0' after each piece
    EVP_DigestUpdate(ctx.get(), f.content.data(), f.content.size());
    EVP_DigestUpdate(ctx.get(), "", 1);
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < 16; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

}  // namespace

RuleSet embedded_rules_for_scan(const std::string& cache_dir) {
  if (cache_dir.empty()) return embedded_rules_with_opt_in();
  const std::string file = cache_dir + "/" + rule_table_name(embedded_digest());
  if (auto rules = read_rule_table(file)) {
    RuleSet out;
    out.rules = std::move(*rules);
    return out;
  }
  RuleSet set = embedded_rules_with_opt_in();
  if (set.errors.empty()) write_rule_table(file, set.rules);
  return set;
}

std::vector<std::string> lint_rule(const Rule& r) {
  std::vector<std::string> p;
  auto well_formed = [](const std::string& id) {
    if (id.empty() || id.size() > 80) return false;
    char prev = '.';
    for (char c : id) {
      const bool sep = c == '.' || c == '_' || c == '-';
      const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || sep;
      if (!ok || (sep && (prev == '.' || prev == '_' || prev == '-'))) return false;
      prev = c;
    }
    return !(prev == '.' || prev == '_' || prev == '-');
  };
  if (!well_formed(r.id))
    p.push_back("id '" + r.id + "' must be lowercase letters and digits joined by single . _ -");
  if (r.name.empty()) p.push_back("missing name");
  if (r.pattern.empty()) p.push_back("missing pattern");
  if (r.max_length == 0 || r.max_length > kMaxMaxLength)
    p.push_back("max_length must be between 1 and " + std::to_string(kMaxMaxLength));
  if (r.min_entropy < 0 || r.min_entropy > 8) p.push_back("min_entropy must be between 0 and 8");
  if (!r.opt_in.empty() &&
      std::find(std::begin(kOptInNames), std::end(kOptInNames), r.opt_in) == std::end(kOptInNames))
    p.push_back("opt_in '" + r.opt_in + "' is not a known scan option (entropy-strings)");
  if (r.companion_lines > kMaxCompanionLines)
    p.push_back("companion_lines must be at most " + std::to_string(kMaxCompanionLines));
  for (const std::string& c : r.companions)
    if (c == r.id) p.push_back("a rule cannot be its own companion");
  if (r.secret_group < 0 || r.secret_group > 99) p.push_back("secret_group must be 0 to 99");
  if (r.companion_only && !r.companions.empty())
    p.push_back("a companion_only rule cannot have companions of its own");
  return p;
}

std::vector<std::string> select_rules(std::vector<Rule>& rules,
                                      const std::vector<std::string>& only,
                                      const std::vector<std::string>& skip) {
  std::set<std::string> known;
  for (const Rule& r : rules) known.insert(r.id);
  std::vector<std::string> unknown;
  for (const auto* list : {&only, &skip})
    for (const std::string& id : *list)
      if (!known.count(id)) unknown.push_back(id);
  const std::set<std::string> only_set(only.begin(), only.end());
  const std::set<std::string> skip_set(skip.begin(), skip.end());
  std::erase_if(rules, [&](const Rule& r) {
    return (!only_set.empty() && !only_set.count(r.id)) || skip_set.count(r.id);
  });
  return unknown;
}

void drop_opt_in_rules(std::vector<Rule>& rules, const std::vector<std::string>& enabled,
                       const std::vector<std::string>& named) {
  const std::set<std::string> on(enabled.begin(), enabled.end());
  const std::set<std::string> ids(named.begin(), named.end());
  std::erase_if(rules, [&](const Rule& r) {
    return !r.opt_in.empty() && !on.count(r.opt_in) && !ids.count(r.id);
  });
}

}  // namespace reachscan::patterns
