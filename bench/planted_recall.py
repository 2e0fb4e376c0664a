#!/usr/bin/env python3
"""Recall on a planted-secrets repository that labels its files in a CSV of
`path,num_risk,num_informative` rows (`#` comments allowed):

    planted_recall.py REPO_DIR LABELS_CSV REPORT_JSONL

REPORT_JSONL is `reachscan -f jsonl dir REPO_DIR`. A risk item counts as found when a finding
falls on a distinct line of its file, up to the file's num_risk; files with a finding but no risk
label are listed as possible false positives. Set MISSED=1 to list files with risk items left.
"""
import csv
import json
import os
import sys


def main():
    root, labels, report = sys.argv[1:4]
    risk = {}
    for row in csv.reader(l for l in open(labels, encoding='utf-8')
                          if l.strip() and not l.startswith('#')):
        if len(row) >= 2 and row[1].strip().isdigit():
            risk[row[0].strip()] = int(row[1])
    lines = {}
    for line in open(report, encoding='utf-8'):
        if line.strip():
            item = json.loads(line)
            if item.get('type') == 'finding':
                continue
            path = os.path.relpath(item['path'], root)
            lines.setdefault(path, set()).add(item.get('line'))
    total = sum(risk.values())
    found = sum(min(n, len(lines.get(p, ()))) for p, n in risk.items())
    files = sum(1 for p, n in risk.items() if n and p in lines)
    print('%s: risk items %d/%d = %.3f; files with a risk found %d/%d' %
          (root, found, total, found / max(1, total), files, sum(1 for n in risk.values() if n)))
    for p in sorted(lines):
        if not risk.get(p):
            print('  finding in a file without risk label:', p)
    if os.environ.get('MISSED'):
        for p, n in sorted(risk.items()):
            got = min(n, len(lines.get(p, ())))
            if got < n:
                print('  %-45s %d/%d' % (p, got, n))


if __name__ == '__main__':
    main()
