// Fuzz target: the whole detector (Hyperscan prefilter, RE2 confirm, entropy, decoding, offline
// verification, pairing) with every built-in rule, on arbitrary bytes.
#include <memory>

#include "fuzz_detector.h"
#include "fuzz_support.h"

namespace {
std::unique_ptr<reachscan::Detector> g_detector;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_detector = reachscan::fuzz::make_detector();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto findings = g_detector->detect_all(reachscan::fuzz::as_text(data, size), "fuzz/a.txt");
  for (const reachscan::Finding& f : findings)
    if (f.secret.empty()) __builtin_trap();  // every finding carries the secret it found
  return 0;
}
