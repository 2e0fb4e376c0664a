#include <cctype>
#include <map>

#include "scanner/report/json_fields.h"
#include "scanner/report/reporter.h"

namespace reachscan::report {
namespace {

const char* level_for(Confidence c) {
  switch (c) {
    case Confidence::kHigh:
      return "error";
    case Confidence::kMedium:
      return "warning";
    case Confidence::kLow:
      return "note";
  }
  return "warning";
}

const char* severity_for(Confidence c) {
  switch (c) {
    case Confidence::kHigh:
      return "8.0";
    case Confidence::kMedium:
      return "6.0";
    case Confidence::kLow:
      return "3.0";
  }
  return "6.0";
}

// Relative paths become URI references; characters outside RFC 3986's unreserved set and '/'
// are percent-encoded. Absolute paths become file:// URIs.
std::string to_uri(const std::string& path) {
  std::string out;
  if (!path.empty() && path.front() == '/') out = "file://";
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

nlohmann::ordered_json rule_json(const patterns::Rule& r) {
  nlohmann::ordered_json j;
  j["id"] = r.id;
  j["name"] = r.id;
  j["shortDescription"] = {{"text", r.name}};
  j["fullDescription"] = {{"text", r.description.empty() ? r.name + " detected in source."
                                                          : r.description}};
  if (!r.references.empty()) j["helpUri"] = r.references.front();
  std::string help = r.name + ". Rotate the credential, then remove it from the code; mark an "
                              "intended test value with a `reachscan:allow` comment.";
  j["help"] = {{"text", help}};
  j["defaultConfiguration"] = {{"level", level_for(r.confidence)}};
  std::vector<std::string> tags = {"security", "secret"};
  for (const std::string& t : r.tags) tags.push_back(t);
  j["properties"] = {{"tags", tags},
                     {"precision", to_string(r.confidence)},
                     {"security-severity", severity_for(r.confidence)}};
  return j;
}

class SarifReporter final : public Reporter {
 public:
  SarifReporter(std::FILE* out, ReportOptions o) : out_(out), o_(std::move(o)) {
    if (o_.rules)
      for (std::size_t i = 0; i < o_.rules->size(); ++i) index_[(*o_.rules)[i].id] = i;
  }

  void on_finding(const Finding& f) override {
    nlohmann::ordered_json r;
    r["ruleId"] = f.rule_id;
    if (auto it = index_.find(f.rule_id); it != index_.end()) r["ruleIndex"] = it->second;
    r["level"] = level_for(f.confidence);
    // SARIF is shown to people in code-scanning UIs: never put the secret in it.
    r["message"] = {{"text", f.rule_name + " (fingerprint " + f.fingerprint + ")"}};
    nlohmann::ordered_json artifact = {{"uri", to_uri(f.path)}};
    if (f.path.empty() || f.path.front() != '/') artifact["uriBaseId"] = "%SRCROOT%";
    nlohmann::ordered_json region = {{"startLine", f.line},
                             {"startColumn", f.column},
                             {"endLine", f.end_line},
                             {"endColumn", f.end_column + 1}};  // SARIF end column is exclusive
    r["locations"] = nlohmann::ordered_json::array(
        {{{"physicalLocation", {{"artifactLocation", artifact}, {"region", region}}}}});
    r["partialFingerprints"] = {{"reachscan/v1", f.fingerprint}};
    r["properties"] = {{"confidence", to_string(f.confidence)},
                       {"entropy", f.entropy},
                       {"fingerprint", f.fingerprint}};
    if (!f.variant.empty()) r["properties"]["variant"] = f.variant;
    results_.push_back(std::move(r));
  }

  void finish(const ScanSummary& s, std::FILE*) override {
    nlohmann::ordered_json rules = nlohmann::ordered_json::array();
    if (o_.rules)
      for (const patterns::Rule& r : *o_.rules) rules.push_back(rule_json(r));
    nlohmann::ordered_json driver = {{"name", "reachscan"},
                             {"version", o_.version},
                             {"semanticVersion", o_.version},
                             {"informationUri", "https://github.com/reachscan/reachscan"},
                             {"rules", std::move(rules)}};
    nlohmann::ordered_json notes = nlohmann::ordered_json::array();
    for (const Skip& k : s.skipped) {
      if (!is_error(k.reason)) continue;
      notes.push_back({{"level", "error"},
                       {"message", {{"text", k.path + ": " + to_string(k.reason) + " (" +
                                                 k.detail + ")"}}}});
    }
    for (const std::string& e : s.errors)
      notes.push_back({{"level", "error"}, {"message", {{"text", e}}}});
    nlohmann::ordered_json invocation = {{"executionSuccessful", !s.has_errors()}};
    if (!notes.empty()) invocation["toolExecutionNotifications"] = std::move(notes);
    nlohmann::ordered_json run = {{"tool", {{"driver", std::move(driver)}}},
                          {"invocations", nlohmann::ordered_json::array({std::move(invocation)})},
                          {"results", std::move(results_)},
                          {"properties", {{"summary", summary_json(s)}}}};
    nlohmann::ordered_json doc = {
        {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
        {"version", "2.1.0"},
        {"runs", nlohmann::ordered_json::array({std::move(run)})}};
    const std::string text = dump(doc, 2);
    std::fwrite(text.data(), 1, text.size(), out_);
    std::fputc('\n', out_);
    std::fflush(out_);
  }

 private:
  std::FILE* out_;
  ReportOptions o_;
  std::map<std::string, std::size_t> index_;
  nlohmann::ordered_json results_ = nlohmann::ordered_json::array();
};

}  // namespace

std::unique_ptr<Reporter> make_sarif_reporter(std::FILE* out, ReportOptions o) {
  return std::make_unique<SarifReporter>(out, std::move(o));
}

}  // namespace reachscan::report
