#include "core/byte_codec.h"

#include <cstring>

namespace reachscan {

void ByteWriter::u64(std::uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out_.append(b, 8);
}

void ByteWriter::f64(double v) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  u64(bits);
}

void ByteWriter::str(std::string_view s) {
  u64(s.size());
  out_.append(s);
}

void ByteWriter::strs(const std::vector<std::string>& list) {
  u64(list.size());
  for (const std::string& s : list) str(s);
}

bool ByteReader::expect(std::string_view prefix) {
  if (!ok_ || !in_.starts_with(prefix)) return fail(), false;
  in_.remove_prefix(prefix.size());
  return true;
}

std::uint64_t ByteReader::u64() {
  if (!ok_ || in_.size() < 8) return fail();
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= std::uint64_t{static_cast<unsigned char>(in_[i])} << (8 * i);
  in_.remove_prefix(8);
  return v;
}

double ByteReader::f64() {
  const std::uint64_t bits = u64();
  double v = 0;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

bool ByteReader::flag() {
  if (!ok_ || in_.empty()) return fail() != 0;
  const char c = in_.front();
  in_.remove_prefix(1);
  if (c != '\0' && c != '\1') return fail() != 0;  // only the two values the writer writes
  return c == '\1';
}

std::string ByteReader::str() {
  const std::uint64_t n = u64();
  if (!ok_ || n > in_.size()) return fail(), std::string();
  std::string s(in_.substr(0, n));
  in_.remove_prefix(n);
  return s;
}

std::vector<std::string> ByteReader::strs() {
  const std::uint64_t n = count();  // each string takes at least its 8-byte length
  std::vector<std::string> out;
  out.reserve(n);
  for (std::uint64_t i = 0; i < n && ok_; ++i) out.push_back(str());
  return out;
}

std::uint64_t ByteReader::count(std::size_t min_item_bytes) {
  const std::uint64_t n = u64();
  if (!ok_ || min_item_bytes == 0 || n > in_.size() / min_item_bytes) return fail();
  return n;
}

std::uint64_t ByteReader::fail() {
  ok_ = false;
  in_ = {};
  return 0;
}

}  // namespace reachscan
