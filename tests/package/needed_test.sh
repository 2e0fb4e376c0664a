#!/usr/bin/env bash
# The binary's NEEDED list (issue 16, start-up time): libcurl and libpq, with their twenty-odd
# dependencies, are opened on first use by organisation scans and PostgreSQL datastores, never
# loaded at start-up. Exit 77 (skip) without readelf.
# usage: needed_test.sh BINARY
set -euo pipefail
bin=$1
command -v readelf >/dev/null || { echo "readelf missing: skipped"; exit 77; }
needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo "NEEDED: $(echo $needed)"
# Not vacuous: the list was read (every dynamic binary needs the C library).
grep -q '^libc\.so' <<<"$needed" || { echo "FAIL: no NEEDED list read from $bin" >&2; exit 1; }
if grep -E '^lib(curl|curl-gnutls|pq)\.so' <<<"$needed"; then
  echo "FAIL: $bin links libcurl or libpq at start-up" >&2
  exit 1
fi
