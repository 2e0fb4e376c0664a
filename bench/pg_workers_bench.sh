#!/usr/bin/env bash
# Workers of one organisation scan on PostgreSQL: 1 worker vs 2 workers over the same fork
# network (an upstream and N forks sharing its history, as bench/org_bench.sh builds), with a
# single-process SQLite run and `git cat-file --batch` of every blob of every repository as
# references, all in the same run. Prints per run: wall, blobs read per second, datastore writes
# per second, peak RSS per worker; and the model inputs of README's "Scaling out".
#
#   bench/pg_workers_bench.sh UPSTREAM_REPO [FORKS] [THREADS] [REACHSCAN]
#
# A throwaway PostgreSQL server is started in a temporary folder (tests/support/pg_server.sh).
set -euo pipefail
UP=$(cd "$1" && pwd)
FORKS=${2:-3}
THREADS=${3:-2}
HERE=$(cd "$(dirname "$0")" && pwd)
REACHSCAN=${4:-${REACHSCAN:-}}
. "$HERE/find_reachscan.sh"
. "$HERE/../tests/support/pg_server.sh"
OUT=$(mktemp -d)
trap 'pg_server_cleanup; rm -rf "$OUT"' EXIT
pg_server_init "$OUT" || { echo "no PostgreSQL server could be started" >&2; exit 1; }
now() { date +%s.%N; }
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.test
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.test

mkdir -p "$OUT/org"
git clone -q --bare --shared "$UP" "$OUT/org/upstream.git"
for i in $(seq 1 "$FORKS"); do
  git clone -q --bare --shared "$UP" "$OUT/org/fork$i.git"
  tree=$(printf '100644 blob %s\tNOTES-%s.md\n' \
    "$(echo "fork $i notes" | git --git-dir="$OUT/org/fork$i.git" hash-object -w --stdin)" "$i" |
    git --git-dir="$OUT/org/fork$i.git" mktree)
  c=$(git --git-dir="$OUT/org/fork$i.git" commit-tree "$tree" -m "fork $i")
  git --git-dir="$OUT/org/fork$i.git" update-ref "refs/heads/fork-$i" "$c"
done
echo "organisation: $((FORKS + 1)) repositories sharing the history of $UP; threads per worker: $THREADS; $(nproc) cores"

t0=$(now)
for r in "$OUT"/org/*.git; do
  git --git-dir="$r" rev-list --objects --all | cut -d' ' -f1 |
    git --git-dir="$r" cat-file --batch-check='%(objectname) %(objecttype)' |
    awk '$2=="blob"{print $1}' | git --git-dir="$r" cat-file --batch >/dev/null
done
cat_t=$(python3 -c "print($(now)-$t0)")

# One run of N workers (or SQLite with N=0): wall, blobs read, writes, worst peak RSS.
run() {
  local name=$1 workers=$2 store=$3 t0 pids=()
  t0=$(now)
  for w in $(seq 1 "$workers"); do
    /usr/bin/time -f "%M" -o "$OUT/$name.$w.rss" "$REACHSCAN" -j "$THREADS" --no-progress \
      -f json -o "$OUT/$name.$w.json" repos "$OUT/org" --datastore "$store" --max-file-size 0 \
      --cache "$OUT/cache" 2>"$OUT/$name.$w.err" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || true; done
  local wall blobs writes rss
  wall=$(python3 -c "print($(now)-$t0)")
  blobs=$(cat "$OUT/$name".*.err | sed -n 's/.*worker: [0-9]* repositories scanned here, \([0-9]*\) blobs read.*/\1/p' | awk '{s+=$1} END {print s+0}')
  writes=$(cat "$OUT/$name".*.err | sed -n 's/.*blobs read ([0-9.]* MB), \([0-9]*\) datastore writes.*/\1/p' | awk '{s+=$1} END {print s+0}')
  if [ "$blobs" -eq 0 ]; then
    blobs=$(python3 -c "import json; print(json.load(open('$OUT/$name.1.json'))['summary']['files_scanned'])")
  fi
  rss=$(for f in "$OUT/$name".*.rss; do tail -n 1 "$f"; done | sort -n | tail -n 1)
  printf '%-34s %8.2f %8.2fx %10.0f %10.1f %8d MB\n' "$4" "$wall" \
    "$(python3 -c "print($wall/$cat_t)")" "$(python3 -c "print($blobs/$wall)")" \
    "$(python3 -c "print($writes/$wall)")" "$((rss / 1024))"
}
pg_createdb one
pg_createdb two
printf '%-34s %8s %9s %10s %10s %11s\n' "" "wall s" "vs ref" "blobs/s" "writes/s" "peak RSS"
printf '%-34s %8.2f %8.2fx %10s %10s %11s\n' "git cat-file --batch, every repo" "$cat_t" 1 - - -
run sqlite 1 "$OUT/org.db" "SQLite, one process"
run one 1 "$(pg_url one)" "PostgreSQL, 1 worker"
run two 2 "$(pg_url two)" "PostgreSQL, 2 workers"
for w in 1 2; do tail -n 1 "$OUT/two.$w.err"; done
echo "blobs read by 1 worker: $(pg_sql one "SELECT sum(blobs_scanned) FROM repositories"), by 2: $(pg_sql two "SELECT sum(blobs_scanned) FROM repositories"); clean blobs: $(pg_sql one "SELECT count(*) FROM clean_blobs") / $(pg_sql two "SELECT count(*) FROM clean_blobs")"
echo "PostgreSQL server CPU (backend processes, s): $(ps -o cputime= -u "$( [ "$(id -u)" -eq 0 ] && echo postgres || id -u)" 2>/dev/null | awk -F: '{s+=$1*3600+$2*60+$3} END {print s+0}')"
