// Reports written whole or not at all (issue 18): temporary file and rename, checked writes,
// an earlier report left intact on failure.
#include "report/output_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "tests/support/temp_dir.h"

namespace reachscan::report {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), {}));
}

TEST(OutputFile, RenamedIntoPlaceOnlyOnCommit) {
  testing::TempDir tmp;
  const std::string target = tmp.write("report.json", "old report\n");
  fs::permissions(target, fs::perms(0644));
  auto out = OutputFile::open(target);
  ASSERT_TRUE(out.ok()) << out.status().message();
  std::fputs("new report\n", (*out)->stream());
  EXPECT_EQ(slurp(target), "old report\n") << "nothing replaced before commit";
  EXPECT_EQ(entries(tmp.path()), 2u);
  ASSERT_TRUE((*out)->commit().ok());
  EXPECT_EQ(slurp(target), "new report\n");
  EXPECT_EQ(entries(tmp.path()), 1u) << "no temporary file left";
  EXPECT_EQ(fs::status(target).permissions() & fs::perms::all, fs::perms(0600));
}

TEST(OutputFile, DiscardLeavesTheEarlierReport) {
  testing::TempDir tmp;
  const std::string target = tmp.write("report.json", "old\n");
  {
    auto out = OutputFile::open(target);
    ASSERT_TRUE(out.ok());
    std::fputs("half a rep", (*out)->stream());
  }  // dropped without commit, as on an error path
  EXPECT_EQ(slurp(target), "old\n");
  EXPECT_EQ(entries(tmp.path()), 1u);
}

TEST(OutputFile, SymlinkedTargetIsReplacedThroughTheLink) {
  testing::TempDir tmp;
  const std::string real = tmp.write("real.json", "old\n");
  fs::create_symlink(real, tmp.path() / "link.json");
  auto out = OutputFile::open((tmp.path() / "link.json").string());
  ASSERT_TRUE(out.ok());
  std::fputs("new\n", (*out)->stream());
  ASSERT_TRUE((*out)->commit().ok());
  EXPECT_TRUE(fs::is_symlink(tmp.path() / "link.json"));
  EXPECT_EQ(slurp(real), "new\n");
}

TEST(OutputFile, WriteErrorsAreReportedWithTheirCause) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  auto out = OutputFile::open("/dev/full");
  ASSERT_TRUE(out.ok());
  for (int i = 0; i < 1000; ++i) std::fputs("0123456789abcdef0123456789abcdef\n", (*out)->stream());
  const Status s = (*out)->commit();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/dev/full"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("No space left"), std::string::npos) << s.message();
}

TEST(OutputFile, KnowsWhenItWritesToATerminalWhateverItsName) {
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) GTEST_SKIP() << "no pty";
  auto out = OutputFile::open(::ptsname(master));
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_TRUE((*out)->is_terminal()) << "secrets are masked on -o /dev/tty and the like";
  (*out)->discard();
  ::close(master);
  testing::TempDir tmp;
  auto file = OutputFile::open((tmp.path() / "r.json").string());
  ASSERT_TRUE(file.ok());
  EXPECT_FALSE((*file)->is_terminal());
}

TEST(OutputFile, AReadOnlyReportIsNotReplaced) {
  testing::TempDir tmp;
  const fs::path target = tmp.path() / "r.json";
  std::ofstream(target) << "earlier";
  fs::permissions(target, fs::perms::owner_read | fs::perms::group_read);
  auto out = OutputFile::open(target.string());
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("read-only"), std::string::npos);
  EXPECT_EQ(slurp(target), "earlier");
}

TEST(OutputFile, BadDestinationsFailAtOpen) {
  testing::TempDir tmp;
  EXPECT_FALSE(OutputFile::open(tmp.str()).ok()) << "a directory";
  auto missing = OutputFile::open((tmp.path() / "no" / "such" / "r.json").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("No such file"), std::string::npos);
}

}  // namespace
}  // namespace reachscan::report
