// The organisation-scan datastore: file mode, the run lock, schema versions, the blob memo, a
// repository's findings replaced atomically, the cross-repository rollup, triage.
#include "datastore/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "datastore/db.h"
#include "datastore/record.h"
#include "tests/support/temp_dir.h"

namespace reachscan::datastore {
namespace {

using reachscan::testing::TempDir;

Finding occurrence(const std::string& fp, const std::string& path, ReachVerdict v,
                   std::uint64_t line = 1) {
  Finding f;
  f.rule_id = fp.substr(0, fp.find(':'));
  f.rule_name = "Demo";
  f.fingerprint = fp;
  f.path = path;
  f.line = line;
  f.column = 5;
  f.secret = "dmo_*****";
  f.reach = Reach{};
  f.reach->verdict = v;
  f.reach->evidence.push_back({"path", "folder 'prod'", 2.0});
  CommitInfo c;
  c.id = std::string(40, 'a');
  c.refs = {"main"};
  c.in_head = true;
  f.commit = c;
  return f;
}

SecretFinding finding(std::vector<Finding> occ) {
  SecretFinding s;
  s.first = occ.front();
  s.count = occ.size();
  s.occurrences = std::move(occ);
  return s;
}

TEST(Datastore, CreatedPrivateAndLockedAgainstASecondScan) {
  TempDir t;
  const std::string db = (t.path() / "org.db").string();
  auto a = Store::open(db, {});
  ASSERT_TRUE(a) << a.status().message();
  struct stat st {};
  ASSERT_EQ(::stat(db.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto b = Store::open(db, {});
  ASSERT_FALSE(b);
  EXPECT_NE(b.status().message().find("in use by another reachscan scan (pid"), std::string::npos)
      << b.status().message();
  // A reader does not need the lock.
  StoreOptions ro;
  ro.writer = false;
  EXPECT_TRUE(Store::open(db, ro));
  a->reset();
  EXPECT_TRUE(Store::open(db, {}));  // released with the first
}

TEST(Datastore, RefusesANewerSchemaAndAForeignFile) {
  TempDir t;
  const std::string db = (t.path() / "org.db").string();
  { ASSERT_TRUE(Store::open(db, {})); }
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "PRAGMA user_version=99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
  auto newer = Store::open(db, {});
  ASSERT_FALSE(newer);
  EXPECT_NE(newer.status().message().find("newer reachscan"), std::string::npos);
  StoreOptions ro;
  ro.writer = false;
  const std::string other = t.write("other.db", "");
  auto foreign = Store::open(other, ro);
  ASSERT_FALSE(foreign);
  EXPECT_NE(foreign.status().message().find("not a reachscan datastore"), std::string::npos);
}

TEST(Datastore, BlobMemoIsPerRuleSetAndSurvivesReopening) {
  TempDir t;
  const std::string db = (t.path() / "org.db").string();
  const std::string blob(40, 'b');
  {
    auto s = Store::open(db, {});
    ASSERT_TRUE(s);
    ASSERT_TRUE((*s)->use_ruleset("rules-1").ok());
    EXPECT_FALSE((*s)->known_clean(blob));
    (*s)->add_clean(blob);
    EXPECT_TRUE((*s)->known_clean(blob));  // seen before the batch commits
  }
  auto s = Store::open(db, {});
  ASSERT_TRUE(s);
  ASSERT_TRUE((*s)->use_ruleset("rules-1").ok());
  EXPECT_TRUE((*s)->known_clean(blob));
  ASSERT_TRUE((*s)->use_ruleset("rules-2").ok());  // other rules: scan it again
  EXPECT_FALSE((*s)->known_clean(blob));
}

TEST(Datastore, RollupAcrossRepositoriesAndRescansReplace) {
  TempDir t;
  auto s = Store::open((t.path() / "org.db").string(), {});
  ASSERT_TRUE(s);
  Store& st = **s;
  auto api = st.add_repository("api", "https://example.test/org/api.git");
  auto tools = st.add_repository("tools", "/srv/tools");
  ASSERT_TRUE(api && tools);
  RepoScan a;
  a.repo_id = *api;
  a.findings.push_back(
      finding({occurrence("demo.token:1111", "deploy/prod/.env", ReachVerdict::kProduction)}));
  a.tips = {{"refs/heads/main", std::string(40, 'c')}};
  ASSERT_TRUE(st.record_scan(a).ok());
  RepoScan b;
  b.repo_id = *tools;
  b.findings.push_back(
      finding({occurrence("demo.token:1111", "tests/fixtures/.env", ReachVerdict::kNonProduction),
               occurrence("demo.token:1111", "tests/other.env", ReachVerdict::kNonProduction, 7)}));
  b.findings.push_back(
      finding({occurrence("demo.token:2222", "tests/a.env", ReachVerdict::kNonProduction)}));
  ASSERT_TRUE(st.record_scan(b).ok());
  EXPECT_EQ(st.ref_tips(*api).at("refs/heads/main"), std::string(40, 'c'));

  auto all = st.findings({});
  ASSERT_TRUE(all) << all.status().message();
  ASSERT_EQ(all->size(), 2u);
  const SecretFinding& shared = all->front();
  EXPECT_EQ(shared.first.fingerprint, "demo.token:1111");
  EXPECT_EQ(shared.first.repository, "api");  // the production place decides
  EXPECT_EQ(shared.count, 3u);
  EXPECT_EQ(shared.repositories, (std::vector<std::string>{"api", "tools"}));
  EXPECT_TRUE(shared.reused_across_environments);
  ASSERT_EQ(shared.occurrences.size(), 3u);
  ASSERT_TRUE(shared.first.commit && shared.first.reach);
  EXPECT_EQ(shared.first.reach->evidence.front().detail, "folder 'prod'");

  Filter only_tools;
  only_tools.repositories = {"tools"};
  auto t_only = st.findings(only_tools);
  ASSERT_TRUE(t_only);
  ASSERT_EQ(t_only->size(), 2u);
  EXPECT_EQ(t_only->front().first.path, "tests/a.env");  // by place
  EXPECT_EQ(t_only->back().count, 2u);                   // only what is in tools
  EXPECT_EQ(t_only->back().first.repository, "tools");

  // tools scanned again without the shared secret: its occurrences are replaced, not added.
  b.findings.erase(b.findings.begin());
  ASSERT_TRUE(st.record_scan(b).ok());
  auto again = st.findings({});
  ASSERT_TRUE(again);
  ASSERT_EQ(again->size(), 2u);
  for (const SecretFinding& f : *again)
    if (f.first.fingerprint == "demo.token:1111") {
      EXPECT_EQ(f.count, 1u);
      EXPECT_FALSE(f.reused_across_environments);
    }
}

TEST(Datastore, TriageIsKeptExportedAndImported) {
  TempDir t;
  auto s = Store::open((t.path() / "org.db").string(), {});
  ASSERT_TRUE(s);
  Store& st = **s;
  auto api = st.add_repository("api", "x");
  ASSERT_TRUE(api);
  RepoScan a;
  a.repo_id = *api;
  a.findings.push_back(finding({occurrence("demo.token:1111", "a.env", ReachVerdict::kUnknown)}));
  ASSERT_TRUE(st.record_scan(a).ok());
  EXPECT_FALSE(st.set_triage("demo.token:9999", {"accepted", "", ""}).ok());
  EXPECT_FALSE(st.set_triage("demo.token:1111", {"maybe", "", ""}).ok());
  ASSERT_TRUE(st.set_triage("demo.token:1111", {"false_positive", "a test key", ""}).ok());
  ASSERT_TRUE(st.record_scan(a).ok());  // a re-scan keeps it
  Filter open;
  open.statuses = {"open"};
  EXPECT_TRUE(st.findings(open)->empty());
  auto all = st.findings({});
  ASSERT_EQ(all->size(), 1u);
  ASSERT_TRUE(all->front().triage);
  EXPECT_EQ(all->front().triage->comment, "a test key");

  auto exported = st.export_triage();
  ASSERT_TRUE(exported);
  auto other = Store::open((t.path() / "other.db").string(), {});
  ASSERT_TRUE(other);
  auto n = (*other)->import_triage(*exported);
  ASSERT_TRUE(n) << n.status().message();
  EXPECT_EQ(*n, 1u);
  EXPECT_EQ(*(*other)->export_triage(), *exported);
  EXPECT_FALSE((*other)->import_triage("{\"not\": \"a list\"}"));
}

TEST(Datastore, RecordsRoundTrip) {
  Finding f = occurrence("demo.token:1111", "a b/c.env", ReachVerdict::kProduction, 3);
  f.parts.push_back({"demo.id", 2, 1, "ID123", false});
  f.decoded = {"base64"};
  f.verification.status = VerifyStatus::kValidStructure;
  f.verification.attributes["mode"] = "live";
  f.reach->flags = {"reused_across_environments"};
  auto back = from_record(to_record(f));
  ASSERT_TRUE(back);
  EXPECT_EQ(to_record(*back), to_record(f));
  EXPECT_EQ(back->parts.at(0).value, "ID123");
  EXPECT_EQ(back->reach->verdict, ReachVerdict::kProduction);
  EXPECT_FALSE(from_record("{broken"));
}

}  // namespace
}  // namespace reachscan::datastore

namespace reachscan::datastore {
namespace {

// Issue 15: `datastore merge` folds the SQLite datastores of separate (sharded) runs into one.
TEST(Datastore, MergeFoldsRepositoriesFindingsBlobsAndTriage) {
  TempDir t;
  const std::string one = (t.path() / "one.db").string(), two = (t.path() / "two.db").string();
  const std::string out = (t.path() / "out.db").string();
  {
    auto s = Store::open(one, {});
    ASSERT_TRUE(s);
    ASSERT_TRUE((*s)->use_ruleset("rules-1").ok());
    (*s)->add_clean(std::string(40, 'a'));
    auto api = (*s)->add_repository("api", "https://example.test/org/api.git");
    ASSERT_TRUE(api);
    RepoScan a;
    a.repo_id = *api;
    a.findings.push_back(
        finding({occurrence("demo.token:1111", "deploy/prod/.env", ReachVerdict::kProduction)}));
    a.tips = {{"refs/heads/main", std::string(40, 'c')}};
    ASSERT_TRUE((*s)->record_scan(a).ok());
    ASSERT_TRUE(
        (*s)->set_triage("demo.token:1111", {"accepted", "old", "2026-01-01T00:00:00Z"}).ok());
  }
  {
    auto s = Store::open(two, {});
    ASSERT_TRUE(s);
    ASSERT_TRUE((*s)->use_ruleset("rules-1").ok());
    (*s)->add_clean(std::string(40, 'b'));
    auto tools = (*s)->add_repository("tools", "/srv/tools");
    ASSERT_TRUE(tools);
    RepoScan b;
    b.repo_id = *tools;
    b.findings.push_back(finding(
        {occurrence("demo.token:1111", "tests/fixtures/.env", ReachVerdict::kNonProduction)}));
    b.findings.push_back(
        finding({occurrence("demo.token:2222", "tests/a.env", ReachVerdict::kNonProduction)}));
    ASSERT_TRUE((*s)->record_scan(b).ok());
    ASSERT_TRUE((*s)->record_scan(b).ok());
    ASSERT_TRUE(
        (*s)->set_triage("demo.token:1111", {"rejected", "new", "2026-06-01T00:00:00Z"}).ok());
  }
  for (int round = 0; round < 2; ++round) {  // merging again changes nothing
    auto s = Store::open(out, {});
    ASSERT_TRUE(s);
    ASSERT_TRUE((*s)->merge_from(one).ok());
    ASSERT_TRUE((*s)->merge_from(two).ok());
    ASSERT_TRUE((*s)->use_ruleset("rules-1").ok());
    EXPECT_TRUE((*s)->known_clean(std::string(40, 'a')));
    EXPECT_TRUE((*s)->known_clean(std::string(40, 'b')));
    const auto repos = (*s)->repositories();
    ASSERT_EQ(repos.size(), 2u);
    EXPECT_EQ(repos[0].name, "api");
    EXPECT_EQ(repos[0].state, "scanned");
    EXPECT_EQ((*s)->ref_tips(repos[0].id).at("refs/heads/main"), std::string(40, 'c'));
    auto all = (*s)->findings({});
    ASSERT_TRUE(all) << all.status().message();
    ASSERT_EQ(all->size(), 2u);
    const SecretFinding& shared = all->front();
    EXPECT_EQ(shared.first.fingerprint, "demo.token:1111");
    EXPECT_EQ(shared.repositories, (std::vector<std::string>{"api", "tools"}));
    EXPECT_EQ(shared.count, 2u);  // tools' rescan replaced its first, not added to it
    EXPECT_TRUE(shared.reused_across_environments);
    ASSERT_TRUE(shared.triage);
    EXPECT_EQ(shared.triage->status, "rejected");  // the newest decision
  }
  auto bad = Store::open(out, {});
  ASSERT_TRUE(bad);
  EXPECT_FALSE((*bad)->merge_from(t.write("junk.db", "not sqlite")).ok());
}

TEST(Datastore, PostgresUrlsAreRecognisedAndTheirPasswordsMasked) {
  EXPECT_TRUE(is_postgres_url("postgresql://db/org"));
  EXPECT_TRUE(is_postgres_url("postgres://db/org"));
  EXPECT_FALSE(is_postgres_url("org.db"));
  EXPECT_EQ(mask_url("postgresql://scan:s3cr3t@db:5432/org"), "postgresql://scan:***@db:5432/org");
  EXPECT_EQ(mask_url("postgresql://db/org?user=scan&password=s3cr3t&sslmode=require"),
            "postgresql://db/org?user=scan&password=***&sslmode=require");
  EXPECT_EQ(mask_url("postgresql://scan@db/org"), "postgresql://scan@db/org");
  // A server that is not there: the error names the URL without its password.
  auto s = Store::open("postgresql://scan:s3cr3t@/org?host=/nonexistent-socket-dir", {});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.status().message().find("s3cr3t"), std::string::npos) << s.status().message();
  EXPECT_NE(s.status().message().find("scan:***@"), std::string::npos) << s.status().message();
}

}  // namespace
}  // namespace reachscan::datastore
