#include <cmath>

#include "report/json_fields.h"
#include "report/reporter.h"

namespace reachscan::report {

std::string dump(const nlohmann::ordered_json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

nlohmann::ordered_json image_json(const ImageContext& c) {
  nlohmann::ordered_json j;
  j["name"] = c.image;
  j["part"] = c.part;
  j["layer_digest"] = c.layer_digest.empty() ? nlohmann::ordered_json(nullptr)
                                             : nlohmann::ordered_json(c.layer_digest);
  j["layer"] = c.layer ? nlohmann::ordered_json(c.layer) : nlohmann::ordered_json(nullptr);
  j["layers"] = c.layers;
  j["history_entry"] =
      c.history_entry ? nlohmann::ordered_json(c.history_entry) : nlohmann::ordered_json(nullptr);
  j["instruction"] = c.instruction.empty() ? nlohmann::ordered_json(nullptr)
                                           : nlohmann::ordered_json(c.instruction);
  j["path"] = c.path.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(c.path);
  j["in_final_filesystem"] = c.in_final_filesystem;
  return j;
}

nlohmann::ordered_json finding_json(const Finding& f) {
  nlohmann::ordered_json j;
  j["rule_id"] = f.rule_id;
  j["rule_name"] = f.rule_name;
  if (!f.repository.empty()) j["repository"] = f.repository;
  j["path"] = f.path;
  j["line"] = f.line;
  j["column"] = f.column;
  j["end_line"] = f.end_line;
  j["end_column"] = f.end_column;
  j["secret"] = f.secret;
  j["match"] = f.match;
  j["fingerprint"] = f.fingerprint;
  j["entropy"] = std::round(f.entropy * 1000) / 1000;
  j["confidence"] = to_string(f.confidence);
  j["variant"] =
      f.variant.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(f.variant);
  j["tags"] = f.tags;
  if (!f.parts.empty()) {
    nlohmann::ordered_json parts = nlohmann::ordered_json::array();
    for (const Part& p : f.parts)
      parts.push_back({{"rule_id", p.rule_id},
                       {"line", p.line},
                       {"column", p.column},
                       {"value", p.value},
                       {"secret", p.secret}});
    j["parts"] = std::move(parts);
  }
  if (!f.decoded.empty()) j["decoded"] = f.decoded;
  // Filled by later stages (git provenance, structural verification, production reach).
  if (f.commit) {
    const CommitInfo& c = *f.commit;
    nlohmann::ordered_json cj;
    cj["id"] = c.id.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(c.id);
    cj["blob"] = c.blob;
    cj["author"] = c.author;
    cj["email"] = c.email;
    cj["date"] = c.date;
    cj["summary"] = c.summary;
    cj["refs"] = c.refs;
    cj["in_head"] = c.in_head;
    cj["head_paths"] = c.head_paths;
    j["commit"] = std::move(cj);
  } else {
    j["commit"] = nullptr;
  }
  if (f.image) j["image"] = image_json(*f.image);
  if (f.verification.status == VerifyStatus::kNotChecked) {
    j["verification"] = nullptr;
  } else {
    j["verification"] = {{"status", to_string(f.verification.status)},
                         {"verifier", f.verification.verifier},
                         {"reasons", f.verification.reasons},
                         {"attributes", f.verification.attributes}};
  }
  j["reach"] = f.reach ? reach_json(*f.reach) : nlohmann::ordered_json(nullptr);
  return j;
}

nlohmann::ordered_json occurrence_json(const Finding& f) {
  nlohmann::ordered_json full = finding_json(f);
  nlohmann::ordered_json j;
  for (const char* key : {"repository", "path", "line", "column", "end_line", "end_column", "match",
                          "parts", "decoded", "commit", "image", "reach"})
    if (full.contains(key)) j[key] = std::move(full[key]);
  return j;
}

nlohmann::ordered_json secret_finding_json(const SecretFinding& s, bool with_occurrences) {
  nlohmann::ordered_json j = finding_json(s.first);
  j["occurrence_count"] = s.count;
  j["reused_across_environments"] = s.reused_across_environments;
  if (!s.repositories.empty()) {
    j["repositories"] = s.repositories;
    j["reused_across_repositories"] = s.repositories.size() > 1;
  }
  if (s.first_seen && s.first_seen->commit)
    j["first_seen"] = {{"repository", s.first_seen->repository},
                       {"path", s.first_seen->path},
                       {"commit", s.first_seen->commit->id},
                       {"date", s.first_seen->commit->date}};
  if (s.triage)
    j["triage"] = {{"status", s.triage->status},
                   {"comment", s.triage->comment},
                   {"updated_at", s.triage->updated_at}};
  if (with_occurrences) {
    nlohmann::ordered_json occ = nlohmann::ordered_json::array();
    for (const Finding& f : s.occurrences) occ.push_back(occurrence_json(f));
    j["occurrences"] = std::move(occ);
  }
  return j;
}

nlohmann::ordered_json reach_json(const Reach& r) {
  nlohmann::ordered_json j;
  j["verdict"] = to_string(r.verdict);
  j["confidence"] = std::round(r.confidence * 100) / 100;
  nlohmann::ordered_json ev = nlohmann::ordered_json::array();
  for (const Evidence& e : r.evidence)
    ev.push_back({{"signal", e.signal}, {"detail", e.detail}, {"weight", e.weight}});
  j["evidence"] = std::move(ev);
  j["flags"] = r.flags;
  j["frameworks"] = r.frameworks;
  if (!r.related.empty()) j["related"] = r.related;
  return j;
}

nlohmann::ordered_json summary_json(const ScanSummary& s) {
  nlohmann::ordered_json j;
  j["complete"] = s.complete;  // false: interrupted, partial results (scanner/interrupt.h)
  j["files_scanned"] = s.files_scanned;
  j["bytes_scanned"] = s.bytes_scanned;
  j["findings"] = s.findings;
  j["occurrences"] = s.occurrences;
  j["suppressed"] = s.suppressed;
  j["findings_by_rule"] = s.findings_by_rule;
  j["findings_by_reach"] = s.findings_by_reach;
  if (!s.findings_by_repository.empty()) j["findings_by_repository"] = s.findings_by_repository;
  if (s.below_min_reach) j["below_min_reach"] = s.below_min_reach;
  j["skipped"] = s.skipped_by_reason();
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  for (const Skip& k : s.skipped)
    files.push_back({{"path", k.path}, {"reason", to_string(k.reason)}, {"detail", k.detail}});
  j["skipped_files"] = std::move(files);
  j["errors"] = s.errors;
  j["notes"] = s.notes;
  if (s.commits) j["commits"] = s.commits;
  if (s.already_scanned) j["already_scanned"] = s.already_scanned;
  j["rules"] = s.rules;
  j["threads"] = s.threads;
  j["elapsed_seconds"] = std::round(s.elapsed_seconds * 1e4) / 1e4;
  const double mbps =
      s.elapsed_seconds > 0 ? static_cast<double>(s.bytes_scanned) / 1e6 / s.elapsed_seconds : 0;
  j["throughput_mb_per_s"] = std::round(mbps * 10) / 10;
  return j;
}

namespace {

// `text` (nlohmann's indented dump) with every line after the first indented `by` more.
std::string indented(const std::string& text, std::size_t by) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    out.push_back(c);
    if (c == '\n') out.append(by, ' ');
  }
  return out;
}

// The document {"tool", "findings", "summary"} with indent 2, written as the findings come
// (byte for byte what one dump of the whole document gives) so that none is held.
class JsonReporter final : public Reporter {
 public:
  JsonReporter(std::FILE* out, ReportOptions o) : out_(out), o_(std::move(o)) {}
  void on_finding(const SecretFinding& f) override {
    put(findings_ ? ",\n    " : head() + "\n    ");
    put(indented(dump(secret_finding_json(f, true), 2), 4));
    ++findings_;
  }
  void finish(const ScanSummary& s, std::FILE*) override {
    put(findings_ ? "\n  ],\n" : head() + "],\n");
    put("  \"summary\": " + indented(dump(summary_json(s), 2), 2) + "\n}\n");
    std::fflush(out_);
  }

 private:
  std::string head() const {
    nlohmann::ordered_json tool = {{"name", "reachscan"}, {"version", o_.version}};
    return "{\n  \"tool\": " + indented(dump(tool, 2), 2) + ",\n  \"findings\": [";
  }
  void put(const std::string& text) { std::fwrite(text.data(), 1, text.size(), out_); }
  std::FILE* out_;
  ReportOptions o_;
  std::uint64_t findings_ = 0;
};

class JsonlReporter final : public Reporter {
 public:
  JsonlReporter(std::FILE* out, ReportOptions o) : out_(out), o_(std::move(o)) {}
  // Occurrences stream as they are found; findings follow at the end with their final verdict.
  void on_occurrence(const Finding& f) override {
    nlohmann::ordered_json j;
    j["type"] = "occurrence";
    j.update(finding_json(f));
    write(j);
  }
  void on_finding(const SecretFinding& f) override {
    nlohmann::ordered_json j;
    j["type"] = "finding";
    j.update(secret_finding_json(f, false));
    write(j);
  }
  void write(const nlohmann::ordered_json& j) {
    const std::string line = dump(j);
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fputc('\n', out_);
    std::fflush(out_);
  }
  void finish(const ScanSummary& s, std::FILE* summary_out) override {
    std::fflush(out_);
    if (summary_out) write_text_summary(s, summary_out, o_.verbose, false);
  }

 private:
  std::FILE* out_;
  ReportOptions o_;
};

}  // namespace

std::unique_ptr<Reporter> make_json_reporter(std::FILE* out, ReportOptions o) {
  return std::make_unique<JsonReporter>(out, std::move(o));
}
std::unique_ptr<Reporter> make_jsonl_reporter(std::FILE* out, ReportOptions o) {
  return std::make_unique<JsonlReporter>(out, std::move(o));
}

}  // namespace reachscan::report
