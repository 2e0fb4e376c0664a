#include "scanner/pipeline.h"

#include <fcntl.h>
#include <openssl/rand.h>
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

#include "reach/classify.h"
#include "scanner/chunked_scan.h"
#include "scanner/detector.h"
#include "scanner/interrupt.h"
#include "sources/walker.h"

namespace reachscan {
namespace {

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
  // O_NONBLOCK (there so a FIFO swapped in after the walk cannot hang open) has no effect on
  // regular files, so it stays. Read-ahead advice pays only for files spanning several reads.
  if (e.size > (1u << 20)) ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
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
  for (std::string& n : o.notes) r.summary.notes.push_back(std::move(n));
}

}  // namespace

struct Scanner::Impl {
  std::shared_ptr<const patterns::RuleDatabase> db;
  Detector detector;
  ScanOptions options;
  Impl(std::shared_ptr<const patterns::RuleDatabase> d, ScanOptions o)
      : db(d), detector(std::move(d), detector_options(o)), options(std::move(o)) {}

  static DetectorOptions detector_options(const ScanOptions& o) {
    DetectorOptions d;
    d.verify = o.verify;
    d.decode = o.decode;
    d.reach = o.reach.get();
    d.root = o.root;
    return d;
  }
};

Scanner::Scanner(std::shared_ptr<const patterns::RuleDatabase> db, ScanOptions options) {
  threads_ = options.threads ? options.threads
                             : static_cast<unsigned>(std::max(1, tbb::info::default_concurrency()));
  impl_ = std::make_unique<Impl>(std::move(db), std::move(options));
}

Scanner::~Scanner() = default;

void flag_reuse_randomly(std::vector<Finding>& findings) {
  unsigned char key[32];
  if (RAND_bytes(key, sizeof key) != 1) {
    // No entropy source: fall back to a per-process value; digests stay in memory either way.
    const auto seed = std::chrono::steady_clock::now().time_since_epoch().count();
    std::memcpy(key, &seed, sizeof seed);
  }
  reach::flag_reuse(findings, std::string_view(reinterpret_cast<const char*>(key), sizeof key));
}

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
  wo.follow_symlinks = impl_->options.follow_symlinks;  // hardening (issue 18)
  Walker walker(roots, wo);
  const Detector& detector = impl_->detector;
  const std::size_t chunk = impl_->options.chunk_size;

  tbb::task_arena arena(static_cast<int>(threads_));
  arena.execute([&] {
    // A few files in flight per thread keeps cores busy while bounding memory to
    // tokens x chunk_size.
    tbb::parallel_pipeline(threads_ * 4,
                           tbb::make_filter<void, std::optional<WalkEntry>>(
                               tbb::filter_mode::serial_in_order,
                               [&](tbb::flow_control& fc) -> std::optional<WalkEntry> {
                                 // Interrupted: stop reading (scanner/interrupt.h).
                                 if (interrupted()) {
                                   result.summary.complete = false;
                                   fc.stop();
                                   return std::nullopt;
                                 }
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

  if (impl_->options.reach) flag_reuse_randomly(result.findings);
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
  if (interrupted()) result.summary.complete = false;  // scanner/interrupt.h
  add_outcome(std::move(o), result);
  if (impl_->options.reach) flag_reuse_randomly(result.findings);
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
