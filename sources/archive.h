// Archives and compiled artifacts as sources of text to scan.
//
// scan_content() is the entry point for a blob of unknown kind (a file, standard input, a git blob,
// an archive member). It reads the first kBinaryProbe bytes and dispatches on what they are:
//   - text: scanned in chunks (scanner/chunked_scan.h), exact lines and columns;
//   - an archive, detected by its magic bytes (zip family: jar, war, ear, apk, whl, nupkg, docx...;
//     tar and its gz/bz2/xz/zstd/lz4 forms; single-file gz/bz2/xz/zstd/lz4; 7z; cpio; ar and .deb;
//     .rpm): opened with libarchive and every member streamed through the same dispatch, so nested
//     archives are opened too, to ArchiveOptions::max_depth. Members are read from the outer
//     archive's data stream: nothing is written to disk, and memory stays bounded whatever the
//     member size (except 7z, which needs random access: see max_buffered);
//   - a compiled artifact (ELF, Mach-O, PE, Java .class, .pyc, WebAssembly): its printable runs
//     (`strings -n 8`) are scanned, with exact byte offsets (see scan_binary_strings);
//   - other binary data: skipped with the reason `binary`.
//
// A member's path is the chain of names from the outermost input, joined by '!':
// `dist/app.tar.gz!lib/app.jar!BOOT-INF/classes/application.properties`. Member names are shown
// escaped (safe_member_name) and never used as file system paths.
//
// Limits guard against decompression bombs and hostile archives. Each hit is a Skip with its
// reason (never a silent drop): `archive_limit` (uncompressed size, compression ratio, member
// count, nesting depth), `encrypted`, `corrupt` (reading stopped at the member named; everything
// before it was scanned). A size or ratio hit stops the whole outermost archive: a bomb costs at
// most about max_size (or ratio_floor per nesting level) of decompression.
//
// All functions are thread-safe for distinct inputs; they keep no state between calls.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "scanner/chunked_scan.h"
#include "scanner/detector.h"

namespace reachscan {

struct ArchiveOptions {
  // Archives nested deeper than this are not opened (the outermost archive is depth 1); 0 opens
  // no archive at all: they are skipped as binary, as before archives were supported.
  int max_depth = 4;
  // Uncompressed bytes read from one outermost archive, nested archives included; 0: no limit.
  std::uint64_t max_size = 8ull << 30;
  // Uncompressed / compressed bytes at any one nesting level, checked once a level has produced
  // ratio_floor bytes (small archives of repetitive text legitimately compress very well).
  double max_ratio = 250;
  std::uint64_t ratio_floor = 32ull << 20;
  // Members (regular files) read from one archive, at each nesting level. Large enough for a
  // source tarball of a big project (Linux has ~90k files); bounds per-member overhead.
  std::uint64_t max_members = 250000;
  // Text inputs larger than this (by their announced size) are skipped as `too_large`; 0: no
  // limit. The pipeline sets it from --max-file-size, so the limit applies to text and archive
  // members alike while archives themselves are bounded by max_size.
  std::uint64_t max_text_size = 0;
  // 7z archives need random access: they are read into memory up to this size, and skipped with
  // `archive_limit` beyond it.
  std::uint64_t max_buffered = 256ull << 20;
  // Scan the printable runs of compiled artifacts; off: they are skipped as binary.
  bool binary_strings = true;
  std::size_t min_string = 8;  // shortest printable run kept
  std::size_t chunk_size = 16u << 20;
};

// kUtf16: text with a UTF-16 byte order mark, decoded to UTF-8 as it is read (sources/utf16.h).
enum class ContentKind { kText, kUtf16, kArchive, kCompiled, kBinary };

// What the first bytes of an input are. `head` should hold the first kBinaryProbe bytes (or the
// whole input when shorter); an archive needs at most the first 262 bytes to be recognised.
ContentKind classify_content(std::string_view head);
bool looks_like_archive(std::string_view head);
bool looks_compiled(std::string_view head);
bool looks_like_7z(std::string_view head);

// Whether a file's name says it is an archive (.zip, .jar, .tar.gz, .whl, .deb...). Content
// decides what an input is; the name serves where content cannot be looked at cheaply: a git
// blob over --max-file-size is read (to the archive size limit) only when its name says archive.
bool archive_named(std::string_view path);

// Scans an input of any kind (see above), reported as `display`. `size_hint` is the announced
// size (0: unknown), used for the too_large check and for buffer sizing. Results, skips of members
// and notes are added to `out`; `out.skip` is set only when the input itself was skipped (binary,
// too large, unreadable before anything was read).
void scan_content(const ReadFn& read, const std::string& display, std::uint64_t size_hint,
                  const Detector& detector, const ArchiveOptions& options, FileOutcome& out);

// scan_content over a buffer, with the text path scanning `data` in place (no copy): for git
// blobs, which are in memory already.
void scan_buffer(std::string_view data, const std::string& display, const Detector& detector,
                 const ArchiveOptions& options, FileOutcome& out);

// Opens `read` as an archive (the caller has seen looks_like_archive) and scans its members.
void scan_archive(const ReadFn& read, const std::string& display, const Detector& detector,
                  const ArchiveOptions& options, FileOutcome& out);

// Called for every entry of the outermost archive (directories and links included) before its
// data is read: what container image layers need to resolve whiteouts. `name` is the raw name.
struct MemberObserver {
  virtual ~MemberObserver() = default;
  virtual void on_member(const std::string& name, bool regular_file) = 0;
};
void scan_archive(const ReadFn& read, const std::string& display, const Detector& detector,
                  const ArchiveOptions& options, FileOutcome& out, MemberObserver* observer);

// Scans the printable runs of a binary: bytes outside printable ASCII (tab included) and runs
// shorter than options.min_string become newlines, so offsets are exact and no match spans two
// runs. Line numbers then count runs and newlines: line N is roughly the Nth string.
void scan_binary_strings(const ReadFn& read, const std::string& display, std::uint64_t size_hint,
                         const Detector& detector, const ArchiveOptions& options, FileOutcome& out);

// A member name fit to print: control characters, invalid UTF-8, backslashes and the chain
// separator '!' are escaped (\xNN, \\). `unsafe` is set when the name is absolute, climbs out
// with `..`, or needed escaping: a name a careless extractor would write outside its folder.
std::string safe_member_name(std::string_view raw, bool* unsafe = nullptr);

}  // namespace reachscan
