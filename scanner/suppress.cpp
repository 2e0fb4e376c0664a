#include "scanner/suppress.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/read_file.h"

namespace reachscan {
namespace {

// "<rule id>:<32 lowercase hex>" (scanner/fingerprint.h).
bool well_formed_fingerprint(std::string_view fp) {
  const auto colon = fp.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || fp.size() - colon - 1 != 32) return false;
  for (char c : fp.substr(0, colon))
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
      return false;
  for (char c : fp.substr(colon + 1))
    if (!std::isxdigit(static_cast<unsigned char>(c)) ||
        std::isupper(static_cast<unsigned char>(c)))
      return false;
  return true;
}

}  // namespace

auto Suppressions::parse_gitleaks_fingerprint(std::string_view fp)
    -> std::optional<GitleaksFingerprint> {
  // From the right: LINE, RULE, then FILE with an optional leading COMMIT (40 hex digits).
  const auto c1 = fp.rfind(':');
  if (c1 == std::string_view::npos || c1 + 1 == fp.size() || c1 == 0) return std::nullopt;
  const auto c2 = fp.rfind(':', c1 - 1);
  if (c2 == std::string_view::npos || c2 == 0 || c2 + 1 == c1) return std::nullopt;
  GitleaksFingerprint g;
  for (char ch : fp.substr(c1 + 1)) {
    if (!std::isdigit(static_cast<unsigned char>(ch))) return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(ch - '0');
    if (g.line > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
    g.line = g.line * 10 + digit;
  }
  g.rule = std::string(fp.substr(c2 + 1, c1 - c2 - 1));
  std::string_view file = fp.substr(0, c2);
  const auto c3 = file.find(':');
  if (c3 == 40 && std::all_of(file.begin(), file.begin() + 40, [](char ch) {
        return std::isxdigit(static_cast<unsigned char>(ch)) != 0;
      })) {
    g.commit = std::string(file.substr(0, 40));
    for (char& ch : g.commit) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    file.remove_prefix(41);
  }
  if (file.empty()) return std::nullopt;
  g.file = std::string(file);
  return g;
}

bool Suppressions::add_gitleaks_fingerprint(std::string_view fp) {
  auto g = parse_gitleaks_fingerprint(fp);
  if (g) gitleaks_.push_back(std::move(*g));
  return g.has_value();
}

Status Suppressions::add_gitleaks_ignore(const std::string& path) {
  auto text = read_regular_file(path, kMaxIgnoreBytes, "ignore file");
  if (!text) return text.status();
  return add_gitleaks_ignore_text(*text, path);
}

Status Suppressions::add_gitleaks_ignore_text(std::string_view text, const std::string& source) {
  std::vector<GitleaksFingerprint> found;
  std::istringstream in{std::string(text)};
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    const auto b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line[b] == '#') continue;
    auto g = parse_gitleaks_fingerprint(std::string_view(line).substr(b));
    if (!g)
      return Status::error(source + ":" + std::to_string(n) +
                           ": not a gitleaks fingerprint (expected FILE:RULE:LINE or "
                           "COMMIT:FILE:RULE:LINE)");
    found.push_back(std::move(*g));
  }
  gitleaks_.insert(gitleaks_.end(), std::make_move_iterator(found.begin()),
                   std::make_move_iterator(found.end()));
  return {};
}

struct Suppressions::Patterns {
  std::vector<std::unique_ptr<RE2>> secrets;
};

Suppressions::Suppressions() : patterns_(std::make_unique<Patterns>()) {}
Suppressions::~Suppressions() = default;
Suppressions::Suppressions(Suppressions&&) noexcept = default;
Suppressions& Suppressions::operator=(Suppressions&&) noexcept = default;

Status Suppressions::add_ignore_file(const std::string& path) {
  // The ignore file may come from the scanned tree: a regular file, size-capped.
  auto text = read_regular_file(path, kMaxIgnoreBytes, "ignore file");
  if (!text) return text.status();
  return add_ignore_text(*text, path);
}

Status Suppressions::add_ignore_text(std::string_view text, const std::string& path) {
  // All or nothing: a malformed line is an error naming it, and nothing from the file applies.
  std::set<std::string> found;
  std::istringstream in{std::string(text)};
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    const auto b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#') continue;
    const auto e = line.find_first_of(" \t\r#", b);
    std::string fp = line.substr(b, e == std::string::npos ? e : e - b);
    // After the fingerprint: blanks, then nothing or a `#` comment (a second word is a typo or
    // two fingerprints run together, not something to skip silently).
    const auto rest = e == std::string::npos ? e : line.find_first_not_of(" \t\r", e);
    if (rest != std::string::npos && line[rest] != '#')
      return Status::error(path + ":" + std::to_string(n) +
                           ": text after the fingerprint (one fingerprint per line; comments "
                           "start with #)");
    if (!well_formed_fingerprint(fp))
      return Status::error(path + ":" + std::to_string(n) +
                           ": not a fingerprint (expected RULE_ID:32 hex digits, as reports "
                           "print them)");
    found.insert(std::move(fp));
  }
  fingerprints_.merge(found);
  return {};
}

Status Suppressions::add_baseline(const std::string& path) {
  auto read = read_regular_file(path, kMaxBaselineBytes, "baseline report");
  if (!read) return read.status();
  return add_baseline_text(*read, path);
}

Status Suppressions::add_baseline_text(std::string_view text, const std::string& path) {
  // All or nothing: every finding record must carry a well-formed fingerprint; the first that
  // does not is an error naming its place, and nothing from the file applies.
  std::set<std::string> found;
  std::vector<GitleaksFingerprint> gitleaks;
  auto take = [&](const nlohmann::json& f, const std::string& where) -> Status {
    if (!f.is_object()) return Status::error(where + ": a finding must be a JSON object");
    // A gitleaks report: its findings carry gitleaks fingerprints.
    if (const auto g = f.find("Fingerprint"); g != f.end() && !f.contains("fingerprint")) {
      auto parsed = g->is_string() ? parse_gitleaks_fingerprint(g->get_ref<const std::string&>())
                                   : std::nullopt;
      if (!parsed) return Status::error(where + ": malformed gitleaks \"Fingerprint\"");
      gitleaks.push_back(std::move(*parsed));
      return {};
    }
    const auto fp = f.find("fingerprint");
    if (fp == f.end() || !fp->is_string())
      return Status::error(where + ": finding has no \"fingerprint\" string");
    if (!well_formed_fingerprint(fp->get_ref<const std::string&>()))
      return Status::error(where + ": malformed fingerprint (expected RULE_ID:32 hex digits)");
    found.insert(fp->get<std::string>());
    return {};
  };
  auto keep = [&]() -> Status {
    fingerprints_.merge(found);
    gitleaks_.insert(gitleaks_.end(), std::make_move_iterator(gitleaks.begin()),
                     std::make_move_iterator(gitleaks.end()));
    return {};
  };
  auto take_all = [&](const nlohmann::json& list, const std::string& what) -> Status {
    for (std::size_t i = 0; i < list.size(); ++i)
      if (Status s = take(list[i], path + ": " + what + "[" + std::to_string(i) + "]"); !s.ok())
        return s;
    return keep();
  };
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    return Status::error(path + ": baseline report is empty");
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_discarded()) {
    if (doc.is_object() && doc.contains("findings")) {
      if (!doc["findings"].is_array())
        return Status::error(path + ": baseline \"findings\" is not a list");
      return take_all(doc["findings"], "findings");
    }
    if (doc.is_array()) return take_all(doc, "entry");
    if (doc.is_object() && doc.contains("fingerprint")) {
      if (Status s = take(doc, path + ":1"); !s.ok()) return s;
      return keep();
    }
    return Status::error(path + ": baseline is JSON but has no \"findings\" list");
  }
  // JSON Lines.
  std::istringstream lines{std::string(text)};
  std::string line;
  std::size_t n = 0;
  while (std::getline(lines, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto f = nlohmann::json::parse(line, nullptr, false);
    const std::string where = path + ":" + std::to_string(n);
    if (f.is_discarded())
      return Status::error(where + ": baseline is neither a JSON report nor JSON Lines");
    if (Status s = take(f, where); !s.ok()) return s;
  }
  return keep();
}

Status Suppressions::add_secret_pattern(const std::string& pattern) {
  auto re = std::make_unique<RE2>(pattern, RE2::Quiet);
  if (!re->ok()) return Status::error("allow.secrets pattern '" + pattern + "': " + re->error());
  patterns_->secrets.push_back(std::move(re));
  return {};
}

bool Suppressions::suppressed(const Finding& f) const {
  if (fingerprints_.count(f.fingerprint)) return true;
  for (const GitleaksFingerprint& g : gitleaks_) {
    if (g.rule != f.rule_id || g.line != f.line) continue;
    const bool path_ok =
        f.path == g.file || (f.path.size() > g.file.size() && f.path.ends_with(g.file) &&
                             f.path[f.path.size() - g.file.size() - 1] == '/');
    if (!path_ok) continue;
    if (g.commit.empty() || (f.commit && f.commit->id == g.commit)) return true;
  }
  if (f.commit && !f.allow_commits.empty()) {
    std::string id = f.commit->id;
    for (char& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const std::string& c : f.allow_commits)
      if (c == id) return true;
  }
  for (const auto& re : patterns_->secrets)
    if (RE2::PartialMatch(f.secret, *re)) return true;
  return false;
}

std::size_t Suppressions::apply(std::vector<Finding>& findings) const {
  const std::size_t before = findings.size();
  std::erase_if(findings, [&](const Finding& f) { return suppressed(f); });
  return before - findings.size();
}

}  // namespace reachscan
