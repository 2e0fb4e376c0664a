// git_walk: the enumeration half of a history scan alone. Runs the history walker over a
// repository (every ref, each blob once with its introducing commit) and reads nothing else, so
// "git_walk / git rev-list --objects --all" is the price of our walk against git's.
//
//   git_walk [--read] REPO   prints commits, blobs, errors, wall and CPU seconds and peak RSS
//
// With --read it also reads every blob, one thread, in the order the walk hands them out (the
// order the scan reads them in): against `git cat-file --batch` of the same blobs, the price of
// reading through libgit2 in that order.
#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "git/repository.h"

int main(int argc, char** argv) {
  const bool read = argc == 3 && std::string(argv[1]) == "--read";
  if (argc != 2 && !read) {
    std::fprintf(stderr, "usage: git_walk [--read] REPO\n");
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto repo = reachscan::git::Repository::open(argv[argc - 1]);
  if (!repo) {
    std::fprintf(stderr, "git_walk: %s\n", repo.status().message().c_str());
    return 2;
  }
  reachscan::git::HistoryWalker walker(**repo, {});
  std::vector<std::string> errors;
  std::size_t blobs = 0;
  std::uint64_t bytes = 0;
  for (;;) {
    auto batch = walker.next_batch(4096, errors);
    if (batch.empty()) break;
    blobs += batch.size();
    if (read)
      for (const auto& task : batch)
        if (auto blob = (*repo)->read_blob(task.blob)) bytes += blob->data.size();
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                     static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  std::fprintf(stderr,
               "%llu commits, %zu blobs (%llu MB read), %zu errors, %.2f s wall, %.2f s CPU, "
               "peak RSS %ld MB\n",
               static_cast<unsigned long long>(walker.commits_walked()), blobs,
               static_cast<unsigned long long>(bytes / 1000000), errors.size(), secs, cpu,
               ru.ru_maxrss / 1024);
  for (std::size_t i = 0; i < errors.size() && i < 5; ++i)
    std::fprintf(stderr, "  %s\n", errors[i].c_str());
  return 0;
}
