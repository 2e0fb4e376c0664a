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
#include <map>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace reachscan::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Several files in one input (the deployment and image targets):
//
//   %%% path/of/file
//   content...
//   %%% other/file
//   content...
//
// Paths are kept as written (empty ones, and ones of 256 bytes or more, are dropped); a later
// file of the same path replaces the earlier one.
inline std::map<std::string, std::string> split_files(std::string_view input) {
  constexpr std::string_view kMarker = "%%% ";
  std::map<std::string, std::string> files;
  std::size_t at = input.rfind(kMarker, 0) == 0 ? 0 : input.find("\n%%% ");
  while (at != std::string_view::npos) {
    at += input[at] == '\n' ? 1 + kMarker.size() : kMarker.size();
    const std::size_t eol = input.find('\n', at);
    std::string path(input.substr(at, eol == std::string_view::npos ? eol : eol - at));
    const std::size_t body = eol == std::string_view::npos ? input.size() : eol + 1;
    const std::size_t next = input.find("\n%%% ", body);
    const std::size_t end = next == std::string_view::npos ? input.size() : next;
    if (!path.empty() && path.size() < 256 && path.find('\0') == std::string::npos)
      files[path] = std::string(input.substr(body, end - body));
    at = next;
  }
  return files;
}

}  // namespace reachscan::fuzz
