#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "report/escape.h"
#include "report/reporter.h"

namespace reachscan::report {
namespace {

struct Style {
  bool on;
  std::string operator()(const char* code, const std::string& s) const {
    return on ? fmt::format("\033[{}m{}\033[0m", code, s) : s;
  }
};

// Scanned data (paths, lines, commit text, custom rule names) is escaped before it reaches a
// terminal (report/escape.h); one_line also bounds its length.
std::string one_line(const std::string& s) { return escape_for_terminal(s, 200); }
std::string esc(const std::string& s) { return escape_for_terminal(s); }
std::vector<std::string> esc(const std::vector<std::string>& v) {
  std::vector<std::string> out;
  for (const std::string& s : v) out.push_back(escape_for_terminal(s));
  return out;
}

class TextReporter final : public Reporter {
 public:
  TextReporter(std::FILE* out, ReportOptions o) : out_(out), o_(std::move(o)), s_{o_.color} {}

  // A path, behind its repository in organisation reports.
  static std::string place(const Finding& f) {
    return f.repository.empty() ? f.path : f.repository + ": " + f.path;
  }

  // Findings are held and printed grouped by reach verdict, production first.
  void on_finding(const SecretFinding& f) override { held_.push_back(f); }

  // Where else the secret was seen: a count, and the first few places (-v: every place held).
  void print_places(const SecretFinding& s) {
    if (s.count < 2) return;
    fmt::print(out_, "  {:<12}{} places{}{}\n", "seen", s.count,
               s.repositories.size() > 1
                   ? fmt::format(" in {} repositories ({})", s.repositories.size(),
                                 fmt::join(esc(s.repositories), ", "))
                   : "",
               s.reused_across_environments ? ", in production and non-production places" : "");
    constexpr std::size_t kShown = 3;
    std::size_t shown = 0;
    for (const Finding& o : s.occurrences) {
      if (o.path == s.first.path && o.line == s.first.line && o.column == s.first.column &&
          o.repository == s.first.repository &&
          (!o.commit || !s.first.commit || o.commit->id == s.first.commit->id))
        continue;
      if (!o_.verbose && shown == kShown) break;
      ++shown;
      const ReachVerdict v = o.reach ? o.reach->verdict : ReachVerdict::kUnknown;
      fmt::print(
          out_, "  {:<12}{}:{}:{}{} ({})\n", "also", s_("36", esc(place(o))), o.line, o.column,
          o.commit && !o.commit->id.empty() ? " @" + o.commit->id.substr(0, 12) : "", to_string(v));
    }
    const std::uint64_t rest = s.count - 1 - shown;
    if (rest > 0)
      fmt::print(out_, "  {:<12}{} more{}\n", "", rest,
                 o_.verbose || s.occurrences.size() < s.count ? "" : " (-v lists them)");
  }

  void print(const SecretFinding& s) {
    const Finding& f = s.first;
    const std::string& secret = f.secret;
    const std::string& match = f.match;
    const ReachVerdict v = f.reach ? f.reach->verdict : ReachVerdict::kUnknown;
    const char* color = v == ReachVerdict::kProduction ? "1;31"
                        : v == ReachVerdict::kUnknown  ? "1;33"
                                                       : "1;32";
    fmt::print(out_, "{} {}  {}\n", s_(color, "●"), s_("1", esc(f.rule_id)), esc(f.rule_name));
    fmt::print(out_, "  {:<12}{}:{}:{}\n", "location", s_("36", esc(place(f))), f.line, f.column);
    print_places(s);
    if (s.first_seen && s.first_seen->commit &&
        (s.first_seen->repository != f.repository || s.first_seen->path != f.path))
      fmt::print(out_, "  {:<12}{}: {} @{} {}\n", "first seen", esc(s.first_seen->repository),
                 esc(s.first_seen->path), s.first_seen->commit->id.substr(0, 12),
                 esc(s.first_seen->commit->date));
    if (s.triage)
      fmt::print(out_, "  {:<12}{}{}\n", "triage", esc(s.triage->status),
                 s.triage->comment.empty() ? "" : ": " + one_line(s.triage->comment));
    if (f.commit) {
      const CommitInfo& c = *f.commit;
      if (!c.id.empty())
        fmt::print(out_, "  {:<12}{} {} <{}> {}: {}\n", "commit", c.id.substr(0, 12), esc(c.author),
                   esc(c.email), esc(c.date), one_line(c.summary));
      fmt::print(
          out_, "  {:<12}{}{}\n", "history",
          c.id.empty() ? "staged, not yet committed"
          : c.in_head  ? "still present at HEAD"
                       : "removed from HEAD, still in history",
          c.refs.empty() ? "" : " (refs: " + fmt::format("{}", fmt::join(esc(c.refs), ", ")) + ")");
      // Where it is now, when that is not (only) where it was first seen.
      if (!c.head_paths.empty() && (c.head_paths.size() > 1 || c.head_paths.front() != f.path))
        fmt::print(out_, "  {:<12}{}\n", "at HEAD", fmt::join(esc(c.head_paths), ", "));
    }
    fmt::print(out_, "  {:<12}{}\n", "secret", one_line(secret));
    for (const Part& p : f.parts)
      fmt::print(out_, "  {:<12}{} {}:{} {}\n", "part", esc(p.rule_id), p.line, p.column,
                 one_line(p.value));
    if (!f.decoded.empty())
      fmt::print(out_, "  {:<12}{}\n", "decoded", fmt::join(esc(f.decoded), " > "));
    fmt::print(out_, "  {:<12}{}\n", "match", one_line(match));
    fmt::print(out_, "  {:<12}{} (entropy {:.2f}{})\n", "confidence", to_string(f.confidence),
               f.entropy, f.variant.empty() ? "" : ", " + esc(f.variant) + " key");
    if (f.verification.status != VerifyStatus::kNotChecked)
      fmt::print(out_, "  {:<12}{}{}\n", "structure", to_string(f.verification.status),
                 f.verification.reasons.empty()
                     ? ""
                     : " (" + one_line(f.verification.reasons.front()) + ")");
    if (f.reach) {
      for (const Evidence& e : f.reach->evidence)
        fmt::print(out_, "  {:<12}{}: {}\n", "evidence", esc(e.signal), one_line(e.detail));
      for (const std::string& flag : f.reach->flags)
        fmt::print(out_, "  {:<12}{}\n", "flag", esc(flag));
    }
    fmt::print(out_, "  {:<12}{}\n\n", "fingerprint", esc(f.fingerprint));
  }

  void finish(const ScanSummary& s, std::FILE* summary_out) override {
    for (ReachVerdict v :
         {ReachVerdict::kProduction, ReachVerdict::kUnknown, ReachVerdict::kNonProduction}) {
      bool header = false;
      for (const SecretFinding& sf : held_) {
        const Finding& f = sf.first;
        if ((f.reach ? f.reach->verdict : ReachVerdict::kUnknown) != v) continue;
        if (!header) {
          const std::string title = v == ReachVerdict::kProduction ? "REACHES PRODUCTION"
                                    : v == ReachVerdict::kUnknown  ? "REACH UNKNOWN"
                                                                   : "NON-PRODUCTION";
          fmt::print(out_, "{}\n\n", s_("1", "== " + title + " =="));
          header = true;
        }
        print(sf);
      }
    }
    std::fflush(out_);
    if (summary_out) write_text_summary(s, summary_out, o_.verbose, o_.color);
  }

 private:
  std::FILE* out_;
  ReportOptions o_;
  Style s_;
  std::vector<SecretFinding> held_;
};

std::string human_bytes(std::uint64_t b) {
  if (b >= 1000ull * 1000 * 1000) return fmt::format("{:.2f} GB", static_cast<double>(b) / 1e9);
  if (b >= 1000ull * 1000) return fmt::format("{:.1f} MB", static_cast<double>(b) / 1e6);
  if (b >= 1000) return fmt::format("{:.1f} kB", static_cast<double>(b) / 1e3);
  return fmt::format("{} B", b);
}

}  // namespace

void write_text_summary(const ScanSummary& s, std::FILE* out, bool verbose, bool color) {
  const Style st{color};
  const double mbps =
      s.elapsed_seconds > 0 ? static_cast<double>(s.bytes_scanned) / 1e6 / s.elapsed_seconds : 0;
  fmt::print(out,
             "{} {} finding{} in {} file{} ({}{}), {:.3f} s, {:.1f} MB/s, {} rules, {} thread{}\n",
             st("1", "reachscan:"), s.findings, s.findings == 1 ? "" : "s", s.files_scanned,
             s.files_scanned == 1 ? "" : "s", human_bytes(s.bytes_scanned),
             s.commits ? fmt::format(", {} commits", s.commits) : "", s.elapsed_seconds, mbps,
             s.rules, s.threads, s.threads == 1 ? "" : "s");
  if (s.already_scanned)
    fmt::print(out,
               "  {} blob{} not read again: scanned clean before, here or in another repository\n",
               s.already_scanned, s.already_scanned == 1 ? "" : "s");
  if (s.occurrences > s.findings)
    fmt::print(out, "  {} occurrence{} of {} distinct secret{}\n", s.occurrences,
               s.occurrences == 1 ? "" : "s", s.findings, s.findings == 1 ? "" : "s");
  if (!s.findings_by_rule.empty()) {
    // The most frequent rules first; without -v, only the top ones (a long tail would fill the
    // screen).
    std::vector<std::pair<std::string, std::uint64_t>> rules(s.findings_by_rule.begin(),
                                                             s.findings_by_rule.end());
    std::stable_sort(rules.begin(), rules.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    constexpr std::size_t kTopRules = 8;
    std::string by;
    std::size_t listed = 0;
    for (const auto& [rule, n] : rules) {
      if (!verbose && listed == kTopRules) break;
      by += fmt::format("{}{} {}", by.empty() ? "" : ", ", esc(rule), n);
      ++listed;
    }
    if (listed < rules.size())
      by += fmt::format(" and {} more rule{} (-v lists them)", rules.size() - listed,
                        rules.size() - listed == 1 ? "" : "s");
    fmt::print(out, "  by rule: {}\n", by);
  }
  if (!s.findings_by_reach.empty()) {
    std::string by;
    for (const char* v : {"production", "unknown", "non_production"})
      if (auto it = s.findings_by_reach.find(v); it != s.findings_by_reach.end())
        by += fmt::format("{}{} {}", by.empty() ? "" : ", ", v, it->second);
    fmt::print(out, "  by reach: {}\n", by);
  }
  if (!s.findings_by_repository.empty()) {
    // The repositories with the most production findings first; without -v, the top ones.
    std::vector<std::pair<std::string, std::map<std::string, std::uint64_t>>> repos(
        s.findings_by_repository.begin(), s.findings_by_repository.end());
    auto count = [](const std::map<std::string, std::uint64_t>& m, const char* k) {
      auto it = m.find(k);
      return it == m.end() ? std::uint64_t{0} : it->second;
    };
    std::stable_sort(repos.begin(), repos.end(), [&](const auto& a, const auto& b) {
      return count(a.second, "production") > count(b.second, "production");
    });
    constexpr std::size_t kTop = 8;
    std::string by;
    std::size_t listed = 0;
    for (const auto& [repo, verdicts] : repos) {
      if (!verbose && listed == kTop) break;
      std::string v;
      for (const char* k : {"production", "unknown", "non_production"})
        if (const auto n = count(verdicts, k))
          v += fmt::format("{}{} {}", v.empty() ? "" : ", ", k, n);
      by += fmt::format("{}{} ({})", by.empty() ? "" : "; ", esc(repo), v);
      ++listed;
    }
    if (listed < repos.size())
      by += fmt::format("; and {} more (-v lists them)", repos.size() - listed);
    fmt::print(out, "  by repository: {}\n", by);
  }
  if (s.suppressed) fmt::print(out, "  suppressed: {}\n", s.suppressed);
  if (s.below_min_reach) fmt::print(out, "  below --min-reach: {}\n", s.below_min_reach);
  if (!s.skipped.empty()) {
    std::string by;
    for (const auto& [reason, n] : s.skipped_by_reason())
      by += fmt::format("{}{} {}", by.empty() ? "" : ", ", reason, n);
    fmt::print(out, "  skipped: {}{}\n", by, verbose ? "" : " (-v lists them)");
  }
  if (verbose)
    for (const Skip& k : s.skipped)
      if (!is_error(k.reason))
        fmt::print(out, "  skipped: {}: {} ({})\n", esc(k.path), to_string(k.reason),
                   esc(k.detail));
  for (const std::string& n : s.notes) fmt::print(out, "  note: {}\n", esc(n));
  for (const std::string& e : error_lines(s, verbose))
    fmt::print(out, "  {} {}\n", st("31", "error:"), esc(e));
  if (!s.complete)
    fmt::print(out, "  {} the scan was interrupted: these results are partial\n",
               st("31", "incomplete:"));
}

namespace {

// A message with its object ids replaced by "<id>", so errors that differ only by object group.
std::string shape_of(const std::string& message) {
  std::string out;
  std::size_t i = 0;
  while (i < message.size()) {
    std::size_t j = i;
    while (j < message.size() && std::isxdigit(static_cast<unsigned char>(message[j]))) ++j;
    if (j - i >= 7 && (j - i == 40 || j - i == 64 || (i > 0 && message[i - 1] == ' '))) {
      out += "<id>";
      i = j;
    } else {
      out.append(message, i, std::max<std::size_t>(j - i, 1));
      i = std::max(j, i + 1);
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> error_lines(const ScanSummary& s, bool verbose) {
  constexpr std::size_t kGroupFrom = 4;  // more alike errors than this are one line
  std::vector<std::string> lines;
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;  // shape -> lines
  auto add = [&](const std::string& shape, std::string line) {
    for (auto& [sh, members] : groups)
      if (sh == shape) {
        members.push_back(std::move(line));
        return;
      }
    groups.push_back({shape, {std::move(line)}});
  };
  for (const Skip& k : s.skipped)
    if (is_error(k.reason))
      add(std::string(to_string(k.reason)) + '\0' + shape_of(k.detail),
          fmt::format("{}: {} ({})", k.path, to_string(k.reason), k.detail));
  for (const std::string& e : s.errors) add(shape_of(e), e);
  for (auto& [shape, members] : groups) {
    if (verbose || members.size() < kGroupFrom) {
      for (std::string& m : members) lines.push_back(std::move(m));
      continue;
    }
    lines.push_back(fmt::format("{} alike ({} more, -v lists them): {}", members.size(),
                                members.size() - 1, members.front()));
  }
  return lines;
}

std::unique_ptr<Reporter> make_json_reporter(std::FILE* out, ReportOptions o);
std::unique_ptr<Reporter> make_jsonl_reporter(std::FILE* out, ReportOptions o);
std::unique_ptr<Reporter> make_sarif_reporter(std::FILE* out, ReportOptions o);
std::unique_ptr<Reporter> make_short_reporter(std::FILE* out, ReportOptions o);
std::unique_ptr<Reporter> make_github_reporter(std::FILE* out, ReportOptions o);
std::unique_ptr<Reporter> make_csv_reporter(std::FILE* out, ReportOptions o);
std::unique_ptr<Reporter> make_junit_reporter(std::FILE* out, ReportOptions o);

const char* format_names() { return "text, json, jsonl, sarif, short, github, csv, junit"; }

std::optional<Format> parse_format(const std::string& s) {
  if (s == "text") return Format::kText;
  if (s == "json") return Format::kJson;
  if (s == "jsonl") return Format::kJsonl;
  if (s == "sarif") return Format::kSarif;
  if (s == "short") return Format::kShort;
  if (s == "github") return Format::kGithub;
  if (s == "csv") return Format::kCsv;
  if (s == "junit") return Format::kJunit;
  return std::nullopt;
}

std::unique_ptr<Reporter> make_reporter(Format format, std::FILE* out, ReportOptions options) {
  switch (format) {
    case Format::kText:
      return std::make_unique<TextReporter>(out, std::move(options));
    case Format::kJson:
      return make_json_reporter(out, std::move(options));
    case Format::kJsonl:
      return make_jsonl_reporter(out, std::move(options));
    case Format::kSarif:
      return make_sarif_reporter(out, std::move(options));
    case Format::kShort:
      return make_short_reporter(out, std::move(options));
    case Format::kGithub:
      return make_github_reporter(out, std::move(options));
    case Format::kCsv:
      return make_csv_reporter(out, std::move(options));
    case Format::kJunit:
      return make_junit_reporter(out, std::move(options));
  }
  return nullptr;
}

}  // namespace reachscan::report
