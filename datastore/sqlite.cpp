// The SQLite engine of datastore/db.h.
#include <sqlite3.h>

#include <ctime>

#include "datastore/db.h"

namespace reachscan::datastore {
namespace {

class SqliteCursor final : public Cursor {
 public:
  SqliteCursor(sqlite3* db, sqlite3_stmt* s) : db_(db), s_(s, &sqlite3_finalize) {}
  void bind_int(int i, std::int64_t v) override { sqlite3_bind_int64(s_.get(), i, v); }
  void bind_real(int i, double v) override { sqlite3_bind_double(s_.get(), i, v); }
  void bind_text(int i, std::string_view v) override {
    sqlite3_bind_text(s_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void bind_blob(int i, std::string_view v) override {
    sqlite3_bind_blob(s_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void bind_null(int i) override { sqlite3_bind_null(s_.get(), i); }
  bool step(Status& error) override {
    const int rc = sqlite3_step(s_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) error = Status::error(std::string("datastore: ") + sqlite3_errmsg(db_));
    return false;
  }
  void reset() override {
    sqlite3_reset(s_.get());
    sqlite3_clear_bindings(s_.get());
  }
  std::int64_t integer(int col) const override { return sqlite3_column_int64(s_.get(), col); }
  double real(int col) const override { return sqlite3_column_double(s_.get(), col); }
  bool is_null(int col) const override { return sqlite3_column_type(s_.get(), col) == SQLITE_NULL; }
  std::string text(int col) const override {
    const auto* p = sqlite3_column_blob(s_.get(), col);
    const int n = sqlite3_column_bytes(s_.get(), col);
    return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n))
             : std::string();
  }

 private:
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> s_;
};

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override { sqlite3_close(db_); }

  Status exec(std::string_view sql) override {
    const std::string text(sql);
    char* err = nullptr;
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) == SQLITE_OK) return {};
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    return Status::error("datastore: " + msg);
  }
  Expected<Statement> prepare(std::string_view sql) override {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &s, nullptr) != SQLITE_OK)
      return Status::error(std::string("datastore: ") + sqlite3_errmsg(db_));
    return Statement(std::make_unique<SqliteCursor>(db_, s));
  }
  Status begin() override { return exec("BEGIN IMMEDIATE"); }
  Status commit() override { return exec("COMMIT"); }
  void rollback() override { (void)exec("ROLLBACK"); }
  bool postgres() const override { return false; }

 private:
  sqlite3* db_;
};

}  // namespace

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Expected<std::unique_ptr<Connection>> open_sqlite(const std::string& path, bool create,
                                                  bool read_only, bool immutable) {
  sqlite3* db = nullptr;
  int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (create && !read_only) flags |= SQLITE_OPEN_CREATE;
  flags |= SQLITE_OPEN_NOMUTEX;  // one connection per thread
  std::string name = path;
  if (immutable) {
    // file: URI, the path percent-encoded where it could be read as URI syntax.
    name = "file:";
    for (const unsigned char c : path) {
      if (c == '%' || c == '?' || c == '#' || c < 0x20 || c >= 0x7f) {
        static constexpr char kHex[] = "0123456789ABCDEF";
        name += '%';
        name += kHex[c >> 4];
        name += kHex[c & 15];
      } else {
        name += static_cast<char>(c);
      }
    }
    name += "?immutable=1";
    flags |= SQLITE_OPEN_URI;
  }
  const int rc = sqlite3_open_v2(name.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Status::error("datastore " + path + ": " + msg);
  }
  // A reader waits for a writer's checkpoint instead of failing at once.
  sqlite3_busy_timeout(db, 10000);
  return std::unique_ptr<Connection>(new SqliteConnection(db));
}

}  // namespace reachscan::datastore
