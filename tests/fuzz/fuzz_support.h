// Shared by the fuzz targets: the libFuzzer entry points, declared once.
//
// Each target defines LLVMFuzzerTestOneInput (and, where it needs set-up, LLVMFuzzerInitialize).
// Built with clang and -fsanitize=fuzzer (the `fuzz` preset, scripts/fuzz.sh) they are libFuzzer
// binaries; built with any other compiler they link standalone_main.cpp, which replays the seeds
// and then feeds mutations of them for a bounded time, so the default test suite still exercises
// every target on every build.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace reachscan::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace reachscan::fuzz
