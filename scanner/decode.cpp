#include "scanner/decode.h"

#include "codec/codec.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

namespace reachscan {
namespace {

enum : unsigned char {
  kB64 = 1,        // A-Z a-z 0-9
  kStd = 2,        // + /   (standard alphabet)
  kUrlSafe = 4,    // - _   (URL-safe alphabet)
  kHexDigit = 8,   // 0-9 a-f A-F
  kUrlChar = 16,   // may appear in a URL-encoded run
  kHexLower = 32,  // a-f
  kHexUpper = 64,  // A-F
};

constexpr std::array<unsigned char, 256> make_classes() {
  std::array<unsigned char, 256> t{};
  for (int c = 'A'; c <= 'Z'; ++c) t[c] |= kB64 | kUrlChar;
  for (int c = 'a'; c <= 'z'; ++c) t[c] |= kB64 | kUrlChar;
  for (int c = '0'; c <= '9'; ++c) t[c] |= kB64 | kHexDigit | kUrlChar;
  for (int c = 'a'; c <= 'f'; ++c) t[c] |= kHexDigit | kHexLower;
  for (int c = 'A'; c <= 'F'; ++c) t[c] |= kHexDigit | kHexUpper;
  t['+'] |= kStd;
  t['/'] |= kStd;
  t['-'] |= kUrlSafe;
  t['_'] |= kUrlSafe;
  // RFC 3986 unreserved and reserved characters and '%' itself, but not '=' (the run starts after
  // `KEY=`), nor quotes, spaces or brackets, which delimit values in source code.
  for (char c : std::string_view("%-._~:/?#@!$&*+,;")) t[static_cast<unsigned char>(c)] |= kUrlChar;
  return t;
}
constexpr std::array<unsigned char, 256> kClass = make_classes();

constexpr unsigned char kAnyB64 = kB64 | kStd | kUrlSafe;

unsigned char cls(std::string_view s, std::size_t i) {
  return kClass[static_cast<unsigned char>(s[i])];
}
bool in_b64(std::string_view s, std::size_t i) { return (cls(s, i) & kAnyB64) != 0; }

// The first character of each 4-character group holds the top 6 bits of a byte; for printable
// ASCII (0x20-0x7e) that is 8-31, 'I'-'Z' or 'a'-'f', and tab, LF and CR (2-3) add 'C'-'H'.
// Identifiers and paths fail this within a few groups, before any decoding.
bool leads_to_text(std::string_view run) {
  constexpr std::size_t kGroups = 4;
  for (std::size_t g = 0; g < kGroups && 4 * g + 1 < run.size(); ++g) {
    const char c = run[4 * g];
    if (!((c >= 'C' && c <= 'Z') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// One maximal run of base64 characters [s, e): classified as hex, base64 or nothing. Cheap for
// the common case, an identifier or a path: a few lookups, no pass over the run.
void classify_run(std::string_view text, std::size_t s, std::size_t e,
                  std::vector<EncodedRun>& out) {
  const std::size_t len = e - s;
  if (len > kMaxEncodedRun) return;
  // A segment of a dotted token (a JWT's header or payload, a package name): not a value of its
  // own. JWTs have their own rule, which reports the whole token.
  const bool dot_before = s >= 2 && text[s - 1] == '.' && in_b64(text, s - 2);
  std::size_t pad_end = e;
  while (pad_end < text.size() && pad_end - e < 2 && text[pad_end] == '=') ++pad_end;
  const bool dot_after =
      pad_end + 1 < text.size() && text[pad_end] == '.' && in_b64(text, pad_end + 1);
  if (dot_before || dot_after) return;

  if (len >= kMinHexRun && len % 2 == 0 && pad_end == e) {
    unsigned char all = 0;
    std::size_t k = s;
    for (; k < e && (cls(text, k) & kHexDigit); ++k) all |= cls(text, k);
    // Mixed-case hex is base64 far more often than hex.
    if (k == e && (all & (kHexLower | kHexUpper)) != (kHexLower | kHexUpper)) {
      out.push_back({s, e, Encoding::kHex});
      return;
    }
  }
  if ((len + pad_end - e) % 4 == 1 || !leads_to_text(text.substr(s, len))) return;
  out.push_back({s, pad_end, Encoding::kBase64});
}

// From `i` on, one probe per `need`-byte window (see find_base64_and_hex). Returns where the
// next search starts.
void scan_tail(std::string_view text, std::size_t i, std::vector<EncodedRun>& out) {
  const std::size_t n = text.size();
  constexpr std::size_t need = std::min(kMinBase64Run, kMinHexRun);
  while (i + need <= n) {
    std::size_t q = i + need;
    while (q > i && in_b64(text, q - 1)) --q;
    if (q > i) {
      i = q;  // text[q - 1] is no run character: no qualifying run starts before q
      continue;
    }
    std::size_t s = i;
    while (s > 0 && in_b64(text, s - 1)) --s;
    std::size_t e = i + need;
    while (e < n && in_b64(text, e)) ++e;
    classify_run(text, s, e, out);
    i = e + 1;
  }
}

#if defined(__x86_64__)
// Bit k set when p[k] is a base64 character (either alphabet), for 64 bytes. SSE2 is part of
// x86-64; AVX2 (checked at run time) classifies 32 bytes per step by nibble lookup.
std::uint64_t run_mask_sse2(const char* p) {
  std::uint64_t m = 0;
  for (int k = 0; k < 4; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    const __m128i low = _mm_or_si128(v, _mm_set1_epi8(0x20));
    const __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(low, _mm_set1_epi8('a' - 1)),
                                        _mm_cmpgt_epi8(_mm_set1_epi8('z' + 1), low));
    const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                        _mm_cmpgt_epi8(_mm_set1_epi8('9' + 1), v));
    const __m128i sym = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('+')), _mm_cmpeq_epi8(v, _mm_set1_epi8('/'))),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('-')), _mm_cmpeq_epi8(v, _mm_set1_epi8('_'))));
    const int bits = _mm_movemask_epi8(_mm_or_si128(alpha, _mm_or_si128(digit, sym)));
    m |= static_cast<std::uint64_t>(static_cast<unsigned>(bits)) << (16 * k);
  }
  return m;
}

// A byte is a base64 character when lo_table[low nibble] & hi_table[high nibble] is non-zero;
// one bit per high nibble group: 2x (+ - /), 3x (digits), 4x and 6x (letters but @ and `),
// 5x (P-Z and _), 7x (p-z).
__attribute__((target("avx2"))) std::uint64_t run_mask_avx2(const char* p) {
  const __m256i lo_table =
      _mm256_setr_epi8(26, 30, 30, 30, 30, 30, 30, 30, 30, 30, 28, 5, 4, 5, 4, 13,  //
                       26, 30, 30, 30, 30, 30, 30, 30, 30, 30, 28, 5, 4, 5, 4, 13);
  const __m256i hi_table = _mm256_setr_epi8(0, 0, 1, 2, 4, 8, 4, 16, 0, 0, 0, 0, 0, 0, 0, 0,  //
                                            0, 0, 1, 2, 4, 8, 4, 16, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i nibble = _mm256_set1_epi8(0x0f);
  std::uint64_t m = 0;
  for (int k = 0; k < 2; ++k) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * k));
    const __m256i lo = _mm256_shuffle_epi8(lo_table, _mm256_and_si256(v, nibble));
    const __m256i hi =
        _mm256_shuffle_epi8(hi_table, _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble));
    const __m256i none = _mm256_cmpeq_epi8(_mm256_and_si256(lo, hi), _mm256_setzero_si256());
    const auto bits = static_cast<std::uint32_t>(~_mm256_movemask_epi8(none));
    m |= static_cast<std::uint64_t>(bits) << (32 * k);
  }
  return m;
}

#endif

// From `i` on, with 64-byte masks 48 apart: a run of 16 starting in a window's first 48 bytes
// lies inside it, so bit k of `starts` (16 ones from k on) finds every run start. Text without
// long runs costs a few vector instructions per 48 bytes. Returns where the scalar tail starts.
template <typename MaskFn>
std::size_t scan_windows(std::string_view text, std::vector<EncodedRun>& out, MaskFn run_mask) {
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i + 64 <= n) {
    const std::uint64_t mask = run_mask(text.data() + i);
    std::uint64_t starts = mask & (mask >> 1);
    starts &= starts >> 2;
    starts &= starts >> 4;
    starts &= starts >> 8;
    starts &= (std::uint64_t{1} << 48) - 1;
    std::size_t next = i + 48;
    while (starts) {
      const unsigned p = static_cast<unsigned>(__builtin_ctzll(starts));
      // The first start left in the window: the run begins there, or before the window when p
      // is 0.
      std::size_t s = i + p;
      if (p == 0)
        while (s > 0 && in_b64(text, s - 1)) --s;
      // Its end from the mask while it stays in the window (mask >> p shifts in zeros on top).
      const std::uint64_t rest = ~(mask >> p);
      const unsigned ones = rest ? static_cast<unsigned>(__builtin_ctzll(rest)) : 64;
      std::size_t e = i + p + ones;
      if (p + ones >= 64)
        while (e < n && in_b64(text, e)) ++e;
      classify_run(text, s, e, out);
      if (e + 1 >= i + 48) {
        next = e + 1;
        break;
      }
      starts &= ~((std::uint64_t{2} << (e - i)) - 1);  // starts up to e belong to this run
    }
    i = next;
  }
  return i;
}

#if defined(__x86_64__)
// One copy of the window loop per instruction set, each with its mask inlined.
__attribute__((target("avx2"), flatten)) std::size_t scan_windows_avx2(
    std::string_view text, std::vector<EncodedRun>& out) {
  return scan_windows(text, out, run_mask_avx2);
}
std::size_t scan_windows_sse2(std::string_view text, std::vector<EncodedRun>& out) {
  return scan_windows(text, out, run_mask_sse2);
}
#endif

void find_base64_and_hex(std::string_view text, std::vector<EncodedRun>& out) {
  static_assert(std::min(kMinBase64Run, kMinHexRun) == 16, "the window masks assume 16");
  std::size_t i = 0;
#if defined(__x86_64__)
  static const bool avx2 = __builtin_cpu_supports("avx2");
  i = avx2 ? scan_windows_avx2(text, out) : scan_windows_sse2(text, out);
#endif
  scan_tail(text, i, out);
}

void find_url(std::string_view text, std::vector<EncodedRun>& out) {
  const char* p = text.data();
  const std::size_t n = text.size();
  std::size_t from = 0;
  while (from < n) {
    const void* hit = std::memchr(p + from, '%', n - from);
    if (!hit) break;
    const std::size_t h = static_cast<std::size_t>(static_cast<const char*>(hit) - p);
    if (h + 2 >= n || codec::hex_value(text[h + 1]) < 0 || codec::hex_value(text[h + 2]) < 0) {
      from = h + 1;
      continue;
    }
    std::size_t s = h, e = h;
    while (s > 0 && (cls(text, s - 1) & kUrlChar)) --s;
    while (e < n && (cls(text, e) & kUrlChar)) ++e;
    if (e - s >= kMinUrlRun && e - s <= kMaxEncodedRun) out.push_back({s, e, Encoding::kUrl});
    from = e + 1;
  }
}

std::optional<std::string> decode_hex(std::string_view run) {
  // Digests and random ids fail within the first bytes: look at those before decoding the rest.
  constexpr std::size_t kProbe = 64;
  if (run.size() > kProbe) {
    const auto head = codec::hex_decode(run.substr(0, kProbe));
    if (!head || !mostly_text(*head)) return std::nullopt;
  }
  return codec::hex_decode(run);
}

std::optional<std::string> decode_url(std::string_view run) {
  return codec::percent_decode(run);  // '+' stays '+': only form bodies mean a space by it
}

std::optional<std::string> decode_base64(std::string_view run) {
  while (!run.empty() && run.back() == '=') run.remove_suffix(1);
  if (run.size() % 4 == 1 || !leads_to_text(run)) return std::nullopt;
  // Most runs are identifiers, paths, digests or binary data that fail on their first 48 bytes:
  // decode those first, before the whole run.
  constexpr std::size_t kProbe = 64;
  if (run.size() > kProbe) {
    const auto head = codec::base64_decode(run.substr(0, kProbe), codec::Base64Alphabet::kAny);
    if (!head || !mostly_text(*head)) return std::nullopt;
  }
  return codec::base64_decode(run, codec::Base64Alphabet::kAny);
}

}  // namespace

const char* to_string(Encoding e) {
  switch (e) {
    case Encoding::kBase64:
      return "base64";
    case Encoding::kUrl:
      return "url";
    case Encoding::kHex:
      return "hex";
  }
  return "base64";
}

std::vector<EncodedRun> find_encoded_runs(std::string_view text) {
  std::vector<EncodedRun> out;
  find_base64_and_hex(text, out);
  const std::size_t plain = out.size();
  find_url(text, out);
  if (out.size() > plain)
    std::inplace_merge(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(plain), out.end(),
                       [](const EncodedRun& a, const EncodedRun& b) { return a.start < b.start; });
  return out;
}

std::optional<std::string> decode_run(std::string_view run, Encoding encoding) {
  std::optional<std::string> out;
  switch (encoding) {
    case Encoding::kBase64:
      out = decode_base64(run);
      break;
    case Encoding::kUrl:
      out = decode_url(run);
      if (out && out->size() == run.size()) return std::nullopt;  // nothing was escaped
      break;
    case Encoding::kHex:
      out = decode_hex(run);
      break;
  }
  if (!out || !mostly_text(*out)) return std::nullopt;
  return out;
}

bool mostly_text(std::string_view bytes) {
  if (bytes.empty()) return false;
  std::size_t bad = 0;
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (!((c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n' || c == '\r')) ++bad;
  }
  return bad * 20 <= bytes.size();
}

}  // namespace reachscan
