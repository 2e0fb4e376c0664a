// core/byte_codec.h: the length-prefixed form shared by the rule-table cache and the spill file.
#include "core/byte_codec.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace reachscan {
namespace {

std::string sample() {
  std::string out = "magic\n";
  ByteWriter w(out);
  w.u64(0x0102030405060708ull);
  w.f64(-2.5);
  w.flag(true);
  w.str(std::string("nul\0inside", 10));
  w.strs({"a", "", "ccc"});
  w.u64(std::numeric_limits<std::uint64_t>::max());
  return out;
}

TEST(ByteCodec, RoundTripsEveryKind) {
  const std::string bytes = sample();
  // Numbers are little-endian whatever the host: the first word's low byte comes first.
  EXPECT_EQ(bytes[6], '\x08');
  ByteReader r(bytes);
  ASSERT_TRUE(r.expect("magic\n"));
  EXPECT_EQ(r.u64(), 0x0102030405060708ull);
  EXPECT_EQ(r.f64(), -2.5);
  EXPECT_TRUE(r.flag());
  EXPECT_EQ(r.str(), std::string("nul\0inside", 10));
  EXPECT_EQ(r.strs(), (std::vector<std::string>{"a", "", "ccc"}));
  EXPECT_EQ(r.u64(), std::numeric_limits<std::uint64_t>::max());
  EXPECT_TRUE(r.done());
}

// Reads the sample back; true when every value came back and nothing was left.
bool reads_whole(std::string_view bytes) {
  ByteReader r(bytes);
  r.expect("magic\n");
  r.u64();
  r.f64();
  r.flag();
  r.str();
  r.strs();
  r.u64();
  return r.done();
}

TEST(ByteCodec, EveryTruncationAndExtraByteFails) {
  const std::string bytes = sample();
  ASSERT_TRUE(reads_whole(bytes));
  for (std::size_t cut = 0; cut < bytes.size(); ++cut)
    EXPECT_FALSE(reads_whole(std::string_view(bytes).substr(0, cut))) << "cut at " << cut;
  EXPECT_FALSE(reads_whole(bytes + "x"));
}

TEST(ByteCodec, HugeLengthsAndCountsFailWithoutAllocating) {
  std::string bytes;
  ByteWriter w(bytes);
  w.u64(std::numeric_limits<std::uint64_t>::max());  // as a string length, then as a count
  ByteReader a(bytes);
  EXPECT_EQ(a.str(), "");
  EXPECT_FALSE(a.ok());
  ByteReader b(bytes);
  EXPECT_TRUE(b.strs().empty());
  EXPECT_FALSE(b.ok());
  EXPECT_EQ(b.u64(), 0u);  // a failed reader yields empty values from then on
}

TEST(ByteCodec, AFlagIsZeroOrOne) {
  ByteReader r(std::string_view("\2", 1));
  r.flag();
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace reachscan
