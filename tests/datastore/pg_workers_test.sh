#!/usr/bin/env bash
# Workers of one organisation scan on a real PostgreSQL server, started here in a temporary
# folder (initdb/pg_ctl, a unix socket in that folder, no TCP). Over 30 local repositories:
#  1. 3 workers, one SIGKILLed while it holds a lease: the report equals a single-process SQLite
#     run, every clean blob is read once (the clean-blob tables match), and the survivors read
#     at most what the single process read.
#  2. The server restarted mid-scan: the workers reconnect and finish; the report is the same.
#  3. The server stopped mid-scan with a short --retry: the workers exit 2 naming the lost
#     connection; after it is back, one worker finishes the run and the report is the same.
# Exit 77 (a skip) when the PostgreSQL server binaries are not installed.
set -euo pipefail
BIN=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../support/pg_server.sh"
T=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  pg_server_cleanup
  rm -rf "$T"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
rc=0
pg_server_init "$T" || rc=$?
if [ $rc -eq 77 ]; then
  echo "SKIP: no PostgreSQL server to start"
  exit 77
fi
[ $rc -eq 0 ] || fail "the PostgreSQL server did not start"

sql() { pg_sql "$@"; }
url() { pg_url "$@"; }
server() { pg_server "$@"; }

python3 "$HERE/make_org.py" "$T/org" 30
cd "$T"
export XDG_CACHE_HOME="$T/cache"
SCAN=(repos org/list.txt --no-progress -f json)
# Exit 1 or 3: findings (the organisation has live keys); anything else is a failure.
finished() { [ "$1" -eq 1 ] || [ "$1" -eq 3 ]; }

# The reference: one process, SQLite.
rc=0
"$BIN" "${SCAN[@]}" --datastore ref.db -o ref.json 2>ref.err || rc=$?
finished $rc || { cat ref.err; fail "reference run exit $rc"; }
"$BIN" report ref.db -f json -o ref.report.json || true
REF_BLOBS=$(python3 -c "import json;print(json.load(open('ref.json'))['summary']['files_scanned'])")

same_report() {  # $1: the datastore to compare with the reference
  "$BIN" report "$1" -f json -o cmp.report.json || true
  python3 - ref.report.json cmp.report.json <<'PY' || fail "report of $1 differs from the single-process run"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
if a["findings"] != b["findings"] or not a["findings"]:
    sys.exit(1)
if a["summary"].get("findings_by_repository") != b["summary"].get("findings_by_repository"):
    sys.exit(1)
PY
}
worker_blobs() {  # blobs read by the workers whose stderr files are given
  cat "$@" | sed -n 's/.*worker: [0-9]* repositories scanned here, \([0-9]*\) blobs read.*/\1/p' |
    awk '{s += $1} END {print s + 0}'
}

# 1. Three workers, one killed while it holds a lease.
pg_createdb kill
for i in 1 2 3; do
  "$BIN" "${SCAN[@]}" --datastore "$(url kill)" --lease 3 -o w$i.json 2>w$i.err &
  PIDS+=($!)
done
VICTIM=${PIDS[0]}
killed=""
for _ in $(seq 1 600); do
  # The repository the first worker holds, read in the same statement that finds the lease.
  LEASED=$(sql kill "SELECT r.name FROM run_repos rr JOIN workers w ON w.id = rr.owner
                     JOIN repositories r ON r.id = rr.repo_id
                     WHERE w.pid = $VICTIM AND rr.state = 'leased' LIMIT 1" 2>/dev/null || true)
  if [ -n "$LEASED" ]; then
    kill -9 "$VICTIM"
    killed=yes
    break
  fi
  kill -0 "$VICTIM" 2>/dev/null || break
  sleep 0.05
done
[ -n "$killed" ] || fail "the first worker finished before it could be killed mid-scan"
for i in 2 3; do
  rc=0
  wait "${PIDS[$((i - 1))]}" || rc=$?
  finished $rc || { cat w$i.err; fail "worker $i exit $rc"; }
done
PIDS=()
same_report "$(url kill)"
REF_CLEAN=$(python3 -c "import sqlite3;print(sqlite3.connect('ref.db').execute('SELECT count(*) FROM clean_blobs').fetchone()[0])")
[ "$(sql kill "SELECT count(*) FROM clean_blobs")" = "$REF_CLEAN" ] ||
  fail "the workers' clean blobs differ from the single process's"
READ=$(worker_blobs w2.err w3.err)
LEASE_BLOBS=$(git -C "org/$LEASED" rev-list --objects --all | cut -d' ' -f1 |
  git -C "org/$LEASED" cat-file --batch-check | grep -c ' blob ' || true)
echo "single process read $REF_BLOBS blobs; surviving workers $READ; killed worker's lease $LEASED ($LEASE_BLOBS blobs)"
[ "$READ" -le "$REF_BLOBS" ] || fail "the workers read $READ blobs, more than the single process ($REF_BLOBS)"
# The killed worker may have finished repositories before its lease was seen: what it claimed
# (its finished repositories and its lease) is counted with what the survivors read.
VICTIM_CLAIMS=$(sql kill "SELECT count(*) FROM blob_claims c JOIN workers w ON w.id = c.owner
                          WHERE w.pid = $VICTIM")
[ "$((READ + VICTIM_CLAIMS))" -ge $((REF_BLOBS - LEASE_BLOBS)) ] ||
  fail "the workers read too few blobs ($READ, the killed worker claimed $VICTIM_CLAIMS)"

# 2. The server restarted mid-scan: the workers reconnect and finish.
pg_createdb restart
for i in 1 2; do
  "$BIN" "${SCAN[@]}" --datastore "$(url restart)" --lease 5 --retry 60 -o r$i.json 2>r$i.err &
  PIDS+=($!)
done
for _ in $(seq 1 600); do
  done_=$(sql restart "SELECT count(*) FROM run_repos WHERE state = 'done'" 2>/dev/null || echo 0)
  [ "${done_:-0}" -ge 2 ] && break
  sleep 0.05
done
server restart -m fast || fail "restart"
for i in 1 2; do
  rc=0
  wait "${PIDS[$((i - 1))]}" || rc=$?
  finished $rc || { cat r$i.err; fail "after a restart, worker $i exit $rc"; }
done
PIDS=()
same_report "$(url restart)"
echo "server restarted mid-scan: both workers finished, same report"

# 3. The server gone for longer than --retry: exit 2 with a clear message; nothing half-written.
pg_createdb gone
"$BIN" "${SCAN[@]}" --datastore "$(url gone)" --lease 3 --retry 2 -o g.json 2>g.err &
PIDS+=($!)
for _ in $(seq 1 600); do
  done_=$(sql gone "SELECT count(*) FROM run_repos WHERE state = 'done'" 2>/dev/null || echo 0)
  [ "${done_:-0}" -ge 2 ] && break
  sleep 0.05
done
server stop -m immediate || fail "stop"
rc=0
wait "${PIDS[0]}" || rc=$?
PIDS=()
if [ $rc -ne 2 ]; then
  # It may have finished before the server went away; then there is nothing to check here.
  finished $rc || { cat g.err; fail "with the server gone, exit $rc (expected 2)"; }
  echo "the worker finished before the server stopped"
else
  grep -Eq "connection was lost|server closed the connection" g.err || { cat g.err; fail "no clear message"; }
fi
server start || fail "start again"
rc=0
"$BIN" "${SCAN[@]}" --datastore "$(url gone)" --lease 3 -o g2.json 2>g2.err || rc=$?
finished $rc || { cat g2.err; fail "the run after the server came back: exit $rc"; }
same_report "$(url gone)"
echo "server gone: exit 2 with a clear message; the next run finished the same report"

# A password in the URL never reaches the output.
rc=0
"$BIN" report "postgresql://reachscan:hunter2pw@/nosuchdb?host=$T/sock" >pw.out 2>pw.err || rc=$?
[ $rc -eq 2 ] || fail "a missing database: exit $rc"
if grep -q hunter2pw pw.out pw.err; then fail "the password was printed"; fi
grep -q 'reachscan:\*\*\*@' pw.err || { cat pw.err; fail "the masked URL is not in the message"; }
echo "PASS"
