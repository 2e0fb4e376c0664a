// Decoders shared by the decode stage (scanner/decode.cpp), the verifiers (verify/) and the reach
// classifier (JWT payloads): base64 in every alphabet, base32, base62, hex, percent-encoding,
// CRCs, SSH wire format, and the small text helpers they need.
//
// Base64 goes through OpenSSL and CRC-32 through zlib; what no library we link offers (base32,
// base62, OpenPGP's CRC-24, SSH wire-format reading) is written here, small and bounds-checked.
// All functions are pure; none throws except std::bad_alloc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reachscan::codec {

enum class Base64Alphabet {
  kStandard,  // A-Z a-z 0-9 + /   (RFC 4648 section 4); ASCII whitespace is skipped
  kUrl,       // A-Z a-z 0-9 - _   (RFC 4648 section 5); no whitespace
  kAny,  // either alphabet, even mixed in one text (as decoded runs in files are); no whitespace
};

// Decodes base64 text. Padding is optional, but '=' may only end the text. Returns nullopt for a
// character outside the alphabet or an impossible length.
std::optional<std::string> base64_decode(std::string_view text, Base64Alphabet alphabet);

// Decodes RFC 4648 base32 (A-Z 2-7, no padding). Trailing bits that do not fill a byte are
// dropped, so 10 characters give 6 bytes. Returns nullopt for a character outside the alphabet.
std::optional<std::string> base32_decode(std::string_view text);

// `value` in base62 with digits 0-9A-Za-z, left-padded with '0' to `width` characters.
std::string base62_encode(std::uint32_t value, std::size_t width);

// CRC-32 (ISO-HDLC, as zlib, Go's crc32.ChecksumIEEE and Python's zlib.crc32 compute it).
std::uint32_t crc32(std::string_view data);

// CRC-24 of OpenPGP ASCII armour (RFC 4880 section 6.1).
std::uint32_t crc24(std::string_view data);

std::string hex_lower(std::string_view bytes);

// Value of one hex digit (either case), or -1.
int hex_value(char c);

// Decodes hex text of even length (either case); nullopt for an odd length or a non-hex digit.
std::optional<std::string> hex_decode(std::string_view text);

// %XX-escapes every byte outside RFC 3986's unreserved set (A-Z a-z 0-9 - . _ ~) and `keep`.
std::string percent_encode(std::string_view text, std::string_view keep = {});

// Undoes %XX escapes; a '%' not followed by two hex digits stays as it is, and '+' stays '+'.
std::string percent_decode(std::string_view text);

bool is_alnum(std::string_view s);        // [A-Za-z0-9]+
bool is_digits(std::string_view s);       // [0-9]+
bool is_hex_lower(std::string_view s);    // [0-9a-f]+
bool is_base64_text(std::string_view s);  // [A-Za-z0-9+/=]+

std::string_view trim(std::string_view s);  // ASCII whitespace both ends
bool starts_with_icase(std::string_view s, std::string_view prefix);
std::string to_lower(std::string_view s);

// Splits on '\n' (a trailing '\r' stays on its line).
std::vector<std::string_view> split_lines(std::string_view text);
std::vector<std::string_view> split(std::string_view text, char separator);

// Undoes the ways a multi-line block (PEM, OpenSSH, PGP, PuTTY) gets written inside a string:
// literal "\n", "\r\n" and "\r" escapes (one or more backslashes, as in JSON inside JSON) become
// newlines and "\/" becomes "/"; then every line is trimmed of surrounding whitespace (YAML
// block indentation, CRLF). Lines stay; empty lines stay empty.
std::string normalise_block(std::string_view text);

// A decimal integer that fits in 64 bits, or nullopt.
std::optional<std::uint64_t> parse_uint(std::string_view digits);

// "2030-01-01T00:00:00Z" for Unix seconds.
std::string format_utc(std::int64_t unix_seconds);

// Reads the SSH wire format (RFC 4251 section 5): big-endian uint32 and length-prefixed strings.
// Every read is bounds-checked and returns nullopt past the end.
class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}

  std::optional<std::uint8_t> u8();
  std::optional<std::uint32_t> u32();
  std::optional<std::string_view> bytes(std::size_t n);
  std::optional<std::string_view> string();  // uint32 length, then that many bytes
  std::size_t remaining() const { return data_.size() - pos_; }
  std::string_view rest() const { return data_.substr(pos_); }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
};

}  // namespace reachscan::codec
