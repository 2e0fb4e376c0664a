#!/usr/bin/env python3
"""Turns `reachscan -f json rules list` into pattern files for grep-like tools.

    reachscan -f json rules list | bench/export_patterns.py OUTDIR

writes one pattern per line (the form `ugrep -f` and `rg -f` expect, joined as alternatives):
  OUTDIR/ugrep.txt  for ugrep's default engine and for ugrep -P (PCRE2)
  OUTDIR/rg.txt     for ripgrep's default engine (Rust regex)
  OUTDIR/ids.txt    the rule id of each line, in the same order

Translation (each rewrite keeps which lines match; what cannot be kept is reported on stderr):
- A leading inline flag group such as `(?im)` applies to the whole pattern in reachscan (each rule
  is compiled alone). Once every rule is one alternative of a single big pattern a leading `(?i)`
  could leak into the following alternatives, so it becomes a scoped group: `(?im)X` -> `(?im:X)`.
- ugrep (3.11) rewrites every pattern before handing it to PCRE2 and, in doing so, rejects `^` or a
  lone `\\b` as one branch of an alternation ("empty expression") and appends `\\n` to negated
  classes, which breaks a class ending in `-` ("range out of order"). For ugrep.txt:
  `(?:^|[^SET])` -> `(?<![SET])` (SET without \\r\\n), any other `^` branch -> `(?<![^\\n])`,
  `(?:\\b|\\bbot)` -> `\\b(?:bot)?`, and a
  trailing `-` in a class moves to the front. ugrep's `\\s` never matches a newline (Hyperscan's
  and RE2's do, and PEM rules rely on it), so `\\s` becomes `[\\s\\n]` and `[...\\s...]` gains
  `\\n`. ugrep's own DFA engine (no -P) needs > 20 s and gigabytes to compile some rules
  (generic.api_key, openai.api_key), so the benchmark uses -P.
- For ripgrep each pattern is wrapped in `(?-u:...)`: reachscan's `\\b`, `\\w`, `\\s`, `\\d` are
  ASCII (Hyperscan; RE2 in Latin-1 mode), ripgrep's are Unicode unless told otherwise, which is
  both slower and a different meaning.
"""
import json
import os
import re
import sys

FLAGS = re.compile(r"^\(\?([imsx]+)\)")
LINE_START_OR = re.compile(r"\(\?:\^\|\[\^((?:\\.|[^\]\\])*)\]\)")
BOUNDARY_OR_BOT = r"(?:\b|\bbot)"


def scoped(pattern: str) -> str:
    m = FLAGS.match(pattern)
    if not m:
        return pattern
    return "(?" + m.group(1) + ":" + pattern[m.end():] + ")"


def ugrep_classes(pattern: str) -> str:
    """Per bracket expression: moves an unescaped trailing '-' to the front and adds \\n where a
    (non-negated) class holds \\s; outside classes \\s becomes [\\s\\n]. ugrep's \\s, unlike
    Hyperscan's and RE2's, does not match a newline, so PEM rules would never match otherwise."""
    out, i, n = [], 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            esc = pattern[i:i + 2]
            out.append("[\\s\\n]" if esc == "\\s" else esc)
            i += 2
            continue
        if c != "[":
            out.append(c)
            i += 1
            continue
        j = i + 1
        neg = j < n and pattern[j] == "^"
        if neg:
            j += 1
        body_start = j
        if j < n and pattern[j] == "]":  # a literal ']' first
            j += 1
        while j < n and pattern[j] != "]":
            j += 2 if pattern[j] == "\\" else 1
        body = pattern[body_start:j]
        if body.endswith("-") and not body.endswith("\\-") and len(body) > 1:
            body = "-" + body[:-1]
        if not neg and "\\s" in body and "\\n" not in body:
            body += "\\n"
        out.append("[" + ("^" if neg else "") + body + "]")
        i = j + 1
    return "".join(out)


def for_ugrep(pattern: str) -> str:
    def lookbehind(m):
        return "(?<![" + m.group(1).replace("\\r", "").replace("\\n", "") + "])"
    p = LINE_START_OR.sub(lookbehind, pattern)
    # Any other `^` branch: "not preceded by a character other than a newline" is a line start.
    p = p.replace("(?:^|", "(?:(?<![^\\n])|").replace("|^)", "|(?<![^\\n]))")
    p = p.replace(BOUNDARY_OR_BOT, r"\b(?:bot)?")
    return ugrep_classes(p)


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rules = json.load(sys.stdin)
    rewritten = 0
    with open(os.path.join(out, "ugrep.txt"), "w") as ug, \
         open(os.path.join(out, "rg.txt"), "w") as rg, \
         open(os.path.join(out, "ids.txt"), "w") as ids:
        for r in rules:
            p = r["pattern"]
            if "\n" in p:  # a (?x) multi-line pattern cannot be one line of a pattern file
                print(f"skipped {r['id']}: multi-line pattern", file=sys.stderr)
                continue
            s = scoped(p)
            u = for_ugrep(s)
            rewritten += u != s
            ug.write(u + "\n")
            rg.write("(?-u:" + s + ")\n")
            ids.write(r["id"] + "\n")
    print(f"{len(rules)} rules exported to {out} ({rewritten} rewritten for ugrep)",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
