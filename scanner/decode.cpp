#include "scanner/decode.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace reachscan {
namespace {

enum : unsigned char {
  kB64 = 1,       // A-Z a-z 0-9
  kStd = 2,       // + /   (standard alphabet)
  kUrlSafe = 4,   // - _   (URL-safe alphabet)
  kHexDigit = 8,  // 0-9 a-f A-F
  kUrlChar = 16,  // may appear in a URL-encoded run
};

constexpr std::array<unsigned char, 256> make_classes() {
  std::array<unsigned char, 256> t{};
  for (int c = 'A'; c <= 'Z'; ++c) t[c] |= kB64 | kUrlChar;
  for (int c = 'a'; c <= 'z'; ++c) t[c] |= kB64 | kUrlChar;
  for (int c = '0'; c <= '9'; ++c) t[c] |= kB64 | kHexDigit | kUrlChar;
  for (int c = 'a'; c <= 'f'; ++c) t[c] |= kHexDigit;
  for (int c = 'A'; c <= 'F'; ++c) t[c] |= kHexDigit;
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

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One maximal run of base64 characters [s, e): classified as hex, base64 or nothing.
void classify_run(std::string_view text, std::size_t s, std::size_t e,
                  std::vector<EncodedRun>& out) {
  const std::size_t len = e - s;
  if (len > kMaxEncodedRun) return;
  unsigned char all = 0, every = 0xff;
  bool lower = false, upper = false;
  for (std::size_t i = s; i < e; ++i) {
    const unsigned char c = cls(text, i);
    all |= c;
    every &= c;
    lower |= text[i] >= 'a' && text[i] <= 'f';
    upper |= text[i] >= 'A' && text[i] <= 'F';
  }
  // A segment of a dotted token (a JWT's header or payload, a package name): not a value of its
  // own. JWTs have their own rule, which reports the whole token.
  const bool dot_before = s >= 2 && text[s - 1] == '.' && in_b64(text, s - 2);
  std::size_t pad_end = e;
  while (pad_end < text.size() && pad_end - e < 2 && text[pad_end] == '=') ++pad_end;
  const bool dot_after =
      pad_end + 1 < text.size() && text[pad_end] == '.' && in_b64(text, pad_end + 1);
  if (dot_before || dot_after) return;

  if ((every & kHexDigit) && len >= kMinHexRun && len % 2 == 0 && !(lower && upper)) {
    out.push_back({s, e, Encoding::kHex});
    return;
  }
  if ((all & kStd) && (all & kUrlSafe)) return;  // neither alphabet
  if (len < kMinBase64Run || (len + pad_end - e) % 4 == 1) return;
  out.push_back({s, pad_end, Encoding::kBase64});
}

void find_base64_and_hex(std::string_view text, std::vector<EncodedRun>& out) {
  const std::size_t n = text.size();
  const std::size_t need = std::min(kMinBase64Run, kMinHexRun);
  std::size_t i = 0;
  // Skip ahead: a run of `need` characters starting at or after i covers i + need - 1, so when
  // that byte is no base64 character no run starts before it. Ordinary text moves `need` bytes
  // per probe.
  while (i + need <= n) {
    const std::size_t probe = i + need - 1;
    if (!in_b64(text, probe)) {
      i = probe + 1;
      continue;
    }
    std::size_t s = probe;
    while (s > i && in_b64(text, s - 1)) --s;
    std::size_t e = probe + 1;
    while (e < n && in_b64(text, e)) ++e;
    if (e - s >= need) classify_run(text, s, e, out);
    i = e + 1;
  }
}

void find_url(std::string_view text, std::vector<EncodedRun>& out) {
  const char* p = text.data();
  const std::size_t n = text.size();
  std::size_t from = 0;
  while (from < n) {
    const void* hit = std::memchr(p + from, '%', n - from);
    if (!hit) break;
    const std::size_t h = static_cast<std::size_t>(static_cast<const char*>(hit) - p);
    if (h + 2 >= n || hex_value(text[h + 1]) < 0 || hex_value(text[h + 2]) < 0) {
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
  if (run.size() % 2) return std::nullopt;
  std::string out(run.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_value(run[2 * i]), lo = hex_value(run[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>(hi * 16 + lo);
    // Digests and random ids fail within the first bytes: stop there.
    if (i == 31 && !mostly_text(std::string_view(out).substr(0, 32))) return std::nullopt;
  }
  return out;
}

std::optional<std::string> decode_url(std::string_view run) {
  std::string out;
  out.reserve(run.size());
  for (std::size_t i = 0; i < run.size(); ++i) {
    if (run[i] == '%' && i + 2 < run.size() && hex_value(run[i + 1]) >= 0 &&
        hex_value(run[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(run[i + 1]) * 16 + hex_value(run[i + 2])));
      i += 2;
    } else {
      out.push_back(run[i]);  // '+' stays '+': only form bodies mean a space by it
    }
  }
  return out;
}

// EVP_DecodeBlock wants the standard alphabet and whole 4-character groups.
std::optional<std::string> decode_base64(std::string_view run) {
  std::string in(run);
  while (!in.empty() && in.back() == '=') in.pop_back();
  for (char& c : in) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  if (in.size() % 4 == 1) return std::nullopt;
  const std::size_t missing = (4 - in.size() % 4) % 4;
  auto block = [](const std::string& src, std::size_t chars) -> std::optional<std::string> {
    std::string out(chars / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(src.data()),
                                  static_cast<int>(chars));
    if (n < 0) return std::nullopt;
    out.resize(static_cast<std::size_t>(n));
    return out;
  };
  // Images, fonts, digests and random keys fail on their first 48 bytes: decode those first.
  constexpr std::size_t kProbe = 64;
  if (in.size() > kProbe) {
    auto head = block(in, kProbe);
    if (!head || !mostly_text(*head)) return std::nullopt;
  }
  in.append(missing, '=');
  auto out = block(in, in.size());
  if (!out) return std::nullopt;
  out->resize(out->size() - missing);  // EVP_DecodeBlock counts padding as zero bytes
  return out;
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
