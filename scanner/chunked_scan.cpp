#include "scanner/chunked_scan.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "scanner/interrupt.h"

namespace reachscan {
namespace {

struct Buffer {
  std::unique_ptr<char[]> data;
  std::size_t capacity = 0;
  // Grows to at least `n` bytes, keeping the first `keep`.
  void ensure(std::size_t n, std::size_t keep = 0) {
    if (capacity >= n) return;
    std::unique_ptr<char[]> bigger(new char[n]);  // not zero-filled: pages are touched on read
    if (keep) std::memcpy(bigger.get(), data.get(), keep);
    data = std::move(bigger);
    capacity = n;
  }
};

// The calling thread's chunk buffer (see chunk_buffer()).
Buffer& thread_buffer() {
  thread_local Buffer buf;
  return buf;
}

// Position bookkeeping carried from one chunk to the next.
struct Cursor {
  std::uint64_t base = 0;        // absolute offset of the chunk start
  std::uint64_t first_line = 1;  // line number at the chunk start
  std::uint64_t line_start = 0;  // absolute offset where that line starts
  std::size_t accept_from = 0;   // matches ending at or before this (relative) were reported

  Chunk chunk(std::string_view data, bool last, std::size_t window) const {
    Chunk c;
    c.data = data;
    c.base = base;
    c.first_line = first_line;
    c.line_start = line_start;
    c.accept_from = accept_from;
    c.accept_to = last ? SIZE_MAX : data.size() - window;
    return c;
  }

  // Moves the chunk start forward by `keep_from` bytes of `data`, counting the lines passed.
  void advance(std::string_view data, std::size_t keep_from, std::size_t window) {
    const char* p = data.data();
    for (std::size_t i = 0; i < keep_from;) {
      const void* hit = std::memchr(p + i, '\n', keep_from - i);
      if (!hit) break;
      i = static_cast<std::size_t>(static_cast<const char*>(hit) - p) + 1;
      ++first_line;
      line_start = base + i;
    }
    base += keep_from;
    accept_from = window;  // the previous chunk reported matches ending up to len - window
  }
};

// Decoding is bounded per chunk; say so where the bound cut it short, since the rest of the
// encoded text was then scanned only as it stands.
void note_decode_budget(const DetectStats& stats, const std::string& display, FileOutcome& out) {
  if (stats.decode_budget_hit)
    out.notes.push_back(display + ": more encoded text than is decoded (" +
                        std::to_string(kMaxDecodedPerChunk >> 20) +
                        " MiB per chunk); the rest was scanned as it stands");
}

std::size_t window_of(const Detector& d) {
  return std::max<std::size_t>(d.database().max_match_length(), 1);
}

}  // namespace

bool looks_binary(std::string_view head) {
  return std::memchr(head.data(), '\0', std::min(head.size(), kBinaryProbe)) != nullptr;
}

ReadFn fd_reader(int fd) {
  return [fd](char* buf, std::size_t n, ReadFailure& failure) -> long {
    for (;;) {
      const ssize_t got = ::read(fd, buf, n);
      if (got >= 0) return static_cast<long>(got);
      // A signal that asks the scan to stop (scanner/interrupt.h) ends the input here.
      if (errno == EINTR) {
        if (interrupted()) return 0;
        continue;
      }
      failure = {SkipReason::kUnreadable, std::strerror(errno)};
      return -1;
    }
  };
}

ReadFn memory_reader(std::string_view data) {
  return [data, pos = std::size_t{0}](char* buf, std::size_t n, ReadFailure&) mutable -> long {
    const std::size_t take = std::min(n, data.size() - pos);
    std::memcpy(buf, data.data() + pos, take);
    pos += take;
    return static_cast<long>(take);
  };
}

ReadFn replay_reader(std::string_view head, ReadFn rest) {
  return [head, rest = std::move(rest), pos = std::size_t{0}](
             char* buf, std::size_t n, ReadFailure& failure) mutable -> long {
    if (pos < head.size()) {
      const std::size_t take = std::min(n, head.size() - pos);
      std::memcpy(buf, head.data() + pos, take);
      pos += take;
      return static_cast<long>(take);
    }
    return rest(buf, n, failure);
  };
}

char* chunk_buffer(std::size_t n) {
  Buffer& buf = thread_buffer();
  buf.ensure(n);
  return buf.data.get();
}

void scan_reader(const ReadFn& read, const std::string& display, std::uint64_t size_hint,
                 const Detector& detector, std::size_t chunk_size, FileOutcome& out,
                 bool binary_check, std::size_t preloaded) {
  Buffer& buf = thread_buffer();
  const std::size_t window = window_of(detector);
  const std::size_t overlap = 2 * window;
  chunk_size = std::max(chunk_size, 4 * overlap);
  const std::size_t want = static_cast<std::size_t>(
      std::min<std::uint64_t>(chunk_size, size_hint ? size_hint + 1 : chunk_size));
  buf.ensure(std::max<std::size_t>({want, preloaded, 4096}), preloaded);
  std::size_t limit = std::min(buf.capacity, chunk_size);

  std::size_t len = preloaded;
  out.bytes += preloaded;
  Cursor cur;
  bool eof = false, first = true;
  DetectStats stats;
  const std::uint64_t bytes_before = out.bytes;
  for (;;) {
    while (len < limit && !eof) {
      ReadFailure failure;
      const long n = read(buf.data.get() + len, limit - len, failure);
      if (n < 0) {
        if (!failure.reported)
          out.skip = Skip{display, failure.reason,
                          "read stopped after " + std::to_string(out.bytes - bytes_before) +
                              " bytes: " + failure.detail};
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
        // The announced size was wrong (growing file, stdin): switch to full-size chunks.
        buf.ensure(chunk_size, len);
        limit = chunk_size;
      }
    }
    const std::string_view data(buf.data.get(), len);
    if (first) {
      first = false;
      if (binary_check && looks_binary(data)) {
        out.skip = Skip{display, SkipReason::kBinary, "NUL byte in the first 8000 bytes"};
        out.bytes = bytes_before;
        return;
      }
    }
    if (Status s = detector.detect(cur.chunk(data, eof, window), display, out.findings, stats);
        !s.ok())
      out.errors.push_back(display + ": " + s.message());
    if (eof || interrupted()) break;  // interrupted: the run reports what it has
    const std::size_t keep_from = len - overlap;
    cur.advance(data, keep_from, window);
    std::memmove(buf.data.get(), data.data() + keep_from, overlap);
    len = overlap;
  }
  drop_shadowed_generic(out.findings);
  detector.pair_parts(out.findings);
  note_decode_budget(stats, display, out);
}

void scan_fd(int fd, const std::string& display, std::uint64_t size_hint, const Detector& detector,
             std::size_t chunk_size, FileOutcome& out) {
  scan_reader(fd_reader(fd), display, size_hint, detector, chunk_size, out);
}

void scan_memory(std::string_view data, const std::string& display, const Detector& detector,
                 std::size_t chunk_size, FileOutcome& out) {
  if (looks_binary(data)) {
    out.skip = Skip{display, SkipReason::kBinary, "NUL byte in the first 8000 bytes"};
    return;
  }
  const std::size_t window = window_of(detector);
  const std::size_t overlap = 2 * window;
  chunk_size = std::max(chunk_size, 4 * overlap);
  Cursor cur;
  DetectStats stats;
  for (;;) {
    const std::size_t start = static_cast<std::size_t>(cur.base);
    const std::string_view piece = data.substr(start, chunk_size);
    const bool last = start + piece.size() >= data.size();
    if (Status s = detector.detect(cur.chunk(piece, last, window), display, out.findings, stats);
        !s.ok())
      out.errors.push_back(display + ": " + s.message());
    if (last) break;
    cur.advance(piece, piece.size() - overlap, window);
  }
  out.bytes = data.size();
  drop_shadowed_generic(out.findings);
  detector.pair_parts(out.findings);
  note_decode_budget(stats, display, out);
}

}  // namespace reachscan
