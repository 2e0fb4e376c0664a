#include "scanner/pipeline.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "reach/classify.h"
#include "tests/support/scan.h"
#include "tests/support/temp_dir.h"

namespace reachscan {
namespace {

using namespace reachscan::test;

namespace fs = std::filesystem;
using testing::fake_token;
using testing::TempDir;

std::map<std::string, std::uint64_t> skips(const FlatResult& r) {
  return r.summary.skipped_by_reason();
}

TEST(Scanner, FindsSecretsInTreeWithPathsAndLines) {
  TempDir dir;
  const std::string t1 = fake_token("dmo_", 20, 1), t2 = fake_token("dmo_", 20, 2);
  dir.write("a/config.env", "X=1\nTOKEN=" + t1 + "\n");
  dir.write("b/c/main.py", "\n\n\nkey = '" + t2 + "'\n");
  dir.write("empty.txt", "");
  const FlatResult r = scan_paths(demo_db(), {}, {dir.str()});
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].path, dir.str() + "/a/config.env");
  EXPECT_EQ(r.findings[0].line, 2u);
  EXPECT_EQ(r.findings[0].column, 7u);
  EXPECT_EQ(r.findings[1].line, 4u);
  EXPECT_EQ(r.summary.files_scanned, 3u);
  EXPECT_FALSE(r.summary.has_errors());
}

TEST(Scanner, RelativeRootHasNoDotSlash) {
  TempDir dir;
  dir.write("x.txt", "k " + fake_token("dmo_", 20, 3));
  const fs::path old = fs::current_path();
  fs::current_path(dir.path());
  const FlatResult r = scan_paths(demo_db(), {}, {"."});
  fs::current_path(old);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].path, "x.txt");
}

TEST(Scanner, EveryBadInputIsRecordedWithAReason) {
  TempDir dir;
  const std::string tok = fake_token("dmo_", 20, 4);
  dir.write("good.txt", tok + "\n");
  // Not a compiled artifact: an ELF's strings would be scanned (issue 13).
  dir.write("bin.dat", std::string("\x89PNG\0\0", 6) + tok);
  dir.write("late_nul.txt", std::string(9000, 'a') + '\0' + "\n" + tok + "\n");
  dir.write("utf8.txt", "caf\xc3\xa9 \xff\xfe broken " + tok + "\n");
  dir.write("big.txt", std::string(30000, 'z'));
  fs::create_symlink("loop", dir.path() / "loop");
  fs::create_symlink("missing-target", dir.path() / "dangling");
  fs::create_symlink(".", dir.path() / "self-dir");
  fs::create_symlink("good.txt", dir.path() / "link-to-good");
  ASSERT_EQ(::mkfifo((dir.path() / "pipe").c_str(), 0600), 0);
  fs::create_directories(dir.path() / ".git");
  dir.write(".git/config", tok);

  ScanOptions o;
  o.max_file_size = 20000;
  const FlatResult r = scan_paths(demo_db(), o, {dir.str(), dir.str() + "/does-not-exist"});

  const auto k = skips(r);
  EXPECT_EQ(k.at("binary"), 1u);
  EXPECT_EQ(k.at("too_large"), 1u);
  EXPECT_EQ(k.at("symlink_loop"), 1u);
  EXPECT_EQ(k.at("broken_symlink"), 1u);
  EXPECT_EQ(k.at("symlink_dir"), 1u);
  EXPECT_EQ(k.at("special_file"), 1u);
  EXPECT_EQ(k.at("excluded"), 1u);  // .git
  EXPECT_EQ(k.at("not_found"), 1u);
  for (const Skip& x : r.summary.skipped) EXPECT_FALSE(x.detail.empty()) << x.path;
  // good.txt, its symlink, the late-NUL file and the invalid UTF-8 file are scanned.
  EXPECT_EQ(r.findings.size(), 4u);
  EXPECT_EQ(r.summary.files_scanned, 4u);
  EXPECT_TRUE(r.summary.has_errors());  // missing path and symlink loop
}

TEST(Scanner, UnreadableFileIsAnError) {
  TempDir dir;
  dir.write("ok.txt", fake_token("dmo_", 20, 8));
  // /proc/self/mem opens as a regular file but fails to read at offset 0, as root too.
  const FlatResult r = scan_paths(demo_db(), {}, {dir.str(), "/proc/self/mem"});
  EXPECT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(skips(r).at("unreadable"), 1u);
  EXPECT_TRUE(r.summary.has_errors());
  if (::geteuid() != 0) {
    const std::string locked = dir.write("locked.txt", "x");
    fs::permissions(locked, fs::perms::none);
    const FlatResult r2 = scan_paths(demo_db(), {}, {locked});
    EXPECT_EQ(skips(r2).at("unreadable"), 1u);
  }
}

TEST(Scanner, ChunkBoundariesLoseNothingAndDuplicateNothing) {
  TempDir dir;
  // One long line, secrets placed at every offset around the chunk edges.
  std::string text;
  std::vector<std::string> tokens;
  for (unsigned i = 0; text.size() < 600000; ++i) {
    tokens.push_back(fake_token("dmo_", 20, 100 + i));
    text += std::string(997 + (i * 37) % 4000, '.') + " " + tokens.back() + " ";
  }
  text += "\nBEGIN\nAAAAbbbbCCCC\nDDDD\nEND\n";
  dir.write("oneline.txt", text);
  ScanOptions o;
  o.chunk_size = 64 * 1024;  // forces ~10 chunks, scanned with overlap
  const FlatResult a = scan_paths(demo_db(), o, {dir.str()});
  const FlatResult b = scan_paths(demo_db(), {}, {dir.str()});
  ASSERT_EQ(a.findings.size(), tokens.size() + 1);
  ASSERT_EQ(b.findings.size(), a.findings.size());
  for (std::size_t i = 0; i < a.findings.size(); ++i) {
    EXPECT_EQ(a.findings[i].secret, b.findings[i].secret);
    EXPECT_EQ(a.findings[i].line, b.findings[i].line);
    EXPECT_EQ(a.findings[i].column, b.findings[i].column);
  }
  EXPECT_EQ(a.findings.back().line, 3u);
  EXPECT_EQ(a.summary.bytes_scanned, text.size());
}

// Findings that overlap (a token inside a multi-line block) send the line cursor back: the lines
// and columns still match a plain count, for blocks spread over one large chunk.
TEST(Scanner, OverlappingFindingsGetTheirOwnLinesAndColumns) {
  patterns::DatabaseOptions dbo;
  dbo.use_cache = false;
  auto set = patterns::parse_rules(R"yaml(
- id: demo.token
  name: Demo token
  pattern: '\b(dmo_[A-Za-z0-9]{20})\b'
  min_entropy: 3.0
- id: demo.block
  name: Demo block
  pattern: 'BEGIN\n([A-Za-z0-9_\n]{10,}?)\nEND'
  max_length: 4096
)yaml",
                                   "overlap.yaml");
  auto db = patterns::RuleDatabase::build(set.rules, dbo).database;
  TempDir dir;
  std::string text;
  for (unsigned i = 0; i < 300; ++i) {
    text += "filler line " + std::to_string(i) + "\nBEGIN\nAAAAbbbbCCCC" + std::to_string(i) +
            "\n" + fake_token("dmo_", 20, 500 + i) + "\nDDDDeeee\nEND\n";
  }
  dir.write("blocks.txt", text);
  const FlatResult r = scan_paths(db, {}, {dir.str()});
  ASSERT_EQ(r.findings.size(), 600u);
  auto place_of = [&](std::size_t offset) {
    const std::size_t line = 1 + std::count(text.begin(), text.begin() + offset, '\n');
    const std::size_t nl = offset == 0 ? std::string::npos : text.rfind('\n', offset - 1);
    return std::pair{line, offset - (nl == std::string::npos ? 0 : nl + 1) + 1};
  };
  for (const Finding& f : r.findings) {
    const std::size_t at = text.find(f.secret);
    ASSERT_NE(at, std::string::npos);
    EXPECT_EQ(std::pair(std::size_t{f.line}, std::size_t{f.column}), place_of(at)) << f.rule_id;
    EXPECT_EQ(std::pair(std::size_t{f.end_line}, std::size_t{f.end_column}),
              place_of(at + f.secret.size() - 1))
        << f.rule_id;
  }
}

// A minified file: one line of megabytes with thousands of findings. Every per-finding look at
// "the line" (allow markers, the fragment, allow-list line regexes, reach's view of the file) is
// bounded, so this scan is linear (it took minutes when each read the whole line) and places are
// still exact.
TEST(Scanner, MinifiedLineWithThousandsOfFindings) {
  TempDir dir;
  std::string text = "[";
  std::vector<std::size_t> offsets;
  for (unsigned i = 0; i < 4000; ++i) {
    text += R"({"name":")" + std::string(400 + i % 97, 'x') + R"(","key":")";
    offsets.push_back(text.size());
    text += fake_token("dmo_", 20, 9000 + i) + R"("},)";
  }
  text += "{}]";
  dir.write("bundle.min.json", text);
  ScanOptions o;
  o.reach = std::make_shared<const reach::ReachConfig>();
  const FlatResult r = scan_paths(demo_db(), o, {dir.str()});
  ASSERT_EQ(r.findings.size(), offsets.size());
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    EXPECT_EQ(r.findings[i].line, 1u);
    EXPECT_EQ(r.findings[i].column, offsets[i] + 1);
    EXPECT_LE(r.findings[i].match.size(), 24u + 2 * 120u);  // the fragment stays cut
  }
}

TEST(Scanner, OutputDoesNotDependOnThreads) {
  TempDir dir;
  for (unsigned i = 0; i < 200; ++i)
    dir.write("d" + std::to_string(i % 7) + "/f" + std::to_string(i) + ".txt",
              "x\n" + fake_token("dmo_", 20, i) + "\n" + fake_token("dmo_", 20, i + 1000));
  ScanOptions one, four;
  one.threads = 1;
  four.threads = 4;
  const FlatResult a = scan_paths(demo_db(), one, {dir.str()});
  const FlatResult b = scan_paths(demo_db(), four, {dir.str()});
  ASSERT_EQ(a.findings.size(), 400u);
  ASSERT_EQ(b.findings.size(), 400u);
  for (std::size_t i = 0; i < a.findings.size(); ++i) {
    EXPECT_EQ(a.findings[i].path, b.findings[i].path);
    EXPECT_EQ(a.findings[i].line, b.findings[i].line);
  }
}

TEST(Scanner, ExcludeGlobs) {
  TempDir dir;
  dir.write("vendor/lib/x.txt", fake_token("dmo_", 20, 1));
  dir.write("app/x.min.js", fake_token("dmo_", 20, 2));
  dir.write("app/main.js", fake_token("dmo_", 20, 3));
  ScanOptions o;
  o.exclude_globs = {"*/vendor", "*.min.js"};
  const FlatResult r = scan_paths(demo_db(), o, {dir.str()});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(skips(r).at("excluded"), 2u);
}

TEST(Scanner, StreamIsChunkedToo) {
  TempDir dir;
  const std::string tok = fake_token("dmo_", 20, 77);
  const std::string file = dir.write("in.txt", std::string(300000, 'q') + " " + tok + "\n");
  const int fd = ::open(file.c_str(), O_RDONLY);
  ScanOptions o;
  o.chunk_size = 64 * 1024;
  const FlatResult r = scan_stream(demo_db(), o, fd, "label.txt");
  ::close(fd);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].path, "label.txt");
  EXPECT_EQ(r.findings[0].column, 300002u);
}

}  // namespace
}  // namespace reachscan
