// `datastore merge`: folding the SQLite datastore of another run into this one (Store::merge_from).
#include <vector>

#include "datastore/db.h"
#include "datastore/store.h"

namespace reachscan::datastore {
namespace {

struct SourceRepo {
  std::int64_t id;
  std::string name;
  std::string scanned_at;
};

Status run_sql(Connection& db, const char* sql, std::int64_t a = 0, std::int64_t b = 0) {
  auto st = db.prepare(sql);
  if (!st) return st.status();
  if (a) st->bind(1, a);
  if (b) st->bind(2, b);
  return st->run();
}

// Replaces repository `to` here with repository `from` of the attached source `src`.
Status copy_repository(Connection& db, std::int64_t from, std::int64_t to) {
  for (const char* sql :
       {"DELETE FROM occurrences WHERE repo_id = ?1",
        "DELETE FROM finding_repos WHERE repo_id = ?1", "DELETE FROM ref_tips WHERE repo_id = ?1"})
    if (Status s = run_sql(db, sql, to); !s.ok()) return s;
  const char* copies[] = {
      "UPDATE repositories SET (url, state, error, scanned_at, blobs_scanned, blobs_known, "
      "commits) = (SELECT url, state, error, scanned_at, blobs_scanned, blobs_known, commits "
      "FROM src.repositories WHERE id = ?1) WHERE id = ?2",
      "INSERT INTO ref_tips(repo_id, ref, tip) SELECT ?2, ref, tip FROM src.ref_tips "
      "WHERE repo_id = ?1",
      "INSERT INTO findings(fingerprint, rule_id, secret) SELECT f.fingerprint, f.rule_id, "
      "f.secret FROM src.findings f JOIN src.finding_repos fr ON fr.finding_id = f.id "
      "WHERE fr.repo_id = ?1 ON CONFLICT(fingerprint) DO NOTHING",
      "INSERT INTO finding_repos(finding_id, repo_id, occurrences) SELECT d.id, ?2, "
      "fr.occurrences FROM src.finding_repos fr JOIN src.findings f ON f.id = fr.finding_id "
      "JOIN findings d ON d.fingerprint = f.fingerprint WHERE fr.repo_id = ?1",
      "INSERT INTO occurrences(finding_id, repo_id, reach, path, line, col, record) "
      "SELECT d.id, ?2, o.reach, o.path, o.line, o.col, o.record FROM src.occurrences o "
      "JOIN src.findings f ON f.id = o.finding_id JOIN findings d ON d.fingerprint = "
      "f.fingerprint WHERE o.repo_id = ?1 ORDER BY o.id",
  };
  for (const char* sql : copies)
    if (Status s = run_sql(db, sql, from, to); !s.ok()) return s;
  return {};
}

}  // namespace

Status Store::merge_from(const std::string& path) {
  if (shared()) return Status::error("datastore merge: the output must be a SQLite datastore");
  {
    // The source must be a datastore this version reads (schema checked by opening it).
    StoreOptions ro;
    ro.writer = false;
    auto src = Store::open(path, ro);
    if (!src) return src.status();
  }
  if (Status s = flush(); !s.ok()) return s;
  auto attach = db_->prepare("ATTACH DATABASE ?1 AS src");
  if (!attach) return attach.status();
  if (Status s = attach->bind(1, path).run(); !s.ok()) return s;
  Status result = [&]() -> Status {
    Transaction t(*db_);
    if (!t.status().ok()) return t.status();
    for (const char* sql : {
             "INSERT INTO rulesets(hash) SELECT hash FROM src.rulesets WHERE true "
             "ON CONFLICT DO NOTHING",
             "INSERT INTO clean_blobs(oid, ruleset) SELECT c.oid, d.id FROM src.clean_blobs c "
             "JOIN src.rulesets r ON r.id = c.ruleset JOIN rulesets d ON d.hash = r.hash "
             "WHERE true ON CONFLICT DO NOTHING",
             "INSERT INTO triage(fingerprint, status, comment, updated_at) SELECT fingerprint, "
             "status, comment, updated_at FROM src.triage WHERE true ON CONFLICT(fingerprint) "
             "DO UPDATE SET status = excluded.status, comment = excluded.comment, updated_at = "
             "excluded.updated_at WHERE excluded.updated_at > triage.updated_at",
         })
      if (Status s = db_->exec(sql); !s.ok()) return s;
    std::vector<SourceRepo> repos;
    auto sel = db_->prepare("SELECT id, name, url, scanned_at FROM src.repositories ORDER BY id");
    if (!sel) return sel.status();
    std::vector<std::string> urls;
    while (sel->step()) {
      repos.push_back({sel->integer(0), sel->text(1), sel->text(3)});
      urls.push_back(sel->text(2));
    }
    if (!sel->status().ok()) return sel->status();
    for (std::size_t i = 0; i < repos.size(); ++i) {
      const SourceRepo& r = repos[i];
      // Here already with a scan at least as new: this one stays.
      auto mine = db_->prepare("SELECT id, scanned_at FROM repositories WHERE name = ?1");
      if (!mine) return mine.status();
      mine->bind(1, r.name);
      std::int64_t to = 0;
      if (mine->step()) {
        if (mine->text(1) >= r.scanned_at) continue;
        to = mine->integer(0);
      } else {
        auto id = add_repository(r.name, urls[i]);
        if (!id) return id.status();
        to = *id;
      }
      if (Status s = copy_repository(*db_, r.id, to); !s.ok()) return s;
    }
    return t.commit();
  }();
  (void)db_->exec("DETACH DATABASE src");
  if (!result.ok()) return Status::error("datastore merge " + path + ": " + result.message());
  return {};
}

}  // namespace reachscan::datastore
