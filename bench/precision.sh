#!/usr/bin/env bash
# Precision benchmark: scan real public source trees (and the full history of some of them) that
# hold no live secrets, list every finding, and count the false positives per 100 MB with the
# reviewed labels in bench/precision-labels.tsv. The same trees are searched with ripgrep and the
# same patterns, as a naive baseline.
#
#   bench/precision.sh NAME=GIT_DIR...
#
# Each NAME=GIT_DIR is a repository (a bare mirror is enough) whose HEAD tree is extracted to
# $DATA/head/NAME (once per HEAD commit; blobs a partial mirror lacks are left out and named).
#
# Environment:
#   REACHSCAN  reachscan binary (default: first of the build dirs below, else `reachscan` on PATH)
#   DATA       where the trees go (default /tmp/rs-data/precision); nothing there is committed
#   HISTORY    space-separated NAMEs whose full history is scanned too (`reachscan git GIT_DIR`)
#   LABELS     the label file (default bench/precision-labels.tsv next to this script)
#   THREADS    worker threads (default 2)
#   WITH_RG=0  skip the ripgrep baseline (it runs in multi-line mode over every tree: minutes)
#   OUT        folder for the reports (default: a temp folder)
#
# What runs:
#   reachscan -j N dir $DATA/head -f json            default options: what a user gets
#   reachscan -j N git GIT_DIR -f json               for each HISTORY name
#   rg -U -uu --json -j N -f rg.txt $DATA/head       patterns from export_patterns.py; -uu: no
#            .gitignore filtering, hidden files searched, binary files skipped (as reachscan)
# and bench/precision.py, which joins the findings with the labels and prints the table. A
# finding is keyed by (repo, path, rule, fingerprint); one that no label covers is "unlabelled"
# and counts as a false positive. A ripgrep match is a false positive unless a finding labelled
# true_secret_shape starts on the same line; its figure is matching lines per 100 MB of the bytes
# reachscan scanned (files over reachscan's 25 MB default are in rg's input but not in the
# denominator; the data sets here have none).
set -euo pipefail
shopt -s nullglob

die() { echo "precision: $*" >&2; exit 2; }
[ $# -ge 1 ] || die "usage: $0 NAME=GIT_DIR..."
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${DATA:-/tmp/rs-data/precision}
HISTORY=${HISTORY:-}
LABELS=${LABELS:-$HERE/precision-labels.tsv}
THREADS=${THREADS:-2}
WITH_RG=${WITH_RG:-1}

. "$HERE/find_reachscan.sh"
[ -x "${REACHSCAN:-}" ] || die "no reachscan binary: set REACHSCAN"
command -v python3 >/dev/null || die "python3 is missing"
[ "$WITH_RG" = 0 ] || command -v rg >/dev/null || die "rg is missing (apt-get install -y ripgrep)"
[ -f "$LABELS" ] || die "no label file $LABELS"


# Arguments first, so that a typo creates nothing.
declare -A GITDIR
for arg in "$@"; do
  name=${arg%%=*}
  g=${arg#*=}
  if [ "$name" = "$arg" ] || [ -z "$name" ]; then die "expected NAME=GIT_DIR, got '$arg'"; fi
  [[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] || die "NAME '$name': letters, digits, . _ - only"
  [ -d "$g" ] || die "$g: no such folder"
  GITDIR[$name]=$(realpath "$g")
done
for n in $HISTORY; do [ -n "${GITDIR[$n]:-}" ] || die "HISTORY names '$n', which is not given"; done

OUT=${OUT:-$(mktemp -d /tmp/rs-precision.XXXXXX)}
mkdir -p "$OUT" "$DATA/head" "$DATA/commits"

# extract NAME GIT_DIR: HEAD's tree into $DATA/head/NAME through a temporary index, leaving out
# (and naming) blobs the mirror lacks; `git archive` would stop at the first missing one.
extract() {
  local name=$1 g=$2 dest=$DATA/head/$1 commit idx
  commit=$(git --git-dir="$g" rev-parse HEAD) || die "$g: not a git repository"
  [ "$(cat "$DATA/commits/$name" 2>/dev/null)" = "$commit" ] && [ -d "$dest" ] && return
  echo "extracting $name at ${commit:0:12}" >&2
  rm -rf "$dest"
  mkdir -p "$dest"
  idx=$(mktemp -u "$OUT/index.XXXXXX")
  git --git-dir="$g" ls-tree -r -z HEAD |
    python3 "$HERE/precision.py" present-blobs "$g" |
    GIT_INDEX_FILE=$idx git --git-dir="$g" update-index -z --index-info
  GIT_INDEX_FILE=$idx git --git-dir="$g" --work-tree="$dest" checkout-index -a
  rm -f "$idx"
  echo "$commit" > "$DATA/commits/$name"
}

for name in "${!GITDIR[@]}"; do extract "$name" "${GITDIR[$name]}"; done
# Trees from earlier runs that are not named now would be scanned too: refuse rather than guess.
for d in "$DATA"/head/*/; do
  n=$(basename "$d")
  [ -n "${GITDIR[$n]:-}" ] || die "$DATA/head/$n is not one of the named repositories; remove it"
done

echo "machine:   $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "date:      $(date -u +%FT%TZ)"
echo "reachscan: $REACHSCAN ($("$REACHSCAN" --version 2>&1 | head -1))"
if [ "$WITH_RG" = 0 ]; then echo "rg:        skipped"; else echo "rg:        $(rg --version | head -1)"; fi
echo "load:      $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${!GITDIR[@]}"; do echo "repo:      $n $(head -c 12 "$DATA/commits/$n") ${GITDIR[$n]}"; done | sort

# Exit status 1 and 3 mean findings; 2 is an error and stops the run.
scan() {
  local rc=0
  "$REACHSCAN" -j "$THREADS" "$@" || rc=$?
  [ $rc != 2 ] || die "reachscan $* failed"
}
T0=$(date +%s.%N)
scan dir "$DATA/head" -f json -o "$OUT/head.json"
echo "reachscan dir: $(python3 -c "print(f'{$(date +%s.%N) - $T0:.1f}')") s" >&2
# A partial mirror lacks some blobs: each is an error (exit status 2) but the scan goes on, so a
# history scan counts as done when its report is complete; the errors are counted in the table.
for n in $HISTORY; do
  T0=$(date +%s.%N)
  rc=0
  "$REACHSCAN" -j "$THREADS" git "${GITDIR[$n]}" -f json -o "$OUT/history-$n.json" \
    2> "$OUT/history-$n.err" || rc=$?
  python3 -c 'import json, sys; json.load(open(sys.argv[1]))["summary"]' "$OUT/history-$n.json" \
    2>/dev/null || { cat "$OUT/history-$n.err" >&2; die "reachscan git $n failed ($rc)"; }
  echo "reachscan git $n: $(python3 -c "print(f'{$(date +%s.%N) - $T0:.1f}')") s, exit $rc," \
    "$(grep -c 'error:' "$OUT/history-$n.err" || true) errors (in $OUT/history-$n.err)" >&2
done

if [ "$WITH_RG" != 0 ]; then
  "$REACHSCAN" -f json rules list > "$OUT/rules.json"
  python3 "$HERE/export_patterns.py" "$OUT" < "$OUT/rules.json"
  T0=$(date +%s.%N)
  rc=0
  rg -U -uu --json -j "$THREADS" -f "$OUT/rg.txt" "$DATA/head" > "$OUT/rg.jsonl" || rc=$?
  [ $rc -le 1 ] || die "rg failed ($rc)"
  echo "rg: $(python3 -c "print(f'{$(date +%s.%N) - $T0:.1f}')") s" >&2
fi

python3 "$HERE/precision.py" report --labels "$LABELS" --root "$DATA/head" --out "$OUT"
echo "results:   $OUT (unlabelled findings as label rows: $OUT/unlabelled.tsv)"
