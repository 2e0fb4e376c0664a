// One length-prefixed binary form for the files reachscan writes for itself: the rule-table cache
// (patterns/rule_cache.h) and the findings spill file (scanner/finding_codec.h).
//
// Numbers are 8-byte little-endian words, doubles their bit pattern in such a word, flags one
// byte, strings a word (their length) and their bytes, string lists a word (their count) and the
// strings. Reading checks every length against the bytes left: a damaged or truncated input makes
// the reader fail (ok() false, every later read yields an empty value), never read out of bounds
// or allocate beyond what the input could hold.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace reachscan {

// Appends to a string it does not own.
class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}
  void u64(std::uint64_t v);
  void f64(double v);
  void flag(bool v) { out_.push_back(v ? '\1' : '\0'); }
  void str(std::string_view s);
  void strs(const std::vector<std::string>& list);

 private:
  std::string& out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  // Every byte read (and none failed): the input held exactly what was asked for.
  bool done() const { return ok_ && in_.empty(); }
  // Consumes `prefix` (a magic line); fails when the input does not start with it.
  bool expect(std::string_view prefix);
  std::uint64_t u64();
  double f64();
  bool flag();
  std::string str();
  std::vector<std::string> strs();
  // A count of items that take at least `min_item_bytes` each: more than the bytes left can hold
  // is damage (fails, returns 0).
  std::uint64_t count(std::size_t min_item_bytes = 8);
  // Marks the input damaged (e.g. a value out of its range); returns 0.
  std::uint64_t fail();

 private:
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace reachscan
