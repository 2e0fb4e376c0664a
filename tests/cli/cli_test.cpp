// End-to-end tests of the reachscan binary: exit codes, formats, files, bad input, golden output.
// REACHSCAN_BIN runs the suite against another binary (an installed one, or the Action's image);
// REACHSCAN_UPDATE_GOLDEN=1 rewrites the golden files.
#include <fmt/core.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/cli/cli_fixture.h"
#include "tests/support/temp_dir.h"

namespace reachscan {
namespace {

using namespace cli_test;  // NOLINT(google-build-using-namespace): the Cli fixture

TEST_F(Cli, ExitCodes) {
  work_.write("clean/a.txt", "nothing to see\n");
  work_.write("dirty/a.txt", "token: " + ghp_ + "\n");
  EXPECT_EQ(run("dir " + work_.str() + "/clean").code, 0);
  EXPECT_EQ(run("dir " + work_.str() + "/dirty").code, 1);
  EXPECT_EQ(run("--exit-code 7 dir " + work_.str() + "/dirty").code, 7);
  EXPECT_EQ(run("--exit-code 0 dir " + work_.str() + "/dirty").code, 0);
  const Outcome bad = run("--no-such-flag dir .");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("no-such-flag"), std::string::npos);
  EXPECT_EQ(run("-f yaml dir .").code, 2);
  EXPECT_EQ(run("--only-rules no.such.rule dir .").code, 2);
  EXPECT_EQ(run("").code, 2);  // a subcommand is required
}

TEST_F(Cli, StdinWithLabelAndFormats) {
  const std::string input = "x\nkey = \"" + ghp_ + "\"\n";
  const Outcome jsonl = run("-f jsonl stdin --label app/config.py", input);
  ASSERT_EQ(jsonl.code, 1) << jsonl.err;
  // JSON Lines: each occurrence as it is found, then each finding with its final verdict.
  const std::vector<nlohmann::json> lines = jsonl_lines(jsonl.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["type"], "occurrence");
  EXPECT_EQ(lines[1]["type"], "finding");
  EXPECT_EQ(lines[1]["occurrence_count"], 1);
  EXPECT_EQ(lines[0]["fingerprint"], lines[1]["fingerprint"]);
  const nlohmann::json& j = lines[1];
  EXPECT_EQ(j["rule_id"], "github.pat.classic");
  EXPECT_EQ(j["path"], "app/config.py");
  EXPECT_EQ(j["line"], 2);
  EXPECT_EQ(j["column"], 8);
  EXPECT_EQ(j["end_column"], 47);
  EXPECT_EQ(j["secret"], ghp_);  // not a terminal: machine formats keep the secret
  for (const char* k : {"rule_name", "end_line", "match", "fingerprint", "entropy", "confidence",
                        "commit", "verification", "reach"})
    EXPECT_TRUE(j.contains(k)) << k;

  const Outcome json = run("-f json stdin", input);
  const auto doc = nlohmann::json::parse(json.out);
  EXPECT_EQ(doc["findings"].size(), 1u);
  EXPECT_EQ(doc["summary"]["files_scanned"], 1);
  EXPECT_EQ(doc["summary"]["findings_by_rule"]["github.pat.classic"], 1);

  const Outcome redacted = run("-f json --redact stdin", input);
  EXPECT_EQ(redacted.out.find(ghp_), std::string::npos);
  EXPECT_NE(redacted.out.find("ghp_*****"), std::string::npos);

  const Outcome sarif = run("-f sarif stdin", input);
  const auto s = nlohmann::json::parse(sarif.out);
  EXPECT_EQ(s["version"], "2.1.0");
  const auto& result = s["runs"][0]["results"][0];
  EXPECT_EQ(result["ruleId"], "github.pat.classic");
  EXPECT_TRUE(result.contains("partialFingerprints"));
  EXPECT_EQ(sarif.out.find(ghp_), std::string::npos);  // SARIF never carries the secret
}

TEST_F(Cli, TextIsRedactedUnlessAsked) {
  const std::string input = "key = " + ghp_ + "\n";
  const Outcome text = run("stdin", input);
  EXPECT_EQ(text.out.find(ghp_), std::string::npos);
  EXPECT_NE(text.out.find("github.pat.classic"), std::string::npos);
  EXPECT_NE(text.err.find("1 finding"), std::string::npos);
  const Outcome shown = run("--show-secrets stdin", input);
  EXPECT_NE(shown.out.find(ghp_), std::string::npos);
  const Outcome quiet = run("-q stdin", input);
  EXPECT_TRUE(quiet.err.empty()) << quiet.err;
}

TEST_F(Cli, OutputFileIsPrivate) {
  const std::string report = (tmp_.path() / "report.json").string();
  std::ofstream(report) << "old";
  ::chmod(report.c_str(), 0644);
  const Outcome r = run("-f json -o " + report + " stdin", "k " + ghp_);
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(r.out.empty());
  struct stat st;
  ASSERT_EQ(::stat(report.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_EQ(nlohmann::json::parse(slurp(report))["findings"].size(), 1u);
  EXPECT_EQ(run("-o /nonexistent-dir/x.json stdin", "x").code, 2);
  // Regression: writing the report to a device must not change the device's mode.
  const std::string fifo = (tmp_.path() / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  const std::string cmd = "cat '" + fifo + "' > /dev/null & '" + bin_ + "' -f json -o '" + fifo +
                          "' stdin < /dev/null > /dev/null 2>&1; wait";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  ASSERT_EQ(::stat(fifo.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644);
}

TEST_F(Cli, BadInputKeepsFindingsAndSaysError) {
  work_.write("good.txt", "t " + ghp_ + "\n");
  fs::create_symlink("loop", work_.path() / "loop");
  const Outcome r = run("-f json dir " + work_.str() + " " + work_.str() + "/missing");
  EXPECT_EQ(r.code, 2);
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["findings"].size(), 1u);  // the partial scan still reports
  EXPECT_EQ(doc["summary"]["skipped"]["not_found"], 1);
  EXPECT_EQ(doc["summary"]["skipped"]["symlink_loop"], 1);
  EXPECT_NE(r.err.find("missing"), std::string::npos);
}

TEST_F(Cli, MalformedRuleFileIsAnErrorButScanGoesOn) {
  const std::string rules = work_.write("rules/bad.yaml", "- id: broken\n  pattern: [\n");
  work_.write("rules/hs.yaml",
              "- {id: empty.match, name: x, pattern: '(a*)', references: [x], examples: [a], "
              "negative_examples: [b]}\n");
  const Outcome r = run("-f jsonl --rules " + work_.str() + "/rules stdin", "k " + ghp_);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad.yaml"), std::string::npos);
  EXPECT_NE(r.err.find("empty.match"), std::string::npos);
  EXPECT_NE(r.out.find("github.pat.classic"), std::string::npos);
}

TEST_F(Cli, SuppressionIgnoreFileBaselineAndInline) {
  const std::string a = fake_github_token(1), b = fake_github_token(2);
  work_.write("src/app.py", "A = '" + a + "'\nB = '" + b + "'\nC = '" + fake_github_token(3) +
                                "'  # reachscan:allow\n");
  const Outcome first = run("-f json dir " + work_.str());
  ASSERT_EQ(first.code, 1);
  const auto doc = nlohmann::json::parse(first.out);
  ASSERT_EQ(doc["findings"].size(), 2u);
  const std::string baseline = tmp_.write("baseline.json", first.out);
  EXPECT_EQ(run("dir --baseline " + baseline + " " + work_.str()).code, 0);

  // The ignore file hides A even after it moves; a new secret on its old line is reported.
  work_.write(".reachscanignore", doc["findings"][0]["fingerprint"].get<std::string>() + "\n");
  work_.write("src/app.py", "B = '" + b + "'\n\n\nA = '" + a + "'\n");
  const Outcome moved = run("-f json dir " + work_.str());
  const auto m = nlohmann::json::parse(moved.out);
  ASSERT_EQ(m["findings"].size(), 1u);
  EXPECT_EQ(m["findings"][0]["secret"], b);
  EXPECT_EQ(m["summary"]["suppressed"], 1);
}

TEST_F(Cli, ConfigFileAtScanRoot) {
  work_.write(".reachscan.yaml",
              "allow:\n  paths: ['vendor/**']\nskip_rules: [aws.access_key_id]\n");
  work_.write("vendor/x.txt", "t " + ghp_ + "\n");
  work_.write("aws.txt",
              "id " + fake_token("AKIA", 16, 5, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") + "\n");
  const Outcome r = run("-f json dir " + work_.str());
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(run("-c /nonexistent.yaml dir " + work_.str()).code, 2);
}

TEST_F(Cli, RulesListAndCheck) {
  const Outcome list = run("rules list");
  EXPECT_EQ(list.code, 0);
  EXPECT_NE(list.out.find("stripe.secret_key.live"), std::string::npos);
  const Outcome check = run("rules check");
  EXPECT_EQ(check.code, 0) << check.out;
  const std::string broken =
      work_.write("r.yaml",
                  "- {id: demo.x, name: x, pattern: '(dmo_[a-z]{4})', references: [x], "
                  "examples: ['nothing here'], negative_examples: ['dmo_abcd']}\n");
  const Outcome bad = run("rules check " + broken);
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("demo.x"), std::string::npos);
  EXPECT_EQ(run("rules check /nonexistent").code, 2);
}

TEST_F(Cli, ProductionReachDecidesExitCodeAndFilters) {
  const std::string live = fake_token("sk_live_", 32, 7), test = fake_token("sk_test_", 32, 8);
  work_.write("deploy/production/.env", "STRIPE_SECRET_KEY=" + live + "\n");
  work_.write("tests/fixtures/stripe.env", "STRIPE_SECRET_KEY=" + test + "\n");
  const std::string root = work_.str();

  // Default --fail-on any: a production-reaching finding gives the distinct exit code 3.
  const Outcome all = run("-f json dir " + root);
  ASSERT_EQ(all.code, 3) << all.err;
  const auto doc = nlohmann::json::parse(all.out);
  ASSERT_EQ(doc["findings"].size(), 2u);
  for (const auto& f : doc["findings"]) {
    ASSERT_TRUE(f["reach"].is_object());
    EXPECT_FALSE(f["reach"]["evidence"].empty());
    EXPECT_NE(
        std::find(f["reach"]["frameworks"].begin(), f["reach"]["frameworks"].end(), "OWASP-NHI2"),
        f["reach"]["frameworks"].end());
    const std::string path = f["path"];
    EXPECT_EQ(f["reach"]["verdict"],
              path.find("deploy/production") != std::string::npos ? "production" : "non_production")
        << path;
  }
  EXPECT_EQ(doc["summary"]["findings_by_reach"]["production"], 1);

  // --min-reach production hides the test key; --fail-on production ignores it for the exit.
  const Outcome prod_only = run("-f json --min-reach production dir " + root);
  EXPECT_EQ(nlohmann::json::parse(prod_only.out)["findings"].size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(prod_only.out)["summary"]["below_min_reach"], 1);
  fs::remove(work_.path() / "deploy/production/.env");
  EXPECT_EQ(run("--fail-on production dir " + root).code, 0);
  EXPECT_EQ(run("dir " + root).code, 1);
  EXPECT_EQ(run("--fail-on none dir " + root).code, 0);
  EXPECT_EQ(run("--min-reach sideways dir " + root).code, 2);
  work_.write("deploy/production/.env", "STRIPE_SECRET_KEY=" + live + "\n");
  EXPECT_EQ(run("--exit-code 0 dir " + root).code, 0);  // an explicit code replaces 3 as well
  EXPECT_EQ(run("--exit-code 9 dir " + root).code, 9);

  // Text output leads with the verdict.
  work_.write("deploy/production/.env", "STRIPE_SECRET_KEY=" + live + "\n");
  const Outcome text = run("--no-color dir " + root);
  EXPECT_EQ(text.out.rfind("== REACHES PRODUCTION ==", 0), 0u) << text.out;
  EXPECT_LT(text.out.find("deploy/production"), text.out.find("tests/fixtures"));
}

TEST_F(Cli, ShortFormatForHooks) {
  const std::string live = fake_token("sk_live_", 32, 7), test = fake_token("sk_test_", 32, 8);
  work_.write("deploy/production/.env", "STRIPE_SECRET_KEY=" + live + "\n");
  work_.write("tests/fixtures/stripe.env", "STRIPE_SECRET_KEY=" + test + "\n");
  const std::string root = work_.str();
  const Outcome r = run("--show-secrets -f short --fail-on production dir " + root);
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_EQ(r.out.find(live), std::string::npos) << "short output always masks";
  EXPECT_EQ(r.out.find(test), std::string::npos);
  // One line per finding, blocking ones first: place, rule, verdict, masked secret, effect
  // (columns padded to line up).
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line) && line.rfind("reachscan:", 0) != 0;) {
    std::istringstream words(line);
    rows.emplace_back(std::istream_iterator<std::string>(words),
                      std::istream_iterator<std::string>());
  }
  ASSERT_EQ(rows.size(), 2u) << r.out;
  EXPECT_EQ(rows[0],
            (std::vector<std::string>{root + "/deploy/production/.env:1", "stripe.secret_key.live",
                                      "production", "sk_l*****", "BLOCKS"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{root + "/tests/fixtures/stripe.env:1",
                                               "stripe.secret_key.test", "non_production",
                                               "sk_t*****", "warning"}));
  EXPECT_NE(r.out.find("2 findings: 1 blocking, 1 warning only (--fail-on production)."),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("`reachscan:allow`"), std::string::npos);
  EXPECT_NE(r.out.find(".reachscanignore"), std::string::npos);
  EXPECT_NE(r.out.find("    stripe.secret_key.live:"), std::string::npos) << "fingerprint line";
  // The fingerprint line, pasted into .reachscanignore, does suppress the finding.
  const auto fp = r.out.find("    stripe.secret_key.test:");
  ASSERT_NE(fp, std::string::npos);
  work_.write(".reachscanignore", r.out.substr(fp, r.out.find('\n', fp) - fp) + "\n");
  const Outcome ignored = run("-f short dir " + root);
  EXPECT_EQ(ignored.code, 3);
  EXPECT_EQ(ignored.out.find("stripe.env"), std::string::npos) << ignored.out;
  EXPECT_NE(ignored.out.find("deploy/production/.env:1"), std::string::npos) << ignored.out;
  work_.write("clean/a.txt", "nothing\n");
  const Outcome clean = run("-f short dir " + root + "/clean");
  EXPECT_EQ(clean.code, 0);
  EXPECT_TRUE(clean.out.empty()) << "clean: prints nothing";
}

TEST_F(Cli, GithubFormatAnnotatesAndEscapes) {
  const std::string live = fake_token("sk_live_", 32, 7);
  work_.write("deploy/production/.env", "STRIPE_SECRET_KEY=" + live + "\n");
  const fs::path old = fs::current_path();
  fs::current_path(work_.path());
  const Outcome prod = run("-f github dir deploy");
  fs::current_path(old);
  EXPECT_EQ(prod.code, 3);
  EXPECT_EQ(prod.out.rfind("::error file=deploy/production/.env,line=1,col=19,endColumn=58,"
                           "title=reachscan stripe.secret_key.live (production)::",
                           0),
            0u)
      << prod.out;
  EXPECT_EQ(prod.out.find(live), std::string::npos);
  EXPECT_NE(prod.out.find("sk_l*****"), std::string::npos);
  EXPECT_NE(prod.out.find("%0A"), std::string::npos) << "a multi-line message is escaped";
  EXPECT_EQ(std::count(prod.out.begin(), prod.out.end(), '\n'), 1) << "one line per finding";

  // Property values escape ':' and ','; the message escapes '%'.
  const Outcome odd =
      run("-f github --show-secrets stdin --label 'a,b:c%d.py'", "k " + ghp_ + "\n");
  EXPECT_EQ(odd.code, 1);
  EXPECT_EQ(odd.out.rfind("::warning file=a%2Cb%3Ac%25d.py,line=1,col=3,", 0), 0u) << odd.out;
  EXPECT_EQ(odd.out.find(ghp_), std::string::npos);
  EXPECT_TRUE(run("-f github stdin", "nothing\n").out.empty());
}

TEST_F(Cli, ReportOptionWritesMoreReportsFromOneScan) {
  const std::string sarif = (tmp_.path() / "r.sarif").string();
  const std::string json = (tmp_.path() / "r.json").string();
  std::ofstream(json) << "old";
  ::chmod(json.c_str(), 0644);
  const Outcome r = run("-f github --report sarif:" + sarif + " --report json:" + json + " stdin",
                        "k " + ghp_ + "\n");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_EQ(r.out.rfind("::warning file=-,line=1,", 0), 0u) << r.out;
  EXPECT_EQ(r.out.find(ghp_), std::string::npos);
  for (const std::string& p : {sarif, json}) {
    struct stat st;
    ASSERT_EQ(::stat(p.c_str(), &st), 0) << p;
    EXPECT_EQ(st.st_mode & 0777, 0600) << p;
  }
  const auto s = nlohmann::json::parse(slurp(sarif));
  EXPECT_EQ(s["runs"][0]["results"].size(), 1u);
  const auto j = nlohmann::json::parse(slurp(json));
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["findings"][0]["secret"], ghp_) << "a machine report to a 0600 file keeps it";
  EXPECT_EQ(j["summary"]["findings"], 1);
  // --redact masks every report.
  run("--redact -f github --report json:" + json + " stdin", "k " + ghp_ + "\n");
  EXPECT_EQ(slurp(json).find(ghp_), std::string::npos);
  // Bad --report values are errors before any scan.
  EXPECT_EQ(run("--report yaml:" + json + " stdin", "x").code, 2);
  EXPECT_EQ(run("--report sarif stdin", "x").code, 2);
  EXPECT_EQ(run("--report sarif: stdin", "x").code, 2);
  const Outcome unwritable = run("--report sarif:/nonexistent-dir/x.sarif stdin", "x");
  EXPECT_EQ(unwritable.code, 2);
  EXPECT_NE(unwritable.err.find("/nonexistent-dir/x.sarif"), std::string::npos);
}

TEST_F(Cli, VersionAndHelp) {
  EXPECT_EQ(run("--version").code, 0);
  const Outcome help = run("--help");
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("--max-file-size"), std::string::npos);
}

TEST_F(Cli, GoldenTextOutput) {
  work_.write("svc/settings.py", "DEBUG = False\nGITHUB_TOKEN = \"" + ghp_ + "\"\n");
  work_.write("svc/README.md", "Nothing secret.\n");
  const fs::path old = fs::current_path();
  fs::current_path(work_.path());
  const Outcome r = run("--no-color dir svc");
  fs::current_path(old);
  EXPECT_EQ(r.code, 1);
  const std::string golden = std::string(REACHSCAN_SOURCE_DIR) + "/tests/cli/golden/text.txt";
  if (const char* u = std::getenv("REACHSCAN_UPDATE_GOLDEN"); u && std::string(u) == "1")
    std::ofstream(golden, std::ios::binary) << r.out;
  EXPECT_EQ(r.out, slurp(golden));
}

// The hook and CI formats, golden as well: their wording is what people act on.
TEST_F(Cli, GoldenShortAndGithubOutput) {
  work_.write("svc/settings.py", "DEBUG = False\nGITHUB_TOKEN = \"" + ghp_ + "\"\n");
  const fs::path old = fs::current_path();
  fs::current_path(work_.path());
  const Outcome brief = run("-f short dir svc");
  const Outcome github = run("-f github dir svc");
  fs::current_path(old);
  EXPECT_EQ(brief.code, 1);
  EXPECT_EQ(github.code, 1);
  for (const auto& [name, out] : {std::pair{"short.txt", brief.out}, {"github.txt", github.out}}) {
    const std::string golden = std::string(REACHSCAN_SOURCE_DIR) + "/tests/cli/golden/" + name;
    if (const char* u = std::getenv("REACHSCAN_UPDATE_GOLDEN"); u && std::string(u) == "1")
      std::ofstream(golden, std::ios::binary) << out;
    EXPECT_EQ(out, slurp(golden)) << name;
  }
}

// Multi-part credentials and decoded secrets in every format, and the switch that turns
// decoding off (flag and config key).
TEST_F(Cli, PartsAndDecodedInEveryFormat) {
  const std::string id = fake_token("AKIA3", 15, 5, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
  const std::string secret = fake_token("", 40, 6);
  const std::string token_hex = [&] {
    std::string h;
    for (unsigned char c : ghp_) h += fmt::format("{:02x}", c);
    return h;
  }();
  const std::string input = "aws_access_key_id = " + id + "\naws_secret_access_key = " + secret +
                            "\ntoken_hex = " + token_hex + "\n";

  const Outcome jsonl = run("-f jsonl -q stdin", input);
  ASSERT_EQ(jsonl.code, 1) << jsonl.err;
  std::vector<nlohmann::json> found;
  for (const nlohmann::json& l : jsonl_lines(jsonl.out))
    if (l["type"] == "finding") found.push_back(l);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0]["rule_id"], "aws.secret_access_key");
  ASSERT_EQ(found[0]["parts"].size(), 2u);
  EXPECT_EQ(found[0]["parts"][0]["rule_id"], "aws.access_key_id");
  EXPECT_EQ(found[0]["parts"][0]["value"], id);
  EXPECT_EQ(found[0]["parts"][0]["line"], 1);
  EXPECT_EQ(found[0]["parts"][1]["secret"], true);
  EXPECT_FALSE(found[0].contains("decoded"));
  EXPECT_EQ(found[1]["rule_id"], "github.pat.classic");
  EXPECT_EQ(found[1]["secret"], ghp_);
  EXPECT_EQ(found[1]["decoded"], nlohmann::json::array({"hex"}));
  EXPECT_EQ(found[1]["column"], 13);

  const Outcome text = run("stdin", input);
  EXPECT_NE(text.out.find("part        aws.access_key_id 1:21 " + id), std::string::npos);
  EXPECT_EQ(text.out.find(secret), std::string::npos);  // the secret part is masked too
  EXPECT_NE(text.out.find("decoded     hex"), std::string::npos);

  const Outcome sarif = run("-f sarif stdin", input);
  const auto doc = nlohmann::json::parse(sarif.out);
  const auto& results = doc["runs"][0]["results"];
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0]["properties"]["parts"][0]["value"], id);
  EXPECT_FALSE(results[0]["properties"]["parts"][1].contains("value"));
  EXPECT_EQ(results[1]["properties"]["decoded"], nlohmann::json::array({"hex"}));
  EXPECT_EQ(sarif.out.find(secret), std::string::npos);

  const Outcome off = run("-f jsonl -q --no-decode stdin", input);
  EXPECT_EQ(off.out.find("github.pat.classic"), std::string::npos);
  work_.write("repo/.reachscan.yaml", "decode: false\n");
  work_.write("repo/app.env", input);
  const Outcome config_off = run("-f jsonl -q dir " + work_.str() + "/repo");
  EXPECT_NE(config_off.out.find("aws.secret_access_key"), std::string::npos);
  EXPECT_EQ(config_off.out.find("github.pat.classic"), std::string::npos);
}

// Issue 11: what the deployment model could not read is a note in the summary.
TEST_F(Cli, DeploymentModelNotesReachTheSummary) {
  work_.write("deploy/kustomization.yaml", "resources: [a.yaml\n  - : : bad\n");
  work_.write("deploy/a.yaml", "token: " + ghp_ + "\n");
  const Outcome r = run("-f json dir " + work_.str());
  ASSERT_TRUE(r.code == 1 || r.code == 3) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  bool noted = false;
  for (const auto& n : doc["summary"]["notes"])
    noted |= n.get<std::string>().find("deployment model: ") == 0;
  EXPECT_TRUE(noted) << doc["summary"]["notes"].dump();
}

}  // namespace
}  // namespace reachscan
