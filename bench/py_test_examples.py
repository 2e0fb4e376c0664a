#!/usr/bin/env python3
"""Extract labelled example lines from Python test files and write one file per example for
bench/recall.sh:

    py_test_examples.py OUT_DIR TEST_FILE...

Two table shapes are read:
- pytest parametrize rows `(line, True/False)`: True means the line holds a secret;
- rows `(line, expected_secret_or_None)` in a module-level list that the file pairs with file
  extensions in `(extension, LIST)` tuples (a keyword plugin's per-language tables): one file per
  row and extension, named `<test>_<ext>-<n>.<ext>`.
Lines may be literals, concatenations, `'...'.format(...)` and `%` formatting of module- or
class-level string constants; rows whose line cannot be evaluated are skipped and counted.
Positives go to OUT_DIR/pos, negatives to OUT_DIR/neg. The material is other people's and only
serves to measure recall; nothing extracted is ever committed.
"""
import ast
import os
import sys


class Unknown(Exception):
    pass


def evaluate(node, env):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in env:
            return env[node.id]
        raise Unknown(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return evaluate(node.left, env) + evaluate(node.right, env)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return evaluate(node.left, env) * evaluate(node.right, env)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        right = evaluate(node.right, env)
        return evaluate(node.left, env) % right
    if isinstance(node, ast.Tuple):
        return tuple(evaluate(e, env) for e in node.elts)
    if isinstance(node, ast.JoinedStr):
        parts = []
        for v in node.values:
            parts.append(str(evaluate(v.value, env)) if isinstance(v, ast.FormattedValue)
                         else evaluate(v, env))
        return ''.join(parts)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == 'format'):
        fmt = evaluate(node.func.value, env)
        args = [evaluate(a, env) for a in node.args]
        kwargs = {k.arg: evaluate(k.value, env) for k in node.keywords}
        return fmt.format(*args, **kwargs)
    raise Unknown(ast.dump(node)[:40])


def constants(tree):
    """Module- and class-level NAME = <evaluable> assignments, in order."""
    env = {}
    bodies = [tree.body] + [n.body for n in tree.body if isinstance(n, ast.ClassDef)]
    for body in bodies:
        for node in body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                    isinstance(node.targets[0], ast.Name):
                try:
                    env[node.targets[0].id] = evaluate(node.value, env)
                except (Unknown, TypeError, ValueError, KeyError, IndexError):
                    pass
    return env


def extension_tables(tree):
    """{LIST_NAME: [extension, ...]} from `(extension_or_None, LIST_NAME)` tuples."""
    tables = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple) and len(node.elts) == 2 and \
                isinstance(node.elts[0], ast.Constant) and isinstance(node.elts[1], ast.Name) and \
                (node.elts[0].value is None or isinstance(node.elts[0].value, str)):
            tables.setdefault(node.elts[1].id, []).append(node.elts[0].value or 'txt')
    return tables


class Writer:
    def __init__(self, out):
        self.out = out
        self.counts = {'pos': 0, 'neg': 0}
        self.n = {}

    def write(self, name, kind, line, ext='txt'):
        key = (name, kind)
        self.n[key] = self.n.get(key, 0) + 1
        self.counts[kind] += 1
        path = os.path.join(self.out, kind, '%s-%03d.%s' % (name, self.n[key], ext))
        with open(path, 'w', encoding='utf-8') as f:
            f.write(line + '\n')


def rows(table):
    for node in table.elts if isinstance(table, (ast.List, ast.Tuple)) else []:
        if isinstance(node, ast.Tuple) and len(node.elts) == 2:
            yield node.elts


def extract(path, writer):
    name = os.path.basename(path).replace('_test.py', '')
    tree = ast.parse(open(path, encoding='utf-8').read())
    env = constants(tree)
    tables = extension_tables(tree)
    skipped = 0
    in_tables = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], ast.Name) and node.targets[0].id in tables:
            for a, b in rows(node.value):
                in_tables.add(id(a))
                try:
                    line, expected = evaluate(a, env), evaluate(b, env)
                except (Unknown, TypeError, ValueError, KeyError, IndexError):
                    skipped += 1
                    continue
                for ext in tables[node.targets[0].id]:
                    kind = 'pos' if expected else 'neg'
                    writer.write('%s_%s' % (name, ext), kind, line, ext)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Tuple) or len(node.elts) != 2 or id(node.elts[0]) in in_tables:
            continue
        a, b = node.elts
        if not (isinstance(b, ast.Constant) and isinstance(b.value, bool)):
            continue
        try:
            line = evaluate(a, env)
        except (Unknown, TypeError, ValueError, KeyError, IndexError):
            skipped += 1
            continue
        if isinstance(line, str):
            writer.write(name, 'pos' if b.value else 'neg', line)
    return skipped


def main():
    writer = Writer(sys.argv[1])
    for kind in writer.counts:
        os.makedirs(os.path.join(writer.out, kind), exist_ok=True)
    skipped = sum(extract(path, writer) for path in sys.argv[2:])
    print('positives %d, negatives %d, skipped rows %d' %
          (writer.counts['pos'], writer.counts['neg'], skipped))


if __name__ == '__main__':
    main()
