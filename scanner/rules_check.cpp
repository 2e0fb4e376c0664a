#include "scanner/rules_check.h"

#include <fmt/core.h>

#include <map>

#include "entropy/entropy.h"
#include "patterns/rule_database.h"
#include "scanner/detector.h"
#include "verify/verify.h"

namespace reachscan {
namespace {

std::string shorten(const std::string& s) {
  std::string out = s.size() > 60 ? s.substr(0, 60) + "..." : s;
  for (char& c : out)
    if (c == '\n') c = ' ';
  return out;
}

// Why an example of `rule` yields no finding: the rule alone, on the example, through each stage a
// scan runs (Hyperscan, the RE2 confirm, keyword, entropy, placeholder, inline allow, allowlists),
// naming the first that drops it. When the rule alone finds it, another rule's finding took it.
std::string explain_miss(const patterns::Rule& rule, const std::string& example) {
  patterns::DatabaseOptions no_cache;
  no_cache.use_cache = false;
  auto built = patterns::RuleDatabase::build({rule}, no_cache);
  if (built.database->rules().empty()) return "the rule does not compile alone";
  const Detector alone(built.database);
  std::vector<patterns::Match> matches;
  const Status scanned = alone.matcher().scan(example, [&](const patterns::Match& m) {
    matches.push_back(m);
    return true;
  });
  if (!scanned.ok()) return "the matcher failed: " + scanned.message();
  if (matches.empty())
    return alone.matcher().unconfirmed_hits() > 0
               ? "Hyperscan matches but the RE2 confirm step does not (the engines read the "
                 "pattern differently)"
               : "the pattern does not match (no Hyperscan match)";
  const patterns::Match& m = matches.front();
  const std::string_view secret =
      std::string_view(example).substr(m.secret_start, m.secret_end - m.secret_start);
  if (secret.empty()) return "the match's secret group is empty";
  DetectStats stats;
  std::vector<Finding> found;
  Chunk chunk;
  chunk.data = example;
  (void)alone.detect(chunk, rule.example_path.empty() ? "-" : rule.example_path, found, stats);
  if (!found.empty())
    return "the rule alone finds it: another rule's finding covers the same secret (a specific "
           "rule shadows a generic one, or it became a part of a multi-part finding)";
  if (stats.dropped_keyword > 0) return "keyword filter: none of the rule's keywords is there";
  if (stats.dropped_entropy > 0)
    return fmt::format("entropy filter: the secret's entropy {:.2f} is below min_entropy {:.2f}",
                       entropy::shannon(secret), rule.min_entropy);
  if (stats.dropped_placeholder > 0) {
    const auto why = entropy::placeholder_reason(secret);
    return "placeholder filter: " +
           (why ? std::string(*why) : std::string("the value looks like a generic placeholder"));
  }
  if (stats.suppressed_inline > 0) return "a reachscan:allow comment on the line suppresses it";
  if (stats.suppressed_allowlist > 0)
    return "the rule's allowlist (regexes, stopwords or paths) suppresses it";
  if (!rule.path.empty()) return "the rule's path filter '" + rule.path + "' excludes it";
  return "dropped after matching for a reason no stage reports";
}

}  // namespace

RuleCheckReport check_rules(patterns::RuleSet set) {
  set.check_companions();
  RuleCheckReport report;
  report.problems = std::move(set.errors);
  std::map<std::string, std::string> seen;
  std::vector<patterns::Rule> usable;
  for (patterns::Rule& r : set.rules) {
    const std::string who = r.source + ": rule " + r.id + ": ";
    bool ok = true;
    if (auto [it, fresh] = seen.emplace(r.id, r.source); !fresh) {
      report.problems.push_back(who + "duplicate id (also in " + it->second + ")");
      ok = false;
    }
    if (r.references.empty()) report.problems.push_back(who + "no references");
    if (r.examples.empty()) report.problems.push_back(who + "no examples");
    if (r.negative_examples.empty()) report.problems.push_back(who + "no negative_examples");
    if (!r.path.empty() && r.example_path.empty())
      report.problems.push_back(who + "a rule with a path needs an example_path to check it");
    if (!r.verify.empty() && !verify::known_verifier(r.verify)) {
      report.problems.push_back(who + "unknown verifier '" + r.verify + "'");
      ok = false;
    }
    for (const std::string& p : patterns::check_pattern(r.pattern)) {
      report.problems.push_back(who + p);
      ok = false;
    }
    if (ok) usable.push_back(std::move(r));
  }
  report.rules = usable.size();

  patterns::DatabaseOptions no_cache;
  no_cache.use_cache = false;
  auto built = patterns::RuleDatabase::build(usable, no_cache);
  for (std::string& e : built.errors) report.problems.push_back("together: " + std::move(e));
  const Detector detector(built.database);
  const auto& rules = built.database->rules();

  for (const patterns::Rule& r : rules) {
    const std::string who = r.source + ": rule " + r.id + ": ";
    // A companion's match may be reported as a part of another rule's finding.
    auto of_rule = [&](const std::vector<Finding>& fs) -> const Finding* {
      for (const Finding& f : fs) {
        if (f.rule_id == r.id) return &f;
        for (const Part& p : f.parts)
          if (p.rule_id == r.id) return &f;
      }
      return nullptr;
    };
    auto has_rule = [&](const std::vector<Finding>& fs) { return of_rule(fs) != nullptr; };
    const std::string sample_path = r.example_path.empty() ? "-" : r.example_path;
    for (const std::string& ex : r.examples) {
      ++report.examples;
      const auto before = detector.matcher().unconfirmed_hits();
      const auto found = detector.detect_all(ex, sample_path);
      const Finding* f = of_rule(found);
      if (!f)
        report.problems.push_back(who + "example does not match: " + shorten(ex) + " (" +
                                  explain_miss(r, ex) + ")");
      else if (f->verification.status == VerifyStatus::kInvalidStructure)
        // Positives of a rule with a verifier must be synthetic but structurally valid.
        report.problems.push_back(who + "example fails its verifier (" +
                                  (f->verification.reasons.empty()
                                       ? std::string("invalid structure")
                                       : f->verification.reasons.front()) +
                                  "): " + shorten(ex));
      if (detector.matcher().unconfirmed_hits() != before)
        report.problems.push_back(who + "Hyperscan and RE2 disagree on: " + shorten(ex));
    }
    for (const std::string& ex : r.negative_examples) {
      ++report.examples;
      if (has_rule(detector.detect_all(ex, sample_path)))
        report.problems.push_back(who + "negative example matches: " + shorten(ex));
    }
  }
  return report;
}

}  // namespace reachscan
