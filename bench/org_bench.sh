#!/usr/bin/env bash
# Organisation scan benchmark: `reachscan repos` over a folder of repositories that share
# history (an upstream and N forks, each fork with one commit of its own, as a fork network
# looks), first run and an unchanged second run, against `git cat-file --batch` reading every
# reachable blob of every repository (what a loop of per-repository history scans must read at
# least), measured in the same run. Prints wall times, ratios, peak RSS and blobs read.
#
#   bench/org_bench.sh UPSTREAM_REPO [FORKS] [THREADS] [REACHSCAN]
#
# UPSTREAM_REPO is any git repository (bare is fine; it is only read: the forks are local clones
# sharing its objects through alternates). With GITLEAKS set to a gitleaks binary, a shell loop
# of `gitleaks git` over the same repositories is timed too.
set -euo pipefail
UP=$(cd "$1" && pwd)
FORKS=${2:-4}
THREADS=${3:-2}
HERE=$(cd "$(dirname "$0")" && pwd)
REACHSCAN=${4:-${REACHSCAN:-}}
. "$HERE/find_reachscan.sh"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
now() { date +%s.%N; }
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.test
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.test

mkdir -p "$OUT/org"
git clone -q --bare --shared "$UP" "$OUT/org/upstream.git"
for i in $(seq 1 "$FORKS"); do
  git clone -q --bare --shared "$UP" "$OUT/org/fork$i.git"
  # One commit of its own on a new branch.
  tree=$(printf '100644 blob %s\tNOTES-%s.md\n' \
    "$(echo "fork $i notes" | git --git-dir="$OUT/org/fork$i.git" hash-object -w --stdin)" "$i" |
    git --git-dir="$OUT/org/fork$i.git" mktree)
  c=$(git --git-dir="$OUT/org/fork$i.git" commit-tree "$tree" -m "fork $i")
  git --git-dir="$OUT/org/fork$i.git" update-ref "refs/heads/fork-$i" "$c"
done
repos=$((FORKS + 1))
echo "organisation: $repos repositories sharing $(git --git-dir="$UP" rev-list --all | wc -l) commits of $UP"
echo "threads: $THREADS, machine: $(nproc) cores"

# Reference: every reachable blob of every repository, read with git cat-file.
t0=$(now)
for r in "$OUT"/org/*.git; do
  git --git-dir="$r" rev-list --objects --all | cut -d' ' -f1 |
    git --git-dir="$r" cat-file --batch-check='%(objectname) %(objecttype)' |
    awk '$2=="blob"{print $1}' | git --git-dir="$r" cat-file --batch > /dev/null
done
t1=$(now)
cat_t=$(python3 -c "print($t1-$t0)")

run() {  # wall time and peak RSS of one `reachscan repos` run
  local t0 t1
  t0=$(now)
  /usr/bin/time -f "%M" -o "$OUT/rss" "$REACHSCAN" -j "$THREADS" -f json -o "$OUT/$1.json" \
    repos "$OUT/org" --datastore "$OUT/org.db" --max-file-size 0 2> "$OUT/$1.err" || true
  t1=$(now)
  python3 -c "print($t1-$t0)"
}
first=$(run first)
first_rss=$(tail -1 "$OUT/rss")
second=$(run second)
second_rss=$(tail -1 "$OUT/rss")
read_first=$(python3 -c "import json; print(json.load(open('$OUT/first.json'))['summary']['files_scanned'])")
known_first=$(python3 -c "import json; print(json.load(open('$OUT/first.json'))['summary'].get('already_scanned', 0))")
read_second=$(python3 -c "import json; print(json.load(open('$OUT/second.json'))['summary']['files_scanned'])")
findings=$(python3 -c "import json; print(len(json.load(open('$OUT/first.json'))['findings']))")

printf '%-44s %9s %9s %10s\n' "" "wall s" "vs ref" "peak RSS"
printf '%-44s %9.2f %9s %10s\n' "git cat-file --batch, every repository" "$cat_t" "1.00x" "-"
printf '%-44s %9.2f %8.2fx %7d MB\n' "reachscan repos, first run" "$first" \
  "$(python3 -c "print($first/$cat_t)")" "$((first_rss / 1024))"
printf '%-44s %9.2f %8.3fx %7d MB\n' "reachscan repos, second run (nothing moved)" "$second" \
  "$(python3 -c "print($second/$cat_t)")" "$((second_rss / 1024))"
echo "first run: $read_first blobs read, $known_first not read again (shared with an earlier repository); $findings findings"
echo "second run: $read_second blobs read; second/first wall: $(python3 -c "print(round($second/$first, 4))")"
if [ -n "${GITLEAKS:-}" ]; then
  t0=$(now)
  for r in "$OUT"/org/*.git; do "$GITLEAKS" git "$r" --no-banner --exit-code 0 -r /dev/null >/dev/null 2>&1 || true; done
  t1=$(now)
  gl=$(python3 -c "print($t1-$t0)")
  echo "gitleaks loop: $gl s; first run $(python3 -c "print(round($gl/$first,1))")x faster, second $(python3 -c "print(round($gl/$second,1))")x faster"
fi
