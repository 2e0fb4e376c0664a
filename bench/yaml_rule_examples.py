#!/usr/bin/env python3
"""Extract the examples another scanner's YAML rule files spell out (a top-level `rules:` list
whose entries carry `examples` and `negative_examples` string lists, and optionally
`categories`), and write one file per example for bench/recall.sh:

    yaml_rule_examples.py RULES_DIR OUT_DIR [--skip-category NAME]... [--keep-cross-positives]

Rules tagged with a skipped category (e.g. `identifier`: public identifiers, not secrets) are left
out. A negative example of one rule that is, word for word (blanks aside), a positive example of
another rule of the same set says "not this rule's shape", not "no secret here": it is left out of
the negatives (and counted) unless --keep-cross-positives is given. Positives go to OUT_DIR/pos/<rule file>-<n>.txt, negatives to OUT_DIR/neg/. The material is
other people's and only serves to measure recall; nothing extracted is ever committed.
"""
import os
import sys

import yaml


def main():
    args = sys.argv[1:]
    skip = set()
    keep_cross = '--keep-cross-positives' in args
    args = [a for a in args if a != '--keep-cross-positives']
    while '--skip-category' in args:
        i = args.index('--skip-category')
        skip.add(args[i + 1])
        del args[i:i + 2]
    rules_dir, out = args
    counts = {'pos': 0, 'neg': 0}
    for kind in counts:
        os.makedirs(os.path.join(out, kind), exist_ok=True)
    names = sorted(n for n in os.listdir(rules_dir) if n.endswith(('.yml', '.yaml')))
    docs = {n: yaml.safe_load(open(os.path.join(rules_dir, n), encoding='utf-8')) or {}
            for n in names}
    norm = lambda t: ' '.join(t.split())
    positives = {norm(t) for doc in docs.values() for rule in doc.get('rules') or []
                 if not skip & set(rule.get('categories') or [])
                 for t in rule.get('examples') or []}
    cross = 0
    for name in names:
        doc = docs[name]
        stem = name.rsplit('.', 1)[0]
        n = {'pos': 0, 'neg': 0}
        for rule in doc.get('rules') or []:
            if skip & set(rule.get('categories') or []):
                continue
            for kind, key in (('pos', 'examples'), ('neg', 'negative_examples')):
                for text in rule.get(key) or []:
                    if kind == 'neg' and not keep_cross and norm(text) in positives:
                        cross += 1
                        continue
                    n[kind] += 1
                    path = os.path.join(out, kind, '%s-%03d.txt' % (stem, n[kind]))
                    with open(path, 'w', encoding='utf-8') as f:
                        f.write(text if text.endswith('\n') else text + '\n')
        for kind in n:
            counts[kind] += n[kind]
    print('positives %d, negatives %d (left out: %d negatives that are another rule\'s positive)'
          % (counts['pos'], counts['neg'], cross))


if __name__ == '__main__':
    main()
