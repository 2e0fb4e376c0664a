#include "scanner/spill_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace reachscan {
namespace {

constexpr std::size_t kBufferBytes = 1u << 20;

std::string temp_dir() {
  const char* t = std::getenv("TMPDIR");
  return t && *t ? t : "/tmp";
}

// An unnamed 0600 file in `dir`: O_TMPFILE, or mkstemp and unlink where that is not supported.
int open_unnamed(const std::string& dir) {
#ifdef O_TMPFILE
  const int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)) return fd;
#endif
  std::string name = dir + "/reachscan-findings-XXXXXX";
  const mode_t old = ::umask(077);
  const int fd2 = ::mkostemp(name.data(), O_CLOEXEC);
  ::umask(old);
  if (fd2 >= 0) ::unlink(name.c_str());
  return fd2;
}

}  // namespace

SpillFile::~SpillFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status SpillFile::open() {
  if (fd_ >= 0) return {};
  const std::string dir = temp_dir();
  fd_ = open_unnamed(dir);
  if (fd_ < 0)
    return Status::error("cannot create a findings spill file in " + dir + ": " +
                         std::strerror(errno));
  return {};
}

Expected<std::uint64_t> SpillFile::append(std::string_view bytes) {
  if (Status s = open(); !s.ok()) return s;
  const std::uint64_t at = size();
  buffer_.append(bytes);
  if (buffer_.size() >= kBufferBytes)
    if (Status s = flush(); !s.ok()) return s;
  return at;
}

Status SpillFile::flush() {
  std::size_t done = 0;
  Status result;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      result = Status::error(std::string("findings spill file: ") +
                             std::strerror(n < 0 ? errno : ENOSPC));
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  // What could not be written stays buffered: its offsets stay readable (from memory).
  written_ += done;
  buffer_.erase(0, done);
  return result;
}

Status SpillFile::read(std::uint64_t offset, std::size_t size, std::string& out) {
  out.resize(size);
  std::size_t done = 0;
  while (done < size && offset + done < written_) {  // the part in the file
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(size - done, written_ - offset - done));
    const ssize_t n = ::pread(fd_, out.data() + done, want, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return Status::error(std::string("findings spill file: ") +
                           (n == 0 ? "short read" : std::strerror(errno)));
    done += static_cast<std::size_t>(n);
  }
  if (done == size) return {};
  // The rest is buffered: not written yet, or not writable (a full disk).
  const std::uint64_t at = offset + done - written_;
  if (at + (size - done) > buffer_.size())
    return Status::error("findings spill file: read past the end");
  std::memcpy(out.data() + done, buffer_.data() + at, size - done);
  return {};
}

}  // namespace reachscan
