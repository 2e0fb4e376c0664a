// The github format: GitHub Actions workflow commands, one per finding, which the runner turns
// into annotations on the changed lines. Production-reaching findings are errors, the rest
// warnings. Secrets are masked by the caller (this output lands in CI logs).
#include <fmt/core.h>

#include <cstdlib>
#include <filesystem>

#include "report/escape.h"
#include "report/reporter.h"

namespace reachscan::report {
namespace {

// Escaping as GitHub's toolkit does it (@actions/core, command.ts): the message escapes %, CR
// and LF; property values also escape ':' and ','.
std::string escape_data(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%')
      out += "%25";
    else if (c == '\r')
      out += "%0D";
    else if (c == '\n')
      out += "%0A";
    else
      out.push_back(c);
  }
  return out;
}

std::string escape_property(const std::string& s) {
  std::string out;
  for (char c : escape_data(s)) {
    if (c == ':')
      out += "%3A";
    else if (c == ',')
      out += "%2C";
    else
      out.push_back(c);
  }
  return out;
}

// Annotations must name files relative to the workspace (GITHUB_WORKSPACE): a scan started in a
// subfolder or given an absolute path reports paths GitHub cannot place otherwise. Paths from git
// trees are already relative to the repository root, which is the workspace in Actions.
std::string workspace_path(const Finding& f) {
  const char* ws = std::getenv("GITHUB_WORKSPACE");
  if (!ws || !*ws || f.commit) return f.path;
  std::error_code ec;
  std::filesystem::path p(f.path);
  if (p.is_relative()) p = std::filesystem::current_path(ec) / p;
  if (ec) return f.path;
  const std::filesystem::path rel =
      p.lexically_normal().lexically_relative(std::filesystem::path(ws).lexically_normal());
  const std::string r = rel.generic_string();
  if (r.empty() || r == "." || r.rfind("..", 0) == 0) return f.path;
  return r;
}

// Scanned data (paths, rule names, evidence) is made inert for the log viewer first
// (report/escape.h): the %-escaping below only protects the command syntax.
std::string esc(const std::string& s) { return escape_for_terminal(s); }

class GithubReporter final : public Reporter {
 public:
  GithubReporter(std::FILE* out, ReportOptions o) : out_(out), o_(std::move(o)) {}

  void on_finding(const SecretFinding& s) override {
    for (const Finding& f : s.occurrences) annotate(f);
  }

  void annotate(const Finding& f) {
    const ReachVerdict v = f.reach ? f.reach->verdict : ReachVerdict::kUnknown;
    std::string props =
        "file=" + escape_property(esc(workspace_path(f))) + fmt::format(",line={}", f.line);
    if (f.end_line == f.line) {
      props += fmt::format(",col={},endColumn={}", f.column, f.end_column);
    } else {
      props += fmt::format(",endLine={}", f.end_line);
    }
    props +=
        ",title=" + escape_property(fmt::format("reachscan {} ({})", esc(f.rule_id), to_string(v)));
    std::string msg = fmt::format("{} {}", esc(f.rule_name), esc(f.secret));
    msg += v == ReachVerdict::kProduction ? " reaches production"
           : v == ReachVerdict::kUnknown  ? ", production reach unknown"
                                          : ", not production";
    if (f.reach && !f.reach->evidence.empty())
      msg += " (" + esc(f.reach->evidence.front().signal) + ": " +
             esc(f.reach->evidence.front().detail) + ")";
    if (f.commit && !f.commit->id.empty()) msg += ", added in commit " + f.commit->id.substr(0, 12);
    msg += blocks(f, o_.fail_on) ? ". Fails this run" : ". Does not fail this run";
    msg += fmt::format(" (--fail-on {}).", o_.fail_on);
    msg +=
        "\nRemove it and rotate it; for a test key or a reviewed false positive, add a "
        "`reachscan:allow` comment on the line or this fingerprint to .reachscanignore: " +
        esc(f.fingerprint);
    fmt::print(out_, "::{} {}::{}\n", v == ReachVerdict::kProduction ? "error" : "warning", props,
               escape_data(msg));
  }

  void finish(const ScanSummary&, std::FILE*) override { std::fflush(out_); }

 private:
  std::FILE* out_;
  ReportOptions o_;
};

}  // namespace

std::unique_ptr<Reporter> make_github_reporter(std::FILE* out, ReportOptions o) {
  return std::make_unique<GithubReporter>(out, std::move(o));
}

}  // namespace reachscan::report
