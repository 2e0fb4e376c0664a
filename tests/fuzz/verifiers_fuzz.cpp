// Fuzz target: every offline verifier. The input is `NAME\nSECRET\0CONTEXT` (secrets such as
// private keys span lines; no NUL: no context): the first line names the verifier
// (seeds/verifiers/NAME_*, one or more per registered verifier; a test checks that every verifier
// has one). A first line that names none still picks one, by a hash of the line, so mutated names
// reach every verifier with any secret.
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

const std::string& pick(std::string_view first_line) {
  for (const std::string& n : names())
    if (n == first_line) return n;
  std::size_t h = 0;
  for (char c : first_line) h = h * 31 + static_cast<unsigned char>(c);
  return names()[h % names().size()];
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)names();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reachscan;
  if (names().empty()) return 0;
  std::string_view rest = fuzz::as_text(data, size);
  const auto first = rest.find('\n');
  const std::string& verifier = pick(rest.substr(0, first));
  rest = first == std::string_view::npos ? std::string_view() : rest.substr(first + 1);
  const auto nul = rest.find('\0');
  const std::string_view secret = rest.substr(0, nul);
  const std::string_view context = nul == std::string_view::npos ? "" : rest.substr(nul + 1);
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));
  (void)verify::verify(verifier, "fuzz.rule", secret, context, now);
  return 0;
}
