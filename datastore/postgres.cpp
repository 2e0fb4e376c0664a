// The PostgreSQL engine of datastore/db.h (libpq, loaded on first use). Statements are sent with
// PQexecParams, so a re-established connection needs no re-preparing; parameters travel as text,
// blobs in binary.
#include <libpq-fe.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <thread>
#include <vector>

#include "core/shared_library.h"
#include "datastore/db.h"

namespace reachscan::datastore {
namespace {

using Clock = std::chrono::steady_clock;

// The libpq functions used here, loaded on first use (core/shared_library.h): only a PostgreSQL
// datastore pays for libpq and its dependencies (LDAP, Kerberos, ...).
struct Pq {
  decltype(PQclear)* clear = nullptr;
  decltype(PQconnectdb)* connectdb = nullptr;
  decltype(PQerrorMessage)* error_message = nullptr;
  decltype(PQexec)* exec = nullptr;
  decltype(PQexecParams)* exec_params = nullptr;
  decltype(PQfinish)* finish = nullptr;
  decltype(PQgetisnull)* getisnull = nullptr;
  decltype(PQgetlength)* getlength = nullptr;
  decltype(PQgetvalue)* getvalue = nullptr;
  decltype(PQntuples)* ntuples = nullptr;
  decltype(PQresultErrorField)* result_error_field = nullptr;
  decltype(PQresultErrorMessage)* result_error_message = nullptr;
  decltype(PQresultStatus)* result_status = nullptr;
  decltype(PQsetNoticeProcessor)* set_notice_processor = nullptr;
  decltype(PQstatus)* status = nullptr;
};

Expected<Pq> load_pq() {
  auto lib = SharedLibrary::open("libpq.so.5", "libpq5", "PostgreSQL datastores");
  if (!lib) return lib.status();
  Pq p;
  for (Status s :
       {lib->bind(p.clear, "PQclear"), lib->bind(p.connectdb, "PQconnectdb"),
        lib->bind(p.error_message, "PQerrorMessage"), lib->bind(p.exec, "PQexec"),
        lib->bind(p.exec_params, "PQexecParams"), lib->bind(p.finish, "PQfinish"),
        lib->bind(p.getisnull, "PQgetisnull"), lib->bind(p.getlength, "PQgetlength"),
        lib->bind(p.getvalue, "PQgetvalue"), lib->bind(p.ntuples, "PQntuples"),
        lib->bind(p.result_error_field, "PQresultErrorField"),
        lib->bind(p.result_error_message, "PQresultErrorMessage"),
        lib->bind(p.result_status, "PQresultStatus"),
        lib->bind(p.set_notice_processor, "PQsetNoticeProcessor"), lib->bind(p.status, "PQstatus")})
    if (!s.ok()) return s;
  return p;
}

// libpq, loaded once (thread-safe: a function-local static).
const Expected<Pq>& pq_loaded() {
  static const Expected<Pq> loaded = load_pq();
  return loaded;
}

// The loaded table. Precondition: pq_loaded() succeeded (open_postgres checks it first).
const Pq& pq() { return pq_loaded().value(); }

struct ResultDeleter {
  void operator()(PGresult* r) const { pq().clear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// `?N` placeholders as `$N` (our statements hold no `?` inside string literals).
std::string dollar_params(std::string_view sql) {
  std::string out(sql);
  for (char& c : out)
    if (c == '?') c = '$';
  return out;
}

// SQLSTATE classes of a lost or refused connection: 08 (connection exception), 57P01-57P03
// (administrator shutdown, crash shutdown, cannot connect now).
bool connection_state(const char* sqlstate) {
  if (!sqlstate) return false;
  const std::string_view s(sqlstate);
  return s.starts_with("08") || s == "57P01" || s == "57P02" || s == "57P03";
}

class PgConnection;

class PgCursor final : public Cursor {
 public:
  PgCursor(PgConnection& c, std::string sql) : c_(c), sql_(std::move(sql)) {}
  void bind_int(int i, std::int64_t v) override { set(i, std::to_string(v), 0); }
  void bind_real(int i, double v) override { set(i, std::to_string(v), 0); }
  void bind_text(int i, std::string_view v) override { set(i, std::string(v), 0); }
  void bind_blob(int i, std::string_view v) override { set(i, std::string(v), 1); }
  void bind_null(int i) override {
    grow(i);
    values_[static_cast<std::size_t>(i - 1)].reset();
  }
  bool step(Status& error) override;
  void reset() override {
    result_.reset();
    row_ = -1;
    values_.clear();
    formats_.clear();
  }
  std::int64_t integer(int col) const override {
    return std::strtoll(pq().getvalue(result_.get(), row_, col), nullptr, 10);
  }
  double real(int col) const override {
    return std::strtod(pq().getvalue(result_.get(), row_, col), nullptr);
  }
  bool is_null(int col) const override { return pq().getisnull(result_.get(), row_, col) != 0; }
  std::string text(int col) const override {
    return std::string(pq().getvalue(result_.get(), row_, col),
                       static_cast<std::size_t>(pq().getlength(result_.get(), row_, col)));
  }

 private:
  void grow(int i) {
    const auto n = static_cast<std::size_t>(i);
    if (values_.size() < n) {
      values_.resize(n);
      formats_.resize(n, 0);
    }
  }
  void set(int i, std::string v, int format) {
    grow(i);
    values_[static_cast<std::size_t>(i - 1)] = std::move(v);
    formats_[static_cast<std::size_t>(i - 1)] = format;
  }

  PgConnection& c_;
  std::string sql_;
  std::vector<std::optional<std::string>> values_;
  std::vector<int> formats_;
  Result result_;
  int row_ = -1;
};

class PgConnection final : public Connection {
 public:
  PgConnection(std::string url, int retry_seconds)
      : url_(std::move(url)), retry_seconds_(retry_seconds) {}
  ~PgConnection() override {
    if (conn_) pq().finish(conn_);
  }

  Status connect() {
    if (conn_) pq().finish(conn_);
    conn_ = pq().connectdb(url_.c_str());
    if (pq().status(conn_) != CONNECTION_OK) return failure("cannot connect");
    pq().set_notice_processor(
        conn_, [](void*, const char*) {}, nullptr);
    return {};
  }

  // Runs one statement; a lost connection outside a transaction is re-established and the
  // statement sent again.
  Expected<Result> execute(const std::string& sql, const std::vector<std::optional<std::string>>& v,
                           const std::vector<int>& formats) {
    // Reconnecting failed once: every later statement fails at once with the same message.
    if (!gone_.ok()) return gone_;
    for (;;) {
      std::vector<const char*> values;
      std::vector<int> lengths;
      for (const auto& p : v) {
        values.push_back(p ? p->data() : nullptr);
        lengths.push_back(p ? static_cast<int>(p->size()) : 0);
      }
      // Without parameters: the simple protocol, which takes several statements at once.
      Result r(v.empty() ? pq().exec(conn_, sql.c_str())
                         : pq().exec_params(conn_, sql.c_str(), static_cast<int>(v.size()), nullptr,
                                            values.data(), lengths.data(), formats.data(), 0));
      const auto st = r ? pq().result_status(r.get()) : PGRES_FATAL_ERROR;
      if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        lost_ = false;
        return r;
      }
      const char* state = r ? pq().result_error_field(r.get(), PG_DIAG_SQLSTATE) : nullptr;
      lost_ = pq().status(conn_) != CONNECTION_OK || connection_state(state);
      std::string msg = r ? pq().result_error_message(r.get()) : pq().error_message(conn_);
      if (msg.empty()) msg = pq().error_message(conn_);
      if (!lost_ || in_tx_) return Status::error("datastore: " + trimmed(msg));
      if (Status s = reconnect(); !s.ok()) return s;
    }
  }

  Status exec(std::string_view sql) override {
    auto r = execute(std::string(sql), {}, {});
    return r ? Status() : r.status();
  }
  Expected<Statement> prepare(std::string_view sql) override {
    return Statement(std::make_unique<PgCursor>(*this, dollar_params(sql)));
  }
  Status begin() override {
    Status s = exec("BEGIN");
    in_tx_ = s.ok();
    return s;
  }
  Status commit() override {
    Status s = exec("COMMIT");
    in_tx_ = false;
    return s;
  }
  void rollback() override {
    if (pq().status(conn_) == CONNECTION_OK) (void)exec("ROLLBACK");
    in_tx_ = false;
  }
  bool postgres() const override { return true; }
  bool lost() const override { return lost_; }

  Status reconnect() override {
    in_tx_ = false;
    const auto deadline = Clock::now() + std::chrono::seconds(retry_seconds_);
    auto wait = std::chrono::milliseconds(250);
    Status last;
    int tries = 0;
    for (;;) {
      ++tries;
      last = connect();
      if (last.ok()) {
        lost_ = false;
        return {};
      }
      if (Clock::now() + wait > deadline) break;
      std::this_thread::sleep_for(wait);
      wait = std::min(wait * 2, std::chrono::milliseconds(4000));
    }
    lost_ = false;
    gone_ = Status::error("datastore " + mask_url(url_) + ": the connection was lost and " +
                          std::to_string(tries) + " attempts to reconnect over " +
                          std::to_string(retry_seconds_) + " s failed (" + last.message() + ")");
    return gone_;
  }

 private:
  static std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
  }
  Status failure(const std::string& what) {
    return Status::error("datastore " + mask_url(url_) + ": " + what + ": " +
                         trimmed(pq().error_message(conn_)));
  }

  std::string url_;
  int retry_seconds_;
  PGconn* conn_ = nullptr;
  bool in_tx_ = false;
  bool lost_ = false;
  Status gone_;
};

bool PgCursor::step(Status& error) {
  if (!result_) {
    auto r = c_.execute(sql_, values_, formats_);
    if (!r) {
      error = r.status();
      return false;
    }
    result_ = std::move(*r);
    row_ = -1;
  }
  return ++row_ < pq().ntuples(result_.get());
}

}  // namespace

bool is_postgres_url(std::string_view name) {
  return name.starts_with("postgresql://") || name.starts_with("postgres://");
}

std::string mask_url(std::string_view url) {
  std::string out(url);
  if (const auto scheme = out.find("://"); scheme != std::string::npos) {
    const auto host = scheme + 3;
    const auto at = out.find('@', host);
    const auto slash = out.find('/', host);
    const auto colon = out.find(':', host);
    if (at != std::string::npos && (slash == std::string::npos || at < slash) &&
        colon != std::string::npos && colon < at)
      out.replace(colon + 1, at - colon - 1, "***");
  }
  for (auto p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    const auto end = out.find('&', p);
    out.replace(p + 9, (end == std::string::npos ? out.size() : end) - p - 9, "***");
  }
  return out;
}

Expected<std::unique_ptr<Connection>> open_postgres(const std::string& url, int retry_seconds) {
  if (const auto& lib = pq_loaded(); !lib) return lib.status();
  auto c = std::make_unique<PgConnection>(url, retry_seconds);
  // The first connection is not retried: a wrong URL or password is reported at once.
  if (Status s = c->connect(); !s.ok()) return s;
  return std::unique_ptr<Connection>(std::move(c));
}

}  // namespace reachscan::datastore
