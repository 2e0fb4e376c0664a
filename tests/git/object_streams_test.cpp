// Large blobs streamed from the object database (git/object_streams.h), against repositories that
// real git builds here: packed whole (32- and 64-bit index offsets), loose, deltified (no stream:
// read another way), and a loose object whose content is not what its id names (an error).
#include "git/object_streams.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/git/git_env.h"
#include "tests/support/scan.h"
#include "tests/support/temp_dir.h"

namespace reachscan {
namespace {

namespace fs = std::filesystem;
using testing::fake_github_token;
using testing::TempDir;

std::pair<int, std::string> run(const fs::path& dir, const std::string& cmd) {
  const std::string out = (dir.parent_path() / "cmd.out").string();
  const int status =
      std::system(("cd '" + dir.string() + "' && (" + cmd + ") >'" + out + "' 2>&1").c_str());
  std::ifstream in(out, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ss.str()};
}

// ~20 MB of text lines with `secret` on line `secret_line` (past the first 16 MiB chunk when the
// line number is large), each line distinct so that the blob compresses like real text.
std::string big_text(std::size_t lines, std::size_t secret_line, const std::string& secret) {
  std::string s;
  s.reserve(lines * 64);
  for (std::size_t i = 1; i <= lines; ++i) {
    if (i == secret_line)
      s += "token = \"" + secret + "\"\n";
    else
      s += "line " + std::to_string(i) +
           " of the generated file, nothing to see: " + std::to_string(i * 7919 % 100003) + "\n";
  }
  return s;
}

class ObjectStreamsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::set_git_test_env(tmp_.path());
    ::setenv("XDG_CACHE_HOME", (tmp_.path() / "cache").c_str(), 1);
    repo_ = tmp_.path() / "repo";
    fs::create_directories(repo_);
    must("git init -q -b main . && git config gc.auto 0");
  }

  void must(const std::string& cmd) {
    auto [rc, out] = run(repo_, cmd);
    ASSERT_EQ(rc, 0) << cmd << "\n" << out;
  }
  std::string output(const std::string& cmd) {
    auto [rc, out] = run(repo_, cmd);
    EXPECT_EQ(rc, 0) << cmd << "\n" << out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  // Commits `content` as `path` and returns the blob's id.
  git::ObjectId commit(const std::string& path, const std::string& content) {
    std::ofstream(repo_ / path, std::ios::binary) << content;
    must("git add -A && git commit -q -m " + path);
    return *git::ObjectId::from_hex(output("git rev-parse HEAD:" + path));
  }
  // Reads a stream to its end in 1 MiB pieces; an error ends it with "ERROR: ..." appended.
  static std::string drain(ByteStream& s) {
    std::string out, error;
    std::string buf(1u << 20, '\0');
    for (;;) {
      const long n = s.read(buf.data(), buf.size(), error);
      if (n < 0) return out + "ERROR: " + error;
      if (n == 0) return out;
      out.append(buf.data(), static_cast<std::size_t>(n));
    }
  }

  TempDir tmp_;
  fs::path repo_;
};

TEST_F(ObjectStreamsTest, PackedWholeBlobStreamsItsExactBytes) {
  const std::string text = big_text(300'000, 250'000, fake_github_token(1));
  const auto id = commit("big.txt", text);
  must("git repack -a -d -q");
  git::ObjectStreams streams((repo_ / ".git").string());
  EXPECT_EQ(streams.packs(), 1u);
  auto opened = streams.open_blob(id);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->size, text.size());
  EXPECT_TRUE(drain(*opened->stream) == text);
  EXPECT_FALSE(streams.open_blob(*git::ObjectId::from_hex(std::string(40, 'a'))));

  // The same pack indexed with 64-bit offsets for every object (git's test switch).
  must(
      "cd .git/objects/pack && p=$(ls *.pack) && git index-pack -o new.idx --index-version=2,0 "
      "$p && mv new.idx ${p%.pack}.idx");
  git::ObjectStreams wide((repo_ / ".git").string());
  auto again = wide.open_blob(id);
  ASSERT_TRUE(again);
  EXPECT_TRUE(drain(*again->stream) == text);
}

TEST_F(ObjectStreamsTest, LooseBlobStreamsAndDeltasAreLeftToLibgit2) {
  const std::string v1 = big_text(40'000, 10, fake_github_token(2));
  const auto loose = commit("f.txt", v1);
  {
    git::ObjectStreams streams((repo_ / ".git").string());
    EXPECT_EQ(streams.packs(), 0u);
    auto opened = streams.open_blob(loose);
    ASSERT_TRUE(opened);
    EXPECT_TRUE(drain(*opened->stream) == v1);
  }
  // Two versions of one file, repacked: one is stored as a delta of the other.
  const auto second = commit("f.txt", v1 + "one more line\n");
  must("git repack -a -d -f -q");
  git::ObjectStreams streams((repo_ / ".git").string());
  const bool first_whole = streams.open_blob(loose).has_value();
  const bool second_whole = streams.open_blob(second).has_value();
  EXPECT_NE(first_whole, second_whole) << "one whole, one delta";
}

// Rewrites the loose object `id` with `content` (same size, other bytes): what a damaged object
// database looks like.
void forge_loose(const fs::path& repo, const git::ObjectId& id, const std::string& content) {
  const std::string raw = "blob " + std::to_string(content.size()) + '\0' + content;
  uLongf len = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(len, '\0');
  ASSERT_EQ(
      compress2(reinterpret_cast<Bytef*>(packed.data()), &len,
                reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()), 1),
      Z_OK);
  const std::string hex = id.hex();
  const fs::path path = repo / ".git" / "objects" / hex.substr(0, 2) / hex.substr(2);
  fs::permissions(path, fs::perms::owner_write, fs::perm_options::add);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << packed.substr(0, len);
}

TEST_F(ObjectStreamsTest, ContentThatIsNotItsIdIsAnError) {
  std::string text = big_text(300'000, 250'000, fake_github_token(3));
  const auto id = commit("big.txt", text);
  text[100] = text[100] == 'x' ? 'y' : 'x';
  forge_loose(repo_, id, text);
  git::ObjectStreams streams((repo_ / ".git").string());
  auto opened = streams.open_blob(id);
  ASSERT_TRUE(opened);
  const std::string got = drain(*opened->stream);
  EXPECT_NE(got.find("ERROR: content does not match its object id"), std::string::npos)
      << got.substr(got.size() > 200 ? got.size() - 200 : 0);

  // Through the CLI (one rule, so that no test waits for the whole set to compile): the finding
  // read before the end is kept, and the run fails with the error.
  const std::string bin = REACHSCAN_BINARY + std::string("' --only-rules github.pat.classic");
  auto [rc, out] = run(repo_, "'" + bin + " git . --max-file-size 0 --format jsonl");
  EXPECT_EQ(rc, 2) << out;
  EXPECT_NE(out.find("does not match its object id"), std::string::npos) << out;
  EXPECT_NE(out.find(id.hex()), std::string::npos) << out;
}

// End to end: a packed 20 MB blob is streamed chunk by chunk and the secret is found at its line,
// past the first chunk, in history and staged scans alike.
TEST_F(ObjectStreamsTest, SecretPastTheFirstChunkIsFoundAtItsLine) {
  const std::string secret = fake_github_token(4);
  const std::string text = big_text(330'000, 320'000, secret);
  ASSERT_GT(text.find(secret), std::size_t{16u << 20});
  commit("big.txt", text);
  must("git repack -a -d -q && git count-objects -v | grep -q '^count: 0'");
  const std::string bin = REACHSCAN_BINARY + std::string("' --only-rules github.pat.classic");
  auto [rc, out] = run(repo_, "'" + bin + " git . --max-file-size 0 --format jsonl");
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("\"line\":320000"), std::string::npos) << out;

  // Staged: git writes a large added file straight into a pack when it is over
  // core.bigFileThreshold; both that and the loose object stream.
  std::ofstream(repo_ / "copy.txt", std::ios::binary) << "head\n" + text;
  must("git -c core.bigFileThreshold=1m add copy.txt");
  auto [rc2, out2] = run(repo_, "'" + bin + " git . --staged --format jsonl");
  EXPECT_EQ(rc2, 1) << out2;
  EXPECT_NE(out2.find("\"line\":320001"), std::string::npos) << out2;
}

}  // namespace
}  // namespace reachscan
