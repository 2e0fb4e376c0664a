// Encoded runs: where text may hold base64-, URL- or hex-encoded content, and its decoding.
//
// The detector looks inside such runs (a Kubernetes Secret's base64 `data:` values, a Basic-auth
// header, a URL-encoded connection string) by decoding them and scanning the decoded bytes with
// the same rules. Only decodings that are mostly printable text are kept, so images, fonts,
// digests and random bytes cost a short prefix decode and are dropped. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reachscan {

enum class Encoding { kBase64, kUrl, kHex };
const char* to_string(Encoding e);  // "base64", "url", "hex"

// Shortest runs worth decoding: 16 base64 characters hold 12 bytes (`user:password`), 32 hex
// digits 16 bytes. Shorter runs are words and ids far more often than encoded secrets.
inline constexpr std::size_t kMinBase64Run = 16;
inline constexpr std::size_t kMinHexRun = 32;
inline constexpr std::size_t kMinUrlRun = 8;
// Longer runs are embedded files (images, fonts, archives), not credentials: never decoded.
inline constexpr std::size_t kMaxEncodedRun = 256 * 1024;

struct EncodedRun {
  std::size_t start = 0;  // offsets into the searched text; base64 padding is inside the run
  std::size_t end = 0;    // exclusive
  Encoding encoding = Encoding::kBase64;
};

// Candidate runs in `text`, ordered by start; runs of different encodings may overlap (a URL-
// encoded run can hold a base64 one). Skipped on purpose: base64 runs that are one dot-separated
// segment of a longer token (JWTs, which their own rule reports whole; dotted names) and runs
// longer than kMaxEncodedRun. Text without long runs costs a few vector instructions per 48 bytes.
std::vector<EncodedRun> find_encoded_runs(std::string_view text);

// Decodes `run` (the bytes of one EncodedRun). Empty when it does not decode or the result is not
// mostly printable text (see mostly_text).
std::optional<std::string> decode_run(std::string_view run, Encoding encoding);

// True when at least 95% of `bytes` are printable ASCII, tab, CR or LF (and there are some).
bool mostly_text(std::string_view bytes);

}  // namespace reachscan
