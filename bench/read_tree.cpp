// read_tree: the floor for a directory scan. Walks the given folders (skipping .git, .hg and .svn,
// not following symlinks to folders, as reachscan's walker does) and reads every regular file to
// the end with N threads: open, read into a reused 1 MiB buffer until EOF, close. Nothing else, so
// "reachscan dir / read_tree" is the price of scanning over the unavoidable open+read+close.
//
//   read_tree [-j N] PATH...      prints "<files> files, <bytes> bytes" on stderr
//
// The walk runs first, on the main thread, as reachscan's serial walk would; its time is included.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

void walk(const std::string& dir, std::vector<std::string>& files) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  while (const dirent* e = ::readdir(d)) {
    const char* n = e->d_name;
    if (std::strcmp(n, ".") == 0 || std::strcmp(n, "..") == 0) continue;
    std::string path = dir + "/" + n;
    unsigned char type = e->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st;
      if (::lstat(path.c_str(), &st) != 0) continue;
      type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
    }
    if (type == DT_DIR) {
      if (std::strcmp(n, ".git") != 0 && std::strcmp(n, ".hg") != 0 && std::strcmp(n, ".svn") != 0)
        walk(path, files);
    } else if (type == DT_REG || type == DT_LNK) {
      files.push_back(std::move(path));  // a symlink to a folder fails the read: harmless
    }
  }
  ::closedir(d);
}

}  // namespace

int main(int argc, char** argv) {
  unsigned threads = 2;
  std::vector<std::string> roots;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-j") == 0 && i + 1 < argc) {
      threads = static_cast<unsigned>(std::max(1, std::atoi(argv[++i])));
    } else {
      roots.emplace_back(argv[i]);
    }
  }
  if (roots.empty()) {
    std::fprintf(stderr, "usage: read_tree [-j N] PATH...\n");
    return 2;
  }
  std::vector<std::string> files;
  for (const std::string& r : roots) walk(r, files);

  std::atomic<std::size_t> next{0};
  std::atomic<std::uint64_t> total{0};
  auto work = [&] {
    constexpr std::size_t kBuf = 1u << 20;
    const std::unique_ptr<char[]> buf(new char[kBuf]);
    std::uint64_t bytes = 0;
    for (std::size_t i; (i = next.fetch_add(1)) < files.size();) {
      const int fd = ::open(files[i].c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
      if (fd < 0) continue;
      for (;;) {
        const ssize_t n = ::read(fd, buf.get(), kBuf);
        if (n > 0) {
          bytes += static_cast<std::uint64_t>(n);
        } else if (n == 0 || errno != EINTR) {
          break;
        }
      }
      ::close(fd);
    }
    total += bytes;
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  std::fprintf(stderr, "%zu files, %llu bytes\n", files.size(),
               static_cast<unsigned long long>(total.load()));
  return 0;
}
