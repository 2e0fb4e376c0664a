#!/usr/bin/env bash
# Memory held for findings: reachscan on a folder of N distinct fake secrets (each one its own
# finding), peak RSS against the same scan of the same bytes with no secret in them (the floor:
# rules, walk, pipeline buffers), so the difference is what the findings cost.
#
#   bench/findings_memory.sh [N...]        (default: 100000 200000)
#
# Environment:
#   REACHSCAN   reachscan binary (default: see find_reachscan.sh)
#   OUT         working folder (default: a temp folder, removed at the end)
#   FORMAT      report format (default jsonl, the streaming one), written to /dev/null
#   BASE        another reachscan binary (an earlier build) measured on the same trees in the
#               same run: its peak RSS is printed next to REACHSCAN's
#   ARGS        extra reachscan flags (e.g. "--findings-memory 16")
#
# The secrets are GitHub classic tokens with a valid checksum, built from a seeded generator
# (fake, well-formed), 1,000 per file; the clean copy has the same files with the token body
# replaced by filler of the same length. Printed per N: findings reported, wall time, peak RSS
# of both runs, and (RSS - floor) / N, the bytes one held finding costs.
set -euo pipefail

die() { echo "findings_memory: $*" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/find_reachscan.sh"
[ -n "${REACHSCAN:-}" ] || die "no reachscan binary (set REACHSCAN)"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install -y time)"
FORMAT=${FORMAT:-jsonl}
[ $# -gt 0 ] || set -- 100000 200000
if [ -z "${OUT:-}" ]; then
  OUT=$(mktemp -d)
  trap 'rm -rf "$OUT"' EXIT
fi

# make_tree DIR N CLEAN: N tokens in DIR/fNNNN.env, 1000 lines a file.
make_tree() {
  python3 - "$1" "$2" "$3" <<'PY'
import os, random, sys, zlib
out, n, clean = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
rng = random.Random(12)
os.makedirs(out, exist_ok=True)
def token():
    body = "".join(rng.choice(B62) for _ in range(30))
    crc, check = zlib.crc32(body.encode()), ""
    for _ in range(6):
        check = B62[crc % 62] + check
        crc //= 62
    return "ghp_" + body + check
for f in range(0, n, 1000):
    with open(os.path.join(out, "f%05d.env" % (f // 1000)), "w") as fh:
        for i in range(f, min(n, f + 1000)):
            t = token()
            fh.write("GITHUB_TOKEN_%d=%s\n" % (i, "x" * len(t) if clean else t))
PY
}

# measure DIR -> "findings wall_s rss_kb"
measure() {
  local t="$OUT/time.txt" r="$OUT/report"
  # shellcheck disable=SC2086
  /usr/bin/time -o "$t" -f '%e %M' "${2:-$REACHSCAN}" -q --no-progress ${ARGS:-} -f "$FORMAT" \
    -o "$r" dir "$1" >/dev/null 2>&1 || true
  local n
  if [ "$FORMAT" = jsonl ]; then n=$(grep -c '"type":"finding"' "$r" || true); else n=-; fi
  echo "$n $(tail -n 1 "$t")"
}

printf '%-8s %-9s %-9s %-12s %-12s %-14s %s\n' N binary findings wall_s rss_MB floor_MB \
  bytes/finding
row() {  # N LABEL BINARY
  local found wall rss floor
  read -r found wall rss <<<"$(measure "$OUT/secrets-$1" "$3")"
  read -r _ _ floor <<<"$(measure "$OUT/clean-$1" "$3")"
  printf '%-8s %-9s %-9s %-12s %-12s %-14s %s\n' "$1" "$2" "$found" "$wall" "$((rss / 1024))" \
    "$((floor / 1024))" "$(((rss - floor) * 1024 / $1))"
}
for n in "$@"; do
  make_tree "$OUT/secrets-$n" "$n" 0
  make_tree "$OUT/clean-$n" "$n" 1
  [ -z "${BASE:-}" ] || row "$n" base "$BASE"
  row "$n" new "$REACHSCAN"
  rm -rf "$OUT/secrets-$n" "$OUT/clean-$n"
done
