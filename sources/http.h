// A minimal HTTP GET client over libcurl for the forge APIs (internal to sources/). libcurl is
// loaded on the first request (core/shared_library.h), so other scans never load it.
//
// One request per call, its own easy handle, no shared state besides libcurl's global init (done
// once, thread-safely). Redirects are not followed: libcurl would resend custom headers such as
// GitLab's PRIVATE-TOKEN to whatever host a redirect names, so the caller decides (see
// redirect_url). Messages name the URL with any user:password part removed and never include
// request headers.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace reachscan::sources {

struct HttpResponse {
  long status = 0;                             // 0: the transfer failed, `error` says why
  std::map<std::string, std::string> headers;  // names in lower case; the final response's
  std::string body;
  std::string redirect_url;  // a 3xx answer's absolute Location (redirects are not followed)
  std::string error;         // transport failure, naming the (redacted) URL
  bool transient = false;    // the failure is worth retrying (timeout, dropped connection)
};

struct HttpRequest {
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::chrono::seconds timeout{120};
  std::size_t max_body = 64u << 20;
};

// Performs a GET. Any HTTP status, 4xx and 5xx included, is a response with `status` set; a
// transport failure (no connection, TLS error, body over max_body) has status 0 and `error`.
[[nodiscard]] HttpResponse http_get(const HttpRequest& request);

// An HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT", as in Retry-After) as seconds since the epoch;
// -1 if it does not parse (or libcurl, which parses it, cannot be loaded).
long long http_date(const std::string& text);

// `url` without a "user:password@" part, for messages.
std::string redact_url(const std::string& url);

// "scheme://host:port" of a URL, lower-cased, the port made explicit; "" if not http(s).
std::string url_origin(const std::string& url);

// The URL's host name ("api.github.com"), "" if none.
std::string url_host(const std::string& url);

// Percent-encodes every byte except unreserved ones (so "/" becomes %2F).
std::string url_escape(const std::string& s);

}  // namespace reachscan::sources
