// Production-reach accuracy on corpus/reach/graph: five multi-environment repositories (Flux
// fleet, Argo CD + Helm platform, Terragrunt live layout, an app whose CI deploys an image, a
// GitLab CI + compose service), each scanned on its own with the built-in rules and no
// environments map, as `reachscan dir <repo>` does: the deployment model is built by the scan.
// Prints accuracy per category (graph, explicit, non_production, unreached) with and without the
// model, and every miss with its evidence; fails below the bars of issue 11 or when a
// production-labelled secret is called non_production.
//
// Also: a `git` scan and a `dir` scan of the same tree give the same verdict for a secret at HEAD.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
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

namespace fs = std::filesystem;
using Key = std::tuple<std::string, std::uint64_t, std::string>;  // repo/path, line, rule

constexpr double kMinAccuracy = 0.9;
constexpr double kMinGraphAccuracy = 0.85;

struct Label {
  ReachVerdict verdict;
  std::string category;
};

std::map<Key, Label> load_labels(const fs::path& file) {
  std::map<Key, Label> labels;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream row(line);
    std::string path, number, rule, verdict, category;
    std::getline(row, path, '\t');
    std::getline(row, number, '\t');
    std::getline(row, rule, '\t');
    std::getline(row, verdict, '\t');
    std::getline(row, category, '\t');
    const auto v = parse_verdict(verdict);
    if (!v || category.empty()) {
      ADD_FAILURE() << "malformed label line: " << line;
      continue;
    }
    labels[{path, std::stoull(number), rule}] = {*v, category};
  }
  return labels;
}

std::shared_ptr<const patterns::RuleDatabase> database() {
  static const auto db = [] {
    patterns::DatabaseOptions o;
    o.use_cache = false;
    return patterns::RuleDatabase::build(patterns::embedded_rules().rules, o).database;
  }();
  return db;
}

ScanOptions options(const std::string& root, bool with_model) {
  ScanOptions o;
  o.reach = std::make_shared<const ReachConfig>();
  o.root = root;
  if (!with_model)  // an empty model
    o.deployment = [] { return std::make_shared<const DeploymentModel>(); };
  return o;
}

struct Tally {
  int correct = 0;
  int total = 0;
};

struct Outcome {
  std::map<std::string, Tally> by_category;
  Tally all;
  int production_as_non_production = 0;
  std::vector<std::string> misses;
  std::set<Key> seen;
};

void evaluate(const std::string& repo, const std::vector<Finding>& findings,
              const std::string& root, const std::map<Key, Label>& labels, Outcome& out) {
  for (const Finding& f : findings) {
    const std::string rel = repo + "/" + f.path.substr(root.size() + 1);
    const Key key{rel, f.line, f.rule_id};
    const auto it = labels.find(key);
    if (it == labels.end()) continue;
    out.seen.insert(key);
    const ReachVerdict got = f.reach ? f.reach->verdict : ReachVerdict::kUnknown;
    const bool ok = got == it->second.verdict;
    for (Tally* t : {&out.all, &out.by_category[it->second.category]}) {
      ++t->total;
      t->correct += ok ? 1 : 0;
    }
    if (it->second.verdict == ReachVerdict::kProduction && got == ReachVerdict::kNonProduction)
      ++out.production_as_non_production;
    if (!ok) {
      std::string miss = rel + ":" + std::to_string(f.line) + " " + f.rule_id + " [" +
                         it->second.category + "]: expected " + to_string(it->second.verdict) +
                         ", got " + to_string(got) + "\n";
      if (f.reach)
        for (const Evidence& e : f.reach->evidence)
          miss += "      " + e.signal + " " + std::to_string(e.weight) + ": " + e.detail + "\n";
      out.misses.push_back(miss);
    }
  }
}

Outcome run_all(const fs::path& dir, const std::map<Key, Label>& labels, bool with_model) {
  Outcome out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_directory()) continue;
    const std::string repo = entry.path().filename().string();
    const std::string root = fs::canonical(entry.path()).string();
    const auto scan = test::scan_paths(database(), options(root, with_model), {root});
    EXPECT_FALSE(scan.summary.has_errors()) << repo;
    evaluate(repo, scan.findings, root, labels, out);
  }
  return out;
}

double ratio(const Tally& t) { return t.total ? static_cast<double>(t.correct) / t.total : 0.0; }

void print(const char* title, const Outcome& o) {
  std::printf("%s: %d/%d correct, accuracy %.3f\n", title, o.all.correct, o.all.total,
              ratio(o.all));
  for (const auto& [category, t] : o.by_category)
    std::printf("  %-15s %2d/%2d  %.3f\n", category.c_str(), t.correct, t.total, ratio(t));
  std::printf("  production called non_production: %d\n", o.production_as_non_production);
}

TEST(ReachGraphAccuracy, CorpusVerdictsPerCategory) {
  const fs::path dir = fs::path(REACHSCAN_SOURCE_DIR) / "corpus" / "reach" / "graph";
  const auto labels = load_labels(dir / "labels.tsv");
  ASSERT_GE(labels.size(), 20u);

  const Outcome with_model = run_all(dir, labels, true);
  const Outcome local_only = run_all(dir, labels, false);
  for (const std::string& m : with_model.misses) std::printf("  miss: %s", m.c_str());
  print("reach accuracy (corpus/reach/graph, deployment model)", with_model);
  print("reach accuracy without the deployment model (local signals, for information)", local_only);

  for (const auto& [key, label] : labels)
    EXPECT_TRUE(with_model.seen.count(key)) << "labelled secret not found: " << std::get<0>(key)
                                            << ":" << std::get<1>(key) << " " << std::get<2>(key);
  EXPECT_GE(ratio(with_model.all), kMinAccuracy);
  ASSERT_TRUE(with_model.by_category.count("graph"));
  EXPECT_GE(ratio(with_model.by_category.at("graph")), kMinGraphAccuracy);
  EXPECT_EQ(with_model.production_as_non_production, 0);
}

// Issue 11: a `git` scan and a `dir` scan of the same tree give the same verdict for a secret at
// HEAD (the git scan builds the model from HEAD's tree, the dir scan from the folder).
TEST(ReachGraphAccuracy, GitAndDirScansAgreeAtHead) {
  if (std::system("git --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "git not installed";
  const fs::path src = fs::path(REACHSCAN_SOURCE_DIR) / "corpus" / "reach" / "graph" / "fleet";
  const fs::path tmp =
      fs::temp_directory_path() /
      ("reach-git-dir-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
       std::to_string(std::rand()));
  fs::create_directories(tmp);
  fs::copy(src, tmp / "fleet", fs::copy_options::recursive);
  const fs::path repo = tmp / "fleet";
  const std::string cmd = "cd '" + repo.string() +
                          "' && git init -q -b main . && git add -A && git -c user.name=t "
                          "-c user.email=t@t commit -q -m fleet";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string root = fs::canonical(repo).string();

  const auto dir = test::scan_paths(database(), options(root, true), {root});
  test::GitScanOptions go;
  go.repo = root;
  go.scan = options(root, true);
  go.scan.root.clear();
  const auto git = test::scan_git(database(), go);
  ASSERT_TRUE(git.ok()) << git.status().message();

  std::map<std::pair<std::string, std::string>, ReachVerdict> from_dir;
  for (const Finding& f : dir.findings)
    from_dir[{f.path.substr(root.size() + 1), f.fingerprint}] = f.reach->verdict;
  int compared = 0;
  for (const Finding& f : git->findings) {
    const auto it = from_dir.find({f.path, f.fingerprint});
    ASSERT_NE(it, from_dir.end()) << f.path;
    EXPECT_EQ(to_string(f.reach->verdict), std::string(to_string(it->second))) << f.path;
    ++compared;
  }
  EXPECT_EQ(compared, static_cast<int>(dir.findings.size()));
  EXPECT_GE(compared, 4);
  std::error_code ec;
  fs::remove_all(tmp, ec);
}

}  // namespace
}  // namespace reachscan::reach
