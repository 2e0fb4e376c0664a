#!/usr/bin/env bash
# Repository shapes that break naive history scanners, built in a temporary folder and scanned
# with `reachscan git`; prints wall time and peak RSS next to git itself on the same repository.
# Not a test: it takes minutes and needs ~3 GB of disk for the large blob.
#
#   bench/git_shapes.sh [large|refs]...      (default: both; REACHSCAN=path, BLOB_MB=1024,
#                                              REFS=100000, COMMITS=20000; BASE=path of an
#                                              earlier reachscan, timed on the large blob too)
#
#   large  one commit holding one BLOB_MB text blob (a fake key on its last line), packed:
#          reachscan with --max-file-size 0 (streamed from the pack in chunks, its id checked) and
#          with the default size limit (skipped, reported), against `git cat-file blob`; then the
#          line the key was reported at against the line it is on.
#   refs   COMMITS commits in a line, each adding a file, and REFS tags spread over them (packed
#          refs), a fake key in the first commit so that provenance (the refs containing it) is
#          computed over every ref: against `git rev-list --all` and `git for-each-ref --contains`.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/find_reachscan.sh"
[ -x "${REACHSCAN:-}" ] || { echo "git_shapes: no reachscan binary: set REACHSCAN" >&2; exit 2; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
measure() {  # label, command...: wall seconds and peak RSS
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$T/time" "$@" > /dev/null 2> "$T/err" || true
  printf '%-44s %8.2f s  peak RSS %6d MB\n' "$label" "$(cut -d' ' -f1 "$T/time" | tail -1)" \
    $(( $(cut -d' ' -f2 "$T/time" | tail -1) / 1024 ))
}
# A fake AWS secret key (well-formed, random, never issued).
KEY_LINE='aws_secret_access_key = "q8Xz3N0vR7pLk2WmT5yB9cJ4hF6gD1sA0eUiOoPx"  # AKIAQ3EGRIXW5BZ6MQ7N'

large() {
  local mb=${BLOB_MB:-1024} r=$T/large
  git init -q "$r"
  python3 - "$r/big.txt" "$mb" "$KEY_LINE" <<'PY'
import sys
path, mb, key = sys.argv[1], int(sys.argv[2]), sys.argv[3]
line = b"".join(b"%08d some ordinary log text that compresses like real text would\n" % i for i in range(16384))
with open(path, "wb") as f:
    for _ in range(mb * 1024 * 1024 // len(line)):
        f.write(line)
    f.write(key.encode() + b"\n")
PY
  (cd "$r" && git add big.txt && git -c user.name=b -c user.email=b@example.com commit -qm big && git gc -q)
  rm -f "$r/big.txt"
  echo "large blob: $(du -sh "$r/.git/objects/pack" | cut -f1) packed, ${mb} MiB"
  measure "git cat-file blob HEAD:big.txt" git -C "$r" cat-file blob HEAD:big.txt
  measure "reachscan git --max-file-size 0" "$REACHSCAN" -q --max-file-size 0 -f jsonl git "$r"
  measure "reachscan git (default size limit)" "$REACHSCAN" -q -f jsonl git "$r"
  [ -z "${BASE:-}" ] || measure "BASE reachscan git --max-file-size 0" "$BASE" -q --max-file-size 0 -f jsonl git "$r"
  local want
  want=$(git -C "$r" cat-file blob HEAD:big.txt | wc -l)
  { "$REACHSCAN" -q --max-file-size 0 -f jsonl git "$r" 2>/dev/null || true; } | python3 -c '
import json, sys
want = int(sys.argv[1])
lines = [json.loads(l)["line"] for l in sys.stdin if json.loads(l).get("type") == "finding"]
print("  findings at lines", lines, "- the key is on line", want,
      "(ok)" if lines and all(x == want for x in lines) else "(WRONG)")' "$want"
}

refs() {
  local n=${REFS:-100000} commits=${COMMITS:-20000} r=$T/manyrefs
  git init -q "$r"
  python3 - "$commits" "$KEY_LINE" <<'PY' | git -C "$r" fast-import --quiet
import sys
commits, key = int(sys.argv[1]), sys.argv[2]
out = sys.stdout
for i in range(commits):
    body = (key + "\n") if i == 0 else ("file %d\n" % i)
    data = body.encode()
    out.write("commit refs/heads/main\nmark :%d\ncommitter b <b@example.com> %d +0000\ndata 4\nc%03d\n" % (i + 1, 1600000000 + i, i % 1000))
    if i:
        out.write("from :%d\n" % i)
    out.write("M 100644 inline f/%d.txt\ndata %d\n" % (i, len(data)))
    out.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    out.write("\n")
PY
  git -C "$r" rev-list main > "$T/commits"
  awk -v n="$n" '{c[NR]=$1} END {for (i = 0; i < n; i++) printf "%s refs/tags/t%06d\n", c[i % NR + 1], i}' \
    "$T/commits" | sort -k2 > "$T/reflist"
  { echo "# pack-refs with: peeled fully-peeled sorted "
    echo "$(git -C "$r" rev-parse main) refs/heads/main"; cat "$T/reflist"; } > "$r/.git/packed-refs"
  rm -f "$r/.git/refs/heads/main"
  echo "refs: $(git -C "$r" for-each-ref | wc -l) refs on $(wc -l < "$T/commits") commits"
  measure "git rev-list --objects --all" git -C "$r" rev-list --objects --all
  measure "git for-each-ref --contains ROOT" git -C "$r" for-each-ref --contains "$(tail -1 "$T/commits")"
  measure "reachscan git" "$REACHSCAN" -q -f jsonl git "$r"
  { "$REACHSCAN" -q -f jsonl git "$r" 2>/dev/null || true; } | python3 -c '
import json, sys
for l in sys.stdin:
    d = json.loads(l)
    if d.get("type") == "finding":
        print("  finding:", d["rule_id"], "refs listed:", len(d["commit"]["refs"]), "(capped at 20)")'
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), reachscan $REACHSCAN"
# Fill the rule-database caches first: no timing below includes a Hyperscan compile.
for b in "$REACHSCAN" ${BASE:+"$BASE"}; do echo hi | "$b" -q stdin > /dev/null 2>&1 || true; done
for shape in "${@:-large refs}"; do
  for s in $shape; do "$s"; done
done
