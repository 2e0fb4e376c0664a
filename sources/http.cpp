#include "sources/http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <memory>

#include "codec/codec.h"
#include "core/shared_library.h"

namespace reachscan::sources {
namespace {

// The libcurl functions used here, loaded on first use (core/shared_library.h): only
// organisation scans pay for libcurl and its dependencies.
struct Curl {
  decltype(curl_global_init)* global_init = nullptr;
  decltype(curl_easy_init)* easy_init = nullptr;
  decltype(curl_easy_cleanup)* easy_cleanup = nullptr;
  decltype(curl_easy_setopt)* easy_setopt = nullptr;
  decltype(curl_easy_perform)* easy_perform = nullptr;
  decltype(curl_easy_getinfo)* easy_getinfo = nullptr;
  decltype(curl_easy_strerror)* easy_strerror = nullptr;
  decltype(curl_slist_append)* slist_append = nullptr;
  decltype(curl_slist_free_all)* slist_free_all = nullptr;
  decltype(curl_getdate)* getdate = nullptr;
};

Expected<Curl> load_curl() {
  auto lib = SharedLibrary::open("libcurl.so.4", "libcurl4", "organisation scans (forge APIs)");
  if (!lib) return lib.status();
  Curl c;
  for (Status s :
       {lib->bind(c.global_init, "curl_global_init"), lib->bind(c.easy_init, "curl_easy_init"),
        lib->bind(c.easy_cleanup, "curl_easy_cleanup"),
        lib->bind(c.easy_setopt, "curl_easy_setopt"),
        lib->bind(c.easy_perform, "curl_easy_perform"),
        lib->bind(c.easy_getinfo, "curl_easy_getinfo"),
        lib->bind(c.easy_strerror, "curl_easy_strerror"),
        lib->bind(c.slist_append, "curl_slist_append"),
        lib->bind(c.slist_free_all, "curl_slist_free_all"), lib->bind(c.getdate, "curl_getdate")})
    if (!s.ok()) return s;
  if (const CURLcode code = c.global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK)
    return Status::error("cannot initialise libcurl: " + std::string(c.easy_strerror(code)));
  return c;
}

// libcurl, loaded and initialised once (thread-safe: a function-local static).
const Expected<Curl>& curl() {
  static const Expected<Curl> loaded = load_curl();
  return loaded;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl()->easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* s) const { curl()->slist_free_all(s); }
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

struct Transfer {
  HttpResponse* response;
  std::size_t max_body;
  bool too_big = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t len = size * n;
  if (t->response->body.size() + len > t->max_body) {
    t->too_big = true;
    return 0;  // aborts the transfer
  }
  t->response->body.append(data, len);
  return len;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t len = size * n;
  const std::string_view line(data, len);
  // NOTE: an interim answer (100 Continue) has its own header block; keep the final one's.
  if (line.starts_with("HTTP/")) t->response->headers.clear();
  const auto colon = line.find(':');
  if (colon != std::string_view::npos)
    t->response->headers[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
  return len;
}

bool is_transient(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string redact_url(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto host_start = scheme + 3;
  const auto path = url.find_first_of("/?#", host_start);
  const auto at = url.rfind('@', path == std::string::npos ? url.size() : path);
  if (at == std::string::npos || at < host_start) return url;
  return url.substr(0, host_start) + url.substr(at + 1);
}

std::string url_host(const std::string& url) {
  const std::string clean = redact_url(url);
  const auto scheme = clean.find("://");
  if (scheme == std::string::npos) return "";
  const auto start = scheme + 3;
  const auto end = clean.find_first_of("/?#", start);
  std::string authority = clean.substr(start, end == std::string::npos ? end : end - start);
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    return lower(authority.substr(0, close == std::string::npos ? close : close + 1));
  }
  return lower(authority.substr(0, authority.find(':')));
}

std::string url_origin(const std::string& url) {
  const std::string clean = redact_url(url);
  const auto scheme_end = clean.find("://");
  if (scheme_end == std::string::npos) return "";
  const std::string scheme = lower(clean.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") return "";
  const auto start = scheme_end + 3;
  const auto end = clean.find_first_of("/?#", start);
  const std::string authority =
      lower(clean.substr(start, end == std::string::npos ? end : end - start));
  const auto bracket = authority.rfind(']');
  const auto colon = authority.rfind(':');
  const bool has_port =
      colon != std::string::npos && (bracket == std::string::npos || colon > bracket);
  if (has_port) return scheme + "://" + authority;
  return scheme + "://" + authority + (scheme == "https" ? ":443" : ":80");
}

std::string url_escape(const std::string& s) { return codec::percent_encode(s); }

long long http_date(const std::string& text) {
  const auto& lib = curl();
  if (!lib) return -1;
  const std::time_t when = lib->getdate(text.c_str(), nullptr);
  return when < 0 ? -1 : static_cast<long long>(when);
}

HttpResponse http_get(const HttpRequest& request) {
  HttpResponse response;
  const auto& lib = curl();
  if (!lib) {
    response.error =
        "HTTP request to " + redact_url(request.url) + " failed: " + lib.status().message();
    return response;
  }
  const Curl& api = *lib;
  std::unique_ptr<CURL, CurlDeleter> handle(api.easy_init());
  if (!handle) {
    response.error = "cannot start an HTTP client for " + redact_url(request.url);
    return response;
  }
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  for (const std::string& h : request.headers) {
    curl_slist* next = api.slist_append(headers.get(), h.c_str());
    if (!next) {
      response.error = "out of memory building the request to " + redact_url(request.url);
      return response;
    }
    (void)headers.release();
    headers.reset(next);
  }
  Transfer transfer{&response, request.max_body};
  char errbuf[CURL_ERROR_SIZE] = {0};
  CURL* c = handle.get();
  api.easy_setopt(c, CURLOPT_URL, request.url.c_str());
  api.easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  api.easy_setopt(c, CURLOPT_USERAGENT, "reachscan");
  api.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  api.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  api.easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  api.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
  api.easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(request.timeout.count()));
  api.easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  api.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  api.easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  api.easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  api.easy_setopt(c, CURLOPT_HEADERDATA, &transfer);
  const CURLcode code = api.easy_perform(c);
  if (code != CURLE_OK) {
    const std::string why =
        transfer.too_big ? "answer larger than " + std::to_string(request.max_body >> 20) + " MiB"
        : errbuf[0]      ? std::string(errbuf)
                         : std::string(api.easy_strerror(code));
    response.error = "HTTP request to " + redact_url(request.url) + " failed: " + why;
    response.transient = !transfer.too_big && is_transient(code);
    response.headers.clear();
    response.body.clear();
    return response;
  }
  api.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  char* location = nullptr;
  if (api.easy_getinfo(c, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location)
    response.redirect_url = location;
  return response;
}

}  // namespace reachscan::sources
