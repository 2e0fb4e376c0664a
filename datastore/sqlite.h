// A thin RAII layer over the SQLite C API: a connection, prepared statements with typed binds
// and columns, and transactions. Errors come back as Status with SQLite's message; nothing throws.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace reachscan::datastore {

// The current time, UTC, ISO 8601 ("2026-12-07T15:04:05Z"), as the datastore writes it.
std::string now_utc();

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* s) : db_(db), s_(s, &sqlite3_finalize) {}

  Statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(s_.get(), i, v);
    return *this;
  }
  Statement& bind(int i, double v) {
    sqlite3_bind_double(s_.get(), i, v);
    return *this;
  }
  Statement& bind(int i, std::string_view v) {
    sqlite3_bind_text(s_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Statement& bind_blob(int i, std::string_view v) {
    sqlite3_bind_blob(s_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind_null(int i) {
    sqlite3_bind_null(s_.get(), i);
    return *this;
  }

  // One step: true while a row is available. Errors are kept in `status()`.
  bool step() {
    const int rc = sqlite3_step(s_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) error_ = Status::error(std::string("datastore: ") + sqlite3_errmsg(db_));
    return false;
  }
  // Runs to completion (statements without rows) and resets for the next use.
  Status run() {
    while (step()) {
    }
    Status s = error_;
    reset();
    return s;
  }
  void reset() {
    sqlite3_reset(s_.get());
    sqlite3_clear_bindings(s_.get());
    error_ = Status();
  }
  const Status& status() const { return error_; }

  std::int64_t integer(int col) const { return sqlite3_column_int64(s_.get(), col); }
  double real(int col) const { return sqlite3_column_double(s_.get(), col); }
  bool is_null(int col) const { return sqlite3_column_type(s_.get(), col) == SQLITE_NULL; }
  std::string text(int col) const {
    const auto* p = sqlite3_column_blob(s_.get(), col);
    const int n = sqlite3_column_bytes(s_.get(), col);
    return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n))
             : std::string();
  }

 private:
  sqlite3* db_ = nullptr;
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> s_{nullptr, &sqlite3_finalize};
  Status error_;
};

class Connection {
 public:
  // Opens (creating when `create`) the database at `path`; read-only when `read_only`.
  static Expected<std::unique_ptr<Connection>> open(const std::string& path, bool create,
                                                    bool read_only);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Status exec(const char* sql);
  Expected<Statement> prepare(std::string_view sql);
  std::int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }
  sqlite3* raw() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back if not committed.
class Transaction {
 public:
  explicit Transaction(Connection& c) : c_(c) { status_ = c_.exec("BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (status_.ok() && !done_) (void)c_.exec("ROLLBACK");
  }
  const Status& status() const { return status_; }
  Status commit() {
    done_ = true;
    return status_.ok() ? c_.exec("COMMIT") : status_;
  }

 private:
  Connection& c_;
  Status status_;
  bool done_ = false;
};

}  // namespace reachscan::datastore
