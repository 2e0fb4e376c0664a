#!/usr/bin/env bash
# Warm-start time: `echo hi | reachscan stdin` with the rule-database cache already filled, the
# cost a pre-commit hook pays on every commit. References: `true` and `echo hi | cat` (process
# start-up), `reachscan --version` (start-up without loading rules), and `--no-cache` (cold:
# Hyperscan compiles every pattern).
#
#   bench/warm_start.sh            REACHSCAN=path RUNS=50 bench/warm_start.sh
#                                  BASE=path: an earlier binary, timed in the same run (before/after)
#                                  COLD=0: leave out the cold start (seconds a run on a loaded machine)
#
# The cache lives in a fresh XDG_CACHE_HOME so the user's own cache is neither used nor touched.
set -euo pipefail

die() { echo "warm_start: $*" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
RUNS=${RUNS:-50}
. "$HERE/find_reachscan.sh"
[ -x "${REACHSCAN:-}" ] || die "no reachscan binary: set REACHSCAN"
command -v hyperfine >/dev/null || die "hyperfine is missing (apt-get install -y hyperfine)"

CACHE=$(mktemp -d /tmp/rs-warm-start.XXXXXX)
trap 'rm -rf "$CACHE"' EXIT
export XDG_CACHE_HOME=$CACHE
R=$(printf '%q' "$REACHSCAN")
BASE_ARGS=()
COLD_ARGS=(-n cold "echo hi | $R stdin -q --exit-code 0 --no-cache")
[ "${COLD:-1}" = 0 ] && COLD_ARGS=()
if [ -n "${BASE:-}" ]; then
  [ -x "$BASE" ] || die "BASE is not an executable: $BASE"
  echo hi | "$BASE" stdin -q --exit-code 0 > /dev/null  # its own cache files, if keyed apart
  Q=$(printf '%q' "$BASE")
  BASE_ARGS=(-n base-version "$Q --version" -n base-warm "echo hi | $Q stdin -q --exit-code 0")
fi

# Fill the cache, and check that it was filled.
echo hi | "$REACHSCAN" stdin -q --exit-code 0 > /dev/null
ls "$CACHE"/reachscan/*.hsdb > /dev/null 2>&1 || die "no database cache was written under $CACHE"

echo "machine:   $(nproc) cores, $(uname -sr); load $(cut -d' ' -f1 /proc/loadavg)"
echo "reachscan: $REACHSCAN ($("$REACHSCAN" --version 2>&1 | head -1))"
echo "cache:     $(ls -s --block-size=K "$CACHE"/reachscan/*.hsdb | awk '{print $1}') database in $CACHE/reachscan"
hyperfine --style basic --output=pipe --warmup 5 --runs "$RUNS" \
  --export-json "$CACHE/warm.json" \
  -n true 'true' \
  -n cat 'echo hi | cat' \
  -n version "$R --version" \
  -n warm "echo hi | $R stdin -q --exit-code 0" \
  "${BASE_ARGS[@]}" "${COLD_ARGS[@]}"

python3 - "$CACHE/warm.json" <<'EOF'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
print()
print(f"{'command':<12} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'user ms':>8} {'sys ms':>7}")
for k, v in res.items():
    print(f"{k:<12} {v['median'] * 1e3:10.1f} {v['min'] * 1e3:8.1f} {v['max'] * 1e3:8.1f}"
          f" {v['user'] * 1e3:8.1f} {v['system'] * 1e3:7.1f}")
w = res["warm"]["median"] * 1e3
print(f"\nwarm start {w:.1f} ms: {'PASS' if w < 50 else 'FAIL'} (target < 50 ms)")
EOF
