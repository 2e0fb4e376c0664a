#include "codec/codec.h"

#include <openssl/evp.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <ctime>

namespace reachscan::codec {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_alnum_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

template <typename Pred>
bool all_of_nonempty(std::string_view s, Pred pred) {
  return !s.empty() && std::all_of(s.begin(), s.end(), pred);
}

}  // namespace

std::optional<std::string> base64_decode(std::string_view text, Base64Alphabet alphabet) {
  // Validate and normalise to the standard alphabet first: OpenSSL's decoder is lenient about
  // characters in odd places ('-' ends a PEM body for it), and we want a strict yes or no.
  std::string clean;
  clean.reserve(text.size() + 3);
  std::size_t padding = 0;
  for (char c : text) {
    if (alphabet == Base64Alphabet::kStandard && is_space(c)) continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0) return std::nullopt;  // data after padding
    if (is_alnum_char(c) || (alphabet == Base64Alphabet::kStandard && (c == '+' || c == '/'))) {
      clean.push_back(c);
    } else if (alphabet == Base64Alphabet::kAny && (c == '+' || c == '/')) {
      clean.push_back(c);
    } else if (alphabet != Base64Alphabet::kStandard && (c == '-' || c == '_')) {
      clean.push_back(c == '-' ? '+' : '/');
    } else {
      return std::nullopt;
    }
  }
  const std::size_t tail = clean.size() % 4;
  if (tail == 1 || padding > 2 || (padding > 0 && tail + padding != 4)) return std::nullopt;
  const std::size_t pad = tail == 0 ? 0 : 4 - tail;
  clean.append(pad, '=');
  if (clean.empty()) return std::string();
  if (clean.size() > static_cast<std::size_t>(INT32_MAX)) return std::nullopt;

  std::string out(clean.size() / 4 * 3, '\0');
  // NOTE: EVP_DecodeBlock does not strip padding; it decodes '=' as zero bits, so the padded
  // byte count is removed by hand below.
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(clean.data()),
                                static_cast<int>(clean.size()));
  if (n < 0 || static_cast<std::size_t>(n) != out.size()) return std::nullopt;
  out.resize(out.size() - pad);
  return out;
}

std::optional<std::string> base32_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 5 / 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    std::uint32_t v = 0;
    if (c >= 'A' && c <= 'Z') {
      v = static_cast<std::uint32_t>(c - 'A');
    } else if (c >= '2' && c <= '7') {
      v = static_cast<std::uint32_t>(c - '2' + 26);
    } else {
      return std::nullopt;
    }
    buffer = (buffer << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFFu));
    }
  }
  return out;
}

std::string base62_encode(std::uint32_t value, std::size_t width) {
  static constexpr std::string_view kDigits =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string out;
  while (value > 0) {
    out.push_back(kDigits[value % 62]);
    value /= 62;
  }
  if (out.size() < width) out.append(width - out.size(), '0');
  std::reverse(out.begin(), out.end());
  return out;
}

std::uint32_t crc32(std::string_view data) {
  const uLong crc = ::crc32_z(0L, reinterpret_cast<const Bytef*>(data.data()), data.size());
  return static_cast<std::uint32_t>(crc);
}

std::uint32_t crc24(std::string_view data) {
  // RFC 4880 section 6.1: init 0xB704CE, polynomial 0x1864CFB, no reflection, no final xor.
  std::uint32_t crc = 0xB704CEu;
  for (unsigned char c : data) {
    crc ^= static_cast<std::uint32_t>(c) << 16;
    for (int i = 0; i < 8; ++i) {
      crc <<= 1;
      if (crc & 0x1000000u) crc ^= 0x1864CFBu;
    }
  }
  return crc & 0xFFFFFFu;
}

std::string hex_lower(std::string_view bytes) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> hex_decode(std::string_view text) {
  if (text.size() % 2) return std::nullopt;
  std::string out(text.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return out;
}

std::string percent_encode(std::string_view text, std::string_view keep) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
        keep.find(ch) != std::string_view::npos) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
        hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

bool is_alnum(std::string_view s) { return all_of_nonempty(s, is_alnum_char); }
bool is_digits(std::string_view s) {
  return all_of_nonempty(s, [](char c) { return c >= '0' && c <= '9'; });
}
bool is_hex_lower(std::string_view s) {
  return all_of_nonempty(s,
                         [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}
bool is_base64_text(std::string_view s) {
  return all_of_nonempty(
      s, [](char c) { return is_alnum_char(c) || c == '+' || c == '/' || c == '='; });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool starts_with_icase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char a = s[i];
    char b = prefix[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

std::vector<std::string_view> split_lines(std::string_view text) { return split(text, '\n'); }

std::string normalise_block(std::string_view text) {
  std::string unescaped;
  unescaped.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      unescaped.push_back(text[i]);
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && text[j] == '\\') ++j;
    if (j < text.size() && (text[j] == 'n' || text[j] == 'r')) {
      // "\r\n" (possibly with doubled backslashes) is one line break.
      if (text[j] == 'r') {
        std::size_t k = j + 1;
        while (k < text.size() && text[k] == '\\') ++k;
        if (k > j + 1 && k < text.size() && text[k] == 'n') j = k;
      }
      unescaped.push_back('\n');
      i = j;
    } else if (j < text.size() && text[j] == '/') {
      unescaped.push_back('/');
      i = j;
    } else {
      unescaped.append(text.substr(i, j - i));
      i = j - 1;
    }
  }
  std::string out;
  out.reserve(unescaped.size());
  bool first = true;
  for (std::string_view line : split_lines(unescaped)) {
    if (!first) out.push_back('\n');
    first = false;
    out.append(trim(line));
  }
  return out;
}

std::optional<std::uint64_t> parse_uint(std::string_view digits) {
  if (!is_digits(digits) || digits.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : digits) v = v * 10 + static_cast<std::uint64_t>(c - '0');
  return v;
}

std::string format_utc(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return std::to_string(unix_seconds);
  char buf[32];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return n == 0 ? std::to_string(unix_seconds) : std::string(buf, n);
}

std::optional<std::uint8_t> WireReader::u8() {
  if (remaining() < 1) return std::nullopt;
  return static_cast<std::uint8_t>(data_[pos_++]);
}

std::optional<std::uint32_t> WireReader::u32() {
  if (remaining() < 4) return std::nullopt;
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(data_[pos_++]);
  return v;
}

std::optional<std::string_view> WireReader::bytes(std::size_t n) {
  if (remaining() < n) return std::nullopt;
  std::string_view out = data_.substr(pos_, n);
  pos_ += n;
  return out;
}

std::optional<std::string_view> WireReader::string() {
  const std::size_t start = pos_;
  const std::optional<std::uint32_t> n = u32();
  if (!n) return std::nullopt;
  std::optional<std::string_view> out = bytes(*n);
  if (!out) pos_ = start;
  return out;
}

}  // namespace reachscan::codec
