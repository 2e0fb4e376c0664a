#!/usr/bin/env bash
# Archive benchmark: reachscan on a tar.gz of source text against the decompression floor,
# `tar -xzOf FILE > /dev/null` (gunzip plus tar, every member's bytes written to /dev/null),
# both timed in the same run with a warm page cache.
#
#   bench/archive_bench.sh [TARGZ]
#
# Without TARGZ, a tar.gz of about SIZE_MB compressed megabytes (default 1000) is built in OUT
# from the text under SOURCES (default /usr/include /usr/share/doc /usr/lib/python3*), copied
# under numbered prefixes until the size is reached; each copy gets a different first line per
# file so gzip cannot fold one copy into the next. Building 1 GB takes minutes (single-threaded
# gzip); it is kept in OUT and reused when the script is run again with the same OUT.
#
# Environment:
#   REACHSCAN   reachscan binary (default: see find_reachscan.sh)
#   RUNS        timed runs of each command (default 3); the median is reported
#   SIZE_MB     compressed size of the generated tar.gz (default 1000)
#   OUT         working folder (default /tmp/rs-archive-bench)
#
# What is printed: wall time (median), user+sys CPU time, peak RSS (from /usr/bin/time) of
#   floor      tar -xzOf FILE > /dev/null
#   reachscan  reachscan -j 1 -q -f jsonl --max-archive-size 0 --max-archive-members 100000000
#              dir FILE > /dev/null   (limits off: every member is scanned, which is checked)
# and the ratio reachscan / floor. NOTE: one archive is one stream: reachscan reads it on one
# thread, as tar does, so -j does not matter here.
set -euo pipefail

die() { echo "archive_bench: $*" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/find_reachscan.sh"
[ -x "${REACHSCAN:-}" ] || die "no reachscan binary: set REACHSCAN"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install -y time)"
RUNS=${RUNS:-3}
SIZE_MB=${SIZE_MB:-1000}
OUT=${OUT:-/tmp/rs-archive-bench}
mkdir -p "$OUT"

FILE=${1:-}
if [ -z "$FILE" ]; then
  FILE="$OUT/source-${SIZE_MB}MB.tar.gz"
  if [ ! -s "$FILE" ]; then
    SOURCES=${SOURCES:-"/usr/include /usr/share/doc $(ls -d /usr/lib/python3* 2>/dev/null | head -1)"}
    echo "building $FILE from $SOURCES ..." >&2
    python3 - "$FILE" "$SIZE_MB" $SOURCES <<'EOF'
import os, sys, tarfile, io, gzip
out, size_mb, roots = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
files = []
for root in roots:
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            try:
                if os.path.isfile(p) and not os.path.islink(p) and os.path.getsize(p) < (4 << 20):
                    with open(p, "rb") as f:
                        data = f.read()
                    if b"\0" not in data[:8000]:
                        files.append((p.lstrip("/"), data))
            except OSError:
                pass
if not files:
    sys.exit("no text files under " + " ".join(roots))
raw = open(out, "wb")
gz = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0)
with tarfile.open(fileobj=gz, mode="w|") as tf:
    copy = 0
    while raw.tell() < size_mb * 1000 * 1000:
        for name, data in files:
            body = b"# copy %d of %s\n" % (copy, name.encode()) + data
            info = tarfile.TarInfo("copy%03d/%s" % (copy, name))
            info.size = len(body)
            tf.addfile(info, io.BytesIO(body))
            if raw.tell() >= size_mb * 1000 * 1000:
                break
        copy += 1
gz.close()
raw.close()
EOF
  fi
fi
[ -s "$FILE" ] || die "$FILE is missing or empty"

UNCOMPRESSED=$(gzip -dc "$FILE" | wc -c)
echo "machine:   $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "date:      $(date -u +%FT%TZ)"
echo "reachscan: $REACHSCAN ($("$REACHSCAN" --version 2>&1 | head -1))"
echo "archive:   $FILE: $(stat -c %s "$FILE" | awk '{printf "%.1f MB", $1/1e6}') compressed, $(awk -v b="$UNCOMPRESSED" 'BEGIN {printf "%.1f MB", b/1e6}') uncompressed"
echo "load:      $(cut -d' ' -f1 /proc/loadavg) (1-minute average before starting)"

# Runs "$@" RUNS times; prints "median_wall user+sys_of_median peak_rss_kb".
measure() {
  local i rows=()
  for ((i = 0; i < RUNS; i++)); do
    /usr/bin/time -o "$OUT/time.txt" -f '%e %U %S %M' "$@" >/dev/null 2>&1 || true
    rows+=("$(tail -1 "$OUT/time.txt")")
  done
  printf '%s\n' "${rows[@]}" | sort -n | awk -v n="$RUNS" 'NR == int((n + 1) / 2) {printf "%s %.2f %s\n", $1, $2 + $3, $4}'
}

cat "$FILE" > /dev/null  # warm the page cache
"$REACHSCAN" -q dir /dev/null >/dev/null 2>&1 || true  # and the rule cache
read -r FW FC FM < <(measure tar -xzOf "$FILE")
SCAN=("$REACHSCAN" -j 1 -q --max-archive-size 0 --max-archive-members 100000000)
# Every member must be scanned, or the comparison means nothing: check the summary once.
"${SCAN[@]}" -f json dir "$FILE" > "$OUT/summary.json" || true
python3 - "$OUT/summary.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print("scanned:   %d files (members), %.1f MB; skipped: %s" % (
    s["files_scanned"], s["bytes_scanned"] / 1e6, s["skipped"] or "none"))
if s["skipped"]:
    sys.exit("archive_bench: members were skipped; the timing would not cover the whole archive")
EOF
read -r RW RC RM < <(measure "${SCAN[@]}" -f jsonl dir "$FILE")
# Start-up (rule database from the cache) is part of every run; the empty-input run measures it.
read -r EW EC EM < <(measure "$REACHSCAN" -j 1 -q -f jsonl dir /dev/null)

printf '%-10s %9s %9s %10s\n' what wall_s cpu_s peak_rss
printf '%-10s %9s %9s %8.1f MB\n' floor "$FW" "$FC" "$(awk -v k="$FM" 'BEGIN {print k/1024}')"
printf '%-10s %9s %9s %8.1f MB\n' reachscan "$RW" "$RC" "$(awk -v k="$RM" 'BEGIN {print k/1024}')"
printf '%-10s %9s %9s %8.1f MB   (rule compile and start-up, included above)\n' startup "$EW" "$EC" "$(awk -v k="$EM" 'BEGIN {print k/1024}')"
awk -v r="$RW" -v f="$FW" -v e="$EW" -v b="$UNCOMPRESSED" 'BEGIN {
  printf "ratio reachscan/floor: %.2fx (%.2fx without start-up); reachscan %.0f MB/s uncompressed\n",
         r / f, (r - e) / f, b / 1e6 / r }'
