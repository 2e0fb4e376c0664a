#include "sources/image_input.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>

namespace reachscan::image_detail {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMaxDocument = 16u << 20;  // manifests and configs are small

std::string error_text(struct archive* a) {
  const char* e = archive_error_string(a);
  return e ? e : "unknown error";
}

class FolderInput : public ImageInput {
 public:
  explicit FolderInput(fs::path root) : root_(std::move(root)) {}

  std::optional<std::string> document(const std::string& name) override {
    const int fd = open_inside(name);
    if (fd < 0) return std::nullopt;
    std::string data;
    char buf[65536];
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0 || data.size() > kMaxDocument) break;
      data.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return data;
  }

  std::set<std::string> stream(
      const std::set<std::string>& wanted,
      const std::function<void(const std::string&, const ReadFn&)>& scan) override {
    std::set<std::string> missing;
    for (const std::string& name : wanted) {
      const int fd = open_inside(name);
      if (fd < 0) {
        missing.insert(name);
        continue;
      }
      scan(name, fd_reader(fd));
      ::close(fd);
    }
    return missing;
  }

 private:
  // The names come from the image's own manifests: a hostile image could name `/etc/shadow`,
  // `../../home/x/.aws/credentials`, a symlink out of the folder, or a FIFO. Only regular files
  // whose real path stays inside the folder are opened (without blocking); anything else counts
  // as absent. -1 then.
  int open_inside(const std::string& name) const {
    const fs::path rel = fs::path(name).lexically_normal();
    if (rel.empty() || !rel.is_relative() || *rel.begin() == "..") return -1;
    std::error_code ec;
    const fs::path real = fs::weakly_canonical(root_ / rel, ec);
    if (ec || !real_root_) return -1;
    const auto [end, _] =
        std::mismatch(real_root_->begin(), real_root_->end(), real.begin(), real.end());
    if (end != real_root_->end()) return -1;
    const int fd = ::open(real.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return -1;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return -1;
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
  }

  static std::optional<fs::path> canonical_or_none(const fs::path& p) {
    std::error_code ec;
    fs::path c = fs::canonical(p, ec);
    if (ec) return std::nullopt;
    return c;
  }

  fs::path root_;
  std::optional<fs::path> real_root_ = canonical_or_none(root_);
};

struct ArchiveDeleter {
  void operator()(struct archive* a) const { archive_read_free(a); }
};

// A tar (docker save, or an OCI layout packed with tar), compressed or not. Documents are read in
// a first pass; layers are streamed in a second, in the order the tar holds them.
class TarInput : public ImageInput {
 public:
  static Expected<std::unique_ptr<TarInput>> open(const std::string& path) {
    auto in = std::unique_ptr<TarInput>(new TarInput(path));
    auto a = in->open_archive();
    if (!a) return a.status();
    struct archive_entry* e = nullptr;
    int r;
    while ((r = archive_read_next_header(a->get(), &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
      if (archive_entry_filetype(e) != AE_IFREG) continue;
      const std::string name =
          normalize(archive_entry_pathname(e) ? archive_entry_pathname(e) : "");
      const la_int64_t size = archive_entry_size(e);
      if (size <= 0 || static_cast<std::uint64_t>(size) > kMaxDocument) continue;
      // JSON documents start with '{' or '['; layers never do.
      char first = 0;
      if (archive_read_data(a->get(), &first, 1) != 1 || (first != '{' && first != '[')) continue;
      std::string data(static_cast<std::size_t>(size), '\0');
      data[0] = first;
      std::size_t have = 1;
      while (have < data.size()) {
        const la_ssize_t n = archive_read_data(a->get(), data.data() + have, data.size() - have);
        if (n <= 0) break;
        have += static_cast<std::size_t>(n);
      }
      data.resize(have);
      in->documents_[name] = std::move(data);
    }
    if (r != ARCHIVE_EOF)
      return Status::error(path + ": not a readable tar: " + error_text(a->get()));
    return in;
  }

  std::optional<std::string> document(const std::string& name) override {
    auto it = documents_.find(name);
    if (it == documents_.end()) return std::nullopt;
    return it->second;
  }

  std::set<std::string> stream(
      const std::set<std::string>& wanted,
      const std::function<void(const std::string&, const ReadFn&)>& scan) override {
    std::set<std::string> missing = wanted;
    auto a = open_archive();
    if (!a) return missing;
    struct archive_entry* e = nullptr;
    int r;
    while ((r = archive_read_next_header(a->get(), &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
      const std::string name =
          normalize(archive_entry_pathname(e) ? archive_entry_pathname(e) : "");
      if (!missing.count(name) || archive_entry_filetype(e) != AE_IFREG) continue;
      missing.erase(name);
      struct archive* handle = a->get();
      const ReadFn read = [handle](char* buf, std::size_t n, ReadFailure& f) -> long {
        const la_ssize_t got = archive_read_data(handle, buf, n);
        if (got < 0) {
          f = {SkipReason::kCorrupt, error_text(handle)};
          return -1;
        }
        return static_cast<long>(got);
      };
      scan(name, read);
    }
    return missing;
  }

 private:
  explicit TarInput(std::string path) : path_(std::move(path)) {}

  Expected<std::unique_ptr<struct archive, ArchiveDeleter>> open_archive() const {
    std::unique_ptr<struct archive, ArchiveDeleter> a(archive_read_new());
    archive_read_support_filter_all(a.get());
    archive_read_support_format_tar(a.get());
    archive_read_support_format_gnutar(a.get());
    if (archive_read_open_filename(a.get(), path_.c_str(), 1u << 20) != ARCHIVE_OK)
      return Status::error(path_ + ": " + error_text(a.get()));
    return a;
  }

  std::string path_;
  std::map<std::string, std::string> documents_;
};

}  // namespace

std::string normalize(std::string name) {
  while (name.rfind("./", 0) == 0) name.erase(0, 2);
  while (!name.empty() && name.back() == '/') name.pop_back();
  return name;
}

Expected<std::unique_ptr<ImageInput>> open_image_input(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return std::unique_ptr<ImageInput>(new FolderInput(path));
  if (!fs::exists(path, ec)) return Status::error(path + ": no such file or folder");
  auto tar = TarInput::open(path);
  if (!tar) return tar.status();
  return std::unique_ptr<ImageInput>(std::move(*tar));
}

}  // namespace reachscan::image_detail
