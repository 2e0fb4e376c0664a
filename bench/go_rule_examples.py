#!/usr/bin/env python3
"""Extract the true- and false-positive example strings that a Go rule generator (one file per
rule family, `tps`/`fps` string lists validated against each rule) spells out literally, and
write one file per example for bench/recall.sh:

    go_rule_examples.py RULES_DIR OUT_DIR

RULES_DIR holds the *.go generator files; OUT_DIR/pos/<file>-<n>.txt and OUT_DIR/neg/... are
written. Only literal strings, concatenations of literals and the sample-secret helpers
(`GenerateSampleSecret(s)` with literal arguments) are evaluated; examples built from random
generators are skipped and counted. Nothing extracted is ever committed: the material is other
people's and only serves to measure recall.
"""
import os
import re
import sys

TEMPLATES = [
    '{i}Token="{s}"', '{i}Token = "{s}"', '{i}Token={s}', '{i}Token = {s}',
    '{{\n    "{i}_token": "{s}"\n}}', '{{"config.ini": "{I}_TOKEN={s}\\nBACKUP_ENABLED=true"}}',
    '<{i}Token>\n    {s}\n</{i}Token>', '{i}_token: {s}', "{i}_token: '{s}'", '{i}_token: "{s}"',
    'string {i}Token = "{s}";', 'var {i}Token string = "{s}"', '{i}Token := "{s}"',
    '{i}Token := `{s}`', 'String {i}Token = "{s}";', 'var {i}Token = "{s}"',
    '${i}Token .= "{s}"', "{i}Token = '{s}'", '{i}Token = "{s}"',
    'System.setProperty("{I}_TOKEN", "{s}")', '  "{i}Token" => "{s}"', '{i}_TOKEN = "{s}"',
    '{i}_TOKEN := "{s}"', '{i}_TOKEN ::= "{s}"', '{i}_TOKEN :::= "{s}"', '{i}_TOKEN ?= "{s}"',
]

STR = re.compile(r'`([^`]*)`|"((?:[^"\\\n]|\\.)*)"')


def go_unquote(raw, interpreted):
    if not interpreted:
        return raw
    out = []
    i = 0
    while i < len(raw):
        c = raw[i]
        if c != '\\':
            out.append(c)
            i += 1
            continue
        n = raw[i + 1]
        i += 2
        m = {'n': '\n', 't': '\t', 'r': '\r', '"': '"', '\\': '\\', "'": "'", 'a': '\a',
             'b': '\b', 'f': '\f', 'v': '\v'}
        if n in m:
            out.append(m[n])
        elif n == 'x':
            out.append(chr(int(raw[i:i + 2], 16)))
            i += 2
        elif n == 'u':
            out.append(chr(int(raw[i:i + 4], 16)))
            i += 4
        else:
            out.append('\\' + n)
    return ''.join(out)


def strip_comments(src):
    """Removes // comments outside string literals."""
    out = []
    i = 0
    while i < len(src):
        c = src[i]
        if c == '`':
            j = src.index('`', i + 1)
            out.append(src[i:j + 1])
            i = j + 1
        elif c == '"':
            j = i + 1
            while src[j] != '"':
                j += 2 if src[j] == '\\' else 1
            out.append(src[i:j + 1])
            i = j + 1
        elif src.startswith('//', i):
            j = src.find('\n', i)
            i = len(src) if j < 0 else j
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def balanced(src, i):
    """Index just after the expression starting at src[i] (ends at a newline at depth 0)."""
    depth = 0
    while i < len(src):
        c = src[i]
        if c in '`"':
            m = STR.match(src, i)
            i = m.end()
            continue
        if c in '([{':
            depth += 1
        elif c in ')]}':
            depth -= 1
            if depth < 0:
                return i
        elif c == '\n' and depth == 0:
            return i
        i += 1
    return i


def split_top(expr):
    parts, depth, cur, i = [], 0, [], 0
    while i < len(expr):
        c = expr[i]
        if c in '`"':
            m = STR.match(expr, i)
            cur.append(m.group(0))
            i = m.end()
            continue
        if c in '([{':
            depth += 1
        elif c in ')]}':
            depth -= 1
        if c == ',' and depth == 0:
            parts.append(''.join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    if ''.join(cur).strip():
        parts.append(''.join(cur).strip())
    return parts


def literal(expr):
    """Value of a literal or a + concatenation of literals, else None."""
    pieces = []
    rest = expr.strip()
    while rest:
        m = STR.match(rest)
        if not m:
            return None
        pieces.append(go_unquote(m.group(1), False) if m.group(1) is not None
                      else go_unquote(m.group(2), True))
        rest = rest[m.end():].strip()
        if rest.startswith('+'):
            rest = rest[1:].strip()
        elif rest:
            return None
    return ''.join(pieces)


def evaluate(expr, skipped):
    expr = expr.strip()
    if expr.endswith('...'):
        expr = expr[:-3].strip()
    v = literal(expr)
    if v is not None:
        return [v]
    m = re.match(r'(?:utils\.)?GenerateSampleSecrets?\((.*)\)$', expr, re.S)
    if m:
        args = split_top(m.group(1))
        if len(args) == 2:
            i, s = literal(args[0]), literal(args[1])
            if i is not None and s is not None:
                if 'Secrets(' in expr:
                    return [t.format(i=i, I=i.upper(), s=s) for t in TEMPLATES]
                return ['%s_api_token = "%s"' % (i, s)]
    m = re.match(r'(?:\[\]string)?\{(.*)\}$', expr, re.S)
    if m:
        out = []
        for p in split_top(m.group(1)):
            out += evaluate(p, skipped)
        return out
    m = re.match(r'append\((\w+),(.*)\)$', expr, re.S)
    if m:
        out = []
        for p in split_top(m.group(2)):
            out += evaluate(p, skipped)
        return out
    skipped[0] += 1
    return []


def main():
    rules_dir, out_dir = sys.argv[1], sys.argv[2]
    counts = {'pos': 0, 'neg': 0}
    skipped = [0]
    for kind in counts:
        os.makedirs(os.path.join(out_dir, kind), exist_ok=True)
    for name in sorted(os.listdir(rules_dir)):
        if not name.endswith('.go') or name.endswith('_test.go'):
            continue
        src = strip_comments(open(os.path.join(rules_dir, name), encoding='utf-8').read())
        n = {'pos': 0, 'neg': 0}
        for m in re.finditer(r'\b(tps|fps|truePositives|falsePositives)\s*(?::=|=)', src):
            kind = 'pos' if m.group(1) in ('tps', 'truePositives') else 'neg'
            end = balanced(src, m.end())
            for v in evaluate(src[m.end():end], skipped):
                n[kind] += 1
                path = os.path.join(out_dir, kind, '%s-%03d.txt' % (name[:-3], n[kind]))
                with open(path, 'w', encoding='utf-8') as f:
                    f.write(v + '\n')
        for k in n:
            counts[k] += n[k]
    print('positives %d, negatives %d, skipped expressions %d' %
          (counts['pos'], counts['neg'], skipped[0]))


if __name__ == '__main__':
    main()
