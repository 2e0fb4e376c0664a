#include "git/object_streams.h"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/read_file.h"

namespace reachscan::git {
namespace {

constexpr std::size_t kInput = 1u << 16;  // compressed bytes read per refill
constexpr int kBlobType = 3;              // pack object types: 1 commit .. 4 tag, 6/7 deltas
constexpr int kMaxAlternateDepth = 5;     // as git

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

// Repository metadata files (commondir, alternates) are read as regular files of at most this
// size: a FIFO or a link to /dev/zero there must not hang the scan or fill memory.
constexpr std::uint64_t kMaxMetadataBytes = 1u << 20;

std::string read_metadata(const std::string& path) {
  auto text = read_regular_file(path, kMaxMetadataBytes, "repository file");
  return text ? std::move(*text) : std::string();
}

std::string read_line_file(const std::string& path) {
  std::string text = read_metadata(path);
  text.resize(std::min(text.find('\n'), text.size()));
  return text;
}

std::string absolute_from(const std::string& base, const std::string& path) {
  return !path.empty() && path[0] == '/' ? path : base + "/" + path;
}

// The objects folder of `git_dir` (a linked worktree's is its common dir's).
std::string objects_dir(const std::string& git_dir) {
  std::string dir = git_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  const std::string common = read_line_file(dir + "/commondir");
  if (!common.empty()) dir = absolute_from(dir, common);
  return dir + "/objects";
}

// `dir` and the alternates it names, transitively, each once.
void collect_object_dirs(const std::string& dir, int depth, std::vector<std::string>& out) {
  if (depth > kMaxAlternateDepth || std::find(out.begin(), out.end(), dir) != out.end()) return;
  out.push_back(dir);
  std::istringstream in(read_metadata(dir + "/info/alternates"));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    collect_object_dirs(absolute_from(dir, line), depth + 1, out);
  }
}

struct ShaDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// Inflates one zlib stream read from `fd` at `offset`, hands out exactly `size` content bytes
// (`pending` first: content inflated with a loose object's header) and checks the SHA-1 of
// "blob <size>\0<content>" against `id` at the end. Owns `fd`.
class InflatingStream final : public ByteStream {
 public:
  InflatingStream(int fd, std::uint64_t offset, const ObjectId& id)
      : fd_(fd), offset_(offset), id_(id), sha_(EVP_MD_CTX_new()) {}
  ~InflatingStream() override {
    if (started_) inflateEnd(&z_);
    ::close(fd_);
  }

  // Starts inflating; false when zlib or OpenSSL cannot start.
  bool start() {
    if (!sha_ || EVP_DigestInit_ex(sha_.get(), EVP_sha1(), nullptr) != 1) return false;
    started_ = inflateInit(&z_) == Z_OK;
    return started_;
  }

  // The content's size, known from the object header, and content inflated before (loose).
  void begin(std::uint64_t size, std::string pending) {
    size_ = size;
    pending_ = std::move(pending);
    const std::string header = "blob " + std::to_string(size_) + '\0';
    EVP_DigestUpdate(sha_.get(), header.data(), header.size());
  }

  // Inflates into `out` until it holds `n` bytes or the stream ends; -1 on a zlib or read error.
  long inflate_into(unsigned char* out, std::size_t n, std::string& error) {
    z_.next_out = out;
    z_.avail_out = static_cast<uInt>(std::min<std::size_t>(n, UINT_MAX));
    const uInt want = z_.avail_out;
    while (z_.avail_out == want && !ended_) {
      if (z_.avail_in == 0 && !refill(error)) return -1;
      const int rc = ::inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        ended_ = true;
      } else if (rc != Z_OK && !(rc == Z_BUF_ERROR && z_.avail_in == 0)) {
        error = std::string("corrupt object data (zlib: ") + (z_.msg ? z_.msg : "error") + ")";
        return -1;
      }
    }
    return static_cast<long>(want - z_.avail_out);
  }

  long read(char* buf, std::size_t n, std::string& error) override {
    if (failed_) {
      error = failure_;
      return -1;
    }
    long got = 0;
    if (!pending_.empty()) {
      got = static_cast<long>(std::min(n, pending_.size()));
      std::memcpy(buf, pending_.data(), static_cast<std::size_t>(got));
      pending_.erase(0, static_cast<std::size_t>(got));
    } else if (!ended_) {
      got = inflate_into(reinterpret_cast<unsigned char*>(buf), n, error);
      if (got < 0) return fail(error);
    }
    produced_ += static_cast<std::uint64_t>(got);
    if (produced_ > size_) return fail(error = "object is larger than its header says");
    EVP_DigestUpdate(sha_.get(), buf, static_cast<std::size_t>(got));
    // The end: checked once, before the last bytes are handed out, so that a mismatch is
    // reported even when the reader stops at the announced size.
    if (ended_ && pending_.empty() && !checked_ && !check(error)) return fail(error);
    return got;
  }

 private:
  bool refill(std::string& error) {
    const ssize_t got = ::pread(fd_, in_, kInput, static_cast<off_t>(offset_));
    if (got <= 0) {
      error = got < 0 ? std::string("read failed: ") + std::strerror(errno)
                      : std::string("object data is truncated");
      return false;
    }
    offset_ += static_cast<std::uint64_t>(got);
    z_.next_in = in_;
    z_.avail_in = static_cast<uInt>(got);
    return true;
  }

  bool check(std::string& error) {
    checked_ = true;
    if (produced_ != size_) {
      error = "object holds " + std::to_string(produced_) + " bytes, its header says " +
              std::to_string(size_);
      return false;
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(sha_.get(), md, &len);
    if (len != 20 || std::memcmp(md, id_.bytes.data(), 20) != 0) {
      ObjectId got;
      std::memcpy(got.bytes.data(), md, 20);
      error = "content does not match its object id (it hashes to " + got.hex() + ")";
      return false;
    }
    return true;
  }

  long fail(const std::string& error) {
    failed_ = true;
    failure_ = error;
    return -1;
  }

  int fd_;
  std::uint64_t offset_;
  ObjectId id_;
  std::uint64_t size_ = 0;
  std::unique_ptr<EVP_MD_CTX, ShaDeleter> sha_;
  z_stream z_{};
  bool started_ = false, ended_ = false, checked_ = false, failed_ = false;
  std::uint64_t produced_ = 0;
  std::string pending_, failure_;
  unsigned char in_[kInput];
};

// A loose object's stream: its header ("blob <size>\0") is inflated first.
std::optional<ObjectStreams::Opened> open_loose(const std::string& dir, const ObjectId& id) {
  const std::string hex = id.hex();
  const std::string path = dir + "/" + hex.substr(0, 2) + "/" + hex.substr(2);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  auto stream = std::make_unique<InflatingStream>(fd, 0, id);
  if (!stream->start()) return std::nullopt;
  unsigned char head[64];
  std::string error;
  const long got = stream->inflate_into(head, sizeof head, error);
  const std::string_view h(reinterpret_cast<const char*>(head),
                           got > 0 ? static_cast<std::size_t>(got) : 0);
  const std::size_t nul = h.find('\0');
  if (nul == std::string_view::npos || nul <= 5 || h.substr(0, 5) != "blob ") return std::nullopt;
  std::uint64_t size = 0;
  for (char c : h.substr(5, nul - 5)) {
    if (c < '0' || c > '9' || size > (UINT64_MAX - 9) / 10) return std::nullopt;
    size = size * 10 + static_cast<std::uint64_t>(c - '0');
  }
  stream->begin(size, std::string(h.substr(nul + 1)));
  return ObjectStreams::Opened{std::move(stream), size};
}

// A packed object's header at `offset`: type and inflated size (a varint of 4 + 7k bits).
struct PackedHeader {
  int type = 0;
  std::uint64_t size = 0;
  std::uint64_t data = 0;  // offset of the zlib stream
};

std::optional<PackedHeader> read_packed_header(int fd, std::uint64_t offset) {
  unsigned char b[16];
  const ssize_t got = ::pread(fd, b, sizeof b, static_cast<off_t>(offset));
  if (got <= 0) return std::nullopt;
  PackedHeader h;
  h.type = (b[0] >> 4) & 7;
  h.size = b[0] & 15;
  std::size_t i = 0;
  for (unsigned shift = 4; b[i] & 0x80; shift += 7) {
    if (++i >= static_cast<std::size_t>(got) || shift > 57) return std::nullopt;
    h.size |= std::uint64_t{b[i] & 0x7fu} << shift;
  }
  h.data = offset + i + 1;
  return h;
}

}  // namespace

// One pack's .idx (version 2), mapped: 8-byte header, 256 fan-out counts, sorted ids, CRCs,
// 31-bit offsets (high bit: an index into the 64-bit offsets that follow), trailer.
struct ObjectStreams::PackIndex {
  std::string pack;
  const unsigned char* map = nullptr;
  std::size_t size = 0;
  std::uint32_t count = 0;
  std::uint64_t large = 0;  // entries in the 64-bit offset table

  ~PackIndex() {
    if (map) ::munmap(const_cast<unsigned char*>(map), size);
  }

  static std::unique_ptr<PackIndex> open(const std::string& idx_path) {
    const int fd = ::open(idx_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return nullptr;
    struct stat st;
    void* m = MAP_FAILED;
    if (::fstat(fd, &st) == 0 && st.st_size >= 8 + 1024 + 40)
      m = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (m == MAP_FAILED) return nullptr;
    auto idx = std::make_unique<PackIndex>();
    idx->map = static_cast<const unsigned char*>(m);
    idx->size = static_cast<std::size_t>(st.st_size);
    idx->pack = idx_path.substr(0, idx_path.size() - 4) + ".pack";
    if (be32(idx->map) != 0xff744f63u || be32(idx->map + 4) != 2) return nullptr;  // v2 only
    idx->count = be32(idx->map + 8 + 255 * 4);
    const std::uint64_t fixed = 8 + 1024 + std::uint64_t{idx->count} * 28 + 40;
    if (fixed > idx->size) return nullptr;
    idx->large = (idx->size - fixed) / 8;
    return idx;
  }

  // The pack offset of `id`, if this pack holds it.
  std::optional<std::uint64_t> find(const ObjectId& id) const {
    const unsigned char first = id.bytes[0];
    std::uint32_t lo = first ? be32(map + 8 + (first - 1) * 4) : 0;
    std::uint32_t hi = be32(map + 8 + first * 4);
    if (lo > hi || hi > count) return std::nullopt;
    const unsigned char* ids = map + 8 + 1024;
    while (lo < hi) {
      const std::uint32_t mid = lo + (hi - lo) / 2;
      const int c = std::memcmp(ids + std::size_t{mid} * 20, id.bytes.data(), 20);
      if (c == 0) return offset_of(mid);
      if (c < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
    return std::nullopt;
  }

  std::optional<std::uint64_t> offset_of(std::uint32_t i) const {
    const unsigned char* small = map + 8 + 1024 + std::size_t{count} * 24;
    const std::uint32_t o = be32(small + std::size_t{i} * 4);
    if (!(o & 0x80000000u)) return o;
    const std::uint64_t k = o & 0x7fffffffu;
    if (k >= large) return std::nullopt;
    const unsigned char* big = small + std::size_t{count} * 4 + k * 8;
    return (std::uint64_t{be32(big)} << 32) | be32(big + 4);
  }
};

ObjectStreams::ObjectStreams(const std::string& git_dir) {
  collect_object_dirs(objects_dir(git_dir), 0, object_dirs_);
  for (const std::string& dir : object_dirs_) {
    const std::string pack_dir = dir + "/pack";
    DIR* d = ::opendir(pack_dir.c_str());
    if (!d) continue;
    std::vector<std::string> names;
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name.size() > 4 && name.compare(name.size() - 4, 4, ".idx") == 0) names.push_back(name);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    for (const std::string& name : names)
      if (auto idx = PackIndex::open(pack_dir + "/" + name)) packs_.push_back(std::move(idx));
  }
}

ObjectStreams::~ObjectStreams() = default;

std::size_t ObjectStreams::packs() const { return packs_.size(); }

std::optional<ObjectStreams::Opened> ObjectStreams::open_blob(const ObjectId& id) const {
  for (const auto& idx : packs_) {
    const auto offset = idx->find(id);
    if (!offset) continue;
    const int fd = ::open(idx->pack.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    const auto header = read_packed_header(fd, *offset);
    if (!header || header->type != kBlobType) {
      ::close(fd);
      return std::nullopt;  // deltified (or not a blob): read another way
    }
    auto stream = std::make_unique<InflatingStream>(fd, header->data, id);
    if (!stream->start()) return std::nullopt;
    stream->begin(header->size, {});
    ::posix_fadvise(fd, static_cast<off_t>(*offset), 0, POSIX_FADV_SEQUENTIAL);
    return Opened{std::move(stream), header->size};
  }
  for (const std::string& dir : object_dirs_)
    if (auto loose = open_loose(dir, id)) return loose;
  return std::nullopt;
}

}  // namespace reachscan::git
