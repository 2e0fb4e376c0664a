// CSV: one row per place a secret was seen, for spreadsheets and ticketing imports (RFC 4180).
#include <fmt/core.h>

#include "report/reporter.h"

namespace reachscan::report {
namespace {

// A field quoted when it must be (comma, quote, line break), and defused when a spreadsheet
// would run it as a formula (=, +, -, @, tab or carriage return at the start).
std::string field(const std::string& v) {
  std::string s = v;
  if (!s.empty() &&
      (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r'))
    s.insert(s.begin(), '\'');
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

class CsvReporter final : public Reporter {
 public:
  explicit CsvReporter(std::FILE* out) : out_(out) {}
  void begin() override {
    row({"fingerprint", "rule_id", "rule_name", "verdict", "repository", "path", "line", "column",
         "commit", "secret", "occurrence_count", "repositories", "reused_across_environments",
         "triage_status", "triage_comment", "image", "layer_digest", "image_instruction",
         "in_final_filesystem"});
  }
  void on_finding(const SecretFinding& s) override {
    for (const Finding& f : s.occurrences.empty() ? std::vector<Finding>{s.first} : s.occurrences) {
      std::string repos;
      for (const std::string& r : s.repositories) repos += (repos.empty() ? "" : " ") + r;
      row({s.first.fingerprint, f.rule_id, f.rule_name,
           to_string(f.reach ? f.reach->verdict : ReachVerdict::kUnknown), f.repository, f.path,
           std::to_string(f.line), std::to_string(f.column),
           f.commit ? f.commit->id : std::string(), f.secret, std::to_string(s.count), repos,
           s.reused_across_environments ? "true" : "false",
           s.triage ? s.triage->status : std::string(),
           s.triage ? s.triage->comment : std::string(), f.image ? f.image->image : std::string(),
           f.image ? f.image->layer_digest : std::string(),
           f.image ? f.image->instruction : std::string(),
           f.image ? (f.image->in_final_filesystem ? "true" : "false") : std::string()});
    }
  }
  void finish(const ScanSummary& summary, std::FILE* summary_out) override {
    if (summary_out) write_text_summary(summary, summary_out, false, false);
    std::fflush(out_);
  }

 private:
  void row(const std::vector<std::string>& fields) {
    std::string line;
    for (const std::string& f : fields) line += (line.empty() ? "" : ",") + field(f);
    fmt::print(out_, "{}\r\n", line);  // throws std::system_error when the write fails
  }
  std::FILE* out_;
};

}  // namespace

std::unique_ptr<Reporter> make_csv_reporter(std::FILE* out, ReportOptions) {
  return std::make_unique<CsvReporter>(out);
}

}  // namespace reachscan::report
