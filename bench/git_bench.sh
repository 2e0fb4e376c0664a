#!/usr/bin/env bash
# Git history benchmark: reachscan's full-history scan against `git cat-file --batch` printing
# every reachable blob (ids in pack order), all in the same run; the walk alone (bench/git_walk)
# against `git rev-list --objects --all`; optionally `git log -p --all | ugrep` with the same
# patterns; then a staged scan of a one-file change against `git diff --cached`. Prints wall and
# CPU times, MB/s and blobs/s of blob content, ratios and peak RSS, for each repository given.
#
#   bench/git_bench.sh REPO...        (THREADS=2, REACHSCAN=path, UGREP=0 to skip the log+ugrep
#                                      comparison, STAGED=0 to skip the staged scan)
#
# REPO is a git repository (bare is fine; it is only read): e.g. mirrors of redis, git and moby.
# Needs: git, ugrep (unless UGREP=0), GNU time, python3.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
THREADS=${THREADS:-2}
. "$HERE/find_reachscan.sh"
BIN=$REACHSCAN
WALK=${GIT_WALK:-$(dirname "$BIN")/bench/git_walk}
now() { date +%s.%N; }

run_one() {
REPO=$(cd "$1" && pwd)
name=$(basename "$REPO")
case $name in repo|.git) name=$(basename "$(dirname "$REPO")") ;; esac
OUT=$(mktemp -d)
echo "repository: $REPO ($(git --git-dir="$REPO" rev-list --all | wc -l) commits, $(git --git-dir="$REPO" for-each-ref | wc -l) refs)"
echo "threads: $THREADS, machine: $(nproc) cores, $(uname -m), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"

# Reachable blob ids in pack order (objects missing from the store are skipped, as reachscan
# reports them).
git --git-dir="$REPO" rev-list --objects --all --missing=allow-any | cut -d' ' -f1 | sort > "$OUT/reach.txt"
git --git-dir="$REPO" cat-file --batch-all-objects --unordered --batch-check='%(objectname) %(objecttype)' |
  awk '$2=="blob"{print $1}' > "$OUT/pack.txt"
awk 'NR==FNR{r[$1]=1;next} ($1 in r)' "$OUT/reach.txt" "$OUT/pack.txt" > "$OUT/blobs.txt"
blobs=$(wc -l < "$OUT/blobs.txt")
bytes=$(git --git-dir="$REPO" cat-file --batch-check='%(objectsize)' < "$OUT/blobs.txt" |
  python3 -c 'import sys; print(sum(int(l) for l in sys.stdin if l.strip().isdigit()))')

"$BIN" -q --rules /dev/null rules list >/dev/null 2>&1 || true   # warm the rule-database cache
"$BIN" -f json rules list > "$OUT/rules.json"
python3 "$HERE/export_patterns.py" "$OUT" < "$OUT/rules.json" 2>/dev/null

best() {  # best of 3 wall times of a shell command
  local b=""
  for _ in 1 2 3; do
    local t0 t1; t0=$(now); bash -c "$1" >/dev/null 2>&1 || true; t1=$(now)
    b=$(python3 -c "import sys; a=float(sys.argv[1]); c=$t1-$t0; print(c if not a or c<a else a)" "${b:-0}")
  done
  echo "$b"
}

cat_t=$(best "git --git-dir='$REPO' cat-file --batch < '$OUT/blobs.txt' > /dev/null")
rs_t=$(best "'$BIN' -j $THREADS -q --max-file-size 0 -f jsonl -o /dev/null git '$REPO'")
/usr/bin/time -f "%M %U %S" -o "$OUT/rss" "$BIN" -j "$THREADS" -q --max-file-size 0 -f jsonl -o "$OUT/findings.jsonl" git "$REPO" 2>/dev/null || true
rss_kb=$(tail -1 "$OUT/rss" | cut -d' ' -f1)
rs_cpu=$(tail -1 "$OUT/rss" | awk '{print $2+$3}')
/usr/bin/time -f "%U %S" -o "$OUT/catcpu" git --git-dir="$REPO" cat-file --batch < "$OUT/blobs.txt" > /dev/null
cat_cpu=$(tail -1 "$OUT/catcpu" | awk '{print $1+$2}')
echo "CPU (user+sys, one run each): reachscan $rs_cpu s, cat-file $cat_cpu s: $(python3 -c "print(f'{$rs_cpu/max($cat_cpu,0.01):.2f}')")x"
if [ -x "$WALK" ]; then  # the walk alone against git's enumeration of the same objects
  /usr/bin/time -f "%e %U %S" -o "$OUT/revlist" git --git-dir="$REPO" rev-list --objects --all --missing=allow-any > /dev/null
  "$WALK" "$REPO" 2> "$OUT/walk.txt" || true
  echo "walk alone: $(tail -1 "$OUT/walk.txt"); git rev-list --objects --all: $(awk '{printf "%.2f s wall, %.2f s CPU", $1, $2+$3}' "$OUT/revlist")"
fi
ugrep_t=0
if [ "${UGREP:-1}" != 0 ]; then
# `git log -p --all | ugrep`: PCRE2 caps one compiled pattern at 64 KiB, so the patterns are
# split into packs of 25 and ugrep reads the log once per pack (from a file written once). The
# pipeline's cost is reported as log time + ugrep time.
# git log stops at the first blob missing from the store (snapshots without their largest
# blobs), so the paths of missing blobs are excluded from the log (they are missing for
# reachscan too). ugrep with hundreds of PCRE patterns needs minutes per 100 MB: it is timed on
# the first UGREP_SAMPLE_MB of the log and scaled to the whole log (its cost is linear in input).
git --git-dir="$REPO" rev-list --objects --all --missing=print 2>/dev/null | sed -n 's/^?//p' | sort > "$OUT/missing.txt"
git --git-dir="$REPO" log --all --raw --no-renames --no-abbrev --format= 2>/dev/null |
  awk 'NR==FNR{m[$1]=1;next} /^:/ {split($0,a,"\t"); split(a[1],f," "); if ((f[3] in m) || (f[4] in m)) print a[2]}' \
    "$OUT/missing.txt" - | sort -u > "$OUT/missing-paths.txt"
excludes=()
while IFS= read -r p; do excludes+=(":(exclude,literal)$p"); done < "$OUT/missing-paths.txt"
t0=$(now); git --git-dir="$REPO" log -p --all -- . "${excludes[@]}" > "$OUT/log.txt" 2>"$OUT/log.err" && log_ok=1 || log_ok=0; t1=$(now)
log_t=$(python3 -c "print($t1-$t0)")
log_bytes=$(wc -c < "$OUT/log.txt")
sample_bytes=$(( ${UGREP_SAMPLE_MB:-32} * 1000000 ))
[ "$sample_bytes" -lt "$log_bytes" ] || sample_bytes=$log_bytes
head -c "$sample_bytes" "$OUT/log.txt" > "$OUT/log-sample.txt"
split -l 25 "$OUT/ugrep.txt" "$OUT/ugrep-pack."
t0=$(now)
for p in "$OUT"/ugrep-pack.*; do ugrep -P -c -f "$p" "$OUT/log-sample.txt" > /dev/null 2>&1 || true; done
t1=$(now)
ugrep_t=$(python3 -c "print($log_t + ($t1-$t0) * $log_bytes / max($sample_bytes, 1))")
echo "git log -p --all: $(python3 -c "print(f'{$log_t:.2f}')") s, $((log_bytes / 1000000)) MB of log ($(wc -l < "$OUT/missing-paths.txt") paths of missing blobs excluded); ugrep timed on $((sample_bytes / 1000000)) MB of it, scaled"
[ "$log_ok" = 1 ] || echo "note: git log -p --all stopped early ($log_bytes bytes): $(head -c 200 "$OUT/log.err")"

fi
python3 - "$blobs" "$bytes" "$cat_t" "$rs_t" "$ugrep_t" "$rss_kb" "$name" "$rs_cpu" "$cat_cpu" "$SUMMARY" <<'PY'
import sys
blobs, size, cat, rs, ug, rss = int(sys.argv[1]), int(sys.argv[2]), *map(float, sys.argv[3:6]), int(sys.argv[6])
name, rs_cpu, cat_cpu, summary = sys.argv[7], float(sys.argv[8]), float(sys.argv[9]), sys.argv[10]
mb = size / 1e6
with open(summary, "a") as f:
    f.write(f"{name[:24]:24s} {blobs:8d} {mb:8.0f} {cat:8.2f} {rs:8.2f} {rs/cat:6.2f}x {rs_cpu/max(cat_cpu, 0.01):6.2f}x {rss/1024:7.0f}\n")
print(f"reachable blobs: {blobs}, {mb:.0f} MB of content")
print(f"git cat-file --batch (pack order): {cat:7.2f} s  {mb/cat:7.0f} MB/s  {blobs/cat:8.0f} blobs/s")
print(f"reachscan git (full history):      {rs:7.2f} s  {mb/rs:7.0f} MB/s  {blobs/rs:8.0f} blobs/s  peak RSS {rss/1024:.0f} MB")
if ug: print(f"git log -p --all | ugrep -P:        {ug:7.2f} s")
print(f"ratio reachscan / cat-file: {rs/cat:.2f}x (target <= 1.5x)")
if ug: print(f"ratio ugrep pipeline / reachscan: {ug/rs:.1f}x (target >= 4x)")
PY

if [ "${STAGED:-1}" != 0 ]; then
# Staged scan of a one-file change in a clone that shares the repository's objects.
git clone -q --shared "$REPO" "$OUT/wt" 2>/dev/null
f=$(cd "$OUT/wt" && git ls-files | grep -E '\.(c|go|py|js|rb|java|md)$' | head -1)
echo "// staged change" >> "$OUT/wt/$f"
(cd "$OUT/wt" && git add "$f")
echo "staged scan of one changed file ($f):"
# Medians of 20 runs after 3 warm-ups, interleaved, with the warm start (`echo hi | reachscan
# stdin`) as the third reference: the target is staged <= 1.5x (git diff --cached + warm start).
(cd "$OUT/wt" && python3 - "$BIN" <<'PY'
import statistics, subprocess, sys, time
b = sys.argv[1]
cmds = {"git diff --cached": "git diff --cached", "warm start": f"echo hi | '{b}' stdin -q",
        "reachscan git --staged": f"'{b}' -q git --staged"}
runs = {k: [] for k in cmds}
for i in range(23):
    for k, c in cmds.items():
        t = time.perf_counter()
        subprocess.run(c, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if i >= 3: runs[k].append(time.perf_counter() - t)
med = {k: statistics.median(v) * 1000 for k, v in runs.items()}
for k, v in med.items(): print(f"  {k:24s} median {v:7.1f} ms")
ref = med["git diff --cached"] + med["warm start"]
print(f"  staged / (diff + warm start): {med['reachscan git --staged'] / ref:.2f}x (target <= 1.5x)")
PY
)
fi
rm -rf "$OUT"
}

SUMMARY=$(mktemp)
trap 'rm -f "$SUMMARY"' EXIT
for repo in "$@"; do run_one "$repo"; echo; done
echo "summary (wall: best of 3, same run; CPU and RSS: one run each; load $(cut -d' ' -f1-3 /proc/loadavg)):"
printf '%-24s %8s %8s %8s %8s %7s %7s %7s\n' repository blobs MB cat-file reachscan wall CPU "RSS MB"
cat "$SUMMARY"
