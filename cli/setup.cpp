#include "cli/setup.h"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <system_error>

#include "core/read_file.h"
#include "patterns/gitleaks.h"
#include "patterns/rule.h"
#include "report/escape.h"
#include "scanner/fingerprint.h"
#include "sources/archive.h"

namespace reachscan::cli {
namespace fs = std::filesystem;

namespace {

constexpr const char* kConfigName = ".reachscan.yaml";
constexpr const char* kGitleaksName = ".gitleaks.toml";
constexpr const char* kIgnoreName = ".reachscanignore";
constexpr const char* kGitleaksIgnoreName = ".gitleaksignore";

// Runs `write` on a sink's reporter. A reader that went away (`| head`) ends that report quietly:
// it is not an error, and the scan's outcome still decides the exit status.
template <typename Fn>
void write_to(Sink& k, Fn&& write) {
  if (k.closed) return;
  try {
    write();
  } catch (const std::system_error& e) {
    if (e.code().value() != EPIPE) throw;
    k.closed = true;
  }
}

// Streams each item's occurrences to the reporters that stream (JSON Lines).
class StreamToSinks final : public ScanObserver {
 public:
  explicit StreamToSinks(std::vector<Sink>& sinks) : sinks_(sinks) {}
  void on_occurrences(const std::vector<Finding>& found) override {
    std::optional<std::vector<Finding>> masked;
    for (Sink& k : sinks_) {
      if (k.format != report::Format::kJsonl) continue;
      if (k.masked && !masked) masked = report::mask(found);
      write_to(k, [&] {
        for (const Finding& f : k.masked ? *masked : found) k.reporter->on_occurrence(f);
      });
    }
  }

 private:
  std::vector<Sink>& sinks_;
};

}  // namespace

// Hands each finding to every report, masked for those that mask (with the secrets of every
// finding the scan reports, by path).
class FindingsToSinks final : public FindingSink {
 public:
  explicit FindingsToSinks(std::vector<Sink>& sinks) : sinks_(sinks) {}
  bool wants_secrets() const override {
    return std::any_of(sinks_.begin(), sinks_.end(), [](const Sink& k) { return k.masked; });
  }
  void secrets(PathSecrets&& by_path) override { secrets_ = std::move(by_path); }
  void on_finding(SecretFinding&& f) override {
    ++written_;
    production_ |= f.first.reach && f.first.reach->verdict == ReachVerdict::kProduction;
    std::optional<SecretFinding> masked;
    for (Sink& k : sinks_) {
      if (k.masked && !masked) masked = report::mask(f, secrets_);
      write_to(k, [&] { k.reporter->on_finding(k.masked ? *masked : f); });
    }
  }
  std::uint64_t written_ = 0;
  bool production_ = false;

 private:
  std::vector<Sink>& sinks_;
  PathSecrets secrets_;
};

std::string find_upwards(const std::string& root, const char* name) {
  std::error_code ec;
  fs::path dir = fs::absolute(root, ec).lexically_normal();
  if (ec) return {};
  for (;;) {
    const fs::path candidate = dir / name;
    if (fs::exists(candidate, ec)) return candidate.string();
    if (fs::exists(dir / ".git", ec) || !dir.has_parent_path() || dir.parent_path() == dir)
      return {};
    dir = dir.parent_path();
  }
}

namespace {

// The config that applies: -c FILE; else .reachscan.yaml in the root or above; else the gitleaks
// config in GITLEAKS_CONFIG; else .gitleaks.toml in the root or above. Empty: none. `confine`:
// the folder of a config that came with the scanned tree (found there, not named by the user),
// which every file it names must stay inside.
struct ConfigChoice {
  std::string path;
  std::string confine;
};

ConfigChoice config_for(const GlobalOptions& g, const std::string& root) {
  if (!g.config.empty()) return {g.config, {}};
  std::string found = find_upwards(root, kConfigName);
  if (found.empty()) {
    if (const char* env = std::getenv("GITLEAKS_CONFIG"); env && *env) return {env, {}};
    found = find_upwards(root, kGitleaksName);
  }
  if (found.empty()) return {};
  return {found, fs::path(found).parent_path().string()};
}

// A file found in the scanned tree by its name (a config, an ignore file) must not be a symlink
// out of the folder it was found in, or a committed link would make us read any file of this
// machine (and echo its lines in errors).
Status found_inside(const std::string& found, const char* what) {
  if (found.empty()) return {};
  return check_inside(found, fs::path(found).parent_path().string(), what);
}

// The rule files named by a config from the scanned tree must be inside its own folder (`/etc`,
// `../../..` are refused). A config given with -c is the user's and may name any path.
Status rules_inside(const Config& config, const std::string& confine) {
  for (const std::string& p : config.rule_paths)
    if (!check_inside(p, confine, "rules path").ok())
      return Status::error(config.path + ": rules path '" + p +
                           "' leaves the folder of this "
                           "config, which was found in the scanned tree; give it with --rules or "
                           "the config with -c to use it");
  return {};
}

// The built-in rules (unless the config turns them off) and the config's own. A gitleaks config
// brings its rules, and its global allowlists and disabledRules also reach the built-in rules when
// `[extend] useDefault` keeps them.
patterns::RuleSet config_rules(const GlobalOptions& g, const Config& config,
                               patterns::GitleaksConfig gitleaks, const std::string& confine) {
  patterns::RuleSet rules;
  if (config.gitleaks.empty() ? config.builtin_rules : gitleaks.use_default) {
    rules = patterns::embedded_rules_for_scan(
        g.no_cache ? "" : patterns::RuleDatabase::default_cache_dir());
    for (patterns::Rule& r : rules.rules)
      r.allowlists.insert(r.allowlists.end(), gitleaks.global_allowlists.begin(),
                          gitleaks.global_allowlists.end());
    const auto unknown = patterns::select_rules(rules.rules, {}, gitleaks.disabled_rules);
    for (const std::string& id : unknown)
      rules.warnings.push_back(config.gitleaks + ": [extend] disabledRules: '" + id +
                               "' is no rule here; ignored");
  }
  rules.append(std::move(gitleaks.rules));
  for (const std::string& p : config.rule_paths) rules.append(patterns::load_rules(p, confine));
  return rules;
}

}  // namespace

std::optional<Setup> load_setup(const GlobalOptions& g, const std::string& root) {
  Setup out;
  const auto [config_path, confine] = config_for(g, root);
  if (!config_path.empty()) {
    if (Status s = found_inside(confine.empty() ? "" : config_path, "config file"); !s.ok()) {
      error_line(s.message());
      return std::nullopt;
    }
    auto c = load_config(config_path);
    if (!c) {
      error_line(c.status().message());
      return std::nullopt;
    }
    out.config = std::move(*c);
    if (Status s = confine.empty() ? Status() : rules_inside(out.config, confine); !s.ok()) {
      error_line(s.message());
      return std::nullopt;
    }
    for (const std::string& w : out.config.warnings)
      fmt::print(stderr, "reachscan: warning: {}\n", report::escape_for_terminal(w));
    auto env = reach::parse_reach_config(out.config.text, config_path);
    if (!env) {
      error_line(env.status().message());
      return std::nullopt;
    }
    out.reach = std::make_shared<const reach::ReachConfig>(std::move(*env));
  }
  if (!out.reach) out.reach = std::make_shared<const reach::ReachConfig>();

  patterns::GitleaksConfig gitleaks;
  if (!out.config.gitleaks.empty()) {
    // A gitleaks config that cannot be read stops the run, as a bad .reachscan.yaml does.
    gitleaks = patterns::load_gitleaks(out.config.gitleaks, confine);
    if (!gitleaks.rules.errors.empty()) {
      for (const std::string& e : gitleaks.rules.errors) error_line(e);
      return std::nullopt;
    }
  }
  patterns::RuleSet rules = config_rules(g, out.config, std::move(gitleaks), confine);
  for (const std::string& p : g.rule_paths) rules.append(patterns::load_rules(p));
  rules.drop_duplicate_ids();
  rules.check_companions();
  for (std::string& e : rules.errors) out.errors.push_back(std::move(e));
  for (const std::string& w : rules.warnings)
    fmt::print(stderr, "reachscan: warning: {}\n", report::escape_for_terminal(w));

  std::vector<std::string> only = out.config.only_rules, skip = out.config.skip_rules;
  only.insert(only.end(), g.only_rules.begin(), g.only_rules.end());
  skip.insert(skip.end(), g.skip_rules.begin(), g.skip_rules.end());
  const auto unknown = patterns::select_rules(rules.rules, only, skip);
  if (!unknown.empty()) {
    std::string list;
    for (const auto& u : unknown) list += (list.empty() ? "" : ", ") + u;
    error_line("unknown rule id in --only-rules/--skip-rules: " + list +
               " (see `reachscan rules list`)");
    return std::nullopt;
  }
  // Opt-in detectors run when their flag is given or --only-rules names them.
  std::vector<std::string> opt_ins;
  if (g.entropy_strings) opt_ins.emplace_back("entropy-strings");
  patterns::drop_opt_in_rules(rules.rules, opt_ins, only);

  patterns::DatabaseOptions dbo;
  dbo.use_cache = !g.no_cache;
  auto built = patterns::RuleDatabase::build(std::move(rules.rules), dbo);
  for (std::string& e : built.errors) out.errors.push_back(std::move(e));
  out.db = std::move(built.database);
  for (const std::string& e : out.errors) error_line(e);
  return out;
}

std::optional<Policy> load_policy(const GlobalOptions& g, const Setup& setup,
                                  const std::string& root) {
  PolicyOptions po;
  po.fail_on = parse_fail_on(g.fail_on).value_or(FailOn::kAny);
  po.exit_code = g.exit_code;
  po.exit_code_set = g.exit_code_set;
  if (!g.min_reach.empty()) {
    po.min_reach = reach::parse_verdict(g.min_reach);
    if (!po.min_reach) {
      error_line("--min-reach: expected production, unknown or non_production");
      return std::nullopt;
    }
  }
  Suppressions suppressions;
  for (const std::string& fp : setup.config.allow_fingerprints) suppressions.add_fingerprint(fp);
  for (const std::string& re : setup.config.allow_secrets)
    if (Status s = suppressions.add_secret_pattern(re); !s.ok()) {
      error_line(s.message());
      return std::nullopt;
    }
  const std::string ignore =
      g.ignore_file.empty() ? find_upwards(root, kIgnoreName) : g.ignore_file;
  if (Status s = found_inside(g.ignore_file.empty() ? ignore : "", "ignore file"); !s.ok()) {
    error_line(s.message());
    return std::nullopt;
  }
  if (!ignore.empty())
    if (Status s = suppressions.add_ignore_file(ignore); !s.ok()) {
      error_line(s.message());
      return std::nullopt;
    }
  const std::string gl = find_upwards(root, kGitleaksIgnoreName);
  if (Status s = found_inside(gl, "ignore file"); !s.ok()) {
    error_line(s.message());
    return std::nullopt;
  }
  if (!gl.empty())
    if (Status s = suppressions.add_gitleaks_ignore(gl); !s.ok()) {
      error_line(s.message());
      return std::nullopt;
    }
  if (!g.baseline.empty())
    if (Status s = suppressions.add_baseline(g.baseline); !s.ok()) {
      error_line(s.message());
      return std::nullopt;
    }
  return Policy(po, std::move(suppressions));
}

std::optional<ScanOptions> scan_options(const GlobalOptions& g, const Setup& setup,
                                        const std::string& root) {
  ScanOptions so;
  so.threads = g.threads;
  so.max_file_size = 25ull * 1000 * 1000;
  if (setup.config.max_file_size) so.max_file_size = *setup.config.max_file_size;
  if (!g.max_file_size.empty()) {
    auto size = parse_size(g.max_file_size);
    if (!size) {
      error_line("--max-file-size: " + size.status().message());
      return std::nullopt;
    }
    so.max_file_size = *size;
  }
  so.exclude_globs = setup.config.allow_paths;
  so.exclude_globs.insert(so.exclude_globs.end(), g.exclude.begin(), g.exclude.end());
  so.verify = !g.no_verify;
  so.decode = !g.no_decode && g.max_decode_depth != 0 && setup.config.decode.value_or(true);
  if (g.max_decode_depth > 0) so.max_decode_depth = g.max_decode_depth;
  so.findings_memory = static_cast<std::size_t>(g.findings_memory << 20);
  so.reach = setup.reach;
  so.root = root;
  if (Status s = apply_archive_flags(g.archive, so.archive); !s.ok()) {
    error_line(s.message());
    return std::nullopt;
  }
  return so;
}

std::unique_ptr<Sinks> Sinks::open(const GlobalOptions& g,
                                   const std::vector<patterns::Rule>& rules) {
  const auto format = report::parse_format(g.format);
  if (!format) {
    error_line("unknown format '" + g.format + "' (" + report::format_names() + ")");
    return nullptr;
  }
  std::unique_ptr<Sinks> s(new Sinks());
  s->g_ = &g;
  std::vector<Sink>& sinks = s->sinks_;
  sinks.push_back({*format, g.output, nullptr, nullptr, false, nullptr, false});
  for (const std::string& r : g.reports) {
    const auto colon = r.find(':');
    const auto extra = report::parse_format(r.substr(0, colon));
    if (colon == std::string::npos || colon + 1 == r.size() || !extra) {
      error_line("--report " + r + ": expected FORMAT:PATH with FORMAT one of " +
                 report::format_names());
      return nullptr;
    }
    sinks.push_back({*extra, r.substr(colon + 1), nullptr, nullptr, false, nullptr, false});
  }
  // Reports are written whole or not at all (an earlier report stays until the new one is
  // complete).
  for (Sink& k : sinks) {
    auto opened = report::OutputFile::open(k.path);
    if (!opened) {
      s->discard();
      error_line(opened.status().message());
      return nullptr;
    }
    k.out = std::move(*opened);
    k.file = k.out->stream();
  }
  for (Sink& k : sinks) {
    // Text is for people, and so is anything printed on a terminal: mask unless asked not to.
    // Hook and CI formats (short, github) always mask, JUnit (CI test views) unless
    // --show-secrets; --redact masks everything.
    // A terminal is a terminal whatever its name (-o /dev/tty).
    k.masked = g.redact || report::always_masked(k.format) ||
               (!g.show_secrets && (report::masked_by_default(k.format) || k.out->is_terminal()));
    report::ReportOptions ro;
    ro.color = k.format == report::Format::kText && k.out->is_terminal() && !g.no_color &&
               std::getenv("NO_COLOR") == nullptr;
    ro.verbose = g.verbose;
    ro.version = g.version;
    ro.rules = &rules;
    ro.fail_on = g.fail_on;
    k.reporter = report::make_reporter(k.format, k.file, ro);
    write_to(k, [&] { k.reporter->begin(); });
  }
  s->stream_ = std::make_unique<StreamToSinks>(sinks);
  s->findings_ = std::make_unique<FindingsToSinks>(sinks);
  return s;
}

bool Sinks::human_summary() const {
  const report::Format f = sinks_.front().format;
  return f == report::Format::kText || f == report::Format::kJsonl;
}

void Sinks::write(const std::vector<SecretFinding>& findings, const ScanSummary& summary) {
  if (findings_->wants_secrets()) {
    std::vector<Finding> flat;
    for (const SecretFinding& s : findings) {
      flat.push_back(s.first);
      flat.insert(flat.end(), s.occurrences.begin(), s.occurrences.end());
    }
    findings_->secrets(secrets_by_path(flat));
  }
  for (const SecretFinding& f : findings) findings_->on_finding(SecretFinding(f));
  finish(summary);
}

void Sinks::finish(const ScanSummary& summary) {
  for (Sink& k : sinks_) {
    // The human summary goes to stderr once, for the main report.
    const bool to_stderr = &k == &sinks_.front() && human_summary() && !g_->quiet;
    write_to(k, [&] { k.reporter->finish(summary, to_stderr ? stderr : nullptr); });
  }
}

Sinks::~Sinks() = default;

FindingSink& Sinks::findings() { return *findings_; }

std::uint64_t Sinks::written() const { return findings_->written_; }
bool Sinks::production() const { return findings_->production_; }

bool Sinks::commit() {
  // Every write and the close checked: a report that failed leaves the earlier one in place. A
  // reader that went away (`| head`) is not a failure.
  bool ok = true;
  for (Sink& k : sinks_) {
    if (k.closed) {
      k.out->discard();
      continue;
    }
    if (Status s = k.out->commit(); !s.ok()) {
      error_line(s.message());
      ok = false;
    }
  }
  return ok;
}

void Sinks::discard() {
  for (Sink& k : sinks_)
    if (k.out) k.out->discard();
}

void print_errors(const GlobalOptions& g, const ScanSummary& summary,
                  const std::vector<std::string>& already_printed) {
  ScanSummary unprinted = summary;
  std::erase_if(unprinted.errors, [&](const std::string& e) {
    return std::find(already_printed.begin(), already_printed.end(), e) != already_printed.end();
  });
  for (const std::string& line : report::error_lines(unprinted, g.verbose)) error_line(line);
}

}  // namespace reachscan::cli
