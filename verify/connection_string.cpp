// Connection strings: postgres(ql), mysql/mariadb, mongodb(+srv), redis(s), amqp(s) URIs, JDBC
// URLs (postgresql, mysql, mariadb, sqlserver, oracle thin) and any other
// scheme://user:password@host URI. The rules' secret is the password; the URI around it is found
// in the context, parsed, and its user, hosts, port and database kept.
//
// NOTE: written by hand rather than with a URL library: these strings are not all RFC 3986 URIs
// (MongoDB lists several hosts, SQL Server uses ;key=value properties, Oracle thin has its own
// grammar, and real passwords hold characters such as '%' that strict parsers reject), and only
// the authority's parts are needed.
#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/codec.h"
#include "verify/verifiers.h"

namespace reachscan::verify::detail {

namespace {

// NOTE: the context can be a megabyte-long minified line; these bounds keep the search linear.
constexpr std::size_t kWindow = 4096;         // bytes searched on each side of the secret
constexpr std::size_t kMaxSchemeLength = 64;  // "jdbc:postgresql", "postgresql+psycopg2", ...
constexpr std::size_t kMaxCandidates = 32;    // URI starts tried per occurrence of the secret
constexpr int kMaxOccurrences = 8;            // occurrences of the secret tried

bool is_scheme_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '.' || c == '-' || c == ':';
}
bool ends_uri(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"' || c == '\'' || c == '`' ||
         c == '<' || c == '>';
}

// Where the scheme before the "://" at `sep` starts, "jdbc:sub:" chains included; `sep` if
// there is none.
std::size_t scheme_start(std::string_view text, std::size_t sep) {
  std::size_t begin = sep;
  while (begin > 0 && sep - begin < kMaxSchemeLength && is_scheme_char(text[begin - 1])) --begin;
  // Outside a "jdbc:" chain, a ':' before the scheme belongs to something else ("url:...").
  const std::string_view scheme = text.substr(begin, sep - begin);
  if (!starts_with_icase(scheme, "jdbc:")) {
    const std::size_t colon = scheme.rfind(':');
    if (colon != std::string_view::npos) begin += colon + 1;
  }
  return begin;
}

// Where a URI starting at `begin` ends: at the first whitespace or quote, less punctuation that
// belongs to the sentence or string around it (a full stop, a closing parenthesis, a comma, the
// backslash of an escaped quote in JSON), unless the secret ends there and owns it.
std::size_t uri_end(std::string_view text, std::size_t begin, std::string_view secret) {
  std::size_t end = begin;
  while (end < text.size() && !ends_uri(text[end])) ++end;
  const bool ends_with_secret = !secret.empty() && end - begin >= secret.size() &&
                                text.substr(end - secret.size(), secret.size()) == secret;
  while (!ends_with_secret && end > begin &&
         (text[end - 1] == '\\' || text[end - 1] == ')' || text[end - 1] == ',' ||
          text[end - 1] == '.')) {
    --end;
  }
  return end;
}

// Starts of the URIs that may hold text[at, at + length): each scheme before a "://", and each
// "jdbc:", that starts at or before `at`, nearest first.
std::vector<std::size_t> candidate_starts(std::string_view text, std::size_t at,
                                          std::size_t length) {
  std::vector<std::size_t> starts;
  const std::size_t limit = at + length;
  std::size_t seen = 0;
  for (std::size_t pos = text.rfind("://", limit);
       pos != std::string_view::npos && seen < kMaxCandidates;
       pos = pos == 0 ? std::string_view::npos : text.rfind("://", pos - 1), ++seen) {
    const std::size_t begin = scheme_start(text, pos);
    if (begin < pos && begin <= at) starts.push_back(begin);
  }
  const std::string lower = to_lower(text.substr(0, limit));
  seen = 0;
  for (std::size_t pos = lower.rfind("jdbc:", at);
       pos != std::string::npos && seen < kMaxCandidates;
       pos = pos == 0 ? std::string::npos : lower.rfind("jdbc:", pos - 1), ++seen) {
    starts.push_back(pos);
  }
  std::sort(starts.begin(), starts.end(), std::greater<>());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  return starts;
}

// The URI holding `secret` in `text` (or, for an empty secret, the first URI).
std::optional<std::string_view> locate(std::string_view text, std::string_view secret) {
  if (secret.empty()) {
    text = text.substr(0, 2 * kWindow);
    const std::vector<std::size_t> starts = candidate_starts(text, text.size(), 0);
    if (starts.empty()) return std::nullopt;
    const std::size_t begin = starts.back();
    return text.substr(begin, uri_end(text, begin, secret) - begin);
  }
  std::size_t pos = text.find(secret);
  for (int n = 0; n < kMaxOccurrences && pos != std::string_view::npos; ++n) {
    const std::size_t from = pos > kWindow ? pos - kWindow : 0;
    const std::string_view window = text.substr(from, pos - from + secret.size() + kWindow);
    const std::size_t at = pos - from;
    for (const std::size_t begin : candidate_starts(window, at, secret.size())) {
      const std::size_t end = uri_end(window, begin, secret);
      if (end >= at + secret.size()) return window.substr(begin, end - begin);
    }
    pos = text.find(secret, pos + 1);
  }
  return std::nullopt;
}

std::string percent_decode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex(s[i + 1]);
      const int lo = hex(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

bool valid_host(std::string_view host) {
  if (host.empty()) return false;
  if (host.front() == '[') return host.back() == ']' && host.size() > 2;  // IPv6 literal
  for (char c : host) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == '_' || c == '%';
    if (!ok) return false;
  }
  return true;
}

struct Endpoint {
  std::string host;
  std::string port;
};

struct Parsed {
  std::string scheme;
  std::string driver;
  std::string user;
  std::optional<std::string_view> password;  // as written, not decoded
  std::vector<Endpoint> hosts;
  std::string database;
  bool jdbc = false;
};

// host[:port], with [v6]:port.
Endpoint split_host_port(std::string_view s) {
  Endpoint e;
  if (!s.empty() && s.front() == '[') {
    const std::size_t close = s.find(']');
    if (close != std::string_view::npos) {
      e.host = std::string(s.substr(0, close + 1));
      if (close + 1 < s.size() && s[close + 1] == ':') e.port = std::string(s.substr(close + 2));
      return e;
    }
  }
  const std::size_t colon = s.rfind(':');
  if (colon == std::string_view::npos) {
    e.host = std::string(s);
  } else {
    e.host = std::string(s.substr(0, colon));
    e.port = std::string(s.substr(colon + 1));
  }
  return e;
}

// key=value pairs separated by `sep` (query strings, SQL Server properties).
void read_properties(std::string_view props, char sep, Parsed& p) {
  for (std::string_view pair : split(props, sep)) {
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string key = to_lower(pair.substr(0, eq));
    const std::string_view value = pair.substr(eq + 1);
    if ((key == "password" || key == "pwd") && !p.password) {
      p.password = value;
    } else if ((key == "user" || key == "username" || key == "uid") && p.user.empty()) {
      p.user = percent_decode(value);
    } else if ((key == "databasename" || key == "database" || key == "dbname") &&
               p.database.empty()) {
      p.database = percent_decode(value);
    } else if (key == "host" && p.hosts.empty()) {
      p.hosts.push_back(split_host_port(percent_decode(value)));
    }
  }
}

// jdbc:oracle:thin:[user/password]@host:port:SID | @//host:port/service | @host:port/service
std::optional<std::string> parse_oracle_thin(std::string_view rest, Parsed& p) {
  p.scheme = "oracle";
  p.driver = "thin";
  const std::size_t at = rest.rfind('@');
  if (at == std::string_view::npos) return "Oracle thin URL has no @host";
  const std::string_view credentials = rest.substr(0, at);
  if (const std::size_t slash = credentials.find('/'); slash != std::string_view::npos) {
    p.user = std::string(credentials.substr(0, slash));
    p.password = credentials.substr(slash + 1);
  }
  std::string_view target = rest.substr(at + 1);
  if (target.substr(0, 2) == "//") target.remove_prefix(2);
  if (!target.empty() && target.front() == '(') return "Oracle TNS descriptors are not parsed";
  const std::size_t slash = target.find('/');
  std::string_view address = target.substr(0, slash);
  if (slash != std::string_view::npos) p.database = std::string(target.substr(slash + 1));
  // host:port:SID
  const std::vector<std::string_view> parts = split(address, ':');
  Endpoint e;
  e.host = std::string(parts[0]);
  if (parts.size() >= 2) e.port = std::string(parts[1]);
  if (parts.size() >= 3 && p.database.empty()) p.database = std::string(parts[2]);
  p.hosts.push_back(e);
  return std::nullopt;
}

std::optional<std::string> parse(std::string_view uri, Parsed& p) {
  if (starts_with_icase(uri, "jdbc:")) {
    p.jdbc = true;
    uri.remove_prefix(5);
    if (starts_with_icase(uri, "oracle:thin:")) return parse_oracle_thin(uri.substr(12), p);
  }
  const std::size_t sep = uri.find("://");
  if (sep == std::string_view::npos) return "no scheme://";
  std::string scheme = to_lower(uri.substr(0, sep));
  if (const std::size_t plus = scheme.find('+');
      plus != std::string::npos && scheme != "mongodb+srv") {
    p.driver = scheme.substr(plus + 1);
    scheme.resize(plus);
  }
  if (scheme == "postgres") scheme = "postgresql";
  p.scheme = scheme;
  std::string_view rest = uri.substr(sep + 3);

  // Authority ends at '/', '?', '#' or, for SQL Server, ';'. The userinfo ends at the last '@'.
  const std::size_t authority_end = rest.find_first_of("/?#;");
  const std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  std::string_view hostlist = authority;
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    p.user = percent_decode(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) p.password = userinfo.substr(colon + 1);
    hostlist = authority.substr(at + 1);
  }
  if (!hostlist.empty()) {
    for (std::string_view h : split(hostlist, ',')) p.hosts.push_back(split_host_port(h));
  }
  if (!tail.empty() && tail.front() == ';') {
    read_properties(tail.substr(1), ';', p);
    return std::nullopt;
  }
  if (!tail.empty() && tail.front() == '/') {
    const std::size_t path_end = tail.find_first_of("?#;");
    const std::string_view path =
        tail.substr(1, path_end == std::string_view::npos ? path_end : path_end - 1);
    p.database = percent_decode(path.substr(0, path.find('/')));
    tail = path_end == std::string_view::npos ? std::string_view() : tail.substr(path_end);
  }
  if (!tail.empty() && (tail.front() == '?' || tail.front() == ';')) {
    const char separator = tail.front() == ';' ? ';' : '&';
    std::string_view query = tail.substr(1);
    query = query.substr(0, query.find('#'));
    read_properties(query, separator, p);
  }
  return std::nullopt;
}

}  // namespace

Verification connection_string(const Input& in) {
  const std::optional<std::string_view> found =
      locate(in.context.empty() ? in.secret : in.context, in.secret);
  if (!found) return invalid("no connection URI holding the secret found in its context");
  const std::string_view uri = *found;

  Parsed p;
  Verification v;
  const std::optional<std::string> why = parse(uri, p);
  if (!p.scheme.empty()) v.attributes["scheme"] = p.scheme;
  if (!p.driver.empty()) v.attributes["driver"] = p.driver;
  if (p.jdbc) v.attributes["jdbc"] = "true";
  if (why) return fail(v, *why);
  // NOTE: user, database and host are only recorded once the secret is known to sit where the
  // password belongs; in a URI misparsed around it they could hold pieces of the secret.
  if (in.secret != uri && (!p.password || *p.password != in.secret)) {
    return fail(v, "the secret is not this URI's password");
  }
  if (p.hosts.empty() || p.hosts.front().host.empty()) return fail(v, "the URI names no host");
  std::string all_hosts;
  for (const Endpoint& e : p.hosts) {
    if (!valid_host(e.host)) return fail(v, "a host is not a host name or address");
    if (!e.port.empty()) {
      const std::optional<std::uint64_t> port = parse_uint(e.port);
      if (!port || *port == 0 || *port > 65535) {
        return fail(v, "a port is not a number from 1 to 65535");
      }
    }
    if (!all_hosts.empty()) all_hosts += ',';
    all_hosts += e.host + (e.port.empty() ? "" : ":" + e.port);
  }
  if (p.scheme == "mongodb+srv" && (p.hosts.size() != 1 || !p.hosts.front().port.empty())) {
    return fail(v, "mongodb+srv names exactly one host and no port");
  }
  v.attributes["host"] = p.hosts.front().host;
  if (!p.hosts.front().port.empty()) v.attributes["port"] = p.hosts.front().port;
  if (p.hosts.size() > 1) v.attributes["hosts"] = all_hosts;
  if (!p.user.empty()) v.attributes["user"] = p.user;
  if (!p.database.empty()) v.attributes["database"] = p.database;
  v.status = VerifyStatus::kValidStructure;
  v.reasons.push_back(p.scheme + " connection string to " + all_hosts +
                      (p.database.empty() ? "" : ", database " + p.database));
  return v;
}

}  // namespace reachscan::verify::detail
