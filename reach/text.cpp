#include "reach/text.h"

#include <algorithm>
#include <cctype>

namespace reachscan::reach::detail {
namespace {

// ASCII lower case without a locale lookup (keys are matched a lot).
char lc(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (lc(s[i]) != lc(prefix[i])) return false;
  return true;
}

// Removes surrounding quotes and trailing punctuation from a value.
std::string clean_value(std::string_view v) {
  v = trim(v);
  // A list: its first element (allowed_account_ids = ["1111"], branches: [main]).
  if (v.size() > 1 && v.front() == '[') {
    const std::size_t close = v.find(']');
    if (close == std::string_view::npos || v.find('[', 1) < close) return {};
    v = v.substr(1, close - 1);
    v = trim(v.substr(0, std::min(v.size(), v.find(','))));
  }
  if (v.empty()) return {};
  const char q = v.front();
  if (q == '"' || q == '\'' || q == '`') {
    const std::size_t close = v.find(q, 1);
    return std::string(close == std::string_view::npos ? v.substr(1) : v.substr(1, close - 1));
  }
  std::size_t end = 0;
  while (end < v.size() && !is_space(v[end]) && v[end] != ',' && v[end] != ';' && v[end] != ')' &&
         v[end] != '}' && v[end] != '#' && v[end] != '(')
    ++end;
  if (end < v.size() && v[end] == '(') return {};  // a call: code, not a value
  return std::string(v.substr(0, end));
}

// The key in the text before a separator: `ENV["RAILS_ENV"] ||` -> rails_env,
// `process.env.NODE_ENV` -> process.env.node_env, `"environment"` -> environment.
std::string clean_key(std::string_view k) {
  k = trim(k);
  while (!k.empty() && (k.back() == '|' || k.back() == '&' || k.back() == '+' || k.back() == '?' ||
                        k.back() == ':' || k.back() == '-' || is_space(k.back())))
    k.remove_suffix(1);
  while (!k.empty() && (k.back() == ']' || k.back() == '"' || k.back() == '\'' || k.back() == ')'))
    k.remove_suffix(1);
  std::size_t start = k.size();
  while (start > 0) {
    const char c = k[start - 1];
    if (!(is_alnum(c) || c == '_' || c == '.' || c == '-' || c == '$')) break;
    --start;
  }
  std::string_view key = k.substr(start);
  while (!key.empty() && (key.front() == '.' || key.front() == '-' || key.front() == '$'))
    key.remove_prefix(1);
  if (key.empty()) return {};
  // A key must be short and contain a letter; anything else is prose or code.
  if (key.size() > 80) return {};
  if (std::none_of(key.begin(), key.end(),
                   [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }))
    return {};
  return std::string(key);
}

// Where the next field of an inline object starts: the first ',' after `pos` outside quotes,
// brackets and braces; npos when there is none.
std::size_t next_field(std::string_view s, std::size_t pos) {
  char quote = 0;
  int nest = 0;
  for (std::size_t i = pos; i < s.size(); ++i) {
    const char c = s[i];
    if (quote) {
      if (c == '\\')
        ++i;
      else if (c == quote)
        quote = 0;
      continue;
    }
    if (c == '"' || c == '\'')
      quote = c;
    else if (c == '[' || c == '{' || c == '(')
      ++nest;
    else if (c == ']' || c == '}' || c == ')') {
      if (nest == 0) return std::string_view::npos;
      --nest;
    } else if (c == ',' && nest == 0)
      return i;
  }
  return std::string_view::npos;
}

bool looks_like_host(std::string_view h) {
  if (h.empty() || h.size() > 253) return false;
  for (char c : h)
    if (!(is_alnum(c) || c == '.' || c == '-' || c == '_' || c == ':' || c == '[' || c == ']'))
      return false;
  return is_alnum(h.front()) || h.front() == '[';
}

}  // namespace

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_space(s.front()) || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (is_space(s.back()) || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// An opener's key as lower-cased words joined by '.': `resource "aws_x" "prod"` ->
// resource.aws_x.prod, `"production"` -> production.
std::string key_of(std::string_view k) {
  std::string out, cur;
  auto flush = [&] {
    if (cur.empty()) return;
    if (!out.empty()) out.push_back('.');
    out += cur;
    cur.clear();
  };
  for (char ch : k) {
    if (ch == ' ' || ch == '\t' || ch == '"' || ch == '\'' || ch == '.' || ch == '=' || ch == ':' ||
        ch == '(' || ch == ')') {
      flush();
    } else {
      cur.push_back(lc(ch));
    }
  }
  flush();
  return out;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lc(c);
  return out;
}

std::vector<std::string> words_of(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(std::move(cur));
    cur.clear();
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (!is_alnum(c)) {
      flush();
      continue;
    }
    const bool upper = std::isupper(static_cast<unsigned char>(c)) != 0;
    if (upper && i > 0 && std::islower(static_cast<unsigned char>(s[i - 1]))) flush();
    cur.push_back(lc(c));
  }
  flush();
  return out;
}

std::string normalize_path(std::string_view path) {
  std::string p(path);
  std::replace(p.begin(), p.end(), '\\', '/');
  std::string out;
  if (!p.empty() && p[0] == '/') out.push_back('/');
  std::size_t i = 0;
  while (i <= p.size()) {
    std::size_t j = p.find('/', i);
    if (j == std::string::npos) j = p.size();
    const std::string_view seg(p.data() + i, j - i);
    if (!seg.empty() && seg != ".") {
      if (!out.empty() && out.back() != '/') out.push_back('/');
      out.append(seg);
    }
    i = j + 1;
  }
  return out;
}

std::string host_of(std::string_view v) {
  v = trim(v);
  const std::size_t scheme = v.find("://");
  if (scheme != std::string_view::npos) v.remove_prefix(scheme + 3);
  std::size_t token_end = 0;
  while (token_end < v.size() && !is_space(v[token_end]) && v[token_end] != '"' &&
         v[token_end] != '\'' && v[token_end] != ',' && v[token_end] != ';' && v[token_end] != ')')
    ++token_end;
  v = v.substr(0, token_end);
  // user:password@host: the password may hold '/', so the authority starts after the last '@'
  // when what precedes it looks like user:password.
  const std::size_t at = v.rfind('@');
  if (at != std::string_view::npos && v.substr(0, at).find(':') != std::string_view::npos)
    v.remove_prefix(at + 1);
  std::size_t end = 0;
  while (end < v.size() && v[end] != '/' && v[end] != '?' && v[end] != '#') ++end;
  v = v.substr(0, end);
  const std::size_t at2 = v.rfind('@');
  if (at2 != std::string_view::npos) v.remove_prefix(at2 + 1);
  std::string_view host = v;
  if (!host.empty() && host.front() == '[') {  // IPv6 literal
    const std::size_t close = host.find(']');
    host = close == std::string_view::npos ? host : host.substr(0, close + 1);
  } else {
    const std::size_t colon = host.find(':');
    if (colon != std::string_view::npos) {
      // host:port, or a bare IPv6 address with more than one colon
      if (host.find(':', colon + 1) == std::string_view::npos) host = host.substr(0, colon);
    }
  }
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (!looks_like_host(host)) return {};
  std::string h = to_lower(host);
  // A bare word ("db", "redis") is a service name, not much of a host; keep it: the config may
  // name it. Values like "true" or numbers are not hosts.
  if (h == "true" || h == "false" || h == "null" || h == "none") return {};
  if (std::all_of(h.begin(), h.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return {};
  return h;
}

std::vector<std::pair<std::string, std::string>> pairs_in_line(std::string_view line) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string_view s = trim(line);
  if (s.empty()) return out;
  // Prefixes that introduce an assignment.
  for (std::string_view pre :
       {"- ", "export ", "ENV ", "ARG ", "set ", "setx ", "SetEnv ", "$env:", "declare -x "}) {
    // "env = x" assigns a key named env; "ENV NODE_ENV=x" is a Dockerfile instruction.
    if (starts_with_ci(s, pre) && s.size() > pre.size() &&
        (pre == "- " || is_alnum(s[pre.size()]) || s[pre.size()] == '_')) {
      s.remove_prefix(pre.size());
      s = trim(s);
    }
  }

  // --flag value / --flag=value
  {
    std::size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && is_space(s[i])) ++i;
      std::size_t j = i;
      while (j < s.size() && !is_space(s[j])) ++j;
      const std::string_view tok = s.substr(i, j - i);
      if (tok.size() > 3 && tok[0] == '-' && tok[1] == '-' && is_alnum(tok[2])) {
        const std::size_t eq = tok.find('=');
        if (eq != std::string_view::npos) {
          std::string v = clean_value(tok.substr(eq + 1));
          if (!v.empty()) out.emplace_back(std::string(tok.substr(0, eq)), v);
        } else {
          std::size_t k = j;
          while (k < s.size() && is_space(s[k])) ++k;
          std::size_t l = k;
          while (l < s.size() && !is_space(s[l])) ++l;
          const std::string_view next = s.substr(k, l - k);
          if (!next.empty() && next[0] != '-' && next[0] != '\\') {
            std::string v = clean_value(next);
            if (!v.empty()) out.emplace_back(std::string(tok), v);
          }
        }
      }
      i = j;
    }
  }

  // set("KEY", "value"): setenv, putenv, setProperty, Setenv, setdefault. Getters with a
  // default (get("ENV", "development"), fetch, getenv) name a fallback, not the setting.
  for (std::size_t open = s.find('('); open != std::string_view::npos;
       open = s.find('(', open + 1)) {
    std::size_t name = open;
    while (name > 0 && (is_alnum(s[name - 1]) || s[name - 1] == '_')) --name;
    const std::string fn = to_lower(s.substr(name, open - name));
    const bool setter = fn.size() >= 3 && (fn.ends_with("set") || fn.ends_with("setenv") ||
                                           fn.ends_with("putenv") || fn.ends_with("setproperty") ||
                                           fn.ends_with("setdefault") || fn.ends_with("put"));
    if (!setter) continue;
    std::string_view rest = trim(s.substr(open + 1));
    if (rest.empty() || (rest[0] != '"' && rest[0] != '\'')) continue;
    const char q = rest[0];
    const std::size_t close = rest.find(q, 1);
    if (close == std::string_view::npos) continue;
    const std::string_view key = rest.substr(1, close - 1);
    std::string_view after = trim(rest.substr(close + 1));
    if (after.empty() || after[0] != ',') continue;
    std::string v = clean_value(after.substr(1));
    const std::string k = clean_key(key);
    if (!k.empty() && !v.empty()) out.emplace_back(k, v);
  }

  // KEY=value, key: value, "key": "value", key = value, key => value, key := value; several on
  // one line in inline objects ({"type": "x", "project_id": "y"}).
  std::size_t from = 0;
  for (int count = 0; count < 16 && from < s.size(); ++count) {
    std::size_t sep = std::string_view::npos, sep_len = 0;
    char quote = 0;
    for (std::size_t i = from; i < s.size(); ++i) {
      const char c = s[i];
      if (quote) {
        if (c == quote) quote = 0;
        continue;
      }
      if (c == '"' || c == '\'') {
        quote = c;
        continue;
      }
      if (c == ':') {
        if (i + 1 < s.size() && s[i + 1] == '=') {
          sep = i, sep_len = 2;
          break;
        }
        if (i + 1 == s.size() || is_space(s[i + 1]) || s[i + 1] == '"' || s[i + 1] == '\'') {
          sep = i, sep_len = 1;
          break;
        }
        if (s.substr(i, 3) == "://") break;  // a URL before any separator
        continue;
      }
      if (c == '=') {
        if (i + 1 < s.size() && (s[i + 1] == '=' || s[i + 1] == '~')) {
          ++i;
          continue;
        }
        if (i > 0 && (s[i - 1] == '!' || s[i - 1] == '<' || s[i - 1] == '>' || s[i - 1] == '='))
          continue;
        sep = i;
        sep_len = (i + 1 < s.size() && s[i + 1] == '>') ? 2 : 1;
        break;
      }
    }
    if (sep == std::string_view::npos) break;
    // "--flag=value" was read above as a flag.
    const std::string_view before = s.substr(from, sep - from);
    const std::size_t tok = before.find_last_of(" \t");
    const std::string_view last = tok == std::string_view::npos ? before : before.substr(tok + 1);
    if (last.substr(0, 2) == "--") break;
    const std::string k = clean_key(before);
    const std::string_view rest = s.substr(sep + sep_len);
    std::string v = clean_value(rest);
    if (!k.empty() && !v.empty() && v != "|" && v != ">" && v != "{" && v != "[" && v != "|-" &&
        v != ">-")
      out.emplace_back(k, std::move(v));
    // An inline object as the value: read its fields.
    const std::string_view inner = trim(rest);
    if (!inner.empty() && inner.front() == '{') {
      from = static_cast<std::size_t>(inner.data() - s.data()) + 1;
      continue;
    }
    // Continue after the value, at the next comma (inline objects); stop otherwise.
    const std::size_t comma = next_field(s, sep + sep_len);
    if (comma == std::string_view::npos) break;
    from = comma + 1;
  }
  return out;
}

std::vector<UrlHost> url_hosts(std::string_view line) {
  std::vector<UrlHost> out;
  for (std::size_t pos = line.find("://"); pos != std::string_view::npos;
       pos = line.find("://", pos + 3)) {
    std::size_t begin = pos;
    while (begin > 0 &&
           (is_alnum(line[begin - 1]) || line[begin - 1] == '+' || line[begin - 1] == '.' ||
            line[begin - 1] == '-' || line[begin - 1] == ':'))
      --begin;
    if (begin == pos) continue;
    std::size_t end = pos + 3;
    while (end < line.size() && !is_space(line[end]) && line[end] != '"' && line[end] != '\'' &&
           line[end] != '`' && line[end] != '<' && line[end] != '>' && line[end] != ')')
      ++end;
    // The authority ends at the first '/', '?' or '#' after the last '@' (passwords may hold '/').
    std::string_view rest = line.substr(pos + 3, end - pos - 3);
    std::string h = host_of(rest);
    if (!h.empty()) out.push_back({h, begin, end});
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> arns_in_line(std::string_view line) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t pos = line.find("arn:aws"); pos != std::string_view::npos;
       pos = line.find("arn:aws", pos + 7)) {
    std::size_t end = pos;
    while (end < line.size() && !is_space(line[end]) && line[end] != '"' && line[end] != '\'' &&
           line[end] != ',')
      ++end;
    const std::string_view arn = line.substr(pos, end - pos);
    // arn:partition:service:region:account:resource
    std::vector<std::string_view> parts;
    std::size_t i = 0;
    for (int n = 0; n < 5; ++n) {
      const std::size_t c = arn.find(':', i);
      if (c == std::string_view::npos) break;
      parts.push_back(arn.substr(i, c - i));
      i = c + 1;
    }
    if (parts.size() != 5) continue;
    const std::string_view account = parts[4];
    const std::string_view resource = arn.substr(i);
    if (account.size() != 12 || !std::all_of(account.begin(), account.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c));
        }))
      continue;
    std::string cluster;
    if (parts[2] == "eks" && resource.substr(0, 8) == "cluster/") cluster = resource.substr(8);
    out.emplace_back(std::string(account), cluster);
  }
  return out;
}

}  // namespace reachscan::reach::detail
