#!/usr/bin/env bash
# Recall on labelled material: every file under SET/pos holds at least one secret, every file
# under SET/neg holds none. A positive file counts as found when reachscan reports any finding in
# it; a negative file with a finding is a false positive.
#
#   bench/recall.sh SET...           e.g. material extracted by bench/go_rule_examples.py
#
# Environment:
#   REACHSCAN  reachscan binary (default: see find_reachscan.sh)
#   MISSED=1   list the positive files with no finding (and the negatives with one)
#   BY_PREFIX=1  also print found/total per file-name prefix (the part before the last '-')
#   ARGS       extra reachscan arguments (e.g. --no-decode)
#   REAL_SHAPED=1  also report recall on the real-shaped positives only: files without a counting
#              run of 6 (123456, abcdef), a run of 4 equal characters or an "xxxx"/"EXAMPLE"/
#              "fake" marker, which other tools' examples use for placeholders
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/find_reachscan.sh"
[ -x "${REACHSCAN:-}" ] || { echo "recall: no reachscan binary: set REACHSCAN" >&2; exit 2; }
[ $# -ge 1 ] || { echo "usage: $0 SET..." >&2; exit 2; }
for set in "$@"; do
  [ -d "$set/pos" ] || { echo "recall: $set/pos is not a folder" >&2; exit 2; }
  report=$(mktemp)
  # shellcheck disable=SC2086
  "$REACHSCAN" -q --exit-code 0 ${ARGS:-} -f jsonl dir "$set" >"$report"
  python3 - "$set" "$report" <<'PY'
import json, os, sys
root, report = sys.argv[1], sys.argv[2]
hit = set()
for line in open(report, encoding='utf-8'):
    if line.strip():
        hit.add(os.path.relpath(json.loads(line)['path'], root))
def files(kind):
    d = os.path.join(root, kind)
    return sorted(os.path.join(kind, f) for f in os.listdir(d)) if os.path.isdir(d) else []
pos, neg = files('pos'), files('neg')
found = [p for p in pos if p in hit]
fp = [n for n in neg if n in hit]
print('%s: recall %d/%d = %.3f; negatives with a finding %d/%d' %
      (root, len(found), len(pos), len(found) / max(1, len(pos)), len(fp), len(neg)))
def placeholder_shaped(text):
    low = text.lower()
    if any(m in low for m in ('xxxx', 'example', 'fake', 'dummy', 'your_', '<your')):
        return True
    up = down = same = 1
    for a, b in zip(text, text[1:]):
        up = up + 1 if b.isalnum() and ord(b) - ord(a) == 1 else 1
        down = down + 1 if b.isalnum() and ord(a) - ord(b) == 1 else 1
        same = same + 1 if b.isalnum() and a == b else 1
        if up >= 6 or down >= 6 or same >= 4:
            return True
    return False
if os.environ.get('REAL_SHAPED'):
    real = [p for p in pos
            if not placeholder_shaped(open(os.path.join(root, p), encoding='utf-8',
                                           errors='replace').read())]
    got = [p for p in real if p in hit]
    print('  real-shaped positives: recall %d/%d = %.3f' %
          (len(got), len(real), len(got) / max(1, len(real))))
if os.environ.get('BY_PREFIX'):
    by = {}
    for p in pos:
        k = os.path.basename(p).rsplit('-', 1)[0]
        by.setdefault(k, [0, 0])
        by[k][1] += 1
        by[k][0] += p in hit
    for k, (f, t) in sorted(by.items()):
        if f < t:
            print('  %-40s %d/%d' % (k, f, t))
if os.environ.get('MISSED'):
    for p in pos:
        if p not in hit:
            print('  missed', p)
    for n in fp:
        print('  false positive', n)
PY
  rm -f "$report"
done
