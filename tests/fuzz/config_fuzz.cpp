// Fuzz target: the config loader (.reachscan.yaml, which may come from a scanned tree) and the
// size parser, on arbitrary bytes.
#include "fuzz_support.h"
#include "scanner/config.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reachscan;
  const std::string_view text = fuzz::as_text(data, size);
  (void)parse_config(text, "fuzz/.reachscan.yaml");
  if (size < 64) (void)parse_size(std::string(text));
  return 0;
}
