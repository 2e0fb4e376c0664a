#include "scanner/pipeline.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>

#include "scanner/detector.h"
#include "scanner/walker.h"

namespace reachscan {
namespace {

constexpr std::size_t kBinaryProbe = 8000;  // as git: a NUL in the first 8000 bytes means binary

struct FileOutcome {
  std::vector<Finding> findings;
  std::uint64_t bytes = 0;
  std::optional<Skip> skip;  // set when the file was not (fully) scanned
  std::vector<std::string> errors;
};

struct Buffer {
  std::unique_ptr<char[]> data;
  std::size_t capacity = 0;
  void ensure(std::size_t n) {
    if (capacity >= n) return;
    data.reset(new char[n]);  // not zero-filled: pages are touched only when read into
    capacity = n;
  }
};

// Reads `fd` to the end in overlapping chunks and detects in each. `size_hint` sizes the buffer.
void scan_fd(int fd, const std::string& display, std::uint64_t size_hint, const Detector& detector,
             std::size_t chunk_size, FileOutcome& out) {
  thread_local Buffer buf;
  const std::size_t window = std::max<std::size_t>(detector.database().max_match_length(), 1);
  const std::size_t overlap = 2 * window;
  chunk_size = std::max(chunk_size, 4 * overlap);
  const std::size_t want = static_cast<std::size_t>(
      std::min<std::uint64_t>(chunk_size, size_hint ? size_hint + 1 : chunk_size));
  buf.ensure(std::max<std::size_t>(want, 4096));
  const std::size_t cap = std::min(buf.capacity, chunk_size);
  // A small first buffer grows to chunk_size if the file turns out longer than announced.

  std::size_t len = 0;
  std::uint64_t base = 0, first_line = 1, line_start = 0;
  std::size_t accept_from = 0;
  bool eof = false, first = true;
  std::size_t limit = cap;
  DetectStats stats;
  for (;;) {
    while (len < limit && !eof) {
      const ssize_t n = ::read(fd, buf.data.get() + len, limit - len);
      if (n < 0) {
        if (errno == EINTR) continue;
        out.skip = Skip{display, SkipReason::kUnreadable,
                        std::string("read failed after ") + std::to_string(out.bytes + len) +
                            " bytes: " + std::strerror(errno)};
        eof = true;
        break;
      }
      if (n == 0) {
        eof = true;
        break;
      }
      len += static_cast<std::size_t>(n);
      out.bytes += static_cast<std::uint64_t>(n);
      if (len == limit && limit < chunk_size) {
        // Announced size was wrong (growing file, stdin): switch to full-size chunks.
        Buffer bigger;
        bigger.ensure(chunk_size);
        std::memcpy(bigger.data.get(), buf.data.get(), len);
        buf = std::move(bigger);
        limit = chunk_size;
      }
    }
    const std::string_view data(buf.data.get(), len);
    if (first) {
      first = false;
      if (std::memchr(data.data(), '\0', std::min(len, kBinaryProbe)) != nullptr) {
        out.skip = Skip{display, SkipReason::kBinary, "NUL byte in the first 8000 bytes"};
        out.bytes = 0;
        return;
      }
    }
    const bool last = eof;
    Chunk c;
    c.data = data;
    c.base = base;
    c.first_line = first_line;
    c.line_start = line_start;
    c.accept_from = accept_from;
    c.accept_to = last ? SIZE_MAX : len - window;
    if (Status s = detector.detect(c, display, out.findings, stats); !s.ok())
      out.errors.push_back(display + ": " + s.message());
    if (last) break;
    // Keep the tail so a match that straddles the boundary is seen whole in the next chunk.
    const std::size_t keep_from = len - overlap;
    const char* p = data.data();
    for (std::size_t i = 0; i < keep_from;) {
      const void* hit = std::memchr(p + i, '\n', keep_from - i);
      if (!hit) break;
      i = static_cast<std::size_t>(static_cast<const char*>(hit) - p) + 1;
      ++first_line;
      line_start = base + i;
    }
    std::memmove(buf.data.get(), p + keep_from, overlap);
    base += keep_from;
    len = overlap;
    accept_from = window;  // matches ending at or before the old chunk's limit were reported
  }
  drop_shadowed_generic(out.findings);
}

FileOutcome scan_file(const WalkEntry& e, const Detector& detector, std::size_t chunk_size) {
  FileOutcome out;
  const int fd = ::open(e.path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    const int err = errno;
    out.skip = Skip{e.display, err == ELOOP ? SkipReason::kSymlinkLoop : SkipReason::kUnreadable,
                    std::strerror(err)};
    return out;
  }
  struct stat st;
  if (::fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
    ::close(fd);
    out.skip = Skip{e.display, SkipReason::kSpecialFile, "not a regular file"};
    return out;
  }
  // Regular files never block; clear O_NONBLOCK so reads behave normally.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  scan_fd(fd, e.display, e.size, detector, chunk_size, out);
  ::close(fd);
  return out;
}

void add_outcome(FileOutcome&& o, ScanResult& r) {
  if (o.skip && o.skip->reason != SkipReason::kUnreadable) {
    r.summary.skipped.push_back(std::move(*o.skip));
  } else {
    // Unreadable mid-file still counts what was read and keeps its findings.
    ++r.summary.files_scanned;
    r.summary.bytes_scanned += o.bytes;
    if (o.skip) r.summary.skipped.push_back(std::move(*o.skip));
  }
  for (Finding& f : o.findings) r.findings.push_back(std::move(f));
  for (std::string& e : o.errors) r.summary.errors.push_back(std::move(e));
}

}  // namespace

struct Scanner::Impl {
  std::shared_ptr<const patterns::RuleDatabase> db;
  Detector detector;
  ScanOptions options;
  Impl(std::shared_ptr<const patterns::RuleDatabase> d, ScanOptions o)
      : db(d), detector(std::move(d)), options(std::move(o)) {}
};

Scanner::Scanner(std::shared_ptr<const patterns::RuleDatabase> db, ScanOptions options) {
  threads_ = options.threads ? options.threads
                             : static_cast<unsigned>(std::max(1, tbb::info::default_concurrency()));
  impl_ = std::make_unique<Impl>(std::move(db), std::move(options));
}

Scanner::~Scanner() = default;

void sort_findings(std::vector<Finding>& findings) {
  std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    if (a.path != b.path) return a.path < b.path;
    if (a.line != b.line) return a.line < b.line;
    if (a.column != b.column) return a.column < b.column;
    return a.rule_id < b.rule_id;
  });
}

ScanResult Scanner::scan_paths(const std::vector<std::string>& roots) const {
  const auto t0 = std::chrono::steady_clock::now();
  ScanResult result;
  WalkOptions wo;
  wo.max_file_size = impl_->options.max_file_size;
  wo.exclude_globs = impl_->options.exclude_globs;
  Walker walker(roots, wo);
  const Detector& detector = impl_->detector;
  const std::size_t chunk = impl_->options.chunk_size;

  tbb::task_arena arena(static_cast<int>(threads_));
  arena.execute([&] {
    // A few files in flight per thread keeps cores busy while bounding memory to
    // tokens x chunk_size.
    tbb::parallel_pipeline(
        threads_ * 4,
        tbb::make_filter<void, std::optional<WalkEntry>>(
            tbb::filter_mode::serial_in_order,
            [&](tbb::flow_control& fc) -> std::optional<WalkEntry> {
              auto e = walker.next(result.summary.skipped);
              if (!e) fc.stop();
              return e;
            }) &
            tbb::make_filter<std::optional<WalkEntry>, FileOutcome>(
                tbb::filter_mode::parallel,
                [&](const std::optional<WalkEntry>& e) {
                  return e ? scan_file(*e, detector, chunk) : FileOutcome{};
                }) &
            tbb::make_filter<FileOutcome, void>(
                tbb::filter_mode::serial_out_of_order,
                [&](FileOutcome o) { add_outcome(std::move(o), result); }));
  });

  sort_findings(result.findings);
  std::sort(result.summary.skipped.begin(), result.summary.skipped.end(),
            [](const Skip& a, const Skip& b) { return a.path < b.path; });
  for (const Finding& f : result.findings) ++result.summary.findings_by_rule[f.rule_id];
  result.summary.findings = result.findings.size();
  result.summary.rules = impl_->db->rules().size();
  result.summary.threads = threads_;
  result.summary.elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

ScanResult Scanner::scan_stream(int fd, const std::string& label) const {
  const auto t0 = std::chrono::steady_clock::now();
  ScanResult result;
  FileOutcome o;
  scan_fd(fd, label, 0, impl_->detector, impl_->options.chunk_size, o);
  add_outcome(std::move(o), result);
  sort_findings(result.findings);
  for (const Finding& f : result.findings) ++result.summary.findings_by_rule[f.rule_id];
  result.summary.findings = result.findings.size();
  result.summary.rules = impl_->db->rules().size();
  result.summary.threads = 1;
  result.summary.elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace reachscan
