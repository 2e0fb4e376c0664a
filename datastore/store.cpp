#include "datastore/store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <unordered_map>

#include "datastore/db.h"
#include "datastore/record.h"

namespace reachscan::datastore {
namespace {

// Schema migrations, in order: migration i takes the schema from version i to i + 1. Never edit
// one that shipped; append a new one.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE rulesets(id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE);
CREATE TABLE repositories(
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, url TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending', error TEXT NOT NULL DEFAULT '',
  scanned_at TEXT NOT NULL DEFAULT '', blobs_scanned INTEGER NOT NULL DEFAULT 0,
  blobs_known INTEGER NOT NULL DEFAULT 0, commits INTEGER NOT NULL DEFAULT 0);
CREATE TABLE ref_tips(repo_id INTEGER NOT NULL, ref TEXT NOT NULL, tip TEXT NOT NULL,
  PRIMARY KEY(repo_id, ref)) WITHOUT ROWID;
CREATE TABLE clean_blobs(oid BLOB NOT NULL, ruleset INTEGER NOT NULL,
  PRIMARY KEY(oid, ruleset)) WITHOUT ROWID;
CREATE TABLE findings(id INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL UNIQUE,
  rule_id TEXT NOT NULL, secret TEXT NOT NULL);
CREATE TABLE finding_repos(finding_id INTEGER NOT NULL, repo_id INTEGER NOT NULL,
  occurrences INTEGER NOT NULL, PRIMARY KEY(finding_id, repo_id)) WITHOUT ROWID;
CREATE TABLE occurrences(id INTEGER PRIMARY KEY, finding_id INTEGER NOT NULL,
  repo_id INTEGER NOT NULL, reach INTEGER NOT NULL, path TEXT NOT NULL, line INTEGER NOT NULL,
  col INTEGER NOT NULL, record TEXT NOT NULL);
CREATE INDEX occurrences_by_repo ON occurrences(repo_id);
CREATE INDEX occurrences_by_finding ON occurrences(finding_id);
CREATE TABLE triage(fingerprint TEXT PRIMARY KEY, status TEXT NOT NULL, comment TEXT NOT NULL,
  updated_at TEXT NOT NULL);
)sql",
};
constexpr int kMigrationCount = static_cast<int>(std::size(kMigrations));
static_assert(kMigrationCount == kSchemaVersion);

// The same schema in PostgreSQL's types (text compared bytewise, as SQLite does, so reports
// order alike), plus what many workers share: workers and their heartbeats, runs and their
// repository lists with leases, blob claims.
constexpr const char* kPostgresMigrations[] = {
    R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE rulesets(id BIGSERIAL PRIMARY KEY, hash TEXT NOT NULL UNIQUE);
CREATE TABLE repositories(
  id BIGSERIAL PRIMARY KEY, name TEXT COLLATE "C" NOT NULL UNIQUE, url TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending', error TEXT NOT NULL DEFAULT '',
  scanned_at TEXT NOT NULL DEFAULT '', blobs_scanned BIGINT NOT NULL DEFAULT 0,
  blobs_known BIGINT NOT NULL DEFAULT 0, commits BIGINT NOT NULL DEFAULT 0);
CREATE TABLE ref_tips(repo_id BIGINT NOT NULL, ref TEXT NOT NULL, tip TEXT NOT NULL,
  PRIMARY KEY(repo_id, ref));
CREATE TABLE clean_blobs(oid BYTEA NOT NULL, ruleset BIGINT NOT NULL, PRIMARY KEY(oid, ruleset));
CREATE TABLE findings(id BIGSERIAL PRIMARY KEY, fingerprint TEXT NOT NULL UNIQUE,
  rule_id TEXT COLLATE "C" NOT NULL, secret TEXT NOT NULL);
CREATE TABLE finding_repos(finding_id BIGINT NOT NULL, repo_id BIGINT NOT NULL,
  occurrences BIGINT NOT NULL, PRIMARY KEY(finding_id, repo_id));
CREATE TABLE occurrences(id BIGSERIAL PRIMARY KEY, finding_id BIGINT NOT NULL,
  repo_id BIGINT NOT NULL, reach BIGINT NOT NULL, path TEXT COLLATE "C" NOT NULL,
  line BIGINT NOT NULL, col BIGINT NOT NULL, record TEXT NOT NULL);
CREATE INDEX occurrences_by_repo ON occurrences(repo_id);
CREATE INDEX occurrences_by_finding ON occurrences(finding_id);
CREATE TABLE triage(fingerprint TEXT PRIMARY KEY, status TEXT NOT NULL, comment TEXT NOT NULL,
  updated_at TEXT NOT NULL);
CREATE TABLE workers(id BIGSERIAL PRIMARY KEY, host TEXT NOT NULL, pid BIGINT NOT NULL,
  started_at TIMESTAMPTZ NOT NULL DEFAULT now(), alive_until TIMESTAMPTZ NOT NULL);
CREATE TABLE runs(id BIGSERIAL PRIMARY KEY, key TEXT NOT NULL,
  started_at TIMESTAMPTZ NOT NULL DEFAULT now(), finished BOOLEAN NOT NULL DEFAULT false);
CREATE TABLE run_repos(run_id BIGINT NOT NULL, repo_id BIGINT NOT NULL, position BIGINT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending', owner BIGINT, PRIMARY KEY(run_id, repo_id));
CREATE INDEX run_repos_by_position ON run_repos(run_id, position);
CREATE TABLE blob_claims(oid BYTEA NOT NULL, ruleset BIGINT NOT NULL, owner BIGINT NOT NULL,
  state SMALLINT NOT NULL DEFAULT 0, PRIMARY KEY(oid, ruleset));
)sql",
};
static_assert(std::size(kPostgresMigrations) == kSchemaVersion);

constexpr std::size_t kBatch = 4096;  // clean blobs per transaction

// 20 raw bytes from 40 hex digits (the memo's key); the hex itself when it is not one.
std::string oid_bytes(std::string_view hex) {
  if (hex.size() != 40) return std::string(hex);
  std::string out(20, '\0');
  auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (std::size_t i = 0; i < 20; ++i)
    out[i] = static_cast<char>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  return out;
}

// The run lock: an exclusive flock on PATH.lock, which holds the owner's pid for the message.
Expected<int> take_lock(const std::string& path) {
  const std::string lock = path + ".lock";
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return Status::error("datastore " + path + ": cannot create " + lock + ": " +
                         std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char pid[32] = {};
    const ssize_t n = ::pread(fd, pid, sizeof pid - 1, 0);
    ::close(fd);
    std::string owner = n > 0 ? std::string(pid, static_cast<std::size_t>(n)) : "";
    while (!owner.empty() && (owner.back() == '\n' || owner.back() == ' ')) owner.pop_back();
    return Status::error("datastore " + path + " is in use by another reachscan scan" +
                         (owner.empty() ? "" : " (pid " + owner + ")") +
                         ": wait for it to finish, or use another --datastore");
  }
  const std::string me = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) < 0) {
    // The pid only improves the message of a refused second run.
  }
  return fd;
}

// A repository's occurrences, many rows per statement: one round trip per 256 rows on a server.
Status insert_occurrences(Connection& db, std::int64_t repo,
                          const std::vector<std::pair<std::int64_t, const Finding*>>& rows) {
  constexpr std::size_t kRows = 256;
  for (std::size_t at = 0; at < rows.size(); at += kRows) {
    const std::size_t n = std::min(kRows, rows.size() - at);
    std::string sql =
        "INSERT INTO occurrences(finding_id, repo_id, reach, path, line, col, record) VALUES ";
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t p = i * 7;
      sql += (i ? ",(" : "(");
      for (std::size_t k = 1; k <= 7; ++k) sql += "?" + std::to_string(p + k) + (k < 7 ? "," : ")");
    }
    auto st = db.prepare(sql);
    if (!st) return st.status();
    for (std::size_t i = 0; i < n; ++i) {
      const auto& [id, f] = rows[at + i];
      const int b = static_cast<int>(i * 7);
      const int rank = reach_rank(f->reach ? f->reach->verdict : ReachVerdict::kUnknown);
      st->bind(b + 1, id).bind(b + 2, repo).bind(b + 3, std::int64_t{rank}).bind(b + 4, f->path);
      st->bind(b + 5, static_cast<std::int64_t>(f->line))
          .bind(b + 6, static_cast<std::int64_t>(f->column));
      st->bind(b + 7, to_record(*f));
    }
    if (Status s = st->run(); !s.ok()) return s;
  }
  return {};
}

}  // namespace

bool valid_triage_status(std::string_view s) {
  return s == "accepted" || s == "rejected" || s == "false_positive";
}

Store::~Store() {
  (void)flush();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

Expected<std::unique_ptr<Store>> Store::open(const std::string& path, StoreOptions options) {
  std::unique_ptr<Store> store(new Store());
  store->name_ = path;
  store->options_ = options;
  if (is_postgres_url(path)) {
    auto conn = open_postgres(path, options.retry_seconds);
    if (!conn) return conn.status();
    store->db_ = std::move(*conn);
    if (Status s = store->migrate_postgres(); !s.ok()) return s;
    if (Status s = store->prepare_statements(); !s.ok()) return s;
    return store;
  }
  if (options.writer) {
    if (options.lock) {
      auto lock = take_lock(path);
      if (!lock) return lock.status();
      store->lock_fd_ = *lock;
    }
    // Created 0600 before SQLite opens it; SQLite gives its -wal and -shm files the same mode.
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return Status::error("datastore " + path + ": " + std::strerror(errno));
    ::close(fd);
  } else {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
      return Status::error("datastore " + path + ": " + std::strerror(errno));
  }
  auto conn = open_sqlite(path, options.writer, !options.writer);
  if (!conn) return conn.status();
  store->db_ = std::move(*conn);
  if (!options.writer && !store->readable()) {
    // A datastore on read-only media (a mounted artifact, a read-only volume): SQLite cannot
    // create the WAL index beside it, so it is read as an immutable file.
    auto frozen = open_sqlite(path, false, true, true);
    if (!frozen) return frozen.status();
    store->db_ = std::move(*frozen);
  }
  if (options.writer) {
    if (Status s = store->db_->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"); !s.ok())
      return s;
    if (Status s = store->migrate(); !s.ok()) return s;
  } else {
    auto v = store->db_->prepare("PRAGMA user_version");
    if (!v) return v.status();
    const int version = v->step() ? static_cast<int>(v->integer(0)) : 0;
    if (!v->status().ok()) return Status::error("datastore " + path + ": " + v->status().message());
    if (version == 0) return Status::error("datastore " + path + ": not a reachscan datastore");
    if (version > kSchemaVersion)
      return Status::error("datastore " + path + ": written by a newer reachscan (schema " +
                           std::to_string(version) + ")");
  }
  if (Status s = store->prepare_statements(); !s.ok()) return s;
  return store;
}

bool Store::readable() {
  auto v = db_->prepare("PRAGMA user_version");
  if (!v) return false;
  (void)v->step();
  return v->status().ok();
}

Status Store::migrate() {
  auto v = db_->prepare("PRAGMA user_version");
  if (!v) return v.status();
  const int version = v->step() ? static_cast<int>(v->integer(0)) : 0;
  if (version > kSchemaVersion)
    return Status::error("datastore: written by a newer reachscan (schema " +
                         std::to_string(version) + "; this one knows " +
                         std::to_string(kSchemaVersion) + ")");
  for (int i = version; i < kMigrationCount; ++i) {
    Transaction t(*db_);
    if (!t.status().ok()) return t.status();
    if (Status s = db_->exec(kMigrations[i]); !s.ok()) return s;
    const std::string bump = "PRAGMA user_version=" + std::to_string(i + 1);
    if (Status s = db_->exec(bump); !s.ok()) return s;
    if (Status s = t.commit(); !s.ok()) return s;
  }
  return {};
}

// PostgreSQL keeps the version in a table of its own; workers starting together migrate one at
// a time (a transaction-scoped advisory lock), the others find the schema done.
Status Store::migrate_postgres() {
  return retrying([&]() -> Status {
    Transaction t(*db_);
    if (!t.status().ok()) return t.status();
    if (Status s = db_->exec("SELECT pg_advisory_xact_lock(726163687301)"); !s.ok()) return s;
    if (Status s = db_->exec("CREATE TABLE IF NOT EXISTS reachscan_schema(version INTEGER)");
        !s.ok())
      return s;
    auto v = db_->prepare("SELECT coalesce(max(version), 0) FROM reachscan_schema");
    if (!v) return v.status();
    const int version = v->step() ? static_cast<int>(v->integer(0)) : 0;
    if (!v->status().ok()) return v->status();
    if (version > kSchemaVersion)
      return Status::error("datastore " + mask_url(name_) +
                           ": written by a newer reachscan (schema " + std::to_string(version) +
                           "; this one knows " + std::to_string(kSchemaVersion) + ")");
    if (version < kSchemaVersion && !options_.writer)
      return Status::error("datastore " + mask_url(name_) + ": not a reachscan datastore");
    for (int i = version; i < kSchemaVersion; ++i)
      if (Status s = db_->exec(kPostgresMigrations[i]); !s.ok()) return s;
    if (version < kSchemaVersion) {
      if (Status s = db_->exec("DELETE FROM reachscan_schema"); !s.ok()) return s;
      auto ins = db_->prepare("INSERT INTO reachscan_schema(version) VALUES (?1)");
      if (!ins) return ins.status();
      if (Status s = ins->bind(1, std::int64_t{kSchemaVersion}).run(); !s.ok()) return s;
    }
    return t.commit();
  });
}

Status Store::retrying(const std::function<Status()>& unit) {
  for (;;) {
    Status s = unit();
    if (s.ok() || !db_->lost()) return s;
    if (Status r = db_->reconnect(); !r.ok()) return r;
  }
}

Status Store::prepare_statements() {
  auto known = db_->prepare("SELECT 1 FROM clean_blobs WHERE oid = ?1 AND ruleset = ?2");
  if (!known) return known.status();
  known_ = std::make_unique<Statement>(std::move(*known));
  auto add =
      db_->prepare("INSERT INTO clean_blobs(oid, ruleset) VALUES (?1, ?2) ON CONFLICT DO NOTHING");
  if (!add) return add.status();
  add_clean_ = std::make_unique<Statement>(std::move(*add));
  return {};
}

Status Store::use_ruleset(const std::string& hash) {
  auto ins = db_->prepare("INSERT INTO rulesets(hash) VALUES (?1) ON CONFLICT DO NOTHING");
  if (!ins) return ins.status();
  if (Status s = ins->bind(1, hash).run(); !s.ok()) return s;
  auto sel = db_->prepare("SELECT id FROM rulesets WHERE hash = ?1");
  if (!sel) return sel.status();
  sel->bind(1, hash);
  if (!sel->step()) return Status::error("datastore: the rule set was not recorded");
  ruleset_ = sel->integer(0);
  return {};
}

Expected<std::int64_t> Store::add_repository(const std::string& name, const std::string& url) {
  auto ins = db_->prepare(
      "INSERT INTO repositories(name, url) VALUES (?1, ?2) "
      "ON CONFLICT(name) DO UPDATE SET url = excluded.url");
  if (!ins) return ins.status();
  if (Status s = ins->bind(1, name).bind(2, url).run(); !s.ok()) return s;
  auto sel = db_->prepare("SELECT id FROM repositories WHERE name = ?1");
  if (!sel) return sel.status();
  sel->bind(1, name);
  if (!sel->step()) return Status::error("datastore: repository " + name + " was not recorded");
  return sel->integer(0);
}

std::vector<Repository> Store::repositories() {
  std::vector<Repository> out;
  auto sel = db_->prepare(
      "SELECT id, name, url, state, error, scanned_at, blobs_scanned, blobs_known, commits "
      "FROM repositories ORDER BY name");
  if (!sel) return out;
  while (sel->step())
    out.push_back({sel->integer(0), sel->text(1), sel->text(2), sel->text(3), sel->text(4),
                   sel->text(5), static_cast<std::uint64_t>(sel->integer(6)),
                   static_cast<std::uint64_t>(sel->integer(7)),
                   static_cast<std::uint64_t>(sel->integer(8))});
  return out;
}

std::string Store::state(std::int64_t repo_id) {
  auto sel = db_->prepare("SELECT state FROM repositories WHERE id = ?1");
  if (!sel) return {};
  sel->bind(1, repo_id);
  return sel->step() ? sel->text(0) : std::string();
}

std::map<std::string, std::string> Store::ref_tips(std::int64_t repo_id) {
  std::map<std::string, std::string> out;
  auto sel = db_->prepare("SELECT ref, tip FROM ref_tips WHERE repo_id = ?1");
  if (!sel) return out;
  sel->bind(1, repo_id);
  while (sel->step()) out.emplace(sel->text(0), sel->text(1));
  return out;
}

bool Store::known_clean(std::string_view blob_hex) {
  known_->bind_blob(1, oid_bytes(blob_hex)).bind(2, ruleset_);
  const bool found = known_->step();
  known_->reset();
  return found;
}

void Store::add_clean(std::string_view blob_hex) {
  if (!add_clean_ || !error_.ok()) return;
  if (db_->postgres()) {
    // Workers write clean blobs in one statement per batch.
    clean_buffer_.emplace_back(blob_hex);
    if (clean_buffer_.size() >= kBatch || flush_due()) (void)flush();
    return;
  }
  if (!in_batch_) {
    if (Status s = db_->begin(); !s.ok()) {
      error_ = s;
      return;
    }
    in_batch_ = true;
  }
  if (Status s = add_clean_->bind_blob(1, oid_bytes(blob_hex)).bind(2, ruleset_).run(); !s.ok())
    error_ = s;
  if (++pending_ >= kBatch) (void)flush();
}

Status Store::flush() {
  if (db_ && db_->postgres()) return flush_postgres();
  if (!in_batch_) return error_;
  in_batch_ = false;
  pending_ = 0;
  if (Status s = db_->commit(); !s.ok()) error_ = s;
  return error_;
}

Status Store::record_failure(std::int64_t repo_id, const std::string& error) {
  if (Status s = flush(); !s.ok()) return s;
  return retrying([&]() -> Status {
    Transaction t(*db_);
    if (!t.status().ok()) return t.status();
    auto up = db_->prepare(
        "UPDATE repositories SET state = 'failed', error = ?2, scanned_at = ?3 WHERE id = ?1");
    if (!up) return up.status();
    if (Status s = up->bind(1, repo_id).bind(2, error).bind(3, now_utc()).run(); !s.ok()) return s;
    if (Status s = mark_done(repo_id); !s.ok()) return s;
    ++writes_;
    return t.commit();
  });
}

Status Store::record_scan(const RepoScan& scan) {
  if (Status s = flush(); !s.ok()) return s;
  return retrying([&] { return record_scan_once(scan); });
}

Status Store::record_scan_once(const RepoScan& scan) {
  Transaction t(*db_);
  if (!t.status().ok()) return t.status();
  const std::int64_t repo = scan.repo_id;
  for (const char* sql : {"DELETE FROM occurrences WHERE repo_id = ?1",
                          "DELETE FROM finding_repos WHERE repo_id = ?1",
                          "DELETE FROM ref_tips WHERE repo_id = ?1"}) {
    auto del = db_->prepare(sql);
    if (!del) return del.status();
    if (Status s = del->bind(1, repo).run(); !s.ok()) return s;
  }
  auto finding = db_->prepare(
      "INSERT INTO findings(fingerprint, rule_id, secret) VALUES (?1, ?2, ?3) "
      "ON CONFLICT(fingerprint) DO UPDATE SET secret = excluded.secret RETURNING id");
  auto per_repo = db_->prepare(
      "INSERT INTO finding_repos(finding_id, repo_id, occurrences) VALUES (?1, ?2, ?3)");
  auto tip = db_->prepare("INSERT INTO ref_tips(repo_id, ref, tip) VALUES (?1, ?2, ?3)");
  auto up = db_->prepare(
      "UPDATE repositories SET state = 'scanned', error = ?6, scanned_at = ?2, "
      "blobs_scanned = ?3, blobs_known = ?4, commits = ?5 WHERE id = ?1");
  for (auto* st : {&finding, &per_repo, &tip, &up})
    if (!*st) return st->status();
  std::vector<std::pair<std::int64_t, const Finding*>> rows;
  for (const SecretFinding& sf : scan.findings) {
    finding->bind(1, sf.first.fingerprint).bind(2, sf.first.rule_id).bind(3, sf.first.secret);
    if (!finding->step()) return Status::error("datastore: a finding was not recorded");
    const std::int64_t id = finding->integer(0);
    finding->reset();
    if (Status s =
            per_repo->bind(1, id).bind(2, repo).bind(3, static_cast<std::int64_t>(sf.count)).run();
        !s.ok())
      return s;
    for (const Finding& f : sf.occurrences) rows.push_back({id, &f});
  }
  if (Status s = insert_occurrences(*db_, repo, rows); !s.ok()) return s;
  for (const auto& [ref, commit] : scan.tips)
    if (Status s = tip->bind(1, repo).bind(2, ref).bind(3, commit).run(); !s.ok()) return s;
  up->bind(1, repo).bind(2, now_utc()).bind(3, static_cast<std::int64_t>(scan.blobs_scanned));
  up->bind(4, static_cast<std::int64_t>(scan.blobs_known))
      .bind(5, static_cast<std::int64_t>(scan.commits));
  up->bind(6, scan.error);
  if (Status s = up->run(); !s.ok()) return s;
  if (Status s = mark_done(repo); !s.ok()) return s;
  ++writes_;
  return t.commit();
}

}  // namespace reachscan::datastore
