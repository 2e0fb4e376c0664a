// Cost of the deployment model (reach/deployment.h) on a tree: building it alone, and a whole
// `reachscan dir` scan (built-in rules, reach on) without and with it. Runs each scan `runs` times
// alternately and prints the medians; the difference is what the model adds to a scan.
//
//   deployment_bench <folder> [runs=5] [threads=0]
//   deployment_bench --head <repository> [runs=5]   (the model of HEAD's tree, as `git` scans
//                                                    build it when they have findings)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "git/repository.h"
#include "patterns/rule.h"
#include "patterns/rule_database.h"
#include "reach/classify.h"
#include "reach/deployment.h"
#include "scanner/deployment.h"
#include "scanner/pipeline.h"
#include "sources/files.h"

using namespace reachscan;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <folder> [runs=5] [threads=0]\n", argv[0]);
    return 2;
  }
  if (std::string(argv[1]) == "--head" && argc > 2) {
    auto repo = git::Repository::open(argv[2]);
    if (!repo) {
      std::fprintf(stderr, "%s\n", repo.status().message().c_str());
      return 2;
    }
    const int n = argc > 3 ? std::max(1, std::atoi(argv[3])) : 5;
    std::vector<double> times;
    std::shared_ptr<const reach::DeploymentModel> m;
    for (int i = 0; i < n; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      m = build_head_deployment(**repo);
      times.push_back(seconds_since(t0));
    }
    std::printf("HEAD model: %zu nodes, %zu edges, %zu entry points, %zu manifests read\n",
                m ? m->nodes() : 0, m ? m->edges() : 0, m ? m->entry_points() : 0,
                m ? m->files_read() : 0);
    std::printf("build HEAD model: median %.3f s over %d runs\n", median(times), n);
    return 0;
  }
  const std::string root = argv[1];
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  const unsigned threads = argc > 3 ? static_cast<unsigned>(std::atoi(argv[3])) : 0;

  std::vector<double> build;
  reach::DeploymentModel model;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    model = reach::build_deployment_model(reach::DirectoryTreeReader(root));
    build.push_back(seconds_since(t0));
  }
  std::printf("model: %zu nodes, %zu edges, %zu entry points, %zu manifests read, %zu notes\n",
              model.nodes(), model.edges(), model.entry_points(), model.files_read(),
              model.notes().size());
  std::printf("build model alone: median %.3f s over %d runs\n", median(build), runs);

  patterns::DatabaseOptions o;
  auto db = patterns::RuleDatabase::build(patterns::embedded_rules().rules, o).database;
  auto scan = [&](bool with_model) {
    ScanOptions so;
    so.threads = threads;
    so.reach = std::make_shared<const reach::ReachConfig>();
    so.root = root;
    // An empty model turns the graph off; otherwise the scan builds it, as `reachscan dir` does.
    so.deployment = with_model ? folder_deployment(root)
                               : [] { return std::make_shared<const reach::DeploymentModel>(); };
    const auto t0 = std::chrono::steady_clock::now();
    sources::FileSource source({root}, WalkOptions{});
    const ScanResult r = Scanner(db, so).scan(source, Policy());
    const double s = seconds_since(t0);
    std::size_t production = 0;
    for (const SecretFinding& f : r.findings)
      if (f.first.reach && f.first.reach->verdict == ReachVerdict::kProduction) ++production;
    return std::make_pair(s, std::make_pair(r.findings.size(), production));
  };
  scan(false);  // warm the page cache
  std::vector<double> without, with;
  std::pair<std::size_t, std::size_t> counts_without{}, counts_with{};
  for (int i = 0; i < runs; ++i) {
    auto a = scan(false);
    auto b = scan(true);
    without.push_back(a.first);
    with.push_back(b.first);
    counts_without = a.second;
    counts_with = b.second;
  }
  const double a = median(without), b = median(with);
  std::printf("dir scan without the model: median %.3f s (%zu findings, %zu production)\n", a,
              counts_without.first, counts_without.second);
  std::printf("dir scan with the model:    median %.3f s (%zu findings, %zu production)\n", b,
              counts_with.first, counts_with.second);
  std::printf("the model adds %.1f%% to the scan\n", a > 0 ? 100.0 * (b - a) / a : 0.0);
  return 0;
}
