#include "datastore/sqlite.h"

#include <ctime>

namespace reachscan::datastore {

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Expected<std::unique_ptr<Connection>> Connection::open(const std::string& path, bool create,
                                                       bool read_only) {
  sqlite3* db = nullptr;
  int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (create && !read_only) flags |= SQLITE_OPEN_CREATE;
  flags |= SQLITE_OPEN_NOMUTEX;  // one connection per thread
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Status::error("datastore " + path + ": " + msg);
  }
  // A reader waits for a writer's checkpoint instead of failing at once.
  sqlite3_busy_timeout(db, 10000);
  return std::unique_ptr<Connection>(new Connection(db));
}

Connection::~Connection() { sqlite3_close(db_); }

Status Connection::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) == SQLITE_OK) return {};
  std::string msg = err ? err : sqlite3_errmsg(db_);
  sqlite3_free(err);
  return Status::error("datastore: " + msg);
}

Expected<Statement> Connection::prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &s, nullptr) != SQLITE_OK)
    return Status::error(std::string("datastore: ") + sqlite3_errmsg(db_));
  return Statement(db_, s);
}

}  // namespace reachscan::datastore
