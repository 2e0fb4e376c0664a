#!/usr/bin/env python3
"""Extract (line, expected) pairs from Python test files (pytest parametrize tables whose rows are
a string and a boolean, True: the line holds a secret) and write one file per example for
bench/recall.sh:

    py_test_examples.py OUT_DIR TEST_FILE...

Positives go to OUT_DIR/pos/<test>-<n>.txt, negatives to OUT_DIR/neg/. The material is other
people's and only serves to measure recall; nothing extracted is ever committed.
"""
import ast
import os
import sys


def main():
    out = sys.argv[1]
    counts = {'pos': 0, 'neg': 0}
    for kind in counts:
        os.makedirs(os.path.join(out, kind), exist_ok=True)
    for path in sys.argv[2:]:
        name = os.path.basename(path).replace('_test.py', '')
        tree = ast.parse(open(path, encoding='utf-8').read())
        n = {'pos': 0, 'neg': 0}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Tuple) or len(node.elts) != 2:
                continue
            a, b = node.elts
            if not (isinstance(a, ast.Constant) and isinstance(a.value, str)):
                continue
            if not (isinstance(b, ast.Constant) and isinstance(b.value, bool)):
                continue
            kind = 'pos' if b.value else 'neg'
            n[kind] += 1
            with open(os.path.join(out, kind, '%s-%03d.txt' % (name, n[kind])), 'w',
                      encoding='utf-8') as f:
                f.write(a.value + '\n')
        for k in n:
            counts[k] += n[k]
    print('positives %d, negatives %d' % (counts['pos'], counts['neg']))


if __name__ == '__main__':
    main()
