// Archives and compiled artifacts (issue 13): formats, nesting, limits, hostile input.
#include "sources/archive.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "scanner/pipeline.h"
#include "tests/sources/archive_writer.h"
#include "tests/support/scan.h"
#include "tests/support/temp_dir.h"

namespace reachscan {
namespace {

namespace fs = std::filesystem;
using testing::compress;
using testing::fake_token;
using testing::Member;
using testing::TempDir;
using testing::write_archive;

std::shared_ptr<const patterns::RuleDatabase> demo_db() {
  patterns::DatabaseOptions o;
  o.use_cache = false;
  auto set = patterns::parse_rules(R"yaml(
- id: demo.token
  name: Demo token
  pattern: '\b(dmo_[A-Za-z0-9]{20})\b'
  min_entropy: 3.0
)yaml",
                                   "demo.yaml");
  return patterns::RuleDatabase::build(set.rules, o).database;
}

const Detector& detector() {
  static const Detector d(demo_db());
  return d;
}

FileOutcome scan(const std::string& bytes, const std::string& name, const ArchiveOptions& o = {}) {
  FileOutcome out;
  scan_content(memory_reader(bytes), name, bytes.size(), detector(), o, out);
  return out;
}

std::vector<std::string> paths(const FileOutcome& o) {
  std::vector<std::string> p;
  for (const Finding& f : o.findings) p.push_back(f.path);
  std::sort(p.begin(), p.end());
  return p;
}

const Skip* skip_with(const FileOutcome& o, SkipReason r) {
  for (const Skip& s : o.member_skips)
    if (s.reason == r) return &s;
  return nullptr;
}

long peak_rss_mib() {
  struct rusage ru {};
  ::getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

const std::string kTok = fake_token("dmo_", 20, 7);

// Runs `git CMD` in `repo` with `tmp` as HOME and a fixed identity; returns its exit status.
int git_in(const TempDir& tmp, const fs::path& repo, const std::string& cmd) {
  const std::string full = "cd '" + repo.string() + "' && GIT_CONFIG_NOSYSTEM=1 HOME='" +
                           tmp.str() + "' git -c user.name=Dev -c user.email=dev@corp.test " + cmd +
                           " >/dev/null 2>&1";
  return std::system(full.c_str());
}

TEST(Archive, ZipInJarInTarGzReportsTheChainAndTheLine) {
  const std::string props = "# settings\nserver.port=8080\nservice.token=" + kTok + "\n";
  const std::string inner = write_archive("zip", "", {{"META-INF/application.properties", props}});
  const std::string jar = write_archive(
      "zip", "", {{"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"}, {"lib/inner.zip", inner}});
  const std::string tgz = write_archive("tar", "gzip", {{"app/app.jar", jar}});
  const FileOutcome o = scan(tgz, "dist/app.tar.gz");
  ASSERT_EQ(o.findings.size(), 1u);
  const Finding& f = o.findings[0];
  EXPECT_EQ(f.path, "dist/app.tar.gz!app/app.jar!lib/inner.zip!META-INF/application.properties");
  EXPECT_EQ(f.line, 3u);
  EXPECT_EQ(f.column, 15u);
  EXPECT_EQ(f.secret, kTok);
  EXPECT_TRUE(o.member_skips.empty());
  EXPECT_FALSE(o.skip);
}

TEST(Archive, EveryFormatAndFilterIsOpened) {
  const std::vector<Member> m = {{"conf/a.env", "TOKEN=" + kTok + "\n"}};
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"x.zip", write_archive("zip", "", m)},
      {"x.tar", write_archive("tar", "", m)},
      {"x.tgz", write_archive("tar", "gzip", m)},
      {"x.tbz2", write_archive("tar", "bzip2", m)},
      {"x.txz", write_archive("tar", "xz", m)},
      {"x.tzst", write_archive("tar", "zstd", m)},
      {"x.tlz4", write_archive("tar", "lz4", m)},
      {"x.7z", write_archive("7z", "", m)},
      {"x.cpio", write_archive("cpio", "", m)},
      {"x.a", write_archive("ar", "", {{"a.env", m[0].data}})},
      {"x.cpio.xz", write_archive("cpio", "xz", m)},
  };
  for (const auto& [name, bytes] : cases) {
    const FileOutcome o = scan(bytes, name);
    ASSERT_EQ(o.findings.size(), 1u) << name;
    EXPECT_EQ(o.findings[0].path, name + (name == "x.a" ? "!a.env" : "!conf/a.env")) << name;
    EXPECT_EQ(o.findings[0].line, 1u) << name;
    EXPECT_TRUE(o.member_skips.empty()) << name << ": " << o.member_skips[0].detail;
  }
  // A single compressed file is its content: no member name is added.
  for (const char* filter : {"gzip", "bzip2", "xz", "zstd", "lz4"}) {
    const FileOutcome o = scan(compress(filter, "a\nTOKEN=" + kTok + "\n"), "app.env.z");
    ASSERT_EQ(o.findings.size(), 1u) << filter;
    EXPECT_EQ(o.findings[0].path, "app.env.z") << filter;
    EXPECT_EQ(o.findings[0].line, 2u) << filter;
  }
}

TEST(Archive, DebAndRpmPackages) {
  // .deb: an ar archive holding debian-binary, control.tar.xz and data.tar.xz.
  const std::string data = write_archive("tar", "xz", {{"./etc/app/app.conf", "k=" + kTok + "\n"}});
  const std::string control = write_archive("tar", "xz", {{"./control", "Package: app\n"}});
  const std::string deb = write_archive(
      "ar", "", {{"debian-binary", "2.0\n"}, {"control.tar.xz", control}, {"data.tar.xz", data}});
  FileOutcome o = scan(deb, "app_1.0_amd64.deb");
  ASSERT_EQ(o.findings.size(), 1u);
  EXPECT_EQ(o.findings[0].path, "app_1.0_amd64.deb!data.tar.xz!etc/app/app.conf");

  // .rpm: a 96-byte lead, a signature header and a header (both empty here), then a cpio payload.
  std::string rpm("\xed\xab\xee\xdb\x03\x00\x00\x00", 8);
  rpm.resize(96, '\0');
  const std::string empty_header("\x8e\xad\xe8\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
                                 16);
  rpm += empty_header + empty_header;
  rpm += write_archive("cpio", "gzip", {{"./usr/share/app/app.conf", "k=" + kTok + "\n"}});
  o = scan(rpm, "app-1.0.x86_64.rpm");
  ASSERT_EQ(o.findings.size(), 1u) << (o.member_skips.empty() ? "" : o.member_skips[0].detail);
  EXPECT_EQ(o.findings[0].path, "app-1.0.x86_64.rpm!usr/share/app/app.conf");
}

TEST(Archive, LargeMemberIsStreamedInChunksWithExactLines) {
  std::string text;
  for (int i = 1; i < 20000; ++i) text += "line " + std::to_string(i) + " of filler text\n";
  text += "TOKEN=" + kTok + "\n";
  ArchiveOptions o;
  o.chunk_size = 64u << 10;  // many chunks
  const FileOutcome out = scan(write_archive("zip", "", {{"big.txt", text}}), "big.zip", o);
  ASSERT_EQ(out.findings.size(), 1u);
  EXPECT_EQ(out.findings[0].line, 20000u);
  EXPECT_EQ(out.findings[0].offset, text.size() - kTok.size() - 1);
}

TEST(Archive, EncryptedMembersAreSkippedOthersScanned) {
  const std::string zip = write_archive("zip", "", {{"secret.txt", "TOKEN=" + kTok + "\n"}},
                                        "zip:encryption=zipcrypt", "hunter2");
  FileOutcome o = scan(zip, "locked.zip");
  EXPECT_TRUE(o.findings.empty());
  const Skip* s = skip_with(o, SkipReason::kEncrypted);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->path, "locked.zip!secret.txt");
  EXPECT_FALSE(is_error(SkipReason::kEncrypted));
}

TEST(Archive, TruncatedArchiveKeepsWhatCameBeforeAndNamesWhereItStopped) {
  std::string filler;
  for (int i = 0; i < 4000; ++i) filler += "filler line " + std::to_string(i * 7919 % 10007) + "\n";
  const std::string tar = write_archive(
      "tar", "", {{"one.txt", "TOKEN=" + kTok + "\n"}, {"two.txt", filler}, {"three.txt", "x\n"}});
  const std::string truncated = tar.substr(0, 1536 + filler.size() / 2);  // inside two.txt
  FileOutcome o = scan(truncated, "cut.tar");
  ASSERT_EQ(o.findings.size(), 1u);
  EXPECT_EQ(o.findings[0].path, "cut.tar!one.txt");
  const Skip* s = skip_with(o, SkipReason::kCorrupt);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->path, "cut.tar!two.txt");
  // A reported skip, not an error: valid variants libarchive cannot read stop it too.
  EXPECT_FALSE(is_error(SkipReason::kCorrupt));

  // Magic bytes of a zip but nothing readable after them.
  o = scan(std::string("PK\x03\x04", 4) + std::string(100, '\x01'), "junk.zip");
  ASSERT_NE(skip_with(o, SkipReason::kCorrupt), nullptr);
  EXPECT_EQ(skip_with(o, SkipReason::kCorrupt)->path, "junk.zip");
}

TEST(Archive, HostileNamesAreEscapedAndNeverUsedAsPaths) {
  TempDir cwd;
  const fs::path old = fs::current_path();
  fs::current_path(cwd.path());
  const std::string body = "TOKEN=" + kTok + "\n";
  const std::string zip = write_archive("zip", "",
                                        {{"../../evil.txt", body},
                                         {"/etc/evil.conf", body},
                                         {"ansi\x1b[31mred.txt", body},
                                         {"bad\xff\xfeutf8.txt", body},
                                         {"bang!name.txt", body}});
  const FileOutcome o = scan(zip, "slip.zip");
  fs::current_path(old);
  EXPECT_EQ(paths(o), (std::vector<std::string>{
                          "slip.zip!../../evil.txt", "slip.zip!/etc/evil.conf",
                          "slip.zip!ansi\\x1b[31mred.txt", "slip.zip!bad\\xff\\xfeutf8.txt",
                          "slip.zip!bang\\x21name.txt"}));
  ASSERT_EQ(o.notes.size(), 1u);
  EXPECT_NE(o.notes[0].find("4 member name(s)"), std::string::npos) << o.notes[0];
  EXPECT_FALSE(fs::exists(cwd.path().parent_path().parent_path() / "evil.txt"));
  EXPECT_TRUE(fs::is_empty(cwd.path()));

  bool unsafe = false;
  EXPECT_EQ(safe_member_name("caf\xc3\xa9/ok.txt", &unsafe), "caf\xc3\xa9/ok.txt");
  EXPECT_FALSE(unsafe);
  EXPECT_EQ(safe_member_name("a\\b", &unsafe), "a\\\\b");
  EXPECT_FALSE(unsafe);
  safe_member_name("C:/Windows/x", &unsafe);
  EXPECT_TRUE(unsafe);
  safe_member_name("dir/..", &unsafe);
  EXPECT_TRUE(unsafe);
  safe_member_name("dir/..name", &unsafe);
  EXPECT_FALSE(unsafe);
  EXPECT_EQ(safe_member_name("\xed\xa0\x80", &unsafe), "\\xed\\xa0\\x80");  // a surrogate
}

TEST(Archive, NestingDepthIsLimited) {
  std::string inner = write_archive("zip", "", {{"deep.env", "TOKEN=" + kTok + "\n"}});
  for (int level = 5; level >= 2; --level)
    inner = write_archive("zip", "", {{"level" + std::to_string(level) + ".zip", inner}});
  // Six archives deep: level1 (the outermost) to the one holding deep.env.
  ArchiveOptions o;
  FileOutcome out = scan(inner, "level1.zip", o);
  EXPECT_TRUE(out.findings.empty());
  const Skip* s = skip_with(out, SkipReason::kArchiveLimit);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->path, "level1.zip!level2.zip!level3.zip!level4.zip!level5.zip");
  EXPECT_NE(s->detail.find("--max-archive-depth 4"), std::string::npos);

  o.max_depth = 5;
  out = scan(inner, "level1.zip", o);
  ASSERT_EQ(out.findings.size(), 1u);
  EXPECT_EQ(out.findings[0].path,
            "level1.zip!level2.zip!level3.zip!level4.zip!level5.zip!deep.env");

  o.max_depth = 0;  // archives are not opened at all
  out = scan(inner, "level1.zip", o);
  ASSERT_TRUE(out.skip);
  EXPECT_EQ(out.skip->reason, SkipReason::kBinary);
}

FileOutcome scan_path(const std::string& path, const std::string& name,
                      const ArchiveOptions& o = {}) {
  FileOutcome out;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0) << path;
  scan_content(fd_reader(fd), name, fs::file_size(path), detector(), o, out);
  ::close(fd);
  return out;
}

// Bombs are written to files by make_bombs.py and streamed from there, so the test process holds
// none of their bytes: its peak RSS is the scanner's.
class ArchiveBombs : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(std::system(("python3 '" REACHSCAN_SOURCE_DIR "/tests/sources/make_bombs.py' '" +
                           dir_.str() + "'")
                              .c_str()),
              0);
  }
  TempDir dir_;
};

// 42.zip-style: 3 levels of 16 zips around a 64 MiB member, each level of modest ratio.
TEST_F(ArchiveBombs, NestedZipBombStopsAtTheRatioLimitWithBoundedMemory) {
  ASSERT_LT(fs::file_size(dir_.path() / "nested.zip"), 1u << 20);
  for (std::uint64_t max_text : {std::uint64_t{0}, std::uint64_t{25} << 20}) {
    ArchiveOptions o;
    o.max_text_size = max_text;  // 25 MB as the CLI: page.txt members are skipped unread
    const FileOutcome out = scan_path(dir_.str() + "/nested.zip", "42.zip", o);
    const Skip* s = skip_with(out, SkipReason::kArchiveLimit);
    ASSERT_NE(s, nullptr);
    EXPECT_NE(s->detail.find("compression ratio"), std::string::npos) << s->detail;
    EXPECT_LT(out.bytes, 100u << 20);
  }
  EXPECT_LT(peak_rss_mib(), 200);
}

TEST_F(ArchiveBombs, FlatBombStopsAtTheRatioOrSizeLimit) {
  const std::string zip = dir_.str() + "/flat.zip";
  FileOutcome o = scan_path(zip, "flat.zip");
  ASSERT_NE(skip_with(o, SkipReason::kArchiveLimit), nullptr);
  EXPECT_LT(o.bytes, 100u << 20);

  // The size limit alone, ratio check off.
  ArchiveOptions opt;
  opt.max_ratio = 0;
  opt.max_size = 64u << 20;
  o = scan_path(zip, "flat.zip", opt);
  const Skip* s = skip_with(o, SkipReason::kArchiveLimit);
  ASSERT_NE(s, nullptr);
  EXPECT_NE(s->detail.find("--max-archive-size"), std::string::npos) << s->detail;
  EXPECT_LE(o.bytes, 64u << 20);
  EXPECT_LT(peak_rss_mib(), 200);
}

TEST(ArchiveLimits, TenGigabyteSparseMemberIsSkippedBySize) {
  TempDir dir;
  const std::string big = (dir.path() / "sparse.img").string();
  { std::ofstream(dir.path() / "head.txt") << "TOKEN=" << kTok << "\n"; }
  ASSERT_EQ(std::system(("truncate -s 10G '" + big + "' && tar -C '" + dir.str() +
                         "' --sparse -cf '" + dir.str() + "/sparse.tar' head.txt sparse.img")
                            .c_str()),
            0);
  ASSERT_LT(fs::file_size(dir.path() / "sparse.tar"), 1u << 20);
  const FileOutcome o = scan_path(dir.str() + "/sparse.tar", "sparse.tar");
  ASSERT_EQ(o.findings.size(), 1u);
  const Skip* s = skip_with(o, SkipReason::kArchiveLimit);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->path, "sparse.tar!sparse.img");
  EXPECT_LT(peak_rss_mib(), 200);
}

TEST(ArchiveLimits, HundredThousandMembersStopAtTheMemberLimit) {
  TempDir dir;
  const std::string path = dir.str() + "/many.tar";
  {
    // Written straight to the file, entry by entry.
    struct archive* w = archive_write_new();
    archive_write_set_format_pax_restricted(w);
    ASSERT_EQ(archive_write_open_filename(w, path.c_str()), ARCHIVE_OK);
    struct archive_entry* e = archive_entry_new();
    for (int i = 0; i < 100000; ++i) {
      const std::string data = i == 10 ? "TOKEN=" + kTok + "\n" : "x\n";
      archive_entry_clear(e);
      archive_entry_set_pathname(e, ("m/" + std::to_string(i)).c_str());
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_perm(e, 0644);
      archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
      archive_write_header(w, e);
      archive_write_data(w, data.data(), data.size());
    }
    archive_entry_free(e);
    archive_write_close(w);
    archive_write_free(w);
  }
  // The default limit (250,000) lets them all through, in bounded memory.
  FileOutcome o = scan_path(path, "many.tar");
  EXPECT_EQ(o.findings.size(), 1u);
  EXPECT_TRUE(o.member_skips.empty());
  EXPECT_EQ(o.members_scanned, 100000u);
  // A lower limit (--max-archive-members) stops at it, with the reason.
  ArchiveOptions opt;
  opt.max_members = 50000;
  o = scan_path(path, "many.tar", opt);
  ASSERT_EQ(o.findings.size(), 1u);  // before the limit
  const Skip* s = skip_with(o, SkipReason::kArchiveLimit);
  ASSERT_NE(s, nullptr);
  EXPECT_NE(s->detail.find("more than 50000 members"), std::string::npos);
  EXPECT_EQ(o.members_scanned, 50000u);
  EXPECT_LT(peak_rss_mib(), 200);
}

TEST(BinaryStrings, PrintableRunsOfCompiledArtifactsAreScannedWithOffsets) {
  std::string elf(
      "\x7f"
      "ELF\x02\x01\x01",
      7);
  elf += std::string(200, '\0') + "short\x01" + std::string(50, '\0');
  const std::size_t at = elf.size() + 4;
  elf += "key=" + kTok + std::string(30, '\0') + "tiny" + '\0';
  const FileOutcome o = scan(elf, "bin/app");
  ASSERT_EQ(o.findings.size(), 1u);
  EXPECT_EQ(o.findings[0].offset, at);
  EXPECT_EQ(o.findings[0].match, "key=" + kTok);

  ArchiveOptions off;
  off.binary_strings = false;
  const FileOutcome skipped = scan(elf, "bin/app", off);
  EXPECT_TRUE(skipped.findings.empty());
  ASSERT_TRUE(skipped.skip);
  EXPECT_EQ(skipped.skip->reason, SkipReason::kBinary);

  // A Java class inside a jar: constant pool strings.
  std::string cls("\xca\xfe\xba\xbe\x00\x00\x00\x41\x00\x10\x01\x00\x1a", 13);
  cls += "TOKEN=" + kTok + std::string("\x01\x00\x04main", 7);
  const FileOutcome jar = scan(write_archive("zip", "", {{"com/acme/Config.class", cls}}), "a.jar");
  ASSERT_EQ(jar.findings.size(), 1u);
  EXPECT_EQ(jar.findings[0].path, "a.jar!com/acme/Config.class");

  // Other binary data stays skipped.
  const FileOutcome png = scan(std::string("\x89PNG\r\n\x1a\n\0\0", 10) + "TOKEN=" + kTok, "x.png");
  ASSERT_TRUE(png.skip);
  EXPECT_EQ(png.skip->reason, SkipReason::kBinary);
}

TEST(Archive, PipelineOpensArchivesInTreesAndCountsMembers) {
  TempDir dir;
  dir.write("plain.txt", "TOKEN=" + fake_token("dmo_", 20, 8) + "\n");
  dir.write("dist/app.zip",
            write_archive("zip", "", {{"a.env", "TOKEN=" + kTok + "\n"}, {"b.env", "nothing\n"}}));
  dir.write("dist/locked.zip",
            write_archive("zip", "", {{"s.txt", "x\n"}}, "zip:encryption=zipcrypt", "pw"));
  ScanOptions so;
  so.threads = 1;
  so.max_file_size = 10;  // text files over 10 bytes are too large; archives are not
  test::FlatResult r = test::scan_paths(demo_db(), so, {dir.str()});
  ASSERT_EQ(r.findings.size(), 0u);
  EXPECT_EQ(r.summary.skipped_by_reason()["too_large"], 2u);  // plain.txt and a.env
  EXPECT_EQ(r.summary.skipped_by_reason()["encrypted"], 1u);

  so.max_file_size = 0;
  r = test::scan_paths(demo_db(), so, {dir.str()});
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].path, dir.str() + "/dist/app.zip!a.env");
  EXPECT_EQ(r.summary.files_scanned, 1u + 1u + 2u + 1u);  // 3 files, 2 members of app.zip
  EXPECT_FALSE(r.summary.has_errors());
}

// A .jar committed to a repository and deleted later is opened in the history scan, and in the
// scan of what a commit adds (an archive has no lines: all of it is new).
TEST(Archive, CommittedJarInGitHistoryIsOpened) {
  TempDir tmp;
  const fs::path repo = tmp.path() / "repo";
  fs::create_directories(repo / "lib");
  auto git = [&](const std::string& cmd) { return git_in(tmp, repo, cmd); };
  ASSERT_EQ(git("init -q -b main ."), 0);
  std::ofstream(repo / "lib/app.jar", std::ios::binary)
      << write_archive("zip", "",
                       {{"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"},
                        {"application.properties", "a=1\ntoken=" + kTok + "\n"}});
  ASSERT_EQ(git("add -A"), 0);
  ASSERT_EQ(git("commit -q -m jar"), 0);
  fs::remove(repo / "lib/app.jar");
  std::ofstream(repo / "README") << "no more jar\n";
  ASSERT_EQ(git("add -A"), 0);
  ASSERT_EQ(git("commit -q -m 'drop jar'"), 0);

  test::GitScanOptions o;
  o.repo = repo.string();
  o.scan.threads = 1;
  auto r = test::scan_git(demo_db(), o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->findings.size(), 1u);
  EXPECT_EQ(r->findings[0].path, "lib/app.jar!application.properties");
  EXPECT_EQ(r->findings[0].line, 2u);
  ASSERT_TRUE(r->findings[0].commit);
  EXPECT_FALSE(r->findings[0].commit->in_head);

  // A range scan keeps only what a commit adds; for an archive that is all of it.
  const std::string tok2 = fake_token("dmo_", 20, 12);
  std::ofstream(repo / "lib/v2.jar", std::ios::binary)
      << write_archive("zip", "", {{"app.env", "TOKEN=" + tok2 + "\n"}});
  ASSERT_EQ(git("add -A"), 0);
  ASSERT_EQ(git("commit -q -m v2"), 0);
  o.mode = test::GitScanOptions::Mode::kRange;
  o.range = "HEAD~1..HEAD";
  r = test::scan_git(demo_db(), o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->findings.size(), 1u);
  EXPECT_EQ(r->findings[0].path, "lib/v2.jar!app.env");
  EXPECT_EQ(r->findings[0].secret, tok2);
}

// A committed .jar and .zip larger than --max-file-size are opened in the history scan (and in a
// folder scan): the archive limits bound them, and --max-file-size applies to their members.
TEST(Archive, CommittedArchivesOverTheFileSizeLimitAreOpened) {
  TempDir tmp;
  const fs::path repo = tmp.path() / "repo";
  fs::create_directories(repo / "dist");
  auto git = [&](const std::string& cmd) { return git_in(tmp, repo, cmd); };
  ASSERT_EQ(git("init -q -b main ."), 0);
  std::string filler;  // text over the member limit, stored uncompressed so the archive is large
  for (int i = 0; i < 40; ++i) filler += "line " + std::to_string(i) + " of padding text\n";
  const std::string tok2 = fake_token("dmo_", 20, 21);
  const std::string jar = write_archive(
      "zip", "", {{"application.properties", "token=" + kTok + "\n"}, {"README.txt", filler}},
      "zip:compression=store");
  const std::string zip =
      write_archive("zip", "", {{"conf/app.env", "TOKEN=" + tok2 + "\n"}, {"notes.txt", filler}},
                    "zip:compression=store");
  std::ofstream(repo / "dist/app.jar", std::ios::binary) << jar;
  std::ofstream(repo / "dist/bundle.zip", std::ios::binary) << zip;
  std::ofstream(repo / "big.txt") << filler << "TOKEN=" << fake_token("dmo_", 20, 22) << "\n";
  ASSERT_EQ(git("add -A"), 0);
  ASSERT_EQ(git("commit -q -m artifacts"), 0);

  ScanOptions so;
  so.threads = 1;
  so.max_file_size = 256;
  ASSERT_GT(jar.size(), so.max_file_size);
  ASSERT_GT(zip.size(), so.max_file_size);
  auto check = [&](const test::FlatResult& r, const std::string& prefix) {
    std::vector<std::string> found;
    for (const Finding& f : r.findings) found.push_back(f.path);
    std::sort(found.begin(), found.end());
    EXPECT_EQ(found, (std::vector<std::string>{prefix + "dist/app.jar!application.properties",
                                               prefix + "dist/bundle.zip!conf/app.env"}));
    // big.txt and the padding members are over the limit; the archives themselves are not.
    EXPECT_EQ(r.summary.skipped_by_reason()["too_large"], 3u);
    for (const Skip& k : r.summary.skipped) {
      if (k.reason != SkipReason::kTooLarge) continue;
      EXPECT_TRUE(k.path.ends_with("big.txt") || k.path.ends_with("!README.txt") ||
                  k.path.ends_with("!notes.txt"))
          << k.path;
    }
  };
  test::GitScanOptions o;
  o.repo = repo.string();
  o.scan = so;
  auto r = test::scan_git(demo_db(), o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  check(*r, "");
  check(test::scan_paths(demo_db(), so, {repo.string()}), repo.string() + "/");

  // Over --max-archive-size, a committed archive is skipped as too large, with its size.
  o.scan.archive.max_size = 128;
  r = test::scan_git(demo_db(), o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->findings.empty());
  EXPECT_EQ(r->summary.skipped_by_reason()["too_large"], 3u);  // the jar, the zip, big.txt
}

// The flags, end to end.
TEST(ArchiveCli, FlagsReachTheScan) {
  TempDir tmp;
  const std::string ghp = testing::fake_github_token(9);
  const std::string jar = tmp.str() + "/app.jar";
  std::ofstream(jar, std::ios::binary) << write_archive(
      "zip", "", {{"conf/app.properties", std::string(4000, '#') + "\ntoken=" + ghp + "\n"}});
  auto run = [&](const std::string& args) {
    const std::string cmd = "XDG_CACHE_HOME='" + tmp.str() + "/cache' '" REACHSCAN_BINARY "' " +
                            args + " >'" + tmp.str() + "/out' 2>&1";
    const int status = std::system(cmd.c_str());
    std::ifstream in(tmp.str() + "/out");
    std::stringstream ss;
    ss << in.rdbuf();
    return std::make_pair(WIFEXITED(status) ? WEXITSTATUS(status) : -1, ss.str());
  };
  auto [code, out] = run("-f short dir '" + jar + "'");
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("app.jar!conf/app.properties:2"), std::string::npos) << out;
  std::tie(code, out) = run("-v --max-archive-depth 0 dir '" + jar + "'");
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("archive not opened (--max-archive-depth 0)"), std::string::npos) << out;
  std::tie(code, out) = run("-v --max-archive-size 1KB dir '" + jar + "'");
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("archive_limit"), std::string::npos) << out;
  std::tie(code, out) = run("--max-archive-size lots dir '" + jar + "'");
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("--max-archive-size"), std::string::npos) << out;

  std::string elf(
      "\x7f"
      "ELF\x02\x01\x01",
      7);
  elf += std::string(64, '\0') + "token=" + ghp + std::string(16, '\0');
  std::ofstream(tmp.str() + "/app.bin", std::ios::binary) << elf;
  std::tie(code, out) = run("-f short dir '" + tmp.str() + "/app.bin'");
  EXPECT_EQ(code, 1) << out;
  std::tie(code, out) = run("--no-binary-strings dir '" + tmp.str() + "/app.bin'");
  EXPECT_EQ(code, 0) << out;
}

}  // namespace
}  // namespace reachscan
