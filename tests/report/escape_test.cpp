// Escaping of scanned data in human outputs (issue 18): control characters and invalid UTF-8
// become visible text; valid UTF-8 passes unchanged.
#include "report/escape.h"

#include <gtest/gtest.h>

namespace reachscan::report {
namespace {

TEST(Escape, ControlCharactersBecomeVisible) {
  EXPECT_EQ(escape_for_terminal("plain/path.py"), "plain/path.py");
  EXPECT_EQ(escape_for_terminal("a\x1b[2Jb"), "a\\x1b[2Jb");
  EXPECT_EQ(escape_for_terminal("x\ny\rz\tw"), "x\\ny\\rz\\tw");
  EXPECT_EQ(escape_for_terminal(std::string("nul\0x", 5)), "nul\\x00x");
  EXPECT_EQ(escape_for_terminal("del\x7f"), "del\\x7f");
  EXPECT_EQ(escape_for_terminal("back\\slash"), "back\\slash");
}

TEST(Escape, Utf8PassesInvalidBytesAndHiddenControlsDoNot) {
  EXPECT_EQ(escape_for_terminal("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91"),
            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91");
  EXPECT_EQ(escape_for_terminal("\xc2\x9b"
                                "31m"),
            "\\u009b31m");  // C1 CSI
  EXPECT_EQ(escape_for_terminal("a\xe2\x80\xae"
                                "b"),
            "a\\u202eb");  // right-to-left override
  EXPECT_EQ(escape_for_terminal("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(escape_for_terminal("\xc0\xaf"), "\\xc0\\xaf");                    // overlong '/'
  EXPECT_EQ(escape_for_terminal("\xed\xa0\x80"), "\\xed\\xa0\\x80");           // surrogate
  EXPECT_EQ(escape_for_terminal("\xe2\x82"), "\\xe2\\x82");                    // truncated sequence
  EXPECT_EQ(escape_for_terminal("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // > U+10FFFF
}

TEST(Escape, CutsOnACharacterBoundary) {
  EXPECT_EQ(escape_for_terminal("abcdef", 10), "abcdef");
  EXPECT_EQ(escape_for_terminal("abcdef", 3), "abc...");
  EXPECT_EQ(escape_for_terminal("ab\xc3\xa9", 3), "ab...");
}

}  // namespace
}  // namespace reachscan::report
