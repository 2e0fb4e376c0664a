// Scans corpus/files with the built-in rules and compares with corpus/truth/*.tsv
// (path, line, rule id). Prints per-rule and per-family (the rule id's first word: aws, twilio,
// uri, ...) recall and precision; fails below the thresholds overall and in any family.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include "patterns/rule.h"
#include "patterns/rule_database.h"
#include "scanner/pipeline.h"
#include "tests/support/scan.h"

namespace reachscan {
namespace {

using namespace reachscan::test;

namespace fs = std::filesystem;
using Key = std::tuple<std::string, std::uint64_t, std::string>;  // path, line, rule

constexpr double kMinRecall = 0.98;
constexpr double kMinPrecision = 0.98;

std::set<Key> load_truth(const fs::path& dir) {
  std::set<Key> truth;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".tsv") continue;
    std::ifstream in(e.path());
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.empty() || line[0] == '#') continue;
      const auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
      if (t1 == std::string::npos || t2 == std::string::npos) {
        ADD_FAILURE() << e.path() << ":" << n << ": malformed truth line";
        continue;
      }
      std::string rule = line.substr(t2 + 1);
      while (!rule.empty() && (rule.back() == '\r' || rule.back() == ' ')) rule.pop_back();
      truth.emplace(line.substr(0, t1), std::stoull(line.substr(t1 + 1, t2 - t1 - 1)), rule);
    }
  }
  return truth;
}

TEST(Corpus, RecallAndPrecision) {
  const fs::path root = fs::path(REACHSCAN_SOURCE_DIR) / "corpus";
  const std::set<Key> truth = load_truth(root / "truth");
  ASSERT_GE(truth.size(), 100u);

  patterns::RuleSet rules = patterns::embedded_rules();
  patterns::DatabaseOptions o;
  o.use_cache = false;
  auto db = patterns::RuleDatabase::build(rules.rules, o).database;
  const std::string files = (root / "files").string();
  const FlatResult result = scan_paths(db, {}, {files});
  EXPECT_FALSE(result.summary.has_errors());

  // A multi-part credential is one finding; its identifier part (an AWS key id next to its
  // secret) still counts as detected where the truth lists it, but is no finding of its own.
  std::set<Key> found, parts;
  for (const Finding& f : result.findings) {
    found.emplace(f.path.substr(files.size() + 1), f.line, f.rule_id);
    for (const Part& p : f.parts) parts.emplace(f.path.substr(files.size() + 1), p.line, p.rule_id);
  }
  auto detected = [&](const Key& k) { return found.count(k) || parts.count(k); };

  std::map<std::string, std::array<int, 3>> per_rule;  // tp, fn, fp
  for (const Key& k : truth) ++per_rule[std::get<2>(k)][detected(k) ? 0 : 1];
  for (const Key& k : found)
    if (!truth.count(k)) {
      ++per_rule[std::get<2>(k)][2];
      fmt::print("unexpected: {}:{} {}\n", std::get<0>(k), std::get<1>(k), std::get<2>(k));
    }
  int tp = 0, fn = 0, fp = 0;
  for (const auto& [rule, c] : per_rule) {
    tp += c[0];
    fn += c[1];
    fp += c[2];
    fmt::print("{:<40} tp {:>3}  fn {:>3}  fp {:>3}\n", rule, c[0], c[1], c[2]);
  }
  for (const Key& k : truth)
    if (!detected(k))
      fmt::print("missed: {}:{} {}\n", std::get<0>(k), std::get<1>(k), std::get<2>(k));
  std::map<std::string, std::array<int, 3>> per_family;
  for (const auto& [rule, c] : per_rule) {
    auto& fam = per_family[rule.substr(0, rule.find('.'))];
    for (int i = 0; i < 3; ++i) fam[i] += c[i];
  }
  for (const auto& [family, c] : per_family) {
    const double r = c[0] / static_cast<double>(std::max(1, c[0] + c[1]));
    const double p = c[0] / static_cast<double>(std::max(1, c[0] + c[2]));
    fmt::print("family {:<24} recall {:.3f}  precision {:.3f}  (tp {} fn {} fp {})\n", family, r, p,
               c[0], c[1], c[2]);
    EXPECT_GE(r, kMinRecall) << "family " << family;
    EXPECT_GE(p, kMinPrecision) << "family " << family;
  }
  const double recall = tp / static_cast<double>(tp + fn);
  const double precision = tp / static_cast<double>(std::max(1, tp + fp));
  fmt::print("corpus: {} expected, {} found; recall {:.3f}, precision {:.3f}\n", truth.size(),
             found.size(), recall, precision);
  EXPECT_GE(recall, kMinRecall);
  EXPECT_GE(precision, kMinPrecision);
}

}  // namespace
}  // namespace reachscan
