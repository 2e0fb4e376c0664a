// Hostile and faulty conditions through the binary (issue 18): reports survive write errors and
// signals, scanned names cannot drive the terminal, bad configuration and option values are
// errors, symlinks do not lead the scan out of its root.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "tests/support/temp_dir.h"

namespace reachscan {
namespace {

namespace fs = std::filesystem;
using testing::fake_github_token;
using testing::TempDir;

struct Outcome {
  int code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Hardening : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* bin = std::getenv("REACHSCAN_BIN");
    bin_ = bin && *bin ? bin : REACHSCAN_BINARY;
    ::setenv("XDG_CACHE_HOME", (tmp_.path() / "cache").c_str(), 1);
    key_ = fake_github_token(1801);
  }

  // Runs a shell script in the work folder with $BIN set; returns status, stdout, stderr.
  Outcome sh(const std::string& script) {
    const std::string out = (tmp_.path() / "stdout.txt").string();
    const std::string err = (tmp_.path() / "stderr.txt").string();
    const std::string cmd = "cd '" + work_.str() + "' && BIN='" + bin_ + "' bash -c '" + script +
                            "' >'" + out + "' 2>'" + err + "'";
    const int status = std::system(cmd.c_str());
    Outcome r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
  }

  TempDir tmp_;
  TempDir work_;
  std::string bin_;
  std::string key_;
};

TEST_F(Hardening, Issue18WriteErrorsExit2AndKeepTheEarlierReport) {
  work_.write("src/a.py", "t = '" + key_ + "'\n");
  if (fs::exists("/dev/full")) {
    const Outcome full = sh("\"$BIN\" dir src -f json -o /dev/full");
    EXPECT_EQ(full.code, 2) << full.err;
    EXPECT_NE(full.err.find("No space left"), std::string::npos) << full.err;
  }
  // A file size limit stands in for a full disk: the write fails half-way.
  work_.write("report.json", "{\"earlier\": true}\n");
  work_.write("big/a.py", "t = '" + key_ + "'\n");
  for (int i = 0; i < 40; ++i)
    work_.write("big/f" + std::to_string(i) + ".py", "t = '" + fake_github_token(i) + "'\n");
  const Outcome fsize = sh("trap \"\" XFSZ; ulimit -f 8; \"$BIN\" dir big -f json -o report.json");
  EXPECT_EQ(fsize.code, 2) << fsize.err;
  EXPECT_NE(fsize.err.find("report.json"), std::string::npos) << fsize.err;
  EXPECT_EQ(slurp(work_.path() / "report.json"), "{\"earlier\": true}\n");
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(work_.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 1u) << "no temporary report left behind";
}

TEST_F(Hardening, Issue18SignalWritesAPartialReportMarkedIncomplete) {
  ASSERT_EQ(sh("\"$BIN\" stdin </dev/null").code, 0);  // warms the rule cache
  for (const char* sig : {"TERM", "INT", "HUP"}) {
    // Job control on, so the background scan does not start with SIGINT ignored.
    // The input stays open (a writer that sleeps), so only the signal ends the scan.
    const Outcome r = sh(std::string("set -m; rm -f in; mkfifo in; (printf \"t = %s\\n\" ") + key_ +
                         "; exec sleep 30) >in & feeder=$!; \"$BIN\" stdin -f json -o "
                         "partial.json <in & pid=$!; "
                         // Waits until the scan blocks on the open input (it has read the line),
                         // at most 20 s where the kernel does not show where a thread waits.
                         "for i in $(seq 200); do grep -qs pipe_read /proc/$pid/task/*/wchan && "
                         "break; sleep 0.1; done; sleep 0.3; kill -" +
                         sig + " $pid; wait $pid; rc=$?; kill $feeder; exit $rc");
    const int expected = std::string(sig) == "TERM" ? 143 : std::string(sig) == "INT" ? 130 : 129;
    EXPECT_EQ(r.code, expected) << sig << " " << r.err;
    const auto doc = nlohmann::json::parse(slurp(work_.path() / "partial.json"), nullptr, false);
    ASSERT_FALSE(doc.is_discarded()) << sig << ": the report is valid JSON";
    EXPECT_EQ(doc["summary"]["complete"], false) << sig;
    ASSERT_EQ(doc["findings"].size(), 1u) << sig << ": what was read is reported";
    EXPECT_NE(r.err.find("interrupted"), std::string::npos) << r.err;
  }
  const Outcome whole = sh("\"$BIN\" stdin -f json -o whole.json </dev/null");
  EXPECT_EQ(nlohmann::json::parse(slurp(work_.path() / "whole.json"))["summary"]["complete"], true);
}

TEST_F(Hardening, Issue18ScannedNamesAndLinesCannotDriveTheTerminal) {
  const std::string evil = "evil\x1b[2Jname\nx.py:1  github.pat.classic  production  BLOCKS";
  work_.write("src/" + evil, "t = '" + key_ + "' \x1b]0;owned\x07\n");
  for (const char* format : {"text", "short", "github"}) {
    const Outcome r = sh(std::string("\"$BIN\" dir src --no-color -f ") + format);
    EXPECT_TRUE(r.code == 1 || r.code == 3) << format << r.err;
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << format << ": ESC reached the output";
    EXPECT_EQ(r.out.find('\x07'), std::string::npos) << format;
    EXPECT_NE(r.out.find("evil\\x1b[2Jname\\nx.py"), std::string::npos) << format << r.out;
  }
  const Outcome s = sh("\"$BIN\" dir src -f short");
  std::istringstream in(s.out);
  for (std::string line; std::getline(in, line);)
    EXPECT_NE(line.rfind("x.py:1", 0), 0u) << "a file name forged a finding line:\n" << s.out;
}

TEST_F(Hardening, Issue18ConfigFromTheTreeIsBoundedAndMustBeAFile) {
  work_.write("src/a.py", "t = '" + key_ + "'\n");
  fs::create_symlink("/dev/zero", work_.path() / "src" / ".reachscan.yaml");
  Outcome r = sh("\"$BIN\" dir src");
  EXPECT_EQ(r.code, 2) << r.err;
  // A link out of the tree is refused before it is opened (a link inside to a device would be
  // refused as not a regular file, as the FIFO below is).
  EXPECT_NE(r.err.find(".reachscan.yaml: config file leaves the folder"), std::string::npos)
      << r.err;
  fs::remove(work_.path() / "src" / ".reachscan.yaml");
  ASSERT_EQ(sh("mkfifo src/.reachscan.yaml").code, 0);
  r = sh("timeout 20 \"$BIN\" dir src");
  EXPECT_EQ(r.code, 2) << "a FIFO must not hang the scan: " << r.err;
  EXPECT_NE(r.err.find(".reachscan.yaml: config file is not a regular file"), std::string::npos)
      << r.err;
  fs::remove(work_.path() / "src" / ".reachscan.yaml");
  work_.write("src/.reachscan.yaml", std::string(2u << 20, '#'));
  r = sh("\"$BIN\" dir src");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("allowed"), std::string::npos) << r.err;
  work_.write("src/.reachscan.yaml", "allow:\n  paths: " + std::string(5000, '[') + "\n");
  r = sh("\"$BIN\" dir src");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find(":2: nested more than"), std::string::npos) << r.err;
  fs::remove(work_.path() / "src" / ".reachscan.yaml");
  r = sh("\"$BIN\" -c src dir src");
  EXPECT_EQ(r.code, 2) << "-c DIR is an error: " << r.err;
  EXPECT_NE(r.err.find("is a directory"), std::string::npos) << r.err;
}

TEST_F(Hardening, Issue18SizesOverflowIsAnError) {
  work_.write("src/a.py", "t = '" + key_ + "'\n");
  for (const char* size : {"18014398509481985k", "99999999999999999999", "17179869184GiB"}) {
    const Outcome r = sh(std::string("\"$BIN\" --max-file-size ") + size + " dir src");
    EXPECT_EQ(r.code, 2) << size << ": " << r.err;
    EXPECT_NE(r.err.find("too large"), std::string::npos) << r.err;
  }
  const Outcome empty = sh("\"$BIN\" --max-file-size \"\" dir src");
  EXPECT_EQ(empty.code, 2) << "an empty size is not the default: " << empty.err;
  work_.write("src/.reachscan.yaml", "max_file_size: 18014398509481985k\n");
  EXPECT_EQ(sh("\"$BIN\" dir src").code, 2);
}

TEST_F(Hardening, Issue18MalformedBaselinesAndIgnoreFilesAreErrorsNamingTheLine) {
  work_.write("src/a.py", "t = '" + key_ + "'\n");
  const std::string fp = "github.pat.classic:0123456789abcdef0123456789abcdef";
  const std::vector<std::pair<std::string, std::string>> baselines = {
      {"", "empty"},
      {"{\"findings\": {\"fingerprint\": \"" + fp + "\"}}", "not a list"},
      {"{\"findings\": [{\"fingerprint\": \"" + fp + "\"}, 42]}", "findings[1]"},
      {"{\"findings\": [{\"fp\": \"" + fp + "\"}]}", "findings[0]"},
      {"{\"findings\": [{\"fingerprint\": 7}]}", "findings[0]"},
      {"{\"fingerprint\": \"" + fp + "\"}\n{\"fingerprint\": \"oops\"}\n", ":2:"},
      {"{\"fingerprint\": \"" + fp + "\"}\nnot json\n", ":2:"},
  };
  for (const auto& [content, where] : baselines) {
    work_.write("base.json", content);
    const Outcome r = sh("\"$BIN\" --baseline base.json dir src");
    EXPECT_EQ(r.code, 2) << content << "\n" << r.err;
    EXPECT_NE(r.err.find(where), std::string::npos) << content << "\n" << r.err;
  }
  const std::vector<std::pair<std::string, std::string>> ignores = {
      {"# ok\n" + fp + "\nnot-a-fingerprint\n", ":3:"},
      {fp + "\n" + fp.substr(0, fp.size() - 1) + "\n", ":2:"},
      {"\x1b[2J\n", ":1:"},
      {fp + " " + fp + "\n", ":1: text after the fingerprint"},
  };
  for (const auto& [content, where] : ignores) {
    work_.write("ignore.txt", content);
    const Outcome r = sh("\"$BIN\" --ignore-file ignore.txt dir src");
    EXPECT_EQ(r.code, 2) << content << "\n" << r.err;
    EXPECT_NE(r.err.find(where), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << "errors are escaped too";
  }
  work_.write("ignore.txt", "# reviewed\n" + fp + "  # a test key\n\n");
  EXPECT_NE(sh("\"$BIN\" --ignore-file ignore.txt dir src").code, 2);
}

TEST_F(Hardening, Issue18SymlinksDoNotLeaveTheScanRoot) {
  work_.write("outside/secret.txt", "t = '" + key_ + "'\n");
  work_.write("root/in.txt", "nothing\n");
  work_.write("root/inside_target.txt", "t = '" + fake_github_token(1802) + "'\n");
  fs::create_symlink(work_.path() / "outside" / "secret.txt", work_.path() / "root" / "out.txt");
  fs::create_symlink("inside_target.txt", work_.path() / "root" / "in_link.txt");
  Outcome r = sh("\"$BIN\" dir root -f json");
  EXPECT_EQ(r.out.find(key_), std::string::npos) << "the link out of the root was read";
  EXPECT_NE(r.out.find("symlink_outside_root"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("in_link.txt"), std::string::npos) << "links inside the root are scanned";
  r = sh("\"$BIN\" dir root -f json --follow-symlinks");
  EXPECT_NE(r.out.find(key_), std::string::npos) << "--follow-symlinks reads it";
  // A symlink loop named on the command line is an error, not a clean run.
  fs::create_symlink("loop_a", work_.path() / "loop_b");
  fs::create_symlink("loop_b", work_.path() / "loop_a");
  r = sh("\"$BIN\" dir loop_a");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("symlink_loop"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace reachscan
