// Fuzz target: finding and decoding base64, URL- and hex-encoded runs in arbitrary text.
#include "fuzz_support.h"
#include "scanner/decode.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reachscan;
  const std::string_view text = fuzz::as_text(data, size);
  for (const EncodedRun& run : find_encoded_runs(text)) {
    // The runs must lie inside the text, in order: a bad offset would read out of bounds later.
    if (run.start >= run.end || run.end > text.size()) __builtin_trap();
    if (auto decoded = decode_run(text.substr(run.start, run.end - run.start), run.encoding))
      (void)mostly_text(*decoded);
  }
  return 0;
}
