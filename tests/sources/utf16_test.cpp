// UTF-16 text with a byte order mark (sources/utf16.h): decoded and scanned as text, in files,
// blobs and archive members alike; malformed UTF-16 never hides the rest of the text.
#include "sources/utf16.h"

#include <gtest/gtest.h>

#include <string>

#include "sources/archive.h"
#include "tests/support/scan.h"
#include "tests/support/temp_dir.h"

namespace reachscan {
namespace {

std::string encode(const std::u16string& text, bool little) {
  std::string out;
  for (const char16_t u : text) {
    const auto hi = static_cast<char>(u >> 8), lo = static_cast<char>(u & 0xFF);
    out += little ? std::string{lo, hi} : std::string{hi, lo};
  }
  return out;
}

std::string decode_all(const std::string& bytes, bool little) {
  const ReadFn r = utf16_reader(memory_reader(bytes), little);
  std::string out(7, '\0');  // small reads: the decoder's state must carry over between them
  std::string all;
  ReadFailure f;
  for (long n; (n = r(out.data(), out.size(), f)) > 0;) all.append(out.data(), n);
  return all;
}

TEST(Utf16, ByteOrderMarks) {
  EXPECT_EQ(utf16_byte_order("\xFF\xFEt\0"), std::optional(true));
  EXPECT_EQ(utf16_byte_order("\xFE\xFF\0t"), std::optional(false));
  EXPECT_EQ(utf16_byte_order(std::string("\xFF\xFE\0\0", 4)), std::nullopt);  // UTF-32LE
  EXPECT_EQ(utf16_byte_order("\xEF\xBB\xBFt"), std::nullopt);                 // UTF-8
  EXPECT_EQ(utf16_byte_order("\xFF"), std::nullopt);
}

TEST(Utf16, DecodesBothOrdersAndReplacesWhatIsMalformed) {
  const std::u16string text = u"\uFEFFk\u00e9y = \U0001F511\n";
  for (const bool little : {true, false})
    EXPECT_EQ(decode_all(encode(text, little), little), "k\xC3\xA9y = \xF0\x9F\x94\x91\n");
  // A lone high surrogate, a lone low one, and an odd last byte: U+FFFD each, text kept.
  const std::string bad = encode(u"\uFEFF\xD800x\xDC00y", true) + "z";
  EXPECT_EQ(decode_all(bad, true), "\xEF\xBF\xBDx\xEF\xBF\xBDy\xEF\xBF\xBD");
  EXPECT_EQ(decode_all(encode(u"\uFEFF", true), true), "");
}

TEST(Utf16, KeysInUtf16TextAreFound) {
  const Detector detector(test::demo_db());
  const std::string key = testing::fake_token("dmo_", 20, 16);
  const std::u16string text =
      u"\uFEFF# settings\r\n$token = \"" + std::u16string(key.begin(), key.end()) + u"\"\r\n";
  for (const bool little : {true, false}) {
    const std::string bytes = encode(text, little);
    FileOutcome out;
    scan_content(memory_reader(bytes), "a.ps1", bytes.size(), detector, {}, out);
    ASSERT_EQ(out.findings.size(), 1u) << (out.skip ? out.skip->detail : "no skip");
    EXPECT_EQ(out.findings[0].secret, key);
    EXPECT_EQ(out.findings[0].line, 2u);
    FileOutcome blob;
    scan_buffer(bytes, "a.ps1", detector, {}, blob);
    EXPECT_EQ(blob.findings.size(), 1u);
  }
  // Decoded text holding NULs is still binary.
  const std::string nuls = encode(u"\uFEFF" + std::u16string(100, u'\0'), true);
  FileOutcome out;
  scan_content(memory_reader(nuls), "n.bin", nuls.size(), detector, {}, out);
  ASSERT_TRUE(out.skip.has_value());
  EXPECT_EQ(out.skip->reason, SkipReason::kBinary);
}

}  // namespace
}  // namespace reachscan
