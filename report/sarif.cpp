#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <system_error>

#include "codec/codec.h"
#include "report/json_fields.h"
#include "report/reporter.h"

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
  const std::string scheme = !path.empty() && path.front() == '/' ? "file://" : "";
  return scheme + codec::percent_encode(path, "/");
}

// SARIF's reportingDescriptor.name is a "friendly name": one Pascal-case identifier that differs
// from the opaque id (multitool SARIF1001/SARIF2012). "aws.access_key_id" -> "AwsAccessKeyId".
std::string friendly_name(const std::string& id) {
  std::string out;
  bool up = true;
  for (unsigned char c : id) {
    if (!std::isalnum(c)) {
      up = true;
      continue;
    }
    out.push_back(static_cast<char>(up ? std::toupper(c) : c));
    up = false;
  }
  return out;
}

// The result's message: the rule, the reach verdict with its strongest evidence, and for history
// scans the commit that added the secret and whether it is still at HEAD.
std::string message(const Finding& f, ReachVerdict verdict) {
  std::string m = f.rule_name + ": " +
                  (verdict == ReachVerdict::kProduction      ? "reaches production"
                   : verdict == ReachVerdict::kNonProduction ? "does not reach production"
                                                             : "production reach unknown");
  if (f.reach && !f.reach->evidence.empty())
    m += " (" + f.reach->evidence.front().signal + ": " + f.reach->evidence.front().detail + ")";
  m += ".";
  if (f.commit && !f.commit->id.empty()) {
    const CommitInfo& c = *f.commit;
    m += " Added in commit " + c.id.substr(0, 12) + " by " + c.author + " on " + c.date + "; " +
         (c.in_head ? "still at HEAD" : "no longer at HEAD (rotate it: it stays in the history)") +
         ".";
  }
  return m + " Fingerprint " + f.fingerprint + ".";
}

nlohmann::ordered_json rule_json(const patterns::Rule& r) {
  nlohmann::ordered_json j;
  j["id"] = r.id;
  // Omitted when it would only differ from the id in case ("jwt" -> "Jwt"): SARIF1001 again.
  const std::string friendly = friendly_name(r.id);
  if (!std::equal(
          friendly.begin(), friendly.end(), r.id.begin(), r.id.end(),
          [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); }))
    j["name"] = friendly;
  j["shortDescription"] = {{"text", r.name}};
  j["fullDescription"] = {
      {"text", r.description.empty() ? r.name + " detected in source." : r.description}};
  if (!r.references.empty()) j["helpUri"] = r.references.front();
  std::string help = r.name +
                     ". Rotate the credential, then remove it from the code; mark an "
                     "intended test value with a `reachscan:allow` comment.";
  j["help"] = {{"text", help}};
  j["defaultConfiguration"] = {{"level", level_for(r.confidence)}};
  // propertyBag.tags must be unique (schema uniqueItems); GitHub keeps at most 20 per rule.
  std::vector<std::string> tags = {"security", "secret"};
  for (const std::string& t : r.tags)
    if (std::find(tags.begin(), tags.end(), t) == tags.end()) tags.push_back(t);
  if (tags.size() > 20) tags.resize(20);
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

  void on_finding(const SecretFinding& s) override {
    for (const Finding& f : s.occurrences) add_result(f);
  }

  void add_result(const Finding& f) {
    nlohmann::ordered_json r;
    r["ruleId"] = f.rule_id;
    if (auto it = index_.find(f.rule_id); it != index_.end()) r["ruleIndex"] = it->second;
    const ReachVerdict verdict = f.reach ? f.reach->verdict : ReachVerdict::kUnknown;
    // Production reach decides how loud a finding is; without evidence, the rule's confidence.
    r["level"] = verdict == ReachVerdict::kProduction      ? "error"
                 : verdict == ReachVerdict::kNonProduction ? "note"
                                                           : level_for(f.confidence);
    // SARIF is shown to people in code-scanning UIs: never put the secret in it.
    r["message"] = {{"text", message(f, verdict)}};
    nlohmann::ordered_json artifact = {{"uri", to_uri(f.path)}};
    if (f.path.empty() || f.path.front() != '/') artifact["uriBaseId"] = "%SRCROOT%";
    nlohmann::ordered_json region = {
        {"startLine", f.line},
        {"startColumn", f.column},
        {"endLine", f.end_line},
        {"endColumn", f.end_column + 1}};  // SARIF end column is exclusive
    r["locations"] = nlohmann::ordered_json::array(
        {{{"physicalLocation", {{"artifactLocation", artifact}, {"region", region}}}}});
    // GitHub code scanning reads only primaryLocationLineHash: give it our location-independent
    // fingerprint, numbered per file so two copies of one secret in a file stay two alerts.
    const std::size_t nth = ++seen_[f.repository + '\0' + f.path + '\0' + f.fingerprint];
    const std::string hash = f.fingerprint.substr(f.fingerprint.rfind(':') + 1);
    r["partialFingerprints"] = {{"primaryLocationLineHash", hash + ":" + std::to_string(nth)},
                                {"reachscan/v1", f.fingerprint}};
    if (artifact.contains("uriBaseId")) uses_srcroot_ = true;
    r["properties"] = {{"confidence", to_string(f.confidence)},
                       {"entropy", f.entropy},
                       {"fingerprint", f.fingerprint}};
    if (!f.variant.empty()) r["properties"]["variant"] = f.variant;
    r["properties"]["security-severity"] = verdict == ReachVerdict::kProduction      ? "9.5"
                                           : verdict == ReachVerdict::kNonProduction ? "3.0"
                                                                                     : "6.5";
    if (!f.parts.empty()) {
      // Positions of every part; identifiers by value, secret parts never.
      nlohmann::ordered_json parts = nlohmann::ordered_json::array();
      for (const Part& p : f.parts) {
        nlohmann::ordered_json pj = {
            {"ruleId", p.rule_id}, {"line", p.line}, {"column", p.column}, {"secret", p.secret}};
        if (!p.secret) pj["value"] = p.value;
        parts.push_back(std::move(pj));
      }
      r["properties"]["parts"] = std::move(parts);
    }
    if (!f.decoded.empty()) r["properties"]["decoded"] = f.decoded;
    if (!f.repository.empty()) r["properties"]["repository"] = f.repository;
    if (f.image) r["properties"]["image"] = image_json(*f.image);
    if (f.reach) r["properties"]["reach"] = reach_json(*f.reach);
    if (f.commit && !f.commit->id.empty()) {
      // History scans: where the secret came from, for alerts on secrets gone from HEAD too.
      const CommitInfo& c = *f.commit;
      r["properties"]["commit"] = c.id;
      r["properties"]["author"] = c.author;
      r["properties"]["email"] = c.email;
      r["properties"]["date"] = c.date;
      r["properties"]["inHead"] = c.in_head;
      if (!c.head_paths.empty()) r["properties"]["headPaths"] = c.head_paths;
    }
    if (f.verification.status != VerifyStatus::kNotChecked)
      r["properties"]["verification"] = to_string(f.verification.status);
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
      notes.push_back(
          {{"level", "error"},
           {"message", {{"text", k.path + ": " + to_string(k.reason) + " (" + k.detail + ")"}}}});
    }
    for (const std::string& e : s.errors)
      notes.push_back({{"level", "error"}, {"message", {{"text", e}}}});
    nlohmann::ordered_json invocation = {{"executionSuccessful", !s.has_errors() && s.complete}};
    // Relative URIs are relative to the working directory; say so (SARIF 3.14.14), which also lets
    // GitHub turn any absolute file:// URI into a repository path.
    std::error_code ec;
    const std::filesystem::path cwd = std::filesystem::current_path(ec);
    std::string cwd_uri;
    if (!ec && cwd.is_absolute()) {
      cwd_uri = to_uri(cwd.string());
      if (cwd_uri.back() != '/') cwd_uri.push_back('/');
      invocation["workingDirectory"] = {{"uri", cwd_uri}};
    }
    if (!notes.empty()) invocation["toolExecutionNotifications"] = std::move(notes);
    nlohmann::ordered_json run = {
        {"tool", {{"driver", std::move(driver)}}},
        {"invocations", nlohmann::ordered_json::array({std::move(invocation)})}};
    if (uses_srcroot_ && !cwd_uri.empty())
      run["originalUriBaseIds"] = {{"%SRCROOT%", {{"uri", cwd_uri}}}};
    run["results"] = std::move(results_);
    run["properties"] = {{"summary", summary_json(s)}};
    nlohmann::ordered_json doc = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
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
  std::map<std::string, std::size_t> seen_;  // (path, fingerprint) -> occurrences so far
  bool uses_srcroot_ = false;
  nlohmann::ordered_json results_ = nlohmann::ordered_json::array();
};

}  // namespace

std::unique_ptr<Reporter> make_sarif_reporter(std::FILE* out, ReportOptions o) {
  return std::make_unique<SarifReporter>(out, std::move(o));
}

}  // namespace reachscan::report
