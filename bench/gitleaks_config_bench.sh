#!/usr/bin/env bash
# A gitleaks config in reachscan: how much of it converts, what loading it costs, and a directory
# scan with it against the same scan with the built-in rules (and against gitleaks itself with the
# same config, when `gitleaks` is on PATH), in one run. Prints wall time, throughput and peak RSS.
#
#   bench/gitleaks_config_bench.sh GITLEAKS_TOML TREE
#
# Environment: REACHSCAN (see find_reachscan.sh), RUNS (timed runs per command, default 3).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/find_reachscan.sh"
[ $# -eq 2 ] || { echo "usage: $0 GITLEAKS_TOML TREE" >&2; exit 2; }
toml=$1 tree=$2 runs=${RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CACHE_HOME="$work/cache"
bytes=$(find "$tree" -type f -not -path '*/.git/*' -printf '%s\n' | awk '{s+=$1} END {print s+0}')

# One timed command: "label seconds MB/s peak-RSS-MiB" (exit 1 and 3, findings, are success).
measure() {
  local label=$1; shift
  local best=""
  for _ in $(seq "$runs"); do
    set +e
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/err"
    local rc=$?
    set -e
    [ "$rc" -le 1 ] || [ "$rc" -eq 3 ] || { cat "$work/err" >&2; echo "$label failed ($rc)" >&2; return 1; }
    read -r s kb <"$work/time"
    if [ -z "$best" ] || awk "BEGIN {exit !($s < ${best%% *})}"; then best="$s $kb"; fi
  done
  read -r s kb <<<"$best"
  awk -v l="$label" -v s="$s" -v kb="$kb" -v b="$bytes" \
    'BEGIN {printf "%-36s %7.2f s %8.1f MB/s %7.1f MiB\n", l, s, (s > 0 ? b / s / 1e6 : 0), kb / 1024}'
}

echo "tree: $tree ($((bytes / 1000000)) MB); config: $toml"
"$REACHSCAN" rules import-gitleaks "$toml" -o "$work/converted.yaml" 2>"$work/import.log" || true
tail -1 "$work/import.log"
grep -c 'warning:' "$work/import.log" | xargs echo "warnings:"
measure "import-gitleaks" "$REACHSCAN" rules import-gitleaks "$toml" -o "$work/converted.yaml"
rm -rf "$work/cache"
measure "dir, gitleaks config, cold cache" "$REACHSCAN" dir -q -f jsonl -c "$toml" "$tree"
measure "dir, gitleaks config, warm cache" "$REACHSCAN" dir -q -f jsonl -c "$toml" "$tree"
measure "dir, built-in rules, warm cache" "$REACHSCAN" dir -q -f jsonl "$tree"
if command -v gitleaks >/dev/null; then
  measure "gitleaks dir, same config" gitleaks dir --no-banner -c "$toml" "$tree"
else
  echo "gitleaks not on PATH: no reference row"
fi
