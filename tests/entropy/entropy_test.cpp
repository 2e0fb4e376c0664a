#include "entropy/entropy.h"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace reachscan::entropy {
namespace {

TEST(Shannon, EmptyAndUniform) {
  EXPECT_DOUBLE_EQ(shannon(""), 0.0);
  EXPECT_DOUBLE_EQ(shannon("aaaaaaaa"), 0.0);
  EXPECT_DOUBLE_EQ(shannon("abab"), 1.0);
  EXPECT_DOUBLE_EQ(shannon("abcd"), 2.0);
}

TEST(Shannon, RandomTokensScoreHigh) {
  EXPECT_GT(shannon(testing::fake_token("", 40, 7)), 4.5);
  EXPECT_LT(shannon("password"), 3.0);
}

TEST(Placeholder, Markers) {
  for (const char* p : {"YOUR_API_KEY", "your-token-here", "xxxxxxxxxxxxxxxx", "${DB_PASSWORD}",
                        "{{ .Values.token }}", "<token>", "changeme", "AKIAIOSFODNN7EXAMPLE",
                        "REPLACE_ME_later", "my_fake_password", "sample-key", "zzzzzzzzzz",
                        "abc12345678xyz", "Redacted", "****hidden****"}) {
    EXPECT_TRUE(placeholder_reason(p).has_value()) << p;
  }
}

TEST(Placeholder, RandomValuesPass) {
  for (unsigned seed = 1; seed < 200; ++seed) {
    const std::string t = testing::fake_token("", 32, seed);
    // Random tokens may contain marker letters by chance only as parts of longer words.
    EXPECT_FALSE(placeholder_reason(t).has_value()) << t;
  }
  EXPECT_FALSE(placeholder_reason("Tr0ub4dor&3xQ!").has_value());
  // "fake" inside a random run is not a word.
  EXPECT_FALSE(placeholder_reason("q9Zfakeb7Wm2").has_value());
}

}  // namespace
}  // namespace reachscan::entropy
