// Many workers of one scan on a PostgreSQL datastore (datastore/store.h): the run and its
// repository leases, blob claims and the buffers of blobs read. These statements are
// PostgreSQL's own (arrays, advisory locks, FOR UPDATE SKIP LOCKED); SQLite has one writer and
// answers the memo questions with known_clean.
#include <unistd.h>

#include <chrono>
#include <thread>
#include <unordered_map>

#include "datastore/db.h"
#include "datastore/store.h"

namespace reachscan::datastore {
namespace {

constexpr std::int64_t kListLock = 726163687302;  // advisory lock: one worker lists a run
constexpr auto kFlushEvery = std::chrono::milliseconds(1000);

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// A PostgreSQL array literal of `items` ("{"a","b"}"), each quoted.
std::string pg_array(std::span<const std::string> items) {
  std::string out = "{";
  for (const std::string& v : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : v) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

// The blobs of a statement, as 40 hex digits each: `oid IN (SELECT ... unnest(?1))`.
constexpr const char* kBlobList = "(SELECT decode(x, 'hex') FROM unnest(?1::text[]) AS x)";

Status needs_postgres() {
  return Status::error("datastore: many workers need a PostgreSQL datastore (postgresql://...)");
}

}  // namespace

bool Store::shared() const { return db_ && db_->postgres(); }

bool Store::flush_due() const { return now_ms() - flushed_at_ >= kFlushEvery.count(); }

Status Store::register_worker(const std::string& host, int lease_seconds) {
  if (!shared()) return needs_postgres();
  lease_seconds_ = lease_seconds;
  auto hb = open_postgres(name_, options_.retry_seconds);
  if (!hb) return hb.status();
  heartbeat_db_ = std::move(*hb);
  return retrying([&]() -> Status {
    auto ins = db_->prepare(
        "INSERT INTO workers(host, pid, alive_until) "
        "VALUES (?1, ?2, now() + make_interval(secs => ?3)) RETURNING id");
    if (!ins) return ins.status();
    ins->bind(1, host).bind(2, std::int64_t{::getpid()}).bind(3, std::int64_t{lease_seconds});
    if (!ins->step())
      return ins->status().ok() ? Status::error("datastore: no worker id") : ins->status();
    worker_ = ins->integer(0);
    ++writes_;
    return {};
  });
}

Status Store::heartbeat() {
  if (!heartbeat_db_) return needs_postgres();
  auto up = heartbeat_db_->prepare(
      "UPDATE workers SET alive_until = now() + make_interval(secs => ?2) WHERE id = ?1");
  if (!up) return up.status();
  Status s = up->bind(1, worker_).bind(2, std::int64_t{lease_seconds_}).run();
  if (!s.ok() && heartbeat_db_->lost()) (void)heartbeat_db_->reconnect();
  return s;
}

Status Store::retire() {
  if (!shared() || worker_ == 0) return {};
  if (Status s = flush(); !s.ok()) return s;
  return retrying([&]() -> Status {
    auto up = db_->prepare("UPDATE workers SET alive_until = now() WHERE id = ?1");
    if (!up) return up.status();
    return up->bind(1, worker_).run();
  });
}

Expected<std::int64_t> Store::join_run(const std::string& key, const Lister& list) {
  if (!shared()) return needs_postgres();
  Status s = retrying([&]() -> Status {
    const std::string lock = std::to_string(kListLock);
    if (Status l = db_->exec("SELECT pg_advisory_lock(" + lock + ")"); !l.ok()) return l;
    auto unlock = [&](Status r) {
      (void)db_->exec("SELECT pg_advisory_unlock(" + lock + ")");
      return r;
    };
    auto open = db_->prepare(
        "SELECT id FROM runs WHERE key = ?1 AND NOT finished ORDER BY id DESC LIMIT 1");
    if (!open) return unlock(open.status());
    open->bind(1, key);
    if (open->step()) {
      run_ = open->integer(0);
      return unlock({});
    }
    if (!open->status().ok()) return unlock(open->status());
    auto repos = list();
    if (!repos) return unlock(repos.status());
    std::vector<std::string> names, urls;
    for (const RunRepository& r : *repos) {
      names.push_back(r.name);
      urls.push_back(r.url);
    }
    Transaction t(*db_);
    if (!t.status().ok()) return unlock(t.status());
    auto run = db_->prepare("INSERT INTO runs(key) VALUES (?1) RETURNING id");
    if (!run) return unlock(run.status());
    run->bind(1, key);
    if (!run->step()) return unlock(run->status());
    const std::int64_t id = run->integer(0);
    auto add = db_->prepare(
        "INSERT INTO repositories(name, url) SELECT * FROM unnest(?1::text[], ?2::text[]) "
        "ON CONFLICT(name) DO UPDATE SET url = excluded.url");
    auto queue = db_->prepare(
        "INSERT INTO run_repos(run_id, repo_id, position) SELECT ?2, r.id, x.pos "
        "FROM unnest(?1::text[]) WITH ORDINALITY AS x(name, pos) "
        "JOIN repositories r ON r.name = x.name");
    if (!add || !queue) return unlock(!add ? add.status() : queue.status());
    if (Status a = add->bind(1, pg_array(names)).bind(2, pg_array(urls)).run(); !a.ok())
      return unlock(a);
    if (Status q = queue->bind(1, pg_array(names)).bind(2, id).run(); !q.ok()) return unlock(q);
    Status c = t.commit();
    if (c.ok()) run_ = id;
    writes_ += 3;
    return unlock(c);
  });
  if (!s.ok()) return s;
  return run_;
}

Expected<std::optional<RunRepository>> Store::claim_repository(std::size_t& remaining) {
  if (!shared() || run_ == 0) return needs_postgres();
  std::optional<RunRepository> out;
  Status s = retrying([&]() -> Status {
    out.reset();
    // Pending, or leased by a worker whose heartbeat stopped, or by this one (a claim whose
    // answer a lost connection swallowed).
    auto claim = db_->prepare(
        "UPDATE run_repos SET owner = ?2, state = 'leased' WHERE run_id = ?1 AND repo_id = ("
        " SELECT rr.repo_id FROM run_repos rr LEFT JOIN workers w ON w.id = rr.owner"
        " WHERE rr.run_id = ?1 AND (rr.state = 'pending' OR (rr.state = 'leased' AND"
        " (rr.owner = ?2 OR w.id IS NULL OR w.alive_until < now())))"
        " ORDER BY rr.position LIMIT 1 FOR UPDATE OF rr SKIP LOCKED) "
        "RETURNING repo_id");
    if (!claim) return claim.status();
    claim->bind(1, run_).bind(2, worker_);
    if (claim->step()) {
      const std::int64_t id = claim->integer(0);
      ++writes_;
      auto sel = db_->prepare("SELECT name, url FROM repositories WHERE id = ?1");
      if (!sel) return sel.status();
      sel->bind(1, id);
      if (!sel->step()) return sel->status();
      out = RunRepository{id, sel->text(0), sel->text(1)};
      return {};
    }
    if (!claim->status().ok()) return claim->status();
    auto left =
        db_->prepare("SELECT count(*) FROM run_repos WHERE run_id = ?1 AND state <> 'done'");
    if (!left) return left.status();
    left->bind(1, run_);
    if (!left->step()) return left->status();
    remaining = static_cast<std::size_t>(left->integer(0));
    if (remaining > 0) return {};
    auto fin = db_->prepare("UPDATE runs SET finished = true WHERE id = ?1");
    if (!fin) return fin.status();
    return fin->bind(1, run_).run();
  });
  if (!s.ok()) return s;
  if (out) remaining = 1;
  return out;
}

std::vector<std::string> Store::run_repositories() {
  std::vector<std::string> out;
  auto sel = db_->prepare(
      "SELECT r.name FROM run_repos rr JOIN repositories r ON r.id = rr.repo_id "
      "WHERE rr.run_id = ?1 ORDER BY rr.position");
  if (!sel) return out;
  sel->bind(1, run_);
  while (sel->step()) out.push_back(sel->text(0));
  return out;
}

Status Store::mark_done(std::int64_t repo_id) {
  if (run_ == 0) return {};
  auto up = db_->prepare("UPDATE run_repos SET state = 'done' WHERE run_id = ?1 AND repo_id = ?2");
  if (!up) return up.status();
  return up->bind(1, run_).bind(2, repo_id).run();
}

Status Store::finish_repository(std::int64_t repo_id) {
  if (run_ == 0) return {};
  ++writes_;
  return retrying([&] { return mark_done(repo_id); });
}

void Store::add_not_clean(std::string_view blob_hex) {
  if (!shared()) return;
  not_clean_buffer_.emplace_back(blob_hex);
  if (flush_due()) (void)flush();
}

Status Store::flush_postgres() {
  flushed_at_ = now_ms();
  if (!error_.ok()) return error_;
  if (clean_buffer_.empty() && not_clean_buffer_.empty()) return {};
  // Both statements are idempotent: a retry after a lost connection writes the same rows.
  Status s = retrying([&]() -> Status {
    if (!clean_buffer_.empty()) {
      auto ins =
          db_->prepare(std::string("INSERT INTO clean_blobs(oid, ruleset) SELECT x, ?2 FROM ") +
                       kBlobList + " AS b(x) ON CONFLICT DO NOTHING");
      if (!ins) return ins.status();
      if (Status r = ins->bind(1, pg_array(clean_buffer_)).bind(2, ruleset_).run(); !r.ok())
        return r;
      ++writes_;
    }
    if (!not_clean_buffer_.empty()) {
      auto up = db_->prepare(
          std::string("INSERT INTO blob_claims(oid, ruleset, owner, state) SELECT x, ?2, ?3, 2 "
                      "FROM ") +
          kBlobList + " AS b(x) ON CONFLICT(oid, ruleset) DO UPDATE SET state = 2");
      if (!up) return up.status();
      if (Status r =
              up->bind(1, pg_array(not_clean_buffer_)).bind(2, ruleset_).bind(3, worker_).run();
          !r.ok())
        return r;
      ++writes_;
    }
    return {};
  });
  if (!s.ok()) {
    error_ = s;
    return s;
  }
  clean_buffer_.clear();
  not_clean_buffer_.clear();
  return {};
}

Expected<std::vector<BlobClaim>> Store::claim_blobs(std::span<const std::string> blobs,
                                                    bool claim) {
  std::vector<BlobClaim> out(blobs.size(), BlobClaim::kRead);
  if (!shared()) {
    for (std::size_t i = 0; i < blobs.size(); ++i)
      if (known_clean(blobs[i])) out[i] = BlobClaim::kKnown;
    return out;
  }
  // What this worker found clean is visible to the questions below once written.
  if (Status s = flush(); !s.ok()) return s;
  std::unordered_map<std::string, std::size_t> at;
  for (std::size_t i = 0; i < blobs.size(); ++i) at.emplace(blobs[i], i);
  auto ask = [&](const std::string& sql, const std::vector<std::string>& list,
                 auto&& on_row) -> Status {
    return retrying([&]() -> Status {
      auto q = db_->prepare(sql);
      if (!q) return q.status();
      q->bind(1, pg_array(list)).bind(2, ruleset_).bind(3, worker_);
      while (q->step()) on_row(*q);
      return q->status();
    });
  };
  std::vector<std::string> rest(blobs.begin(), blobs.end());
  auto drop_answered = [&] {
    std::erase_if(rest, [&](const std::string& b) { return out[at[b]] != BlobClaim::kRead; });
  };
  Status s =
      ask(std::string("SELECT encode(oid, 'hex'), ?3::bigint FROM clean_blobs WHERE ruleset = ?2 "
                      "AND oid IN ") +
              kBlobList,
          rest, [&](Statement& r) { out[at[r.text(0)]] = BlobClaim::kKnown; });
  if (!s.ok()) return s;
  drop_answered();
  if (!claim || rest.empty()) return out;
  // Claimed now (new, or abandoned by a worker whose heartbeat stopped): read here. Mark the
  // others deferred, then look at why they were not ours.
  std::vector<std::string> mine;
  s = ask(std::string("INSERT INTO blob_claims(oid, ruleset, owner) SELECT x, ?2, ?3 FROM ") +
              kBlobList +
              " AS b(x) ON CONFLICT(oid, ruleset) DO UPDATE SET owner = excluded.owner "
              "WHERE blob_claims.state = 0 AND NOT EXISTS (SELECT 1 FROM workers w WHERE "
              "w.id = blob_claims.owner AND w.alive_until > now()) RETURNING encode(oid, 'hex')",
          rest, [&](Statement& r) { mine.push_back(r.text(0)); });
  if (!s.ok()) return s;
  ++writes_;
  for (const std::string& b : rest) out[at[b]] = BlobClaim::kDeferred;
  for (const std::string& b : mine) out[at[b]] = BlobClaim::kRead;
  std::erase_if(rest, [&](const std::string& b) { return out[at[b]] == BlobClaim::kRead; });
  if (rest.empty()) return out;
  // Not clean (read in every repository), or claimed by this worker already (a claim whose
  // answer a lost connection swallowed): read here.
  s = ask(std::string("SELECT encode(oid, 'hex') FROM blob_claims WHERE ruleset = ?2 AND "
                      "(state = 2 OR owner = ?3) AND oid IN ") +
              kBlobList,
          rest, [&](Statement& r) { out[at[r.text(0)]] = BlobClaim::kRead; });
  if (!s.ok()) return s;
  return out;
}

Expected<std::vector<std::string>> Store::settle(const std::vector<std::string>& deferred) {
  std::vector<std::string> read, waiting = deferred;
  if (!shared()) return waiting;
  if (Status s = flush(); !s.ok()) return s;
  while (!waiting.empty()) {
    std::vector<std::string> still;
    Status s = retrying([&]() -> Status {
      still.clear();
      auto q = db_->prepare(
          std::string(
              "SELECT encode(c.oid, 'hex'), CASE WHEN cb.oid IS NOT NULL THEN 0 "
              "WHEN c.state = 2 OR c.owner = ?3 OR w.id IS NULL OR w.alive_until < now() THEN 1 "
              "ELSE 2 END FROM blob_claims c "
              "LEFT JOIN clean_blobs cb ON cb.oid = c.oid AND cb.ruleset = c.ruleset "
              "LEFT JOIN workers w ON w.id = c.owner WHERE c.ruleset = ?2 AND c.oid IN ") +
          kBlobList);
      if (!q) return q.status();
      q->bind(1, pg_array(waiting)).bind(2, ruleset_).bind(3, worker_);
      std::vector<std::string> now_read;
      while (q->step()) {
        const std::int64_t what = q->integer(1);
        if (what == 1) now_read.push_back(q->text(0));
        if (what == 2) still.push_back(q->text(0));
      }
      if (!q->status().ok()) return q->status();
      read.insert(read.end(), now_read.begin(), now_read.end());
      return {};
    });
    if (!s.ok()) return s;
    waiting = std::move(still);
    if (!waiting.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return read;
}

}  // namespace reachscan::datastore
