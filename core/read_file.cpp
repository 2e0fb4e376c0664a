#include "core/read_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace reachscan {

Expected<std::string> read_regular_file(const std::string& path, std::uint64_t max_bytes,
                                        const std::string& what) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer (regular files ignore the flag).
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return Status::error(path + ": cannot read " + what + ": " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0)
    return Status::error(path + ": cannot read " + what + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return Status::error(path + ": " + what + " is a directory");
  if (!S_ISREG(st.st_mode))
    return Status::error(path + ": " + what + " is not a regular file (FIFO, socket or device)");
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes)
    return Status::error(path + ": " + what + " is " + std::to_string(st.st_size) +
                         " bytes, more than the " + std::to_string(max_bytes) + " allowed");
  std::string out;
  // One byte more than announced, so that the end shows as a short read, not a reallocation.
  out.resize(static_cast<std::size_t>(st.st_size) + 1);
  std::size_t len = 0;
  for (;;) {
    if (len == out.size()) {
      // The file grew since fstat: read on, up to the cap.
      if (out.size() > max_bytes)
        return Status::error(path + ": " + what + " is more than the " + std::to_string(max_bytes) +
                             " bytes allowed");
      out.resize(out.size() + 4096);
    }
    const ssize_t n = ::read(fd, out.data() + len, out.size() - len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::error(path + ": cannot read " + what + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    len += static_cast<std::size_t>(n);
  }
  out.resize(len);
  return out;
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(data_, size_);
}

Expected<MappedFile> map_regular_file(const std::string& path, std::uint64_t max_bytes,
                                      const std::string& what) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return Status::error(path + ": cannot read " + what + ": " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      static_cast<std::uint64_t>(st.st_size) > max_bytes || st.st_size == 0) {
    ::close(fd);
    // The same checks and messages as a read, for what cannot or need not be mapped.
    auto read = read_regular_file(path, max_bytes, what);
    if (!read) return read.status();
    return Status::error(path + ": " + what + " is empty");
  }
  MappedFile m;
  m.size_ = static_cast<std::size_t>(st.st_size);
  void* p = ::mmap(nullptr, m.size_, PROT_READ, MAP_PRIVATE, fd, 0);
  const int err = errno;
  ::close(fd);
  if (p == MAP_FAILED)
    return Status::error(path + ": cannot read " + what + ": " + std::strerror(err));
  m.data_ = p;
  return m;
}

Status check_inside(const std::string& path, const std::string& folder, const std::string& what) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path home = fs::weakly_canonical(fs::absolute(folder, ec), ec);
  fs::path where;
  if (!ec) where = fs::weakly_canonical(fs::absolute(path, ec), ec);
  const fs::path rel = ec ? fs::path() : where.lexically_relative(home);
  if (rel.empty() || *rel.begin() == "..")
    return Status::error(path + ": " + what + " leaves the folder " + folder +
                         (ec ? " (" + ec.message() + ")" : std::string()) +
                         ", which came with the scanned tree");
  return Status();
}

Status write_private_file(const std::string& path, std::string_view data) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Status::error(path + ": cannot write: " + std::strerror(errno));
  bool ok = ::fchmod(fd, 0600) == 0;  // an old temporary file keeps its mode otherwise
  for (std::size_t done = 0; ok && done < data.size();) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  const int err = errno;
  ok = (::close(fd) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status::error(path + ": cannot write: " + std::strerror(ok ? errno : err));
  }
  return Status();
}

}  // namespace reachscan
