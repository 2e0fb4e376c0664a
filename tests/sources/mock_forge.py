#!/usr/bin/env python3
"""A mock GitHub/GitLab REST API and smart-HTTP git server on 127.0.0.1 for the forge tests.

Usage: mock_forge.py ROUTES_JSON LOG_FILE [GIT_ROOT TOKEN]
Listens on 127.0.0.1, port chosen by the system, and prints "PORT <n>" on stdout once ready.

ROUTES_JSON maps a request path to a route:
  {"pages": [[repo, ...], ...],            # page N answers pages[N-1]
   "pagination": "link" | "x-next-page",  # default "link"
   "before": [{"status": 403, "headers": {...}, "body": ..., "reset_in": 1}, ...],
                                           # answered once each, in order, before the pages
   "raw": "text",                          # answered as is (status 200), instead of pages
   "next_link": "URL"}                     # a fixed rel="next" link on page 1
Repository entries are passed through as JSON. Any other path answers 404.
Each request is appended to LOG_FILE as a JSON line: path, query, authorization, private_token,
user_agent.

A "redirect_base" key in ROUTES makes /redirect/REST answer 302 to redirect_base + /REST.
Paths under /git/ run `git http-backend` over GIT_ROOT (smart HTTP); paths under /private-git/
do the same but first require HTTP basic authentication whose password is TOKEN.
"""
import base64
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

ROUTES = {}
LOG = None
LOG_LOCK = threading.Lock()
GIT_ROOT = None
TOKEN = None
CONSUMED = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def record(self, path, query):
        entry = {"path": path, "query": query,
                 "authorization": self.headers.get("Authorization", ""),
                 "private_token": self.headers.get("PRIVATE-TOKEN", ""),
                 "user_agent": self.headers.get("User-Agent", "")}
        with LOG_LOCK, open(LOG, "a") as f:
            f.write(json.dumps(entry) + "\n")

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def dispatch(self):
        parts = urlsplit(self.path)
        if parts.path.startswith("/redirect/") and "redirect_base" in ROUTES:
            target = ROUTES["redirect_base"] + parts.path[len("/redirect"):]
            if parts.query:
                target += "?" + parts.query
            return self.send(302, "", {"Location": target})
        if parts.path.startswith("/git/"):
            return self.git(parts, "/git")
        if parts.path.startswith("/private-git/"):
            if not self.authorised():
                return self.send(401, "", {"WWW-Authenticate": 'Basic realm="git"'})
            return self.git(parts, "/private-git")
        self.record(parts.path, parts.query)
        route = ROUTES.get(parts.path)
        if route is None:
            return self.send(404, {"message": "Not Found"})
        before = route.get("before", [])
        n = CONSUMED.get(parts.path, 0)
        if n < len(before):
            CONSUMED[parts.path] = n + 1
            answer = before[n]
            headers = dict(answer.get("headers", {}))
            if "reset_in" in answer:
                headers["X-RateLimit-Remaining"] = "0"
                headers["X-RateLimit-Reset"] = str(int(time.time()) + answer["reset_in"])
            return self.send(answer["status"], answer.get("body", ""), headers)
        if "raw" in route:
            return self.send(200, route["raw"])
        query = dict(parse_qsl(parts.query))
        page = int(query.get("page", "1"))
        pages = route["pages"]
        headers = {}
        if page < len(pages):
            query["page"] = str(page + 1)
            if route.get("pagination", "link") == "link":
                host = self.headers.get("Host")
                nxt = "http://%s%s?%s" % (host, parts.path, urlencode(query))
                headers["Link"] = '<%s>; rel="next", <%s>; rel="last"' % (nxt, nxt)
            else:
                headers["X-Next-Page"] = str(page + 1)
                headers["X-Page"] = str(page)
        if page == 1 and "next_link" in route:
            headers["Link"] = '<%s>; rel="next"' % route["next_link"]
        body = pages[page - 1] if 1 <= page <= len(pages) else []
        self.send(200, body, headers)

    def authorised(self):
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Basic "):
            return False
        user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
        return password == TOKEN and user != ""

    def git(self, parts, prefix):
        length = int(self.headers.get("Content-Length", "0") or "0")
        body = self.rfile.read(length) if length else b""
        env = dict(os.environ, GIT_PROJECT_ROOT=GIT_ROOT, GIT_HTTP_EXPORT_ALL="1",
                   PATH_INFO=parts.path[len(prefix):], QUERY_STRING=parts.query,
                   REQUEST_METHOD=self.command,
                   CONTENT_TYPE=self.headers.get("Content-Type", ""),
                   CONTENT_LENGTH=str(len(body)), REMOTE_ADDR="127.0.0.1",
                   GIT_PROTOCOL=self.headers.get("Git-Protocol", ""))
        out = subprocess.run(["git", "http-backend"], input=body, env=env,
                             capture_output=True).stdout
        head, _, payload = out.partition(b"\r\n\r\n")
        if not _:
            head, _, payload = out.partition(b"\n\n")
        status, headers = 200, {}
        for line in head.decode(errors="replace").splitlines():
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.strip().split()[0])
            elif name:
                headers[name.strip()] = value.strip()
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def main():
    global ROUTES, LOG, GIT_ROOT, TOKEN
    with open(sys.argv[1]) as f:
        ROUTES = json.load(f)
    LOG = sys.argv[2]
    GIT_ROOT = sys.argv[3] if len(sys.argv) > 3 else "/nonexistent"
    TOKEN = sys.argv[4] if len(sys.argv) > 4 else None
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
