#include "scanner/suppress.h"

#include <re2/re2.h>

#include <cctype>
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
  // All or nothing: a malformed line is an error naming it, and nothing from the file applies.
  std::set<std::string> found;
  std::istringstream in(*text);
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    const auto b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#') continue;
    const auto e = line.find_first_of(" \t\r#", b);
    std::string fp = line.substr(b, e == std::string::npos ? e : e - b);
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
  const std::string& text = *read;
  // All or nothing: every finding record must carry a well-formed fingerprint; the first that
  // does not is an error naming its place, and nothing from the file applies.
  std::set<std::string> found;
  auto take = [&](const nlohmann::json& f, const std::string& where) -> Status {
    if (!f.is_object()) return Status::error(where + ": a finding must be a JSON object");
    const auto fp = f.find("fingerprint");
    if (fp == f.end() || !fp->is_string())
      return Status::error(where + ": finding has no \"fingerprint\" string");
    if (!well_formed_fingerprint(fp->get_ref<const std::string&>()))
      return Status::error(where + ": malformed fingerprint (expected RULE_ID:32 hex digits)");
    found.insert(fp->get<std::string>());
    return {};
  };
  auto take_all = [&](const nlohmann::json& list, const std::string& what) -> Status {
    for (std::size_t i = 0; i < list.size(); ++i)
      if (Status s = take(list[i], path + ": " + what + "[" + std::to_string(i) + "]"); !s.ok())
        return s;
    fingerprints_.merge(found);
    return {};
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
      fingerprints_.merge(found);
      return {};
    }
    return Status::error(path + ": baseline is JSON but has no \"findings\" list");
  }
  // JSON Lines.
  std::istringstream lines(text);
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
  fingerprints_.merge(found);
  return {};
}

Status Suppressions::add_secret_pattern(const std::string& pattern) {
  auto re = std::make_unique<RE2>(pattern, RE2::Quiet);
  if (!re->ok()) return Status::error("allow.secrets pattern '" + pattern + "': " + re->error());
  patterns_->secrets.push_back(std::move(re));
  return {};
}

bool Suppressions::suppressed(const Finding& f) const {
  if (fingerprints_.count(f.fingerprint)) return true;
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
