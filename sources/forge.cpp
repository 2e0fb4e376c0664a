#include "sources/forge.h"

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "sources/http.h"

namespace reachscan::sources {
namespace {

using json = nlohmann::json;
using std::chrono::seconds;

bool is_github(const ForgeQuery& q) { return q.kind != ForgeQuery::Kind::kGitlabGroup; }

std::string forge_name(const ForgeQuery& q) { return is_github(q) ? "GitHub" : "GitLab"; }

std::string what_is_listed(const ForgeQuery& q) {
  switch (q.kind) {
    case ForgeQuery::Kind::kGithubOrg:
      return "GitHub organisation " + q.name;
    case ForgeQuery::Kind::kGithubUser:
      return "GitHub user " + q.name;
    case ForgeQuery::Kind::kGitlabGroup:
      return "GitLab group " + q.name;
  }
  return q.name;
}

// The API root without a trailing slash. A bare host (no path) gets the forge's API path, so
// "https://ghe.example.com" works as well as "https://ghe.example.com/api/v3".
Expected<std::string> api_root(const ForgeQuery& q) {
  std::string base = q.api_base;
  if (base.empty())
    return std::string(is_github(q) ? "https://api.github.com" : "https://gitlab.com/api/v4");
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (url_origin(base).empty())
    return Status::error("the " + forge_name(q) +
                         " API base URL must be http:// or https://: " + redact_url(base));
  if (redact_url(base) != base)
    return Status::error("the " + forge_name(q) +
                         " API base URL must not carry credentials; give the token instead");
  const auto path = base.find('/', base.find("://") + 3);
  const bool bare_host = path == std::string::npos;
  const bool public_api = url_host(base) == "api.github.com";
  if (bare_host && !public_api) base += is_github(q) ? "/api/v3" : "/api/v4";
  return base;
}

Expected<std::string> first_url(const ForgeQuery& q, const std::string& root) {
  if (q.name.empty()) return Status::error(what_is_listed(q) + "<empty>: a name is required");
  const bool has_slash = q.name.find('/') != std::string::npos;
  if (is_github(q) && has_slash)
    return Status::error("invalid " + what_is_listed(q) + ": a GitHub name has no '/'");
  const std::string name = url_escape(q.name);
  switch (q.kind) {
    case ForgeQuery::Kind::kGithubOrg:
      return root + "/orgs/" + name + "/repos?type=all&per_page=100";
    case ForgeQuery::Kind::kGithubUser:
      return root + "/users/" + name + "/repos?type=owner&per_page=100";
    case ForgeQuery::Kind::kGitlabGroup:
      return root + "/groups/" + name +
             "/projects?per_page=100&include_subgroups=" + (q.include_subgroups ? "true" : "false");
  }
  return Status::error("unknown forge");
}

std::vector<std::string> request_headers(const ForgeQuery& q) {
  std::vector<std::string> h;
  if (is_github(q)) {
    h.emplace_back("Accept: application/vnd.github+json");
    h.emplace_back("X-GitHub-Api-Version: 2022-11-28");
    if (!q.token.empty()) h.push_back("Authorization: Bearer " + q.token);
  } else {
    h.emplace_back("Accept: application/json");
    if (!q.token.empty()) h.push_back("PRIVATE-TOKEN: " + q.token);
  }
  return h;
}

std::string header(const HttpResponse& r, const std::string& name) {
  const auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string() : it->second;
}

// Seconds to wait before retrying a rate-limited answer, with the header that said so; nullopt
// when the answer is not a rate limit.
struct RateLimitWait {
  long long seconds;
  std::string source;
};

long long parse_seconds(const std::string& s) {
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return -1;
  return s.size() > 12 ? -1 : std::stoll(s);
}

std::optional<RateLimitWait> rate_limit_wait(const HttpResponse& r) {
  if (r.status != 403 && r.status != 429) return std::nullopt;
  const std::string retry_after = header(r, "retry-after");
  if (!retry_after.empty()) {
    long long s = parse_seconds(retry_after);
    if (s < 0) {  // an HTTP date
      const long long when = http_date(retry_after);
      if (when >= 0) s = std::max<long long>(0, when - std::time(nullptr));
    }
    if (s >= 0) return RateLimitWait{std::max<long long>(s, 1), "Retry-After"};
  }
  std::string remaining = header(r, "x-ratelimit-remaining");
  std::string reset = header(r, "x-ratelimit-reset");
  std::string reset_name = "X-RateLimit-Reset";
  if (remaining.empty()) {
    remaining = header(r, "ratelimit-remaining");
    reset = header(r, "ratelimit-reset");
    reset_name = "RateLimit-Reset";
  }
  if (remaining == "0") {
    const long long at = parse_seconds(reset);
    if (at >= 0) {
      const long long now = static_cast<long long>(std::time(nullptr));
      return RateLimitWait{std::max<long long>(at - now + 1, 1), reset_name};
    }
  }
  // GitHub's secondary rate limit: a 403 without these headers; its documentation asks for at
  // least one minute.
  if (r.body.find("rate limit") != std::string::npos)
    return RateLimitWait{60, "secondary rate limit"};
  return std::nullopt;
}

void notice(const ForgeQuery& q, const std::string& text) {
  if (q.on_notice) q.on_notice(text);
}

// A short message the forge put in an error body ({"message": "..."}), for the user.
std::string forge_message(const HttpResponse& r) {
  const json doc = json::parse(r.body, nullptr, false);
  if (doc.is_object()) {
    for (const char* key : {"message", "error_description", "error"}) {
      const auto it = doc.find(key);
      if (it != doc.end() && it->is_string()) return ": " + it->get<std::string>().substr(0, 200);
    }
  }
  return "";
}

class Session {
 public:
  explicit Session(const ForgeQuery& q) : q_(q), headers_(request_headers(q)) {}

  // GETs `url`, waiting out rate limits and retrying 5xx answers; the 2xx response or an error.
  Expected<HttpResponse> get(const std::string& url) {
    const std::string host = url_host(url);
    int retries = 0;
    int redirects = 0;
    auto backoff = q_.retry_backoff;
    std::string target = url;
    for (;;) {
      HttpResponse r = http_get(HttpRequest{target, headers_});
      if (r.status >= 200 && r.status < 300) return r;
      if (r.status >= 300 && r.status < 400 && !r.redirect_url.empty()) {
        // NOTE: the token goes with every request, so a redirect is followed only within the
        // API's host (a renamed organisation); elsewhere it is refused.
        if (url_origin(r.redirect_url) != url_origin(url))
          return Status::error(redact_url(target) + " redirects to another host (" +
                               url_host(r.redirect_url) + "); refused");
        if (++redirects > 5) return Status::error("too many redirects from " + redact_url(url));
        target = r.redirect_url;
        continue;
      }
      if (const auto wait = rate_limit_wait(r)) {
        if (Status s = wait_out(host, *wait); !s.ok()) return s;
        continue;
      }
      const bool retryable = r.status == 0 ? r.transient : r.status >= 500;
      if (!retryable || retries >= q_.max_retries) return failure(target, r, retries);
      ++retries;
      notice(q_, (r.status == 0 ? r.error : "HTTP " + std::to_string(r.status) + " from " + host) +
                     ": retrying in " + describe(backoff) + " (retry " + std::to_string(retries) +
                     " of " + std::to_string(q_.max_retries) + ")");
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }
  }

 private:
  static std::string describe(std::chrono::milliseconds d) {
    if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
    return std::to_string(d.count()) + " ms";
  }

  Status wait_out(const std::string& host, const RateLimitWait& wait) {
    const long long left = q_.max_wait.count() - waited_;
    if (wait.seconds > left)
      return Status::error("rate limited by " + host + ": " + wait.source + " asks to wait " +
                           std::to_string(wait.seconds) + " s, more than the " +
                           std::to_string(left) + " s left of the maximum wait (" +
                           std::to_string(q_.max_wait.count()) + " s); try again later");
    notice(q_, "rate limited by " + host + ": waiting " + std::to_string(wait.seconds) + " s (" +
                   wait.source + ")");
    std::this_thread::sleep_for(seconds(wait.seconds));
    waited_ += wait.seconds;
    return Status();
  }

  Status failure(const std::string& url, const HttpResponse& r, int retries) const {
    const std::string where = redact_url(url);
    const std::string after =
        retries > 0 ? " (after " + std::to_string(retries) + " retries)" : std::string();
    if (r.status == 0) return Status::error(r.error + after);
    if (r.status == 404)
      return Status::error(what_is_listed(q_) + " not found (HTTP 404 from " + where + ")" +
                           (q_.token.empty() ? "" : "; or the token given cannot see it"));
    if (r.status == 401)
      return Status::error(forge_name(q_) + " refused the request (HTTP 401 from " + where +
                           forge_message(r) +
                           "): " + (q_.token.empty() ? "a token is required" : "check the token"));
    return Status::error("HTTP " + std::to_string(r.status) + " from " + where + forge_message(r) +
                         after);
  }

  const ForgeQuery& q_;
  std::vector<std::string> headers_;
  long long waited_ = 0;
};

// Bounds on a listing: 10,000 pages of 100 are a million repositories.
constexpr std::size_t kMaxPages = 10000;
constexpr std::size_t kMaxUrlBytes = 8192;

// The URL of the `rel="next"` entry of a Link header, "" if none.
std::string link_next(const std::string& link) {
  std::size_t pos = 0;
  while ((pos = link.find('<', pos)) != std::string::npos) {
    const auto close = link.find('>', pos);
    if (close == std::string::npos) return "";
    const std::string target = link.substr(pos + 1, close - pos - 1);
    const auto next_entry = link.find('<', close);
    const std::string params = link.substr(
        close + 1, next_entry == std::string::npos ? std::string::npos : next_entry - close - 1);
    if (params.find("rel=\"next\"") != std::string::npos ||
        params.find("rel=next") != std::string::npos)
      return target;
    pos = close;
  }
  return "";
}

// `url` with its `page` query parameter set to `page`.
std::string with_page(const std::string& url, const std::string& page) {
  const auto q = url.find('?');
  if (q == std::string::npos) return url + "?page=" + page;
  std::string out = url.substr(0, q + 1);
  std::string query = url.substr(q + 1);
  std::string kept;
  std::size_t start = 0;
  while (start <= query.size()) {
    auto amp = query.find('&', start);
    if (amp == std::string::npos) amp = query.size();
    const std::string param = query.substr(start, amp - start);
    if (!param.empty() && !param.starts_with("page=")) kept += param + "&";
    start = amp + 1;
  }
  return out + kept + "page=" + url_escape(page);
}

Expected<std::string> next_url(const ForgeQuery& q, const std::string& url, const HttpResponse& r) {
  std::string next = link_next(header(r, "link"));
  if (next.empty() && !is_github(q)) {
    const std::string page = header(r, "x-next-page");
    if (!page.empty()) next = with_page(url, page);
  }
  if (next.empty()) return next;
  // NOTE: the token goes with every request; a pagination link to another host would hand it
  // to that host, so it is refused.
  if (url_origin(next) != url_origin(url))
    return Status::error("the pagination link in the answer from " + redact_url(url) +
                         " points to another host (" + url_host(next) + "); refused");
  // A link that grows with every page (or a listing without end) would be followed forever.
  if (next.size() > kMaxUrlBytes)
    return Status::error("the pagination link of " + what_is_listed(q) + " is longer than " +
                         std::to_string(kMaxUrlBytes) + " bytes; refused");
  return next;
}

std::string str(const json& o, const char* key) {
  const auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool flag(const json& o, const char* key) {
  const auto it = o.find(key);
  return it != o.end() && it->is_boolean() && it->get<bool>();
}

RemoteRepo github_repo(const json& o) {
  RemoteRepo r{str(o, "full_name"),
               str(o, "clone_url"),
               flag(o, "fork"),
               flag(o, "archived"),
               str(o, "visibility"),
               str(o, "default_branch"),
               true};
  if (r.visibility.empty() && o.contains("private"))
    r.visibility = flag(o, "private") ? "private" : "public";
  return r;
}

RemoteRepo gitlab_repo(const json& o) {
  const auto fork = o.find("forked_from_project");
  return RemoteRepo{str(o, "path_with_namespace"),
                    str(o, "http_url_to_repo"),
                    fork != o.end() && !fork->is_null(),
                    flag(o, "archived"),
                    str(o, "visibility"),
                    str(o, "default_branch"),
                    true};
}

bool wanted(const ForgeQuery& q, const RemoteRepo& r) {
  if (r.fork && !q.include_forks) return false;
  if (r.archived && !q.include_archived) return false;
  return q.visibility.empty() || q.visibility == r.visibility;
}

Status add_page(const ForgeQuery& q, const std::string& url, const std::string& body,
                std::vector<RemoteRepo>& out) {
  const json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded())
    return Status::error("malformed JSON from " + redact_url(url) + " (" +
                         std::to_string(body.size()) + " bytes that do not parse)");
  if (!doc.is_array())
    return Status::error("unexpected answer from " + redact_url(url) +
                         ": a JSON list of repositories was expected, got a JSON " +
                         doc.type_name());
  for (const json& item : doc) {
    if (!item.is_object())
      return Status::error("unexpected answer from " + redact_url(url) +
                           ": an entry of the list is not a JSON object");
    RemoteRepo repo = is_github(q) ? github_repo(item) : gitlab_repo(item);
    if (repo.name.empty() || repo.clone_url.empty())
      return Status::error("unexpected answer from " + redact_url(url) +
                           ": an entry has no repository name or clone URL");
    repo.clone_url = redact_url(repo.clone_url);
    if (wanted(q, repo)) out.push_back(std::move(repo));
  }
  return Status();
}

}  // namespace

std::string token_user_for(ForgeQuery::Kind kind) {
  return kind == ForgeQuery::Kind::kGitlabGroup ? "oauth2" : "x-access-token";
}

Expected<std::vector<RemoteRepo>> list_repositories(const ForgeQuery& query) {
  auto root = api_root(query);
  if (!root) return root.status();
  auto url = first_url(query, *root);
  if (!url) return url.status();
  Session session(query);
  std::vector<RemoteRepo> repos;
  std::set<std::string> seen_urls;
  std::string current = *url;
  std::size_t pages = 0;
  while (!current.empty()) {
    if (++pages > kMaxPages)
      return Status::error("the listing of " + what_is_listed(query) + " goes on past " +
                           std::to_string(kMaxPages) + " pages; refused");
    if (!seen_urls.insert(current).second)
      return Status::error("the pagination of " + what_is_listed(query) + " loops back to " +
                           redact_url(current));
    auto page = session.get(current);
    if (!page) return page.status();
    if (Status s = add_page(query, current, page->body, repos); !s.ok()) return s;
    auto next = next_url(query, current, *page);
    if (!next) return next.status();
    current = *next;
  }
  return repos;
}

}  // namespace reachscan::sources
