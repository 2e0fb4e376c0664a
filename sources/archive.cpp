#include "sources/archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "sources/utf16.h"

namespace reachscan {
namespace {

constexpr std::size_t kSourceBuffer = 256u << 10;

// libarchive's last error, or a generic text when it has none.
std::string error_text(struct archive* a) {
  const char* e = archive_error_string(a);
  return e ? e : "unknown error";
}

// A ReadFn calling `read`, which must outlive it: no copy of what `read` captures.
ReadFn forward_to(const ReadFn& read) {
  return [&read](char* buf, std::size_t n, ReadFailure& f) { return read(buf, n, f); };
}

std::string human_bytes(std::uint64_t n) {
  if (n >= (1ull << 30) && n % (1ull << 30) == 0) return std::to_string(n >> 30) + " GiB";
  if (n >= (1ull << 20) && n % (1ull << 20) == 0) return std::to_string(n >> 20) + " MiB";
  return std::to_string(n) + " bytes";
}

// State shared by every nesting level of one outermost archive.
struct Root {
  Root(const Detector& d, const ArchiveOptions& o, FileOutcome& r)
      : detector(d), options(o), out(r) {}
  const Detector& detector;
  const ArchiveOptions& options;
  FileOutcome& out;  // where findings, skips and notes of every level go
  MemberObserver* observer = nullptr;
  std::uint64_t total = 0;  // uncompressed bytes read, all levels
  // Per nesting depth, over every archive opened at that depth: bytes produced, and compressed
  // bytes consumed by archives already closed. A 42.zip-style bomb opens thousands of small
  // archives at one depth, each harmless alone.
  std::vector<std::uint64_t> produced;
  std::vector<std::uint64_t> consumed;
  // The outermost archive: `total` against what it consumed is the overall expansion, which a
  // bomb of many levels, each of modest ratio, multiplies up.
  struct archive* outer = nullptr;
  bool aborted = false;  // a size or ratio limit stopped this archive
  std::uint64_t too_deep = 0;
  std::string first_too_deep;
  std::uint64_t unsafe_names = 0;
  std::string first_unsafe;
};

// libarchive's view of our ReadFn, or of a buffer (7z needs to seek).
struct Source {
  const ReadFn* read = nullptr;
  std::unique_ptr<char[]> buf;
  std::optional<ReadFailure> failure;
};

la_ssize_t source_read(struct archive* a, void* client, const void** out) {
  auto* s = static_cast<Source*>(client);
  // NOTE: no exception may cross libarchive's C frames; a failure becomes a read error.
  try {
    ReadFailure f;
    const long n = (*s->read)(s->buf.get(), kSourceBuffer, f);
    if (n < 0) {
      s->failure = std::move(f);
      archive_set_error(a, EIO, "%s", s->failure->detail.c_str());
      return -1;
    }
    *out = s->buf.get();
    return static_cast<la_ssize_t>(n);
  } catch (const std::exception& e) {
    s->failure = ReadFailure{SkipReason::kUnreadable, e.what()};
    archive_set_error(a, EIO, "%s", e.what());
    return -1;
  }
}

struct ArchiveDeleter {
  void operator()(struct archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<struct archive, ArchiveDeleter>;

void dispatch(const ReadFn& read, const std::string& display, std::uint64_t size, int depth,
              Root* root, const Detector& detector, const ArchiveOptions& options,
              FileOutcome& out);

void note_limits(Root& root, const std::string& display) {
  if (root.too_deep)
    root.out.member_skips.push_back(
        {root.first_too_deep, SkipReason::kArchiveLimit,
         "archive nested deeper than --max-archive-depth " +
             std::to_string(root.options.max_depth) + " not opened" +
             (root.too_deep > 1
                  ? " (and " + std::to_string(root.too_deep - 1) + " more in " + display + ")"
                  : "")});
  if (root.unsafe_names)
    root.out.notes.push_back(
        display + ": " + std::to_string(root.unsafe_names) +
        " member name(s) are absolute, climb out with '..', or hold control characters or "
        "invalid UTF-8 (first: " +
        root.first_unsafe + "); they are shown escaped and never used as file paths");
}

// Reads the archive in `read` (one nesting level) and dispatches each member.
void open_level(const ReadFn& read, const std::string& display, int depth, Root& root) {
  const ArchiveOptions& opt = root.options;
  // Declared before the archive handle, which may use them until it is freed.
  Source src;
  std::string buffered;  // the first bytes; for 7z, the whole archive
  ReadFn replayed;
  ArchivePtr a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_all(a.get());
  archive_read_support_format_raw(a.get());
  {
    // Peek for 7z: it keeps its directory at the end and needs random access.
    char probe[6];
    std::size_t got = 0;
    ReadFailure f;
    while (got < sizeof probe) {
      const long n = read(probe + got, sizeof probe - got, f);
      if (n < 0) {
        if (!f.reported) root.out.member_skips.push_back({display, f.reason, f.detail});
        return;
      }
      if (n == 0) break;
      got += static_cast<std::size_t>(n);
    }
    buffered.assign(probe, got);
    if (looks_like_7z(buffered)) {
      std::vector<char> chunk(kSourceBuffer);
      for (;;) {
        const long n = read(chunk.data(), chunk.size(), f);
        if (n < 0) {
          if (!f.reported) root.out.member_skips.push_back({display, f.reason, f.detail});
          return;
        }
        if (n == 0) break;
        if (buffered.size() + static_cast<std::size_t>(n) > opt.max_buffered) {
          root.out.member_skips.push_back(
              {display, SkipReason::kArchiveLimit,
               "7z archive larger than " + human_bytes(opt.max_buffered) +
                   ": 7z needs random access and is read into memory up to that size"});
          return;
        }
        buffered.append(chunk.data(), static_cast<std::size_t>(n));
      }
      if (archive_read_open_memory(a.get(), buffered.data(), buffered.size()) != ARCHIVE_OK) {
        root.out.member_skips.push_back({display, SkipReason::kCorrupt, error_text(a.get())});
        return;
      }
    }
  }
  if (!looks_like_7z(buffered)) {
    // The probe bytes go first, then the rest of the stream.
    src.buf.reset(new char[kSourceBuffer]);
    replayed = replay_reader(buffered, forward_to(read));
    src.read = &replayed;
    if (archive_read_open(a.get(), &src, nullptr, source_read, nullptr) != ARCHIVE_OK) {
      if (src.failure && src.failure->reported) return;
      const SkipReason why = src.failure ? src.failure->reason : SkipReason::kCorrupt;
      root.out.member_skips.push_back(
          {display, why, std::string("not a readable archive: ") + error_text(a.get())});
      return;
    }
  }

  std::uint64_t members = 0;
  const auto d = static_cast<std::size_t>(depth);
  if (root.produced.size() <= d) {
    root.produced.resize(d + 1, 0);
    root.consumed.resize(d + 1, 0);
  }
  // This archive's compressed bytes join its depth's total when it closes.
  // (By index: deeper levels may grow the vectors meanwhile.)
  struct Consumed {
    struct archive* a;
    Root& root;
    std::size_t d;
    ~Consumed() {
      root.consumed[d] +=
          static_cast<std::uint64_t>(std::max<la_int64_t>(archive_filter_bytes(a, -1), 0));
    }
  } consumed_at_close{a.get(), root, d};
  if (!root.outer) root.outer = a.get();
  std::string last = "(none)";
  bool first = true;
  for (;;) {
    if (root.aborted) return;
    struct archive_entry* entry = nullptr;
    const int r = archive_read_next_header(a.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) {
      if (src.failure) {
        if (!src.failure->reported)
          root.out.member_skips.push_back({display, src.failure->reason, src.failure->detail});
        return;
      }
      // A header that claims encryption but fails for another reason is corrupt, not encrypted.
      const std::string err = error_text(a.get());
      const bool encrypted =
          archive_read_has_encrypted_entries(a.get()) > 0 &&
          (err.find("ncrypt") != std::string::npos || err.find("assphrase") != std::string::npos);
      root.out.member_skips.push_back(
          {display, encrypted ? SkipReason::kEncrypted : SkipReason::kCorrupt,
           (first ? std::string("not a readable archive: ")
                  : "reading stopped after member " + last + " (" + std::to_string(members) +
                        " member(s) read): ") +
               error_text(a.get())});
      return;
    }
    const bool raw = archive_format(a.get()) == ARCHIVE_FORMAT_RAW;
    if (first && raw && archive_filter_code(a.get(), 0) == ARCHIVE_FILTER_NONE) {
      // Magic bytes said archive, but no reader recognised it.
      root.out.member_skips.push_back(
          {display, SkipReason::kCorrupt, "not a readable archive: format not recognised"});
      return;
    }
    first = false;
    const char* raw_name = archive_entry_pathname(entry);
    const std::string name = raw_name ? raw_name : "";
    const bool regular = archive_entry_filetype(entry) == AE_IFREG;
    if (depth == 1 && root.observer) root.observer->on_member(name, regular);
    if (!regular) continue;  // folders, links, devices: no content of their own
    if (++members > opt.max_members) {
      root.out.member_skips.push_back({display, SkipReason::kArchiveLimit,
                                       "more than " + std::to_string(opt.max_members) +
                                           " members; those after " + last + " were not scanned"});
      return;
    }
    bool unsafe = false;
    // "./etc/x" (tar, cpio, .deb and .rpm payloads) reads "etc/x".
    std::string_view shown = name;
    while (shown.size() > 2 && shown.substr(0, 2) == "./") shown.remove_prefix(2);
    const std::string safe = safe_member_name(shown.empty() ? "(unnamed)" : shown, &unsafe);
    if (unsafe && !raw && root.unsafe_names++ == 0) root.first_unsafe = safe;
    // A single compressed file (raw format) is its content: no member name is added.
    const std::string member = raw ? display : display + "!" + safe;
    last = safe;

    if (archive_entry_is_encrypted(entry)) {
      root.out.member_skips.push_back(
          {member, SkipReason::kEncrypted, "encrypted member: there is no key to read it"});
      continue;
    }
    const std::uint64_t size = archive_entry_size_is_set(entry) && archive_entry_size(entry) > 0
                                   ? static_cast<std::uint64_t>(archive_entry_size(entry))
                                   : 0;
    if (opt.max_size && size > opt.max_size - std::min(opt.max_size, root.total)) {
      root.out.member_skips.push_back(
          {member, SkipReason::kArchiveLimit,
           std::to_string(size) + " bytes uncompressed: over what is left of --max-archive-size " +
               human_bytes(opt.max_size)});
      continue;
    }

    bool member_failed = false;
    const ReadFn member_read = [&](char* buf, std::size_t n, ReadFailure& f) -> long {
      if (root.aborted) {
        f = {SkipReason::kArchiveLimit, "", true};
        return -1;
      }
      const la_ssize_t got = archive_read_data(a.get(), buf, n);
      if (got < 0) {
        member_failed = true;
        if (src.failure) {
          f = *src.failure;
          return -1;
        }
        const bool encrypted = archive_entry_is_data_encrypted(entry);
        root.out.member_skips.push_back(
            {member, encrypted ? SkipReason::kEncrypted : SkipReason::kCorrupt,
             std::string("reading stopped inside this member: ") + error_text(a.get())});
        f = {SkipReason::kCorrupt, "", true};
        return -1;
      }
      const auto n_got = static_cast<std::uint64_t>(got);
      const std::uint64_t produced = root.produced[d] += n_got;
      root.total += n_got;
      std::string why;
      if (opt.max_size && root.total > opt.max_size) {
        why = "more than " + human_bytes(opt.max_size) +
              " uncompressed (--max-archive-size); the rest of the archive was not scanned";
      } else if (opt.max_ratio > 0) {
        auto bytes_in = [](struct archive* h) {
          return static_cast<std::uint64_t>(std::max<la_int64_t>(archive_filter_bytes(h, -1), 1));
        };
        auto over = [&](std::uint64_t out_bytes, std::uint64_t in_bytes, const char* what) {
          if (out_bytes <= opt.ratio_floor ||
              static_cast<double>(out_bytes) <= opt.max_ratio * static_cast<double>(in_bytes))
            return false;
          why = std::string(what) + " over " + std::to_string(static_cast<long>(opt.max_ratio)) +
                ":1 (" + std::to_string(out_bytes) + " bytes from " + std::to_string(in_bytes) +
                "): a decompression bomb? the rest of the archive was not scanned";
          return true;
        };
        if (!over(produced, root.consumed[d] + bytes_in(a.get()), "compression ratio"))
          over(root.total, bytes_in(root.outer), "compression ratio of the nested archives");
      }
      if (!why.empty()) {
        root.aborted = true;
        member_failed = true;
        root.out.member_skips.push_back({member, SkipReason::kArchiveLimit, why});
        f = {SkipReason::kArchiveLimit, "", true};
        return -1;
      }
      return static_cast<long>(got);
    };
    FileOutcome m;
    dispatch(member_read, member, size, depth + 1, &root, root.detector, opt, m);
    if (!m.skip || m.skip->reason == SkipReason::kUnreadable) ++root.out.members_scanned;
    if (m.skip) root.out.member_skips.push_back(std::move(*m.skip));
    root.out.bytes += m.bytes;
    for (Finding& f : m.findings) root.out.findings.push_back(std::move(f));
    for (Skip& s : m.member_skips) root.out.member_skips.push_back(std::move(s));
    for (std::string& e : m.errors) root.out.errors.push_back(std::move(e));
    for (std::string& n : m.notes) root.out.notes.push_back(std::move(n));
    root.out.members_scanned += m.members_scanned;
    // A member whose data failed leaves the archive stream broken: stop at it.
    if (member_failed) return;
  }
}

// Wraps a reader so that every byte outside printable ASCII, and every printable run shorter than
// `min_run`, reads as '\n'. Output has the input's length: offsets stay exact.
class PrintableRuns {
 public:
  PrintableRuns(const ReadFn& read, std::size_t min_run) : read_(read), min_run_(min_run) {}

  long operator()(char* buf, std::size_t n, ReadFailure& failure) {
    for (;;) {
      if (eof_) {
        // Flush a pending short run as separators.
        const std::size_t k = std::min(n, pending_.size());
        std::memset(buf, '\n', k);
        pending_.erase(0, k);
        return static_cast<long>(k);
      }
      if (n <= min_run_) n = min_run_ + 1;  // callers ask for far more; keep room for pending
      in_.resize(n - min_run_);
      const long got = read_(in_.data(), in_.size(), failure);
      if (got < 0) return got;
      if (got == 0) {
        eof_ = true;
        continue;
      }
      std::size_t w = 0;
      for (long i = 0; i < got; ++i) {
        const char c = in_[static_cast<std::size_t>(i)];
        const auto u = static_cast<unsigned char>(c);
        if ((u >= 0x20 && u < 0x7f) || c == '\t') {
          if (run_ >= min_run_) {
            buf[w++] = c;
          } else {
            pending_.push_back(c);
            if (++run_ == min_run_) {
              std::memcpy(buf + w, pending_.data(), pending_.size());
              w += pending_.size();
              pending_.clear();
            }
          }
        } else {
          if (run_ < min_run_) {
            std::memset(buf + w, '\n', pending_.size());
            w += pending_.size();
            pending_.clear();
          }
          run_ = 0;
          buf[w++] = '\n';
        }
      }
      if (w > 0) return static_cast<long>(w);
    }
  }

 private:
  const ReadFn& read_;
  std::size_t min_run_;
  std::string in_;
  std::string pending_;  // the start of a run not yet min_run_ long
  std::size_t run_ = 0;
  bool eof_ = false;
};

void dispatch(const ReadFn& read, const std::string& display, std::uint64_t size, int depth,
              Root* root, const Detector& detector, const ArchiveOptions& options,
              FileOutcome& out) {
  // The head decides. It is read straight into the thread's chunk buffer: text (nearly every
  // input) is then scanned from there without a copy; anything else copies it out first, since
  // members scanned meanwhile reuse that buffer. Up to 1 MiB is read at once: a whole small file
  // in one read, and a bounded copy for archives.
  constexpr std::size_t kHeadRead = 1u << 20;
  const std::size_t want = std::max<std::size_t>(
      kBinaryProbe,
      static_cast<std::size_t>(std::min<std::uint64_t>(
          {options.chunk_size, kHeadRead, size ? size + 1 : std::uint64_t{kHeadRead}})));
  char* buf = chunk_buffer(want);
  std::size_t got = 0;
  bool eof = false;
  while (got < kBinaryProbe) {
    ReadFailure f;
    const long n = read(buf + got, want - got, f);
    if (n < 0) {
      if (!f.reported)
        out.skip = Skip{display, f.reason,
                        "read stopped after " + std::to_string(got) + " bytes: " + f.detail};
      return;
    }
    if (n == 0) {
      eof = true;
      break;
    }
    got += static_cast<std::size_t>(n);
  }
  const ContentKind kind = classify_content(std::string_view(buf, std::min(got, kBinaryProbe)));
  static const ReadFn kEnd = [](char*, std::size_t, ReadFailure&) -> long { return 0; };
  const ReadFn& rest = eof ? kEnd : read;
  if (kind == ContentKind::kText && (!options.max_text_size || size <= options.max_text_size)) {
    scan_reader(rest, display, size, detector, options.chunk_size, out, false, got);
    return;
  }
  // Archives are bounded by max_size; everything else by the file size limit.
  if ((kind != ContentKind::kArchive || options.max_depth <= 0) && options.max_text_size &&
      size > options.max_text_size) {
    out.skip = Skip{display, SkipReason::kTooLarge, std::to_string(size) + " bytes"};
    return;
  }
  const std::string head(buf, got);
  // The head stays here, in this frame, for as long as `whole` reads it.
  const ReadFn whole = replay_reader(head, forward_to(rest));
  switch (kind) {
    case ContentKind::kText:  // too large: skipped above
      return;
    case ContentKind::kUtf16:  // decoded text: a NUL in it still means binary
      scan_reader(utf16_reader(whole, *utf16_byte_order(head)), display, size, detector,
                  options.chunk_size, out);
      return;
    case ContentKind::kArchive:
      if (options.max_depth <= 0) {
        out.skip = Skip{display, SkipReason::kBinary, "archive not opened (--max-archive-depth 0)"};
        return;
      }
      if (depth > options.max_depth) {
        if (root->too_deep++ == 0) root->first_too_deep = display;
        return;  // counted as a member; one skip per outermost archive names them
      }
      if (root) {
        open_level(whole, display, depth, *root);
      } else {
        Root top(detector, options, out);
        open_level(whole, display, depth, top);
        note_limits(top, display);
      }
      return;
    case ContentKind::kCompiled:
      if (!options.binary_strings) {
        out.skip = Skip{display, SkipReason::kBinary, "compiled binary (--no-binary-strings)"};
        return;
      }
      scan_binary_strings(whole, display, size, detector, options, out);
      return;
    case ContentKind::kBinary:
      out.skip = Skip{display, SkipReason::kBinary, "NUL byte in the first 8000 bytes"};
      return;
  }
}

}  // namespace

void scan_content(const ReadFn& read, const std::string& display, std::uint64_t size_hint,
                  const Detector& detector, const ArchiveOptions& options, FileOutcome& out) {
  dispatch(read, display, size_hint, 1, nullptr, detector, options, out);
}

void scan_buffer(std::string_view data, const std::string& display, const Detector& detector,
                 const ArchiveOptions& options, FileOutcome& out) {
  const std::string_view head = data.substr(0, kBinaryProbe);
  if (classify_content(head) == ContentKind::kText) {
    if (options.max_text_size && data.size() > options.max_text_size) {
      out.skip = Skip{display, SkipReason::kTooLarge, std::to_string(data.size()) + " bytes"};
      return;
    }
    scan_memory(data, display, detector, options.chunk_size, out);
    return;
  }
  scan_content(memory_reader(data), display, data.size(), detector, options, out);
}

void scan_archive(const ReadFn& read, const std::string& display, const Detector& detector,
                  const ArchiveOptions& options, FileOutcome& out) {
  scan_archive(read, display, detector, options, out, nullptr);
}

void scan_archive(const ReadFn& read, const std::string& display, const Detector& detector,
                  const ArchiveOptions& options, FileOutcome& out, MemberObserver* observer) {
  Root top(detector, options, out);
  top.observer = observer;
  open_level(read, display, 1, top);
  note_limits(top, display);
}

void scan_binary_strings(const ReadFn& read, const std::string& display, std::uint64_t size_hint,
                         const Detector& detector, const ArchiveOptions& options,
                         FileOutcome& out) {
  PrintableRuns runs(read, std::max<std::size_t>(options.min_string, 1));
  const ReadFn printable = [&runs](char* buf, std::size_t n, ReadFailure& f) {
    return runs(buf, n, f);
  };
  scan_reader(printable, display, size_hint, detector, options.chunk_size, out, false);
}

}  // namespace reachscan
