// The shared codec (codec/codec.h): the decoders decode, verify and reach all use.
#include "codec/codec.h"

#include <gtest/gtest.h>

namespace reachscan::codec {
namespace {

struct Base64Row {
  const char* text;
  Base64Alphabet alphabet;
  std::optional<std::string> want;
};

TEST(CodecBase64, Table) {
  const Base64Row rows[] = {
      {"aGVsbG8=", Base64Alphabet::kStandard, "hello"},
      {"aGVs bG8=", Base64Alphabet::kStandard, "hello"},  // whitespace skipped
      {"aGVsbG8", Base64Alphabet::kUrl, "hello"},         // padding optional
      {"eyJpc3MiOiJ4In0", Base64Alphabet::kAny, "{\"iss\":\"x\"}"},
      {"-_-_", Base64Alphabet::kUrl, std::string("\xfb\xff\xbf", 3)},
      {"+/+/", Base64Alphabet::kAny, std::string("\xfb\xff\xbf", 3)},
      {"-_+/", Base64Alphabet::kAny, std::string("\xfb\xff\xbf", 3)},  // mixed
      {"-_-_", Base64Alphabet::kStandard, std::nullopt},
      {"+/+/", Base64Alphabet::kUrl, std::nullopt},
      {"a b", Base64Alphabet::kAny, std::nullopt},    // no whitespace in runs
      {"aGVsb", Base64Alphabet::kAny, std::nullopt},  // impossible length
      {"aG=Vs", Base64Alphabet::kAny, std::nullopt},  // data after padding
  };
  for (const Base64Row& r : rows) {
    const auto got = base64_decode(r.text, r.alphabet);
    EXPECT_EQ(got.has_value(), r.want.has_value()) << r.text;
    if (got && r.want) {
      EXPECT_EQ(*got, *r.want) << r.text;
    }
  }
}

TEST(CodecHex, DecodeAndValue) {
  EXPECT_EQ(hex_decode("68656C6c6f").value_or("?"), "hello");
  EXPECT_FALSE(hex_decode("abc").has_value());
  EXPECT_FALSE(hex_decode("zz").has_value());
  EXPECT_EQ(hex_value('F'), 15);
  EXPECT_EQ(hex_value('g'), -1);
  EXPECT_EQ(hex_lower("\x01\xab"), "01ab");
}

TEST(CodecPercent, Decode) {
  EXPECT_EQ(percent_decode("a%20b%2Fc"), "a b/c");
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("a+b%zz"), "a+b%zz");
}

}  // namespace
}  // namespace reachscan::codec
