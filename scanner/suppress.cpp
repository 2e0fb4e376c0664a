#include "scanner/suppress.h"

#include <re2/re2.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace reachscan {

struct Suppressions::Patterns {
  std::vector<std::unique_ptr<RE2>> secrets;
};

Suppressions::Suppressions() : patterns_(std::make_unique<Patterns>()) {}
Suppressions::~Suppressions() = default;
Suppressions::Suppressions(Suppressions&&) noexcept = default;
Suppressions& Suppressions::operator=(Suppressions&&) noexcept = default;

Status Suppressions::add_ignore_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::error(path + ": cannot read ignore file");
  std::string line;
  while (std::getline(in, line)) {
    const auto b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#') continue;
    const auto e = line.find_first_of(" \t\r#", b);
    fingerprints_.insert(line.substr(b, e == std::string::npos ? e : e - b));
  }
  return {};
}

Status Suppressions::add_baseline(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::error(path + ": cannot read baseline report");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  auto take = [&](const nlohmann::json& f) {
    if (f.is_object() && f.contains("fingerprint") && f["fingerprint"].is_string())
      fingerprints_.insert(f["fingerprint"].get<std::string>());
  };
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_discarded()) {
    if (doc.is_object() && doc.contains("findings") && doc["findings"].is_array()) {
      for (const auto& f : doc["findings"]) take(f);
      return {};
    }
    if (doc.is_array()) {
      for (const auto& f : doc) take(f);
      return {};
    }
    if (doc.is_object() && doc.contains("fingerprint")) {
      take(doc);
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
    if (f.is_discarded())
      return Status::error(path + ":" + std::to_string(n) +
                           ": baseline is neither a JSON report nor JSON Lines");
    take(f);
  }
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
