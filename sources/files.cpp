#include "sources/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace reachscan::sources {

FileSource::FileSource(std::vector<std::string> roots, WalkOptions options)
    : walker_(std::move(roots), std::move(options)) {}

std::optional<Item> FileSource::next(std::vector<Skip>& skips) {
  auto e = walker_.next(skips);
  if (!e) return std::nullopt;
  Item item;
  item.path = std::move(e->display);
  item.size = e->size;
  item.location = std::move(e->path);
  return item;
}

Loaded FileSource::load(const Item& item, std::uint64_t) const {
  Loaded out;
  const std::string& path = item.location;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    const int err = errno;
    out.skip = Skip{item.path, err == ELOOP ? SkipReason::kSymlinkLoop : SkipReason::kUnreadable,
                    std::strerror(err)};
    return out;
  }
  struct stat st;
  if (::fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
    ::close(fd);
    out.skip = Skip{item.path, SkipReason::kSpecialFile, "not a regular file"};
    return out;
  }
  // O_NONBLOCK has no effect on regular files, so it stays. Read-ahead advice pays only for files
  // spanning several reads.
  if (item.size > (1u << 20)) ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  out.fd = fd;
  return out;
}

std::optional<Item> StdinSource::next(std::vector<Skip>&) {
  if (given_) return std::nullopt;
  given_ = true;
  Item item;
  item.path = label_;
  return item;
}

Loaded StdinSource::load(const Item&, std::uint64_t) const {
  Loaded out;
  out.fd = ::dup(fd_);
  if (out.fd < 0) out.skip = Skip{label_, SkipReason::kUnreadable, std::strerror(errno)};
  return out;
}

}  // namespace reachscan::sources
