// The datastore's database connection, one interface over two engines: SQLite (a file, the
// default) and PostgreSQL (a server shared by many workers). Statements are written once, with
// `?1`-style parameters (the PostgreSQL connection rewrites them to `$1`), and typed binds and
// columns; schemas and the few statements the dialects do not share live with each engine.
// Errors come back as Status with the engine's message; nothing throws.
//
// A PostgreSQL connection that is lost (server restart, network) is re-established with backoff
// for up to `retry_seconds`; a statement outside a transaction is then retried, a transaction is
// not (its caller retries the whole unit: see `lost()`).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace reachscan::datastore {

// The current time, UTC, ISO 8601 ("2026-12-07T15:04:05Z"), as the datastore writes it.
std::string now_utc();

// True for `postgresql://...` and `postgres://...` datastore names.
bool is_postgres_url(std::string_view name);
// `url` with its password (userinfo or `password=` parameter) replaced by `***`, for messages.
std::string mask_url(std::string_view url);

// One engine's prepared statement; Statement is its typed face.
class Cursor {
 public:
  virtual ~Cursor() = default;
  virtual void bind_int(int i, std::int64_t v) = 0;
  virtual void bind_real(int i, double v) = 0;
  virtual void bind_text(int i, std::string_view v) = 0;
  virtual void bind_blob(int i, std::string_view v) = 0;
  virtual void bind_null(int i) = 0;
  // Executes on the first call, then moves row by row: true while a row is available.
  virtual bool step(Status& error) = 0;
  virtual void reset() = 0;
  virtual std::int64_t integer(int col) const = 0;
  virtual double real(int col) const = 0;
  virtual bool is_null(int col) const = 0;
  virtual std::string text(int col) const = 0;
};

class Statement {
 public:
  Statement() = default;
  explicit Statement(std::unique_ptr<Cursor> c) : c_(std::move(c)) {}

  Statement& bind(int i, std::int64_t v) {
    c_->bind_int(i, v);
    return *this;
  }
  Statement& bind(int i, double v) {
    c_->bind_real(i, v);
    return *this;
  }
  Statement& bind(int i, std::string_view v) {
    c_->bind_text(i, v);
    return *this;
  }
  Statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Statement& bind_blob(int i, std::string_view v) {
    c_->bind_blob(i, v);
    return *this;
  }
  Statement& bind_null(int i) {
    c_->bind_null(i);
    return *this;
  }

  // One step: true while a row is available. Errors are kept in `status()`.
  bool step() { return c_->step(error_); }
  // Runs to completion (statements without rows) and resets for the next use.
  Status run() {
    while (step()) {
    }
    Status s = error_;
    reset();
    return s;
  }
  void reset() {
    c_->reset();
    error_ = Status();
  }
  const Status& status() const { return error_; }

  std::int64_t integer(int col) const { return c_->integer(col); }
  double real(int col) const { return c_->real(col); }
  bool is_null(int col) const { return c_->is_null(col); }
  std::string text(int col) const { return c_->text(col); }

 private:
  std::unique_ptr<Cursor> c_;
  Status error_;
};

class Connection {
 public:
  virtual ~Connection() = default;
  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without parameters or rows.
  virtual Status exec(std::string_view sql) = 0;
  virtual Expected<Statement> prepare(std::string_view sql) = 0;
  // SQLite: BEGIN IMMEDIATE (the write lock at once); PostgreSQL: BEGIN.
  virtual Status begin() = 0;
  virtual Status commit() = 0;
  virtual void rollback() = 0;
  virtual bool postgres() const = 0;
  // The last error was a lost connection (PostgreSQL): `reconnect()` and retry the whole unit.
  virtual bool lost() const { return false; }
  // Re-establishes a lost connection with backoff; an error once `retry_seconds` have passed.
  virtual Status reconnect() { return Status::error("datastore: the connection cannot reconnect"); }
};

// SQLite: opens (creating when `create`) the database at `path`; read-only when `read_only`.
// `immutable`: read a file on read-only media, where SQLite cannot create its WAL index (what a
// -wal file beside it holds is not seen: a datastore closed cleanly has none).
Expected<std::unique_ptr<Connection>> open_sqlite(const std::string& path, bool create,
                                                  bool read_only, bool immutable = false);
// PostgreSQL: connects to `url` (a libpq connection URI), retrying a lost connection for up to
// `retry_seconds`. Messages name the URL with its password masked.
Expected<std::unique_ptr<Connection>> open_postgres(const std::string& url, int retry_seconds);

// begin() ... commit(); rolls back if not committed.
class Transaction {
 public:
  explicit Transaction(Connection& c) : c_(c) { status_ = c_.begin(); }
  ~Transaction() {
    if (status_.ok() && !done_) c_.rollback();
  }
  const Status& status() const { return status_; }
  Status commit() {
    done_ = true;
    return status_.ok() ? c_.commit() : status_;
  }

 private:
  Connection& c_;
  Status status_;
  bool done_ = false;
};

}  // namespace reachscan::datastore
