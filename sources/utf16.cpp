#include "sources/utf16.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

namespace reachscan {
namespace {

constexpr std::size_t kReadBytes = 64u << 10;
constexpr char32_t kReplacement = 0xFFFD;

void append_utf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

// The decoder's state between reads: a byte of a code unit, a high surrogate waiting for its pair.
class Decoder {
 public:
  Decoder(ReadFn raw, bool little) : raw_(std::move(raw)), little_(little), in_(kReadBytes, '\0') {}

  long read(char* buf, std::size_t n, ReadFailure& failure) {
    while (pos_ == out_.size() && !eof_) {
      out_.clear();
      pos_ = 0;
      const long got = raw_(in_.data(), in_.size(), failure);
      if (got < 0) return -1;
      if (got == 0) {
        eof_ = true;
        if (odd_ >= 0 || high_) append_utf8(kReplacement, out_);
      } else {
        decode(std::string_view(in_.data(), static_cast<std::size_t>(got)));
      }
    }
    const std::size_t k = std::min(n, out_.size() - pos_);
    std::memcpy(buf, out_.data() + pos_, k);
    pos_ += k;
    return static_cast<long>(k);
  }

 private:
  void decode(std::string_view bytes) {
    for (const char b : bytes) {
      const auto byte = static_cast<unsigned char>(b);
      if (odd_ < 0) {
        odd_ = byte;
        continue;
      }
      const auto unit = static_cast<char16_t>(little_ ? (byte << 8) | odd_ : (odd_ << 8) | byte);
      odd_ = -1;
      unit_(unit);
    }
  }

  void unit_(char16_t u) {
    if (first_) {
      first_ = false;
      if (u == 0xFEFF) return;  // the byte order mark
    }
    if (high_) {
      const char16_t high = high_;
      high_ = 0;
      if (u >= 0xDC00 && u <= 0xDFFF) {
        append_utf8(0x10000 + ((char32_t{high} - 0xD800) << 10) + (u - 0xDC00), out_);
        return;
      }
      append_utf8(kReplacement, out_);
    }
    if (u >= 0xD800 && u <= 0xDBFF)
      high_ = u;
    else
      append_utf8(u >= 0xDC00 && u <= 0xDFFF ? kReplacement : char32_t{u}, out_);
  }

  ReadFn raw_;
  bool little_;
  std::string in_;
  std::string out_;
  std::size_t pos_ = 0;
  bool eof_ = false;
  bool first_ = true;
  int odd_ = -1;       // the first byte of a code unit, -1 when none
  char16_t high_ = 0;  // a high surrogate waiting for the low one
};

}  // namespace

std::optional<bool> utf16_byte_order(std::string_view h) {
  if (h.size() >= 2 && h[0] == '\xFF' && h[1] == '\xFE')
    return h.size() >= 4 && h[2] == '\0' && h[3] == '\0' ? std::nullopt : std::optional(true);
  if (h.size() >= 2 && h[0] == '\xFE' && h[1] == '\xFF') return false;
  return std::nullopt;
}

ReadFn utf16_reader(ReadFn raw, bool little_endian) {
  auto d = std::make_shared<Decoder>(std::move(raw), little_endian);
  return [d](char* buf, std::size_t n, ReadFailure& failure) { return d->read(buf, n, failure); };
}

}  // namespace reachscan
