// Large-input behaviour, labelled `slow` (opt-in: ctest -L slow): a single line over 2 GiB is
// scanned in bounded memory, in chunks, with exact line and column numbers.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/temp_dir.h"

namespace reachscan {
namespace {

TEST(LargeInput, TwoGibSingleLine) {
  testing::TempDir dir;
  const std::string tok_mid = testing::fake_github_token(11);
  const std::string tok_end = testing::fake_github_token(12);
  const std::uint64_t chunk = 16ull << 20;
  const std::string path = (dir.path() / "huge.txt").string();
  std::uint64_t mid_col = 0, end_col = 0;
  {
    std::ofstream out(path, std::ios::binary);
    const std::string filler(1 << 20, 'a');
    std::uint64_t written = 0;
    // Straddle the first chunk boundary on purpose.
    while (written < chunk - 20) {
      const std::uint64_t n = std::min<std::uint64_t>(filler.size(), chunk - 20 - written);
      out.write(filler.data(), static_cast<std::streamsize>(n));
      written += n;
    }
    out << ' ' << tok_mid << ' ';
    mid_col = written + 2;
    written += tok_mid.size() + 2;
    while (written < (2ull << 30) + 1000) {
      out.write(filler.data(), static_cast<std::streamsize>(filler.size()));
      written += filler.size();
    }
    out << ' ' << tok_end << '\n';
    end_col = written + 2;
  }
  const std::string report = (dir.path() / "r.json").string();
  const std::string cmd = std::string("'") + REACHSCAN_BINARY + "' -f json -o '" + report +
                          "' --max-file-size 0 -q dir '" + path + "'";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  std::ifstream in(report);
  std::stringstream ss;
  ss << in.rdbuf();
  const auto doc = nlohmann::json::parse(ss.str());
  ASSERT_EQ(doc["findings"].size(), 2u);
  EXPECT_EQ(doc["findings"][0]["line"], 1);
  EXPECT_EQ(doc["findings"][0]["column"], mid_col);
  EXPECT_EQ(doc["findings"][1]["column"], end_col);
  EXPECT_GT(doc["summary"]["bytes_scanned"].get<std::uint64_t>(), 2ull << 30);
}

}  // namespace
}  // namespace reachscan
