#!/usr/bin/env bash
# Directory-scan benchmark: reachscan against merely reading the same files and against ugrep (and
# optionally ripgrep) with the same patterns, all measured in one run with a warm page cache.
#
#   bench/dir_bench.sh TREE [THREADS]
#
# Environment:
#   REACHSCAN      reachscan binary (default: first of build dirs below, else `reachscan` on PATH)
#   READ_TREE      the read_tree binary (default: bench/read_tree in reachscan's build folder)
#   RUNS           timed runs per command (default 5), after WARMUP untimed ones (default 1)
#   TOOL_RUNS      timed runs of ugrep / ripgrep (default 2, no warm-up: ugrep -P is ~100x slower)
#   MAX_FILE_SIZE  passed to reachscan --max-file-size (default 0: scan every file whatever its
#                  size, in chunks, as cat and ugrep do; reachscan's own default is 25MB)
#   WITH_RG=1      also time ripgrep (slow: multi-line mode, see below)
#   WITH_UGREP=0   skip ugrep
#   OUT            folder for the hyperfine JSON and the pattern files (default: a temp folder)
#
# What is compared (N = THREADS):
#   floor-N  bench/read_tree -j N TREE    the floor: walk the tree (skipping .git/.hg/.svn like
#   floor-1  bench/read_tree -j 1 TREE    reachscan) and read every file with N threads: open,
#            read into a reused 1 MiB buffer until EOF, close. Built with the benchmarks; if it
#            is missing (READ_TREE unset and not next to reachscan) these rows are skipped.
#   cat-1    find TREE -type f -print0 | xargs -0 cat > /dev/null          one reading stream
#   cat-N    ... | split -t '\0' -n r/N --filter='xargs -0 cat > /dev/null'  N reading streams
#            (split deals the file list round-robin to N concurrent `xargs cat`: N streams
#            without one exec per few files, which `xargs -P N -n 64` would add)
#            cat reads every byte with read(2) in 128 KiB blocks (checked with strace: no
#            splice/copy_file_range to /dev/null), its writes to /dev/null cost nothing, and
#            xargs batches files so process start-up is amortised (a few execs in all). But cat
#            also does fstat, fadvise, and mmap+munmap of a fresh 128 KiB buffer with its page
#            faults for every file: on trees of small files it costs ~2-3x the floor in system
#            time, so "reachscan / cat" flatters reachscan; "reachscan / floor" is the honest one.
#   reachscan -j N dir TREE -f jsonl -q --max-file-size $MAX_FILE_SIZE   (exit status 2, an error,
#            fails the run; 1 and 3, findings, do not)
#   reachscan -j 1 (for reference)
#   ugrep -P -r -I -. -J N -f ugrep-pack.K TREE   PCRE2 JIT; binary files skipped (-I, reachscan
#            skips files with a NUL in the first 8000 bytes), hidden files searched (-.) as
#            reachscan does, .git/.hg/.svn excluded as reachscan does. ugrep's own DFA engine
#            (no -P) needs > 20 s and gigabytes to compile two of the rules, so it is not used.
#            PCRE2 caps one compiled pattern at 64 KiB, so the patterns are packed into as few
#            files as it accepts and ugrep runs once per file (K passes over the tree, timed as
#            one command); a rule ugrep rejects outright is left out and named.
#   rg -U -uu -j N -f rg.txt TREE                 (WITH_RG=1) multi-line mode is needed for the
#            PEM rules; -uu: no .gitignore filtering, hidden files searched.
# All output goes through a pipe (hyperfine --output=pipe): grep tools take short cuts when their
# output is /dev/null. The ratios use the median of the timed runs (and, for reachscan/floor, the
# fastest run and user+sys CPU time too: on a shared machine those are less disturbed by others).
# Peak RSS comes from one extra run of each scanner under /usr/bin/time -v.
set -euo pipefail

die() { echo "dir_bench: $*" >&2; exit 2; }
[ $# -ge 1 ] || die "usage: $0 TREE [THREADS]"
TREE=$(realpath "$1")
THREADS=${2:-2}
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
TOOL_RUNS=${TOOL_RUNS:-2}
MAX_FILE_SIZE=${MAX_FILE_SIZE:-0}
WITH_RG=${WITH_RG:-0}
WITH_UGREP=${WITH_UGREP:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
[ -d "$TREE" ] || die "$TREE is not a folder"

. "$HERE/find_reachscan.sh"
[ -x "${REACHSCAN:-}" ] || die "no reachscan binary: set REACHSCAN"
READ_TREE=${READ_TREE:-$(dirname "$REACHSCAN")/bench/read_tree}
[ -x "$READ_TREE" ] || echo "dir_bench: no read_tree binary (set READ_TREE): floor rows skipped" >&2
for t in hyperfine python3 /usr/bin/time; do
  command -v "$t" >/dev/null || die "$t is missing (apt-get install -y hyperfine python3 time)"
done
[ "$WITH_UGREP" = 0 ] || command -v ugrep >/dev/null || die "ugrep is missing (apt-get install -y ugrep)"
[ "$WITH_RG" = 0 ] || command -v rg >/dev/null || die "rg is missing (apt-get install -y ripgrep)"

OUT=${OUT:-$(mktemp -d /tmp/rs-dir-bench.XXXXXX)}
mkdir -p "$OUT"
q() { printf '%q' "$1"; }
T=$(q "$TREE")
R=$(q "$REACHSCAN")
FIND="find $T \\( -name .git -o -name .hg -o -name .svn \\) -prune -o -type f -print0"

# --- what is being scanned -----------------------------------------------------------------
read -r FILES BYTES < <(eval "$FIND" | xargs -0 stat -c %s -- | awk '{s+=$1; n++} END {print n+0, s+0}')
echo "machine:   $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "date:      $(date -u +%FT%TZ)"
echo "reachscan: $REACHSCAN ($("$REACHSCAN" --version 2>&1 | head -1))"
echo "tree:      $TREE: $FILES files, $(awk -v b="$BYTES" 'BEGIN {printf "%.1f MB", b/1e6}')"
echo "threads:   $THREADS   runs: $RUNS (+$WARMUP warm-up)   --max-file-size $MAX_FILE_SIZE"
LOAD=$(cut -d' ' -f1 /proc/loadavg)
echo "load:      $LOAD (1-minute average before starting)"
awk -v l="$LOAD" 'BEGIN {exit !(l > 0.5)}' && echo "WARNING: the machine is busy; timings will be noisy" >&2

# --- patterns for the grep tools -----------------------------------------------------------
"$REACHSCAN" -f json rules list > "$OUT/rules.json"
python3 "$HERE/export_patterns.py" "$OUT" < "$OUT/rules.json"

# Drops the lines a tool rejects (reported), then packs the rest greedily into as few pattern
# files as the tool accepts at once: PCRE2 (ugrep -P) caps a compiled pattern at 64 KiB, which a
# few hundred rules joined into one alternation exceed. Each pack is then one pass over the tree.
#   pack TOOL_CHECK_CMD IN PREFIX  ->  PREFIX.1, PREFIX.2, ...; prints the count
pack() {
  local check=$1 in=$2 prefix=$3 n=1 line id rc
  rm -f "$prefix".*
  : > "$prefix.1"
  while IFS=$'\t' read -r id line; do
    rc=0; $check --regexp="$line" /dev/null 2>/dev/null || rc=$?
    if [ $rc -gt 1 ]; then  # 1 is "no match"
      echo "  $(basename "$prefix"): rule $id rejected, left out" >&2
      continue
    fi
    printf '%s\n' "$line" >> "$prefix.$n"
    rc=0; $check -f "$prefix.$n" /dev/null 2>/dev/null || rc=$?
    if [ $rc -gt 1 ]; then
      sed -i '$d' "$prefix.$n"
      n=$((n + 1))
      printf '%s\n' "$line" > "$prefix.$n"
    fi
  done < <(paste "$OUT/ids.txt" "$in")
  echo "$n"
}

# --- warm everything: page cache, reachscan's rule-database cache --------------------------
eval "$FIND" | xargs -0 cat > /dev/null
echo hi | "$REACHSCAN" stdin -q > /dev/null || true

SCAN="$R -j $THREADS dir $T -f jsonl -q --max-file-size $MAX_FILE_SIZE; [ \$? != 2 ]"
SCAN1="$R -j 1 dir $T -f jsonl -q --max-file-size $MAX_FILE_SIZE; [ \$? != 2 ]"
UGREP_OPTS="-P -r -I -. -J $THREADS --exclude-dir=.git --exclude-dir=.hg --exclude-dir=.svn"
UGREP=""
if [ "$WITH_UGREP" != 0 ]; then
  NPACK=$(pack "ugrep -P -q" "$OUT/ugrep.txt" "$OUT/ugrep-pack")
  echo "ugrep:     $(cat "$OUT"/ugrep-pack.* | wc -l) of $(wc -l < "$OUT/ids.txt") patterns in $NPACK pattern file(s), one pass over the tree each"
  for i in $(seq 1 "$NPACK"); do
    UGREP+="${UGREP:+; }{ ugrep $UGREP_OPTS -f $(q "$OUT/ugrep-pack.$i") $T || [ \$? = 1 ]; }"
  done
fi
RG="rg -U -uu -j $THREADS -f $(q "$OUT/rg.txt") $T"

names=(cat-1 "cat-$THREADS" "reachscan-j$THREADS" reachscan-j1)
cmds=("$FIND | xargs -0 cat > /dev/null"
      "$FIND | split -t '\\0' -n r/$THREADS --filter='xargs -0 cat > /dev/null'"
      "$SCAN" "$SCAN1")
if [ -x "$READ_TREE" ]; then
  names=("floor-$THREADS" floor-1 "${names[@]}")
  cmds=("$(q "$READ_TREE") -j $THREADS $T" "$(q "$READ_TREE") -j 1 $T" "${cmds[@]}")
fi
args=()
for i in "${!names[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
hyperfine --style basic --output=pipe --warmup "$WARMUP" --runs "$RUNS" \
  --export-json "$OUT/dir_bench.json" "${args[@]}"

# The grep tools exit 1 when nothing matches.
args=()
[ "$WITH_UGREP" = 0 ] || args+=(-n "ugrep-P-j$THREADS" "$UGREP")
[ "$WITH_RG" = 0 ] || args+=(-n "rg-j$THREADS" "$RG || [ \$? = 1 ]")
echo '{"results": []}' > "$OUT/tools.json"
if [ ${#args[@]} -gt 0 ]; then
  hyperfine --style basic --output=pipe --runs "$TOOL_RUNS" --export-json "$OUT/tools.json" \
    "${args[@]}"
fi

# --- findings and peak memory ----------------------------------------------------------------
rss() {  # peak RSS in MiB of one run of "$@"
  /usr/bin/time -v -o "$OUT/time.txt" "$@" > "$OUT/rss.out" 2>/dev/null || true
  awk '/Maximum resident set size/ {printf "%.1f", $6/1024}' "$OUT/time.txt"
}
RSS_RS=$(rss "$REACHSCAN" -j "$THREADS" dir "$TREE" -f jsonl -q --max-file-size "$MAX_FILE_SIZE")
FINDINGS=$(wc -l < "$OUT/rss.out")
cp "$OUT/rss.out" "$OUT/findings.jsonl"
RSS_RS1=$(rss "$REACHSCAN" -j 1 dir "$TREE" -f jsonl -q --max-file-size "$MAX_FILE_SIZE")
RSS_UG=n/a
UG_LINES=n/a
if [ "$WITH_UGREP" != 0 ]; then
  RSS_UG=$(rss bash -c "$UGREP")
  UG_LINES=$(wc -l < "$OUT/rss.out")
fi

# --- summary ---------------------------------------------------------------------------------
python3 - "$OUT/dir_bench.json" "$OUT/tools.json" "$BYTES" "$THREADS" <<EOF
import json, sys
res = {r["command"]: r for f in sys.argv[1:3] for r in json.load(open(f))["results"]}
size, n = int(sys.argv[3]), sys.argv[4]
med = {k: v["median"] for k, v in res.items()}
print()
print(f"{'command':<16} {'median s':>9} {'min s':>8} {'stddev':>7} {'MB/s':>8} {'MB/s@min':>8} {'user s':>7} {'sys s':>7}")
for k, v in res.items():
    sd = v["stddev"] or 0.0  # null for a single run
    print(f"{k:<16} {v['median']:9.3f} {v['min']:8.3f} {sd:7.3f} {size / 1e6 / v['median']:8.0f}"
          f" {size / 1e6 / v['min']:8.0f} {v['user']:7.3f} {v['system']:7.3f}")
rs = med[f"reachscan-j{n}"]
print()
mn = {k: v["min"] for k, v in res.items()}
cpu = {k: v["user"] + v["system"] for k, v in res.items()}
for base in ("floor", "cat"):
    b = f"{base}-{n}"
    if b not in med:
        continue
    print(f"reachscan -j{n} / {b + ':':<9} {rs / med[b]:6.2f}x   (target <= 1.4; by fastest run"
          f" {mn[f'reachscan-j{n}'] / mn[b]:.2f}x, by user+sys CPU {cpu[f'reachscan-j{n}'] / cpu[b]:.2f}x)")
print(f"reachscan -j1 / -j{n}:       {med['reachscan-j1'] / rs:6.2f}x speed-up")
if f"ugrep-P-j{n}" in med:
    print(f"ugrep -P -j{n} / reachscan:  {med[f'ugrep-P-j{n}'] / rs:6.2f}x   (target >= 5)")
if f"rg-j{n}" in med:
    print(f"rg -j{n} / reachscan:        {med[f'rg-j{n}'] / rs:6.2f}x")
EOF
echo "peak RSS:  reachscan -j$THREADS $RSS_RS MiB (target < 200), -j1 $RSS_RS1 MiB, ugrep $RSS_UG MiB"
echo "findings:  reachscan $FINDINGS (saved in $OUT/findings.jsonl); ugrep matching lines $UG_LINES"
echo "results:   $OUT"
