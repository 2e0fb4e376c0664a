#include "report/progress.h"

#include <fmt/core.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace reachscan::report {
namespace {

std::string bytes_text(double b) {
  if (b >= 1e9) return fmt::format("{:.2f} GB", b / 1e9);
  if (b >= 1e6) return fmt::format("{:.1f} MB", b / 1e6);
  return fmt::format("{:.0f} kB", b / 1e3);
}

}  // namespace

struct ProgressLine::Impl {
  std::FILE* out;
  const ScanCounters& counters;
  const BlobSource* source = nullptr;  // null: still in `phase`
  const char* phase = "starting";
  const char* noun;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  bool drawn = false;
  std::thread thread;
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();

  Impl(std::FILE* o, const ScanCounters& c, const char* n) : out(o), counters(c), noun(n) {}

  void draw() {
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!source) {
      fmt::print(out, "\rreachscan: {}, {:.1f} s\033[K", phase, secs);
      std::fflush(out);
      drawn = true;
      return;
    }
    const auto bytes = static_cast<double>(counters.bytes.load(std::memory_order_relaxed));
    std::string line = fmt::format(
        "reachscan: {} {}, {}, {} found, {}/s", counters.items.load(std::memory_order_relaxed),
        noun, bytes_text(bytes), counters.occurrences.load(std::memory_order_relaxed),
        bytes_text(secs > 0 ? bytes / secs : 0));
    const SourceProgress p = source->progress();
    if (p.commits_total)
      line += fmt::format(
          ", {}/{} commits ({:.0f}%)", p.commits, p.commits_total,
          100.0 * static_cast<double>(p.commits) / static_cast<double>(p.commits_total));
    else if (p.commits)
      line += fmt::format(", {} commits", p.commits);
    line += fmt::format(", {:.0f} s", secs);
    // \r and "erase to end of line": the line is redrawn in place.
    fmt::print(out, "\r{}\033[K", line);
    std::fflush(out);
    drawn = true;
  }

  void run() {
    std::unique_lock lock(mu);
    // First line soon (a scan that ends quickly draws nothing), then a few times a second.
    if (cv.wait_for(lock, std::chrono::milliseconds(300), [&] { return done; })) return;
    for (;;) {
      draw();
      if (cv.wait_for(lock, std::chrono::milliseconds(250), [&] { return done; })) return;
    }
  }
};

ProgressLine::ProgressLine(std::FILE* out, const ScanCounters& counters, const char* noun)
    : impl_(std::make_unique<Impl>(out, counters, noun)) {
  impl_->thread = std::thread([this] { impl_->run(); });
}

void ProgressLine::phase(const char* what) {
  std::lock_guard lock(impl_->mu);
  impl_->phase = what;
}

void ProgressLine::watch(const BlobSource& source) {
  std::lock_guard lock(impl_->mu);
  impl_->source = &source;
}

ProgressLine::~ProgressLine() { stop(); }

void ProgressLine::stop() {
  if (!impl_->thread.joinable()) return;
  {
    std::lock_guard lock(impl_->mu);
    impl_->done = true;
  }
  impl_->cv.notify_all();
  impl_->thread.join();
  if (impl_->drawn) {
    fmt::print(impl_->out, "\r\033[K");
    std::fflush(impl_->out);
  }
}

}  // namespace reachscan::report
