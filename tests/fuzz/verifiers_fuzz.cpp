// Fuzz target: every offline verifier. The first byte picks the verifier; the rest is the secret,
// and after the first newline, the context it was found in.
#include <chrono>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "verify/verify.h"

namespace {
const std::vector<std::string>& names() {
  static const std::vector<std::string> n = reachscan::verify::verifier_names();
  return n;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)names();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reachscan;
  if (size == 0 || names().empty()) return 0;
  const std::string& verifier = names()[data[0] % names().size()];
  const std::string_view rest = fuzz::as_text(data + 1, size - 1);
  const auto nl = rest.find('\n');
  const std::string_view secret = rest.substr(0, nl);
  const std::string_view context = nl == std::string_view::npos ? "" : rest.substr(nl + 1);
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));
  (void)verify::verify(verifier, "fuzz.rule", secret, context, now);
  return 0;
}
