#include "scanner/config.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/read_file.h"
#include "patterns/gitleaks.h"

namespace reachscan {
namespace {

std::vector<std::string> list(const YAML::Node& n, const std::string& key) {
  std::vector<std::string> out;
  if (!n) return out;
  if (n.IsScalar()) return {n.as<std::string>()};
  if (!n.IsSequence()) throw YAML::Exception(n.Mark(), key + " must be a list");
  for (const auto& item : n) out.push_back(item.as<std::string>());
  return out;
}

}  // namespace

Status check_nesting(std::string_view text, const std::string& path) {
  // yaml-cpp's parser recurses per level of flow nesting ([[[[...) and per indented block: a
  // hostile file could exhaust the stack. Real configs nest a handful of levels.
  constexpr int kMaxDepth = 64;
  int flow = 0;
  std::size_t line = 1, indent = 0;
  bool at_line_start = true;
  for (char ch : text) {
    if (ch == '\n') {
      ++line;
      indent = 0;
      at_line_start = true;
      continue;
    }
    if (at_line_start && (ch == ' ' || ch == '-')) {
      if (++indent > 2 * kMaxDepth)
        return Status::error(path + ":" + std::to_string(line) + ": nested more than " +
                             std::to_string(kMaxDepth) + " levels deep");
      continue;
    }
    at_line_start = false;
    if (ch == '[' || ch == '{') {
      if (++flow > kMaxDepth)
        return Status::error(path + ":" + std::to_string(line) + ": nested more than " +
                             std::to_string(kMaxDepth) + " levels deep");
    } else if ((ch == ']' || ch == '}') && flow > 0) {
      --flow;
    }
  }
  return {};
}

Expected<std::uint64_t> parse_size(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == 0) return Status::error("invalid size '" + text + "': expected a number such as 10MB");
  std::uint64_t n = 0;
  try {
    n = std::stoull(text.substr(0, i));
  } catch (...) {
    return Status::error("invalid size '" + text + "': too large");
  }
  std::string unit;
  for (char c : text.substr(i))
    if (c != ' ') unit.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  std::uint64_t mul = 0;
  if (unit.empty() || unit == "b")
    mul = 1;
  else if (unit == "k" || unit == "kib")
    mul = 1ull << 10;
  else if (unit == "m" || unit == "mib")
    mul = 1ull << 20;
  else if (unit == "g" || unit == "gib")
    mul = 1ull << 30;
  else if (unit == "kb")
    mul = 1000;
  else if (unit == "mb")
    mul = 1000 * 1000;
  else if (unit == "gb")
    mul = 1000ull * 1000 * 1000;
  else
    return Status::error("invalid size unit in '" + text + "' (use B, kB, MB, GB, KiB, MiB, GiB)");
  if (n > std::numeric_limits<std::uint64_t>::max() / mul)
    return Status::error("invalid size '" + text + "': too large");
  return n * mul;
}

Expected<Config> load_config(const std::string& path) {
  // The config may come from the scanned tree: a regular file, size-capped (core/read_file.h).
  // The cap also bounds parse time; nesting is bounded below.
  if (patterns::is_toml_path(path)) {
    auto toml = read_regular_file(path, kMaxRuleFileBytes, "gitleaks config");
    if (!toml) return toml.status();
    Config c;
    c.path = path;
    c.gitleaks = path;
    return c;
  }
  auto text = read_regular_file(path, kMaxConfigBytes, "config file");
  if (!text) return text.status();
  return parse_config(*text, path);
}

Expected<Config> parse_config(std::string_view text, const std::string& path) {
  if (Status s = check_nesting(text, path); !s.ok()) return s;
  Config c;
  c.path = path;
  c.text = std::string(text);
  try {
    const YAML::Node doc = YAML::Load(c.text);
    if (doc.IsNull()) return c;
    if (!doc.IsMap()) return Status::error(path + ": config must be a YAML mapping");
    const std::filesystem::path dir = std::filesystem::path(path).parent_path();
    for (const auto& kv : doc) {
      const std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (key == "rules") {
        for (const std::string& p : list(v, key))
          c.rule_paths.push_back(std::filesystem::path(p).is_absolute() ? p : (dir / p).string());
      } else if (key == "only_rules") {
        c.only_rules = list(v, key);
      } else if (key == "skip_rules") {
        c.skip_rules = list(v, key);
      } else if (key == "max_file_size") {
        auto size = parse_size(v.as<std::string>());
        if (!size)
          return Status::error(path + ":" + std::to_string(v.Mark().line + 1) + ": " +
                               size.status().message());
        c.max_file_size = *size;
      } else if (key == "decode") {
        if (!v.IsScalar() || (v.as<std::string>() != "true" && v.as<std::string>() != "false"))
          throw YAML::Exception(v.Mark(), "decode must be true or false");
        c.decode = v.as<std::string>() == "true";
      } else if (key == "allow") {
        if (!v.IsMap()) throw YAML::Exception(v.Mark(), "allow must be a mapping");
        for (const auto& a : v) {
          const std::string k = a.first.as<std::string>();
          if (k == "paths")
            c.allow_paths = list(a.second, k);
          else if (k == "secrets")
            c.allow_secrets = list(a.second, k);
          else if (k == "fingerprints")
            c.allow_fingerprints = list(a.second, k);
          else
            throw YAML::Exception(a.first.Mark(), "unknown allow key '" + k + "'");
        }
      } else if (key == "builtin_rules") {
        if (!v.IsScalar() || (v.as<std::string>() != "true" && v.as<std::string>() != "false"))
          throw YAML::Exception(v.Mark(), "builtin_rules must be true or false");
        c.builtin_rules = v.as<std::string>() == "true";
      } else if (key == "environments") {
        // Read by the reach stage (reach::load_reach_config).
      } else {
        c.warnings.push_back(path + ":" + std::to_string(kv.first.Mark().line + 1) +
                             ": unknown key '" + key + "' ignored");
      }
    }
  } catch (const YAML::Exception& e) {
    return Status::error(path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return c;
}

}  // namespace reachscan
