// Production-reach accuracy on corpus/reach: scans it with the built-in rules, classifies every
// finding with the corpus's .reachscan.yaml, flags reuse, and compares with corpus/reach/labels.tsv
// (path, line, rule id, expected verdict). Prints accuracy, the confusion matrix and every miss
// with its evidence; fails below kMinAccuracy, when a production-labelled finding is classified
// non_production, or when nothing is found where a label says a secret is.
//
// NOTE: the verdict belongs to the place, not to the rule, so the rule set may change under the
// corpus: a finding of another rule on a labelled line takes that line's label, and a label whose
// rule is not in the build is skipped.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>

#include "patterns/rule.h"
#include "patterns/rule_database.h"
#include "reach/classify.h"
#include "reach/deployment.h"
#include "scanner/pipeline.h"
#include "tests/support/scan.h"

namespace reachscan::reach {
namespace {

using namespace reachscan::test;

namespace fs = std::filesystem;
using Key = std::tuple<std::string, std::uint64_t, std::string>;  // path, line, rule

constexpr double kMinAccuracy = 0.98;

std::map<Key, ReachVerdict> load_labels(const fs::path& file) {
  std::map<Key, ReachVerdict> labels;
  std::ifstream in(file);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream row(line);
    std::string path, number, rule, verdict;
    if (!std::getline(row, path, '\t') || !std::getline(row, number, '\t') ||
        !std::getline(row, rule, '\t') || !std::getline(row, verdict, '\t')) {
      ADD_FAILURE() << file << ":" << n << ": malformed label line";
      continue;
    }
    const auto v = parse_verdict(verdict);
    if (!v) {
      ADD_FAILURE() << file << ":" << n << ": unknown verdict '" << verdict << "'";
      continue;
    }
    labels[{path, std::stoull(number), rule}] = *v;
  }
  return labels;
}

int index_of(ReachVerdict v) {
  switch (v) {
    case ReachVerdict::kProduction:
      return 0;
    case ReachVerdict::kNonProduction:
      return 1;
    case ReachVerdict::kUnknown:
      return 2;
  }
  return 2;
}

struct Outcome {
  int correct = 0;
  int total = 0;
  int production_as_non_production = 0;
  int matrix[3][3] = {};  // [expected][got]: production, non_production, unknown
  std::vector<std::string> misses;
};

// A finding's path relative to the corpus root; empty when it is not under it.
std::string relative(const Finding& f, const std::string& root) {
  if (f.path.size() <= root.size() + 1 || f.path.compare(0, root.size(), root) != 0) return {};
  return f.path.substr(root.size() + 1);
}

// The label of a finding: its own (path, line, rule), else any label on the same line.
const ReachVerdict* label_of(const std::map<Key, ReachVerdict>& labels, const Key& key) {
  if (const auto it = labels.find(key); it != labels.end()) return &it->second;
  const auto it = labels.lower_bound({std::get<0>(key), std::get<1>(key), std::string()});
  if (it != labels.end() && std::get<0>(it->first) == std::get<0>(key) &&
      std::get<1>(it->first) == std::get<1>(key))
    return &it->second;
  return nullptr;
}

Outcome evaluate(std::vector<Finding> findings, const std::string& root,
                 const std::map<Key, ReachVerdict>& labels, const ReachConfig& cfg,
                 const DeploymentModel* deployment = nullptr) {
  std::map<std::string, std::string> texts;
  for (Finding& f : findings) {
    auto it = texts.find(f.path);
    if (it == texts.end()) {
      std::ifstream in(f.path, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      it = texts.emplace(f.path, ss.str()).first;
    }
    f.reach = classify(
        f, FileContext{f.path, it->second, static_cast<std::size_t>(f.offset), root, deployment},
        cfg);
  }
  flag_reuse(findings, "accuracy-test-key");

  Outcome run;
  for (const Finding& f : findings) {
    const Key key{relative(f, root), f.line, f.rule_id};
    const ReachVerdict* label = label_of(labels, key);
    if (!label) continue;  // reported by the caller
    const ReachVerdict got = f.reach->verdict;
    ++run.total;
    ++run.matrix[index_of(*label)][index_of(got)];
    if (got == *label) {
      ++run.correct;
      continue;
    }
    if (*label == ReachVerdict::kProduction && got == ReachVerdict::kNonProduction)
      ++run.production_as_non_production;
    std::string miss = std::get<0>(key) + ":" + std::to_string(f.line) + " " + f.rule_id +
                       ": expected " + to_string(*label) + ", got " + to_string(got) + "\n";
    for (const Evidence& e : f.reach->evidence)
      miss += "      " + e.signal + " " + std::to_string(e.weight) + ": " + e.detail + "\n";
    run.misses.push_back(miss);
  }
  return run;
}

void print(const char* title, const Outcome& r) {
  std::printf("%s: %d/%d correct, accuracy %.3f\n", title, r.correct, r.total,
              r.total ? static_cast<double>(r.correct) / r.total : 0.0);
  std::printf("  expected \\ got     production  non_production  unknown\n");
  const char* names[3] = {"production", "non_production", "unknown"};
  for (int i = 0; i < 3; ++i)
    std::printf("  %-17s %10d  %14d  %7d\n", names[i], r.matrix[i][0], r.matrix[i][1],
                r.matrix[i][2]);
}

TEST(ReachAccuracy, CorpusVerdicts) {
  const fs::path dir = fs::path(REACHSCAN_SOURCE_DIR) / "corpus" / "reach";
  const std::string root = fs::canonical(dir).string();
  const std::map<Key, ReachVerdict> labels = load_labels(dir / "labels.tsv");
  ASSERT_GE(labels.size(), 200u);

  const auto cfg = load_reach_config(root + "/.reachscan.yaml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  ASSERT_FALSE(cfg->empty());

  patterns::DatabaseOptions o;
  o.use_cache = false;
  const patterns::RuleSet rules = patterns::embedded_rules();
  std::set<std::string> rule_ids;
  for (const patterns::Rule& r : rules.rules) rule_ids.insert(r.id);
  auto db = patterns::RuleDatabase::build(rules.rules, o).database;
  const FlatResult scan = scan_paths(db, {}, {root});
  EXPECT_FALSE(scan.summary.has_errors());

  // Something must be found where each label (of a rule in this build) points; findings on
  // lines without a label are listed.
  std::set<std::pair<std::string, std::uint64_t>> found_lines;
  for (const Finding& f : scan.findings) {
    const Key key{relative(f, root), f.line, f.rule_id};
    found_lines.emplace(std::get<0>(key), f.line);
    for (const Part& p : f.parts) found_lines.emplace(std::get<0>(key), p.line);  // an AWS key id
    if (!label_of(labels, key))
      std::printf("unlabelled finding: %s:%llu %s\n", std::get<0>(key).c_str(),
                  static_cast<unsigned long long>(f.line), f.rule_id.c_str());
  }
  int skipped = 0;
  for (const auto& [key, verdict] : labels) {
    if (!rule_ids.count(std::get<2>(key))) {
      ++skipped;
      continue;
    }
    EXPECT_TRUE(found_lines.count({std::get<0>(key), std::get<1>(key)}))
        << "labelled finding not found: " << std::get<0>(key) << ":" << std::get<1>(key) << " "
        << std::get<2>(key);
  }
  if (skipped) std::printf("%d labels skipped: their rules are not in this build\n", skipped);

  // As `reachscan dir corpus/reach` classifies: with the deployment model of the tree.
  const DeploymentModel model = build_deployment_model(DirectoryTreeReader(root));
  const Outcome with_config = evaluate(scan.findings, root, labels, cfg.value(), &model);
  const Outcome without_model = evaluate(scan.findings, root, labels, cfg.value());
  const Outcome heuristics = evaluate(scan.findings, root, labels, ReachConfig{}, &model);
  for (const std::string& m : with_config.misses) std::printf("  miss: %s", m.c_str());
  print("reach accuracy (corpus/reach, with its environments map and the deployment model)",
        with_config);
  print("reach accuracy without the deployment model (for information)", without_model);
  print("reach accuracy without the environments map (heuristics only, for information)",
        heuristics);

  ASSERT_GT(with_config.total, 0);
  const double accuracy = static_cast<double>(with_config.correct) / with_config.total;
  EXPECT_GE(accuracy, kMinAccuracy);
  EXPECT_EQ(with_config.production_as_non_production, 0)
      << "production-labelled findings classified non_production";
}

}  // namespace
}  // namespace reachscan::reach
