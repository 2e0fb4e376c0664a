#include "report/output_file.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace reachscan::report {
namespace {

std::string why(int err) { return std::strerror(err); }

// The write end of a pipe whose reader is gone reports POLLERR.
bool reader_gone(int fd) {
  struct stat st;
  if (::fstat(fd, &st) != 0 || !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) return false;
  pollfd p{fd, POLLOUT, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & POLLERR) != 0;
}

// A FIFO opened for writing blocks until a reader opens it: wait for one for at most 10 s, so a
// FIFO nobody reads is an error rather than a scan that never ends.
int open_fifo(const std::string& path) {
  for (int tries = 0;; ++tries) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd >= 0) {
      const int flags = ::fcntl(fd, F_GETFL);
      if (flags >= 0) (void)::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
      return fd;
    }
    if (errno != ENXIO) return -1;
    if (tries >= 200) {
      errno = ENXIO;  // "No such device or address": no process reads the FIFO
      return -1;
    }
    ::usleep(50 * 1000);
  }
}

}  // namespace

// The stream writes through these, so that the errno of a failed write is kept for the message.
Status OutputFile::attach(int fd) {
  fd_ = fd;
  cookie_io_functions_t io{};
  io.write = [](void* cookie, const char* data, std::size_t size) -> ssize_t {
    auto* self = static_cast<OutputFile*>(cookie);
    std::size_t done = 0;
    while (done < size) {
      const ssize_t n = ::write(self->fd_, data + done, size - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (!self->write_errno_) self->write_errno_ = n < 0 ? errno : EIO;
        return -1;
      }
      done += static_cast<std::size_t>(n);
    }
    return static_cast<ssize_t>(size);
  };
  io.close = [](void* cookie) -> int {
    auto* self = static_cast<OutputFile*>(cookie);
    const int rc = ::close(self->fd_);
    self->fd_ = -1;
    return rc;
  };
  file_ = ::fopencookie(this, "w", io);
  if (!file_) {
    const int err = errno;
    ::close(fd);
    fd_ = -1;
    return Status::error("cannot write report to " + path_ + ": " + why(err));
  }
  // Reports are written in large pieces; a 64 KiB buffer keeps the write calls few.
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 16);
  return {};
}

Expected<std::unique_ptr<OutputFile>> OutputFile::open(const std::string& path) {
  std::unique_ptr<OutputFile> out(new OutputFile());
  out->path_ = path;
  if (path.empty() || path == "-") {
    out->stdout_ = true;
    out->file_ = stdout;
    out->terminal_ = ::isatty(STDOUT_FILENO) == 1;
    return out;
  }
  struct stat st;
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) return Status::error(path + " is a directory");
  if (exists && !S_ISREG(st.st_mode)) {
    // A device, terminal or FIFO: written in place.
    const int fd = S_ISFIFO(st.st_mode) ? open_fifo(path)
                                        : ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 && errno == ENXIO && S_ISFIFO(st.st_mode))
      return Status::error("cannot write report to " + path +
                           ": no process opened the FIFO for reading within 10 s");
    if (fd < 0) return Status::error("cannot write report to " + path + ": " + why(errno));
    out->terminal_ = ::isatty(fd) == 1;
    if (Status s = out->attach(fd); !s.ok()) return s;
    return out;
  }
  // A regular file or a new one: write beside the real target, rename at the end. A file
  // without write permission is not replaced (the rename would, even where a write could not).
  if (exists && ((st.st_mode & 0222) == 0 || ::access(path.c_str(), W_OK) != 0))
    return Status::error("cannot write report to " + path + ": the file is read-only");
  out->target_ = path;
  if (exists) {
    char resolved[PATH_MAX];
    if (::realpath(path.c_str(), resolved)) out->target_ = resolved;
  }
  namespace fs = std::filesystem;
  const fs::path target(out->target_);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string tmpl = (dir / ("." + target.filename().string() + ".reachscan-XXXXXX")).string();
  const int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);  // mode 0600
  if (fd < 0)
    return Status::error("cannot write report to " + path + ": cannot create a file in " +
                         dir.string() + ": " + why(errno));
  out->temp_ = tmpl;
  if (Status s = out->attach(fd); !s.ok()) {
    ::unlink(tmpl.c_str());
    return s;
  }
  return out;
}

OutputFile::~OutputFile() {
  if (!done_) discard();
}

void OutputFile::discard() {
  if (done_) return;
  done_ = true;
  if (file_ && !stdout_) std::fclose(file_);
  if (stdout_) std::fflush(stdout);
  file_ = nullptr;
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

Status OutputFile::commit() {
  if (done_) return Status::error("report " + path_ + " was already closed");
  done_ = true;
  if (stdout_) {
    errno = 0;
    const bool failed = std::fflush(stdout) != 0 || std::ferror(stdout);
    const int err = errno;
    if (!failed || err == EPIPE || reader_gone(STDOUT_FILENO)) return {};
    return Status::error("cannot write report to standard output: " +
                         (err ? why(err) : std::string("write error")));
  }
  bool failed = std::fflush(file_) != 0 || std::ferror(file_);
  int err = write_errno_;
  // fsync before the rename: otherwise a crash can leave the new name on an empty file.
  if (!failed && !temp_.empty() && ::fsync(fd_) != 0) {
    failed = true;
    err = errno;
  }
  if (std::fclose(file_) != 0 && !failed) {
    failed = true;
    err = errno;
  }
  file_ = nullptr;
  if (failed) {
    if (!temp_.empty()) ::unlink(temp_.c_str());
    return Status::error("cannot write report to " + path_ + ": " +
                         (err ? why(err) : std::string("write error")) +
                         (temp_.empty() ? "" : " (an earlier report there is left unchanged)"));
  }
  if (!temp_.empty() && ::rename(temp_.c_str(), target_.c_str()) != 0) {
    err = errno;
    ::unlink(temp_.c_str());
    return Status::error("cannot write report to " + path_ + ": rename failed: " + why(err));
  }
  return {};
}

}  // namespace reachscan::report
