// Hostile and faulty conditions through the binary (issue 18): reports survive write errors and
// signals, scanned names cannot drive the terminal, bad configuration and option values are
// errors, symlinks do not lead the scan out of its root.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

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
    const Outcome r = sh(std::string("set -m; rm -f in; mkfifo in; (printf \"t = %s\\n\" ") +
                         key_ +
                         "; exec sleep 30) >in & feeder=$!; \"$BIN\" stdin -f json -o "
                         "partial.json <in & pid=$!; sleep 1; kill -" +
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

}  // namespace
}  // namespace reachscan
