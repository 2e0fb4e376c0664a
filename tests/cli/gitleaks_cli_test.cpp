// A team moving from gitleaks (issue 17): its `.gitleaks.toml`, read directly or converted, finds
// the same secrets on a test tree as gitleaks 8.30.1 does. The expected findings are written by
// hand from gitleaks' documented rules (secretGroup, entropy, keywords anywhere in the file,
// path, rule and global allowlists with OR/AND, regexTarget and targetRules).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <tuple>
#include <utility>
#include <vector>

#include "tests/support/temp_dir.h"

namespace reachscan {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Fake but well-formed values: `n` characters of `alphabet` from a fixed seed.
std::string fake(std::uint32_t seed, std::size_t n, std::string_view alphabet) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    seed = seed * 1664525u + 1013904223u;
    out.push_back(alphabet[(seed >> 16) % alphabet.size()]);
  }
  return out;
}

constexpr std::string_view kLowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view kAlnum =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view kHexUpper = "0123456789ABCDEF";
constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

constexpr const char* kGitleaksToml = R"toml(
title = "team rules"

[[rules]]
id = "acme-api-key"
description = "Acme API key"
regex = '''acme_(?:live|test)_([a-z0-9]{24})'''
keywords = ["acme_"]
entropy = 3.0
tags = ["acme"]
  [[rules.allowlists]]
  paths = ['''(^|/)fixtures/''']
  [[rules.allowlists]]
  regexTarget = "line"
  regexes = ['''#\s*rotated''']

[[rules]]
id = "widget-token"
description = "Widget token"
regex = '''(?i)widget[_-]?token\s*[:=]\s*["']?([A-Za-z0-9]{32})'''
secretGroup = 1
keywords = ["widget"]
path = '''(\.env|\.ya?ml)$'''
  [[rules.allowlists]]
  condition = "AND"
  paths = ['''(^|/)docs/''']
  stopwords = ["sample"]

[[rules]]
id = "orbit-key"
description = "Orbit key"
regex = '''orbit-(id|key)-([A-F0-9]{20})'''
secretGroup = 2

[[rules]]
id = "batch-secret"
description = "Batch service secret"
regex = '''\b([A-Z2-7]{32})\b'''
keywords = ["batchsvc"]

[[allowlists]]
description = "vendored code and all-zero test keys"
paths = ['''(^|/)vendor/''']
regexes = ['''^0000''']

[[allowlists]]
targetRules = ["widget-token"]
stopwords = ["legacy"]
)toml";

// Findings: exit 1, or 3 when one reaches production.
bool findings(int code) { return code == 1 || code == 3; }

using Found = std::tuple<std::string, std::uint64_t, std::string, std::string>;  // path line rule

class GitleaksCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* bin = std::getenv("REACHSCAN_BIN");
    bin_ = bin && *bin ? bin : REACHSCAN_BINARY;
    ::setenv("XDG_CACHE_HOME", (tmp_.path() / "cache").c_str(), 1);
    ::unsetenv("GITLEAKS_CONFIG");
    build_tree();
  }

  int run(const std::string& args, std::string* out = nullptr, std::string* err = nullptr) {
    const std::string o = (tmp_.path() / "out.txt").string();
    const std::string e = (tmp_.path() / "err.txt").string();
    const int status =
        std::system(("'" + bin_ + "' " + args + " >'" + o + "' 2>'" + e + "'").c_str());
    if (out) *out = slurp(o);
    if (err) *err = slurp(e);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // The test tree, and what gitleaks 8.30.1 reports for it with kGitleaksToml.
  void build_tree() {
    const std::string acme = fake(1, 24, kLowerAlnum), acme2 = fake(2, 24, kLowerAlnum);
    const std::string widget = fake(3, 32, kAlnum), widget2 = fake(4, 32, kAlnum);
    const std::string orbit = fake(5, 20, kHexUpper), base32 = fake(6, 32, kBase32);
    const std::string sample = "sample" + fake(7, 26, kAlnum);
    const std::string legacy = "legacy" + fake(8, 26, kAlnum);
    // Found.
    tree_.write("app/config.py", "ACME = 'acme_live_" + acme + "'\n");
    expected_.insert({"app/config.py", 1, "acme-api-key", acme});
    tree_.write("deploy/.env", "# deploy\nWIDGET_TOKEN=" + widget + "\n");
    expected_.insert({"deploy/.env", 2, "widget-token", widget});
    tree_.write("deploy/values.yaml", "widget-token: \"" + sample + "\"\n");  // AND: not docs/
    expected_.insert({"deploy/values.yaml", 1, "widget-token", sample});
    tree_.write("src/orbit.go", "const k = \"orbit-key-" + orbit + "\"\n");
    expected_.insert({"src/orbit.go", 1, "orbit-key", orbit});
    tree_.write("jobs/batch.ini", "; BatchSvc\n[auth]\nsecret = " + base32 + "\n");
    expected_.insert({"jobs/batch.ini", 3, "batch-secret", base32});
    // Not found: allowlists, gates.
    tree_.write("tests/fixtures/keys.py", "ACME = 'acme_test_" + acme2 + "'\n");  // rule path
    tree_.write("app/old.py", "ACME = 'acme_live_" + acme2 + "'  # rotated\n");   // line regex
    tree_.write("app/low.py", "ACME = 'acme_test_aaaaaaaaaaaabbbbbbbbbbbb'\n");   // entropy
    tree_.write("deploy/notes.txt", "widget_token = " + widget2 + "\n");          // rule path
    tree_.write("docs/setup.yaml", "widget_token: " + sample + "\n");             // AND allowlist
    tree_.write("deploy/old.yml", "widget_token: " + legacy + "\n");  // targeted global stopword
    tree_.write("src/zero.go", "k := \"orbit-id-0000" + orbit.substr(4) + "\"\n");  // global regex
    tree_.write("vendor/lib.js", "var k = 'acme_live_" + acme2 + "';\n");           // global path
    // No keyword, and the same size as batch.ini: a buffer reused for it must not remember
    // batch.ini's keyword.
    tree_.write("jobs/other.ini", "; OtherSvc\n[auth]\nsecret = " + base32 + "\n");
  }

  // What reachscan reported, as (path relative to the tree, line, rule, secret).
  std::set<Found> found(const std::string& json) {
    std::set<Found> out;
    const auto doc = nlohmann::json::parse(json);
    const std::string root = tree_.str() + "/";
    for (const auto& f : doc.at("findings"))
      for (const auto& o : f.at("occurrences")) {
        std::string path = o.at("path");
        if (path.rfind(root, 0) == 0) path = path.substr(root.size());
        out.insert({path, o.at("line").get<std::uint64_t>(), f.at("rule_id"), f.at("secret")});
      }
    return out;
  }

  TempDir tmp_, tree_;
  std::string bin_;
  std::set<Found> expected_;
};

TEST_F(GitleaksCli, GitleaksTomlInTheScanRootFindsWhatGitleaksFinds) {
  tree_.write(".gitleaks.toml", kGitleaksToml);
  std::string out, err;
  EXPECT_TRUE(findings(run("dir -f json " + tree_.str(), &out, &err))) << err;
  EXPECT_EQ(found(out), expected_) << err;
}

TEST_F(GitleaksCli, ConfigFlagAndEnvironment) {
  const std::string toml = tmp_.write("ci/gitleaks.toml", kGitleaksToml);
  std::string out, err;
  EXPECT_TRUE(findings(run("dir -f json -c " + toml + " " + tree_.str(), &out, &err))) << err;
  EXPECT_EQ(found(out), expected_) << err;
  ::setenv("GITLEAKS_CONFIG", toml.c_str(), 1);
  EXPECT_TRUE(findings(run("dir -f json " + tree_.str(), &out, &err))) << err;
  EXPECT_EQ(found(out), expected_) << err;
  // A .reachscan.yaml in the root comes first: the built-in rules, none of the team's.
  tree_.write(".reachscan.yaml", "max_file_size: 1MB\n");
  run("dir -f json " + tree_.str(), &out, &err);
  for (const Found& f : found(out)) EXPECT_NE(std::get<2>(f), "acme-api-key");
  ::unsetenv("GITLEAKS_CONFIG");
}

TEST_F(GitleaksCli, ImportedRulesFindTheSame) {
  const std::string toml = tmp_.write("gitleaks.toml", kGitleaksToml);
  const std::string yaml = (tmp_.path() / "team-rules.yaml").string();
  std::string out, err;
  ASSERT_EQ(run("rules import-gitleaks " + toml + " -o " + yaml, &out, &err), 0) << err;
  EXPECT_NE(err.find("4 rules converted"), std::string::npos) << err;
  EXPECT_NE(slurp(yaml).find("builtin_rules: false"), std::string::npos);
  // As the converted file's head says: only these rules, as gitleaks without useDefault.
  const std::string config =
      tmp_.write("reachscan.yaml", "rules: [team-rules.yaml]\nbuiltin_rules: false\n");
  EXPECT_TRUE(findings(run("dir -f json -c " + config + " " + tree_.str(), &out, &err))) << err;
  EXPECT_EQ(found(out), expected_) << err;
  // --rules with a .toml adds its rules to the built-in ones.
  EXPECT_TRUE(findings(run("dir -f json --rules=" + toml + " " + tree_.str(), &out, &err))) << err;
  for (const Found& f : expected_) EXPECT_TRUE(found(out).count(f)) << std::get<0>(f);
}

TEST_F(GitleaksCli, WhatCannotBeConvertedIsAWarningAndTheRestLoads) {
  const std::string toml = tmp_.write("odd.toml", std::string(kGitleaksToml) + R"toml(
[[rules]]
id = "p12-file"
path = '''\.p12$'''

[[rules]]
id = "lookbehind"
regex = '''(?<=key=)([0-9]{8})'''
)toml");
  std::string out, err;
  EXPECT_TRUE(findings(run("dir -f json -c " + toml + " " + tree_.str(), &out, &err))) << err;
  EXPECT_EQ(found(out), expected_) << err;
  EXPECT_NE(err.find("warning: " + toml), std::string::npos) << err;
  EXPECT_NE(err.find("rule p12-file: path-only rules"), std::string::npos) << err;
  EXPECT_NE(err.find("rule lookbehind: RE2 rejects the pattern"), std::string::npos) << err;
  EXPECT_EQ(run("rules import-gitleaks " + toml, &out, &err), 0) << err;
  EXPECT_NE(err.find("4 rules converted, 2 warnings"), std::string::npos) << err;
}

TEST_F(GitleaksCli, MalformedTomlIsAnError) {
  const std::string toml = tmp_.write("bad.toml", "[[rules]\nid = 1\n");
  std::string err;
  EXPECT_EQ(run("dir -c " + toml + " " + tree_.str(), nullptr, &err), 2);
  EXPECT_NE(err.find("bad.toml:1: malformed TOML"), std::string::npos) << err;
  EXPECT_EQ(run("rules import-gitleaks " + toml, nullptr, &err), 2);
  EXPECT_EQ(run("rules import-gitleaks " + (tmp_.path() / "missing.toml").string(), nullptr, &err),
            2);
}

TEST_F(GitleaksCli, GitleaksIgnoreAndGitleaksBaseline) {
  tree_.write(".gitleaks.toml", kGitleaksToml);
  // gitleaks fingerprints of two findings: FILE:RULE:LINE for a directory scan.
  tree_.write(".gitleaksignore", "# accepted\napp/config.py:acme-api-key:1\n" + tree_.str() +
                                     "/src/orbit.go:orbit-key:1\n");
  std::string out, err;
  EXPECT_TRUE(findings(run("dir -f json " + tree_.str(), &out, &err))) << err;
  std::set<Found> want = expected_;
  std::erase_if(want, [](const Found& f) {
    return std::get<0>(f) == "app/config.py" || std::get<0>(f) == "src/orbit.go";
  });
  EXPECT_EQ(found(out), want);
  // A gitleaks JSON report as the baseline.
  std::filesystem::remove(tree_.path() / ".gitleaksignore");
  const std::string baseline =
      tmp_.write("gitleaks-report.json",
                 R"([{"RuleID": "widget-token", "File": "deploy/.env", "StartLine": 2,
           "Fingerprint": "deploy/.env:widget-token:2"}])");
  EXPECT_TRUE(findings(run("dir -f json --baseline-path " + baseline + " " + tree_.str(), &out)));
  want = expected_;
  std::erase_if(want, [](const Found& f) { return std::get<0>(f) == "deploy/.env"; });
  EXPECT_EQ(found(out), want);
  // A malformed line is an error naming it.
  tree_.write(".gitleaksignore", "app/config.py:acme-api-key\n");
  EXPECT_EQ(run("dir " + tree_.str(), nullptr, &err), 2);
  EXPECT_NE(err.find(".gitleaksignore:1: not a gitleaks fingerprint"), std::string::npos) << err;
}

TEST_F(GitleaksCli, GitleaksFlagsWhereTheyMeanTheSame) {
  tree_.write(".gitleaks.toml", kGitleaksToml);
  const std::string report = (tmp_.path() / "report.json").string();
  std::string out, err;
  EXPECT_TRUE(findings(
      run("dir --no-banner --report-format json -r " + report + " --redact=100 " + tree_.str(),
          &out, &err)))
      << err;
  const std::string json = slurp(report);
  ASSERT_FALSE(json.empty());
  EXPECT_EQ(found(json).size(), expected_.size());
  for (const Found& f : expected_) EXPECT_EQ(json.find(std::get<3>(f)), std::string::npos);
  EXPECT_EQ(run("dir --redact --show-secrets " + tree_.str(), nullptr, &err), 2);
  EXPECT_NE(err.find("excludes"), std::string::npos) << err;
  // --max-decode-depth 0: nothing decoded, as --no-decode.
  tree_.write("deploy/b64.txt",
              "v: " + std::string("YWNtZV9saXZlX2s0djlxMm03eDF6OGMzYjZuNXAwcXJzdA==") + "\n");
  EXPECT_TRUE(findings(run("dir -f json --max-decode-depth 0 " + tree_.str(), &out, &err)));
  EXPECT_EQ(found(out), expected_);
  EXPECT_TRUE(findings(run("dir -f json " + tree_.str(), &out, &err)));
  EXPECT_EQ(found(out).size(), expected_.size() + 1) << out;
  // --log-opts maps where it can and refuses the rest.
  EXPECT_EQ(run("git --log-opts='--since=2024-01-01 -p' " + tree_.str(), nullptr, &err), 2);
  EXPECT_NE(err.find("--log-opts"), std::string::npos) << err;
}

// What python3's XML parser reads in a JUnit report: {"tests", "failures", "cases": [[file, name,
// failed]]}; {"error": ...} when the document does not parse.
nlohmann::json read_junit(const std::string& path, const std::string& scratch) {
  const std::string script =
      "import json, sys, xml.etree.ElementTree as E\n"
      "try:\n"
      "    root = E.parse(sys.argv[1]).getroot()\n"
      "except E.ParseError as e:\n"
      "    print(json.dumps({'error': str(e)})); sys.exit(0)\n"
      "suite = root.find('testsuite')\n"
      "cases = [[c.get('file'), c.get('name'), c.find('failure') is not None]\n"
      "         for c in suite.findall('testcase')]\n"
      "print(json.dumps({'root': root.tag, 'tests': int(suite.get('tests')),\n"
      "                  'failures': int(suite.get('failures')), 'cases': cases}))\n";
  std::ofstream(scratch + ".py") << script;
  const std::string out = scratch + ".json";
  if (std::system(("python3 '" + scratch + ".py' '" + path + "' > '" + out + "'").c_str()) != 0)
    return {{"error", "python3 failed"}};
  return nlohmann::json::parse(slurp(out));
}

TEST_F(GitleaksCli, JunitReportOneCasePerPlaceFailingByPolicy) {
  tree_.write(".gitleaks.toml", kGitleaksToml);
  // A path full of XML's special characters, and a control character: still one valid document.
  const std::string odd_name = "app/a&b<c>\"q'\x01.py";
  const std::string acme = fake(10, 24, kLowerAlnum);
  tree_.write(odd_name, "ACME = 'acme_live_" + acme + "'\n");
  const std::string report = (tmp_.path() / "report.xml").string();
  const std::string scratch = (tmp_.path() / "junit").string();
  std::string err;
  EXPECT_TRUE(
      findings(run("dir --report-format junit -r " + report + " " + tree_.str(), nullptr, &err)))
      << err;
  const std::string xml = slurp(report);
  nlohmann::json doc = read_junit(report, scratch);
  ASSERT_FALSE(doc.contains("error")) << doc.dump() << "\n" << xml;
  EXPECT_EQ(doc["root"], "testsuites");
  EXPECT_EQ(doc["tests"], expected_.size() + 1);
  EXPECT_EQ(doc["failures"], expected_.size() + 1) << "--fail-on any: every place fails";
  std::set<std::string> files;
  for (const auto& c : doc["cases"]) {
    std::string f = c[0];
    files.insert(f.substr(f.rfind(tree_.str() + "/", 0) == 0 ? tree_.str().size() + 1 : 0));
    EXPECT_TRUE(c[2].get<bool>());
  }
  for (const Found& f : expected_) EXPECT_TRUE(files.count(std::get<0>(f))) << std::get<0>(f);
  EXPECT_TRUE(files.count("app/a&b<c>\"q'\\x01.py")) << xml;  // the control byte made visible
  // Secrets are masked by default: the report is shown to people in CI.
  for (const Found& f : expected_) EXPECT_EQ(xml.find(std::get<3>(f)), std::string::npos);
  EXPECT_EQ(xml.find(acme), std::string::npos);
  EXPECT_NE(xml.find("acme-api-key has detected a secret in file "), std::string::npos);
  // --fail-on none: the same cases, none failing.
  EXPECT_EQ(run("dir -f junit --fail-on none -o " + report + " " + tree_.str(), nullptr, &err), 0)
      << err;
  doc = read_junit(report, scratch);
  ASSERT_FALSE(doc.contains("error")) << doc.dump();
  EXPECT_EQ(doc["tests"], expected_.size() + 1);
  EXPECT_EQ(doc["failures"], 0);
  EXPECT_NE(slurp(report).find("Does not fail this run (--fail-on none)"), std::string::npos);
}

// Flags that contradict each other are an error naming both; every subcommand's help lists the
// global options.
TEST_F(GitleaksCli, ConflictingFlagsAndSubcommandHelp) {
  const std::vector<std::pair<std::string, std::string>> conflicts = {
      {"--redact --show-secrets dir .", "--show-secrets"},
      {"-q -v dir .", "--quiet"},
      {"--no-decode --max-decode-depth 1 dir .", "--no-decode"},
      {"--fail-on none --exit-code 4 dir .", "--fail-on none"},
      {"git --staged --all-objects .", "--staged"},
  };
  for (const auto& [args, says] : conflicts) {
    std::string err;
    EXPECT_EQ(run(args, nullptr, &err), 2) << args;
    EXPECT_NE(err.find(says), std::string::npos) << args << ": " << err;
  }
  for (const std::string sub : {"dir", "git", "stdin", "install-hook", "rules check"}) {
    std::string out;
    EXPECT_EQ(run(sub + " --help", &out), 0) << sub;
    EXPECT_NE(out.find("Global options"), std::string::npos) << sub << ":\n" << out;
    for (const char* flag : {"--format", "--config", "--exclude", "--fail-on", "--redact"})
      EXPECT_NE(out.find(flag), std::string::npos) << sub << " --help lacks " << flag;
  }
}

TEST_F(GitleaksCli, DirSkipsCMakeBuildTrees) {
  tree_.write(".gitleaks.toml", kGitleaksToml);
  tree_.write("build-rel/CMakeCache.txt", "CMAKE_PROJECT_NAME:STATIC=demo\n");
  tree_.write("build-rel/generated/copy.py",
              "ACME = 'acme_live_" + fake(9, 24, kLowerAlnum) + "'\n");
  std::string out, err;
  EXPECT_TRUE(findings(run("dir -f json " + tree_.str(), &out, &err)));
  EXPECT_EQ(found(out), expected_);
  EXPECT_TRUE(findings(run("dir -f json --scan-build-trees " + tree_.str(), &out, &err)));
  EXPECT_EQ(found(out).size(), expected_.size() + 1);
  // Named as the root, a build tree is scanned.
  EXPECT_TRUE(findings(
      run("dir -f json -c " + tree_.str() + "/.gitleaks.toml " + tree_.str() + "/build-rel", &out,
          &err)));
}

}  // namespace
}  // namespace reachscan
