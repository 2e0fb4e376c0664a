#include "scanner/config.h"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace reachscan {
namespace {

TEST(Config, ReadsEveryKey) {
  testing::TempDir dir;
  const std::string path = dir.write(".reachscan.yaml", R"(
rules: [extra/]
only_rules: [a, b]
skip_rules: c
max_file_size: 2MiB
decode: false
allow:
  paths: ['vendor/**']
  secrets: ['^sk_test_']
  fingerprints: ['a:0123']
environments: {production: {}}
future_key: 1
)");
  auto c = load_config(path);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->rule_paths, std::vector<std::string>{dir.str() + "/extra/"});
  EXPECT_EQ(c->only_rules.size(), 2u);
  EXPECT_EQ(c->skip_rules, std::vector<std::string>{"c"});
  EXPECT_EQ(*c->max_file_size, 2u << 20);
  EXPECT_EQ(c->decode, false);
  EXPECT_EQ(c->allow_paths.size(), 1u);
  ASSERT_EQ(c->warnings.size(), 1u);  // future_key: not known to this version
}

TEST(Config, ErrorsNameFileAndLine) {
  testing::TempDir dir;
  const std::string bad = dir.write("c.yaml", "allow:\n  paths: [x\n");
  auto c = load_config(bad);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("c.yaml:"), std::string::npos);
  const std::string unit = dir.write("d.yaml", "max_file_size: 12 parsecs\n");
  EXPECT_FALSE(load_config(unit).ok());
  EXPECT_FALSE(load_config(dir.str() + "/none.yaml").ok());
}

TEST(ParseSize, Units) {
  EXPECT_EQ(*parse_size("1000"), 1000u);
  EXPECT_EQ(*parse_size("10MB"), 10000000u);
  EXPECT_EQ(*parse_size("10 MiB"), 10u << 20);
  EXPECT_EQ(*parse_size("512k"), 512u << 10);
  EXPECT_EQ(*parse_size("2GiB"), 2ull << 30);
  EXPECT_FALSE(parse_size("MB").ok());
  EXPECT_FALSE(parse_size("5 parsecs").ok());
}

}  // namespace
}  // namespace reachscan
