// JUnit XML: one test case per place a secret was seen, for CI systems that show test reports
// (gitleaks' `--report-format junit` shape: a suite named after the tool, the case named
// "<rule> has detected a secret in file <path>, line <n>[, at commit <id>].", the rule's name as
// class name, the finding's record as the failure's text). A case fails when its finding fails
// the run under --fail-on; the others pass and say why in system-out. Scan errors are one more
// case with an <error>, so a report of an incomplete scan is never all green.
#include <fmt/core.h>

#include <algorithm>

#include "report/escape.h"
#include "report/json_fields.h"
#include "report/reporter.h"

namespace reachscan::report {
namespace {

// Text for an XML 1.0 attribute or element: what the terminal escaping makes visible (controls,
// invalid UTF-8, bidirectional overrides) cannot break the document either; then the five
// markup characters, and the two code points XML forbids that are valid UTF-8 (U+FFFE, U+FFFF).
std::string xml_line(std::string_view raw) {
  const std::string s = escape_for_terminal(raw);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '"') {
      out += "&quot;";
    } else if (c == '\'') {
      out += "&apos;";
    } else if (c == '\xEF' && i + 2 < s.size() && s[i + 1] == '\xBF' &&
               (s[i + 2] == '\xBE' || s[i + 2] == '\xBF')) {
      out += s[i + 2] == '\xBE' ? "\\uFFFE" : "\\uFFFF";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

// Element text keeps its line breaks (an attribute's become visible "\n" text).
std::string xml(std::string_view raw, bool multiline = false) {
  if (!multiline) return xml_line(raw);
  std::string out;
  for (std::size_t start = 0; start <= raw.size();) {
    const std::size_t nl = std::min(raw.find('\n', start), raw.size());
    out += xml_line(raw.substr(start, nl - start));
    if (nl < raw.size()) out += '\n';
    start = nl + 1;
  }
  return out;
}

std::string message(const Finding& f) {
  std::string m =
      fmt::format("{} has detected a secret in file {}, line {}", f.rule_id, f.path, f.line);
  if (f.commit && !f.commit->id.empty()) m += ", at commit " + f.commit->id;
  return m + ".";
}

std::string verdict_text(const Finding& f) {
  const ReachVerdict v = f.reach ? f.reach->verdict : ReachVerdict::kUnknown;
  std::string t = v == ReachVerdict::kProduction ? "Reaches production"
                  : v == ReachVerdict::kUnknown  ? "Production reach unknown"
                                                 : "Does not reach production";
  if (f.reach && !f.reach->evidence.empty())
    t += " (" + f.reach->evidence.front().signal + ": " + f.reach->evidence.front().detail + ")";
  return t + ".";
}

class JunitReporter final : public Reporter {
 public:
  JunitReporter(std::FILE* out, ReportOptions o) : out_(out), o_(std::move(o)) {}

  void on_finding(const SecretFinding& s) override {
    for (const Finding& f : s.occurrences) add_case(f);
  }

  void finish(const ScanSummary& summary, std::FILE*) override {
    const std::vector<std::string> errors = error_lines(summary, true);
    if (!errors.empty()) {
      std::string text;
      for (const std::string& e : errors) text += e + "\n";
      cases_ += fmt::format(
          "\t\t<testcase classname=\"reachscan\" name=\"scan completed without errors\" "
          "time=\"0\">\n\t\t\t<error message=\"{}\" type=\"scan error\">{}</error>\n"
          "\t\t</testcase>\n",
          xml(fmt::format("{} error{} during the scan", errors.size(),
                          errors.size() == 1 ? "" : "s")),
          xml(text, true));
    }
    fmt::print(out_,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
               "\t<testsuite failures=\"{}\" errors=\"{}\" name=\"reachscan\" tests=\"{}\" "
               "time=\"0\">\n{}\t</testsuite>\n</testsuites>\n",
               failures_, errors.empty() ? 0 : 1, tests_ + (errors.empty() ? 0 : 1), cases_);
    std::fflush(out_);
  }

 private:
  void add_case(const Finding& f) {
    ++tests_;
    const std::string msg = message(f);
    const std::string data = dump(finding_json(f), 2);
    std::string body;
    if (blocks(f, o_.fail_on)) {
      ++failures_;
      body = fmt::format("\t\t\t<failure message=\"{}\" type=\"{}\">{}</failure>\n",
                         xml(msg + " " + verdict_text(f)), xml(f.rule_name), xml(data, true));
    } else {
      body = fmt::format(
          "\t\t\t<system-out>{}</system-out>\n",
          xml(verdict_text(f) + " Does not fail this run (--fail-on " + o_.fail_on + ").\n" + data,
              true));
    }
    cases_ += fmt::format(
        "\t\t<testcase classname=\"{}\" file=\"{}\" name=\"{}\" time=\"0\">\n{}\t\t</testcase>\n",
        xml(f.rule_name), xml(f.path), xml(msg), body);
  }

  std::FILE* out_;
  ReportOptions o_;
  std::string cases_;
  std::size_t tests_ = 0;
  std::size_t failures_ = 0;
};

}  // namespace

std::unique_ptr<Reporter> make_junit_reporter(std::FILE* out, ReportOptions o) {
  return std::make_unique<JunitReporter>(out, std::move(o));
}

}  // namespace reachscan::report
