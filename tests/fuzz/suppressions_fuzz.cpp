// Fuzz target: the suppression file parsers, which read files that may come from the scanned tree
// or an earlier run: `.reachscanignore`, a baseline report (JSON, a bare array or JSON Lines) and
// `.gitleaksignore`. The first byte picks the format; the rest is the file. Whatever is accepted
// is then matched against a finding.
#include <string>

#include "core/types.h"
#include "fuzz_support.h"
#include "scanner/suppress.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reachscan;
  if (size == 0) return 0;
  const std::string_view text = fuzz::as_text(data + 1, size - 1);
  Suppressions s;
  Status status;
  switch (data[0] % 3) {
    case 0:
      status = s.add_ignore_text(text, "fuzz/.reachscanignore");
      break;
    case 1:
      status = s.add_baseline_text(text, "fuzz/baseline.json");
      break;
    default:
      status = s.add_gitleaks_ignore_text(text, "fuzz/.gitleaksignore");
      break;
  }
  // All or nothing: a rejected file adds nothing.
  if (!status.ok() && s.size() != 0) __builtin_trap();
  Finding f;
  f.rule_id = "aws.access_key_id";
  f.path = "src/app/config.py";
  f.line = 12;
  f.secret = "AKIAIOSFODNN7EXAMPLE";
  f.fingerprint = "aws.access_key_id:0123456789abcdef0123456789abcdef";
  f.commit = CommitInfo{};
  f.commit->id = "0123456789abcdef0123456789abcdef01234567";
  const bool hidden = s.suppressed(f);
  if (!status.ok() && hidden) __builtin_trap();
  return 0;
}
