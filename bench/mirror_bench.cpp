// Mirror cache throughput (sources/mirror.h): clones or updates the given repositories into a
// cache folder with N fetch threads and prints when each one was ready, the total wall time and
// the peak RSS. bench/mirror_bench.sh runs it against `git clone --mirror` / `git fetch` loops.
//
//   mirror_bench CACHE_DIR JOBS URL...
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "sources/mirror.h"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s CACHE_DIR JOBS URL...\n", argv[0]);
    return 2;
  }
  using reachscan::sources::RemoteRepo;
  std::vector<RemoteRepo> repos;
  for (int i = 3; i < argc; ++i) {
    RemoteRepo r;
    r.name = argv[i];
    r.clone_url = argv[i];
    repos.push_back(r);
  }
  reachscan::sources::MirrorOptions options;
  options.cache_dir = argv[1];
  options.jobs = std::atoi(argv[2]);
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  reachscan::sources::MirrorFetcher fetcher(options);
  fetcher.start(repos);
  int failed = 0;
  while (auto r = fetcher.next()) {
    std::printf("%8.2f s  %-7s %s%s%s\n", elapsed(),
                r->status.ok() ? (r->cloned ? "cloned" : "updated") : "FAILED",
                r->repo.name.c_str(), r->status.ok() ? "" : ": ", r->status.message().c_str());
    failed += r->status.ok() ? 0 : 1;
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("total %.2f s, %zu repositories, %d failed, jobs %d, peak RSS %ld MB\n", elapsed(),
              repos.size(), failed, options.jobs, usage.ru_maxrss / 1024);
  return failed == 0 ? 0 : 1;
}
