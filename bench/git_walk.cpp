// git_walk: the enumeration half of a history scan alone. Runs the history walker over a
// repository (every ref, each blob once with its introducing commit) and reads nothing else, so
// "git_walk / git rev-list --objects --all" is the price of our walk against git's.
//
//   git_walk REPO      prints commits, blobs, errors, wall seconds and peak RSS on stderr
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "git/repository.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: git_walk REPO\n");
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto repo = reachscan::git::Repository::open(argv[1]);
  if (!repo) {
    std::fprintf(stderr, "git_walk: %s\n", repo.status().message().c_str());
    return 2;
  }
  reachscan::git::HistoryWalker walker(**repo, {});
  std::vector<std::string> errors;
  std::size_t blobs = 0;
  for (;;) {
    auto batch = walker.next_batch(4096, errors);
    if (batch.empty()) break;
    blobs += batch.size();
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::fprintf(stderr, "%llu commits, %zu blobs, %zu errors, %.2f s, peak RSS %ld MB\n",
               static_cast<unsigned long long>(walker.commits_walked()), blobs, errors.size(), secs,
               ru.ru_maxrss / 1024);
  for (std::size_t i = 0; i < errors.size() && i < 5; ++i)
    std::fprintf(stderr, "  %s\n", errors[i].c_str());
  return 0;
}
