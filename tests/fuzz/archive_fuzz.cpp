// Fuzz target: archives and compiled artifacts (sources/archive.h) on arbitrary bytes, through the
// same dispatch as a scanned file: zip, tar (and its compressed forms), 7z, cpio, ar, rpm, single
// compressed files, nested archives, ELF/PE/class string extraction. Limits are small, so that
// bombs and hostile headers hit them within a run; whatever stops a member must be reported as a
// skip with a reason.
#include <memory>

#include "fuzz_detector.h"
#include "fuzz_support.h"
#include "sources/archive.h"

namespace {
std::unique_ptr<reachscan::Detector> g_detector;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_detector = reachscan::fuzz::make_detector();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reachscan;
  ArchiveOptions o;
  o.max_depth = 3;
  o.max_size = 4u << 20;
  o.ratio_floor = 256u << 10;
  o.max_members = 256;
  o.max_text_size = 1u << 20;
  o.max_buffered = 1u << 20;
  o.chunk_size = 64u << 10;
  FileOutcome out;
  scan_buffer(fuzz::as_text(data, size), "fuzz.bin", *g_detector, o, out);
  for (const Skip& s : out.member_skips)
    if (s.path.rfind("fuzz.bin", 0) != 0) __builtin_trap();  // members are named in the input
  return 0;
}
