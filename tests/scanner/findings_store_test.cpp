// The findings store past its memory budget (issue 12): occurrences spilled to a private file
// come back whole (codec), the store gives the same findings with and without spilling, and the
// spill file has no name and mode 0600.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "scanner/finding_codec.h"
#include "scanner/findings.h"
#include "scanner/spill_file.h"
#include "tests/support/temp_dir.h"

namespace reachscan {
namespace {

namespace fs = std::filesystem;

// An occurrence with every field set (`n` varies the place and the secret).
Finding full(int n, ReachVerdict verdict = ReachVerdict::kUnknown) {
  Finding f;
  f.rule_id = "demo.rule";
  f.rule_name = "Demo";
  f.path = "dir/f" + std::to_string(n % 3) + ".txt";
  f.line = static_cast<std::uint64_t>(10 - n % 4);
  f.column = 2;
  f.end_line = f.line;
  f.end_column = 30;
  f.secret = "secret-" + std::to_string(n % 5);
  f.match = "key = " + f.secret;
  f.fingerprint = f.rule_id + ":" + f.secret;
  f.repository = "org/repo";
  f.entropy = 3.25;
  f.confidence = Confidence::kHigh;
  f.variant = "live";
  f.tags = {"a", "b"};
  f.offset = 77;
  f.parts = {Part{"demo.id", 1, 2, "id-value", false}, Part{"demo.rule", 3, 4, f.secret, true}};
  f.decoded = {"base64"};
  CommitInfo c;
  c.id = std::string(40, 'a');
  c.blob = std::string(40, 'b');
  c.author = "A";
  c.email = "a@example.com";
  c.date = "2024-01-02T03:04:05Z";
  c.summary = "add";
  c.refs = {"refs/heads/main"};
  c.in_head = true;
  c.head_paths = {"x"};
  c.touched = {"y", "z"};
  f.commit = c;
  ImageContext i;
  i.image = "img";
  i.part = "layer";
  i.layer_digest = "sha256:00";
  i.layer = 2;
  i.layers = 3;
  i.history_entry = 1;
  i.instruction = "COPY . /";
  i.path = "etc/x";
  i.in_final_filesystem = false;
  f.image = i;
  f.allow_commits = {"c1"};
  f.verification.status = VerifyStatus::kValidStructure;
  f.verification.verifier = "v";
  f.verification.reasons = {"r"};
  f.verification.attributes = {{"k", "v"}, {"k2", "v2"}};
  Reach r;
  r.verdict = verdict;
  r.confidence = 0.5;
  r.evidence = {Evidence{"path", "p", -1.5}};
  r.flags = {"f"};
  r.frameworks = {"OWASP-NHI2"};
  r.related = {"elsewhere"};
  f.reach = r;
  return f;
}

std::string encoded(const Finding& f) {
  std::string out;
  encode_finding(f, out);
  return out;
}

TEST(FindingCodec, EveryFieldComesBack) {
  const Finding f = full(1, ReachVerdict::kProduction);
  Finding back;
  ASSERT_TRUE(decode_finding(encoded(f), back));
  EXPECT_EQ(encoded(back), encoded(f));
  EXPECT_EQ(back.commit->touched, f.commit->touched);
  EXPECT_EQ(back.image->instruction, "COPY . /");
  EXPECT_FALSE(back.image->in_final_filesystem);
  EXPECT_EQ(back.verification.attributes.at("k2"), "v2");
  EXPECT_EQ(back.reach->verdict, ReachVerdict::kProduction);
  EXPECT_EQ(back.reach->evidence[0].weight, -1.5);
  EXPECT_EQ(back.parts[1].secret, true);
  Finding plain;  // no commit, image or reach
  ASSERT_TRUE(decode_finding(encoded(plain), back));
  EXPECT_FALSE(back.commit || back.image || back.reach);
  // Cut short or with bytes over: not one occurrence.
  const std::string bytes = encoded(f);
  EXPECT_FALSE(decode_finding(std::string_view(bytes).substr(0, bytes.size() - 3), back));
  EXPECT_FALSE(decode_finding(bytes + "x", back));
}

// Adds the same occurrences to a store with `budget` bytes, runs the passes the pipeline runs,
// and returns the findings encoded.
std::vector<std::string> run_store(std::size_t budget, std::uint64_t* spilled) {
  FindingStore store(3, budget);  // three held per finding: the count budget is exercised too
  for (int n = 0; n < 40; ++n)
    store.add(full(n, n % 7 == 0 ? ReachVerdict::kProduction
                      : n % 2    ? ReachVerdict::kNonProduction
                                 : ReachVerdict::kUnknown));
  std::size_t seen = 0;
  store.update([&](std::vector<Finding*>& batch) { seen += batch.size(); }, false);
  EXPECT_EQ(seen, 5u * 3u);
  store.update([](std::vector<Finding*>& batch) {
    for (Finding* f : batch) f->commit->refs.push_back("refs/tags/v" + std::to_string(f->line));
  });
  store.update_by_secret([](std::vector<Finding>& batch) {
    // Every occurrence of a secret is in the same batch.
    for (const Finding& f : batch)
      EXPECT_EQ(std::count_if(batch.begin(), batch.end(),
                              [&](const Finding& g) { return g.secret == f.secret; }),
                3);
    for (Finding& f : batch)
      if (f.secret == "secret-2") f.reach->flags.push_back("reused_across_environments");
  });
  *spilled = store.spilled();
  std::vector<std::string> out;
  for (const SecretFinding& s : store.finish()) {
    std::string e =
        encoded(s.first) + std::to_string(s.count) + (s.reused_across_environments ? "R" : "-");
    for (const Finding& o : s.occurrences) e += encoded(o);
    out.push_back(std::move(e));
  }
  return out;
}

TEST(FindingStore, SameFindingsWithAndWithoutSpilling) {
  std::uint64_t in_memory = 0, spilled = 0;
  const auto a = run_store(FindingStore::kNoLimit, &in_memory);
  const auto b = run_store(0, &spilled);
  EXPECT_EQ(in_memory, 0u);
  EXPECT_GT(spilled, 0u);
  ASSERT_EQ(a.size(), 5u);
  EXPECT_EQ(a, b);
}

TEST(SpillFile, HasNoNameAndIsPrivate) {
  testing::TempDir dir;
  const char* old = std::getenv("TMPDIR");
  const std::string saved = old ? old : "";
  ::setenv("TMPDIR", dir.str().c_str(), 1);
  {
    SpillFile file;
    auto at = file.append("abc");
    ASSERT_TRUE(at.ok());
    auto at2 = file.append("defg");
    ASSERT_TRUE(at2.ok());
    EXPECT_EQ(*at2, 3u);
    std::string back;
    ASSERT_TRUE(file.read(*at2, 4, back).ok());
    EXPECT_EQ(back, "defg");
    EXPECT_TRUE(fs::is_empty(dir.path()));  // no name points to it
    bool found = false;
    for (const auto& e : fs::directory_iterator("/proc/self/fd")) {
      std::error_code ec;
      const std::string target = fs::read_symlink(e.path(), ec).string();
      if (ec || target.rfind(dir.str(), 0) != 0) continue;
      struct stat st {};
      ASSERT_EQ(::stat(e.path().c_str(), &st), 0);
      EXPECT_EQ(st.st_mode & 0777, 0600u);
      EXPECT_NE(target.find("(deleted)"), std::string::npos) << target;
      found = true;
    }
    EXPECT_TRUE(found);
  }
  if (old)
    ::setenv("TMPDIR", saved.c_str(), 1);
  else
    ::unsetenv("TMPDIR");
}

}  // namespace
}  // namespace reachscan
