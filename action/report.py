#!/usr/bin/env python3
"""Turns one reachscan run into what the action shows: the log, step outputs, job summary.

1. Prints reachscan's GitHub annotations, with file= made relative to the workspace: reachscan
   names files relative to the repository it scanned, GitHub places an annotation by a path
   relative to the workspace, and the two differ when the action's `path` is a subfolder.
   Then the log report (the `format` input), if any.
2. Appends the step outputs and a job summary (a Markdown table of findings by rule and reach
   verdict, then the findings themselves) from reachscan's JSON report. Secrets are already
   masked: the action runs reachscan with --redact.

One script, so the step starts Python once.
"""
import argparse
import json
import os
import sys

VERDICTS = ("production", "unknown", "non_production")
MAX_LISTED = 50  # findings listed one by one in the summary; the table counts them all

OUTCOMES = {
    0: "passed",
    1: "failed: findings",
    2: "failed: error (see the log)",
    3: "failed: findings that reach production",
}


def escape_property(s: str) -> str:
    """As GitHub's toolkit escapes workflow command properties (@actions/core, command.ts)."""
    return (s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            .replace(":", "%3A").replace(",", "%2C"))


def print_log(annotations: str, log: str, repo: str, workspace: str) -> None:
    prefix = os.path.relpath(os.path.realpath(repo), os.path.realpath(workspace))
    prefix = "" if prefix == "." or prefix.startswith("..") else escape_property(prefix) + "/"
    with open(annotations, encoding="utf-8", errors="replace") as f:
        for line in f:
            for level in ("::error file=", "::warning file="):
                if prefix and line.startswith(level):
                    line = level + prefix + line[len(level):]
            sys.stdout.write(line)
    if os.path.isfile(log):
        with open(log, encoding="utf-8", errors="replace") as f:
            sys.stdout.write(f.read())
    sys.stdout.flush()


def cell(text) -> str:
    """Markdown table cell: pipes and line breaks would break the table."""
    return str(text).replace("|", "\\|").replace("\n", " ").replace("`", "'")


def main() -> None:
    ap = argparse.ArgumentParser()
    for flag in ("--annotations", "--log", "--repo", "--workspace", "--json", "--scope",
                 "--event", "--fail-on", "--sarif", "--output", "--summary"):
        ap.add_argument(flag, required=True)
    ap.add_argument("--exit-code", type=int, required=True)
    a = ap.parse_args()
    print_log(a.annotations, a.log, a.repo, a.workspace)

    findings, errors = None, []
    try:
        with open(a.json, encoding="utf-8") as f:
            doc = json.load(f)
        findings = doc.get("findings", [])
        errors = doc.get("summary", {}).get("errors", [])
    except (OSError, ValueError):
        pass  # reachscan stopped before writing it; the exit code (2) says so

    def verdict(f) -> str:
        return (f.get("reach") or {}).get("verdict") or "unknown"

    with open(a.output, "a", encoding="utf-8") as out:
        if findings is None:
            out.write("findings=\nproduction-findings=\n")
        else:
            production = sum(1 for f in findings if verdict(f) == "production")
            out.write(f"findings={len(findings)}\nproduction-findings={production}\n")
        sarif_written = os.path.isfile(a.sarif)
        out.write(f"sarif-file={a.sarif if sarif_written else ''}\nexit-code={a.exit_code}\n")

    lines = ["## reachscan", ""]
    lines.append(f"Scanned {cell(a.scope)} ({cell(a.event or 'no')} event). "
                 f"Result: **{OUTCOMES.get(a.exit_code, f'exit {a.exit_code}')}** "
                 f"(exit {a.exit_code}, fail-on: {cell(a.fail_on)}).")
    lines.append("")
    if findings is None:
        lines.append("reachscan wrote no report; the step log says why.")
    elif not findings:
        lines.append("No findings.")
    else:
        table = {}
        for f in findings:
            row = table.setdefault(f.get("rule_id", "?"), dict.fromkeys(VERDICTS, 0))
            row[verdict(f) if verdict(f) in VERDICTS else "unknown"] += 1
        lines.append("| Rule | production | unknown | non_production | total |")
        lines.append("|---|---:|---:|---:|---:|")
        for rule in sorted(table, key=lambda r: (-table[r]["production"], r)):
            row = table[rule]
            lines.append(f"| `{cell(rule)}` | " + " | ".join(str(row[v]) for v in VERDICTS) +
                         f" | {sum(row.values())} |")
        totals = [sum(table[r][v] for r in table) for v in VERDICTS]
        lines.append("| **total** | " + " | ".join(str(t) for t in totals) +
                     f" | {len(findings)} |")
        lines += ["", "| Where | Rule | Reach | Secret (masked) |", "|---|---|---|---|"]
        order = {v: i for i, v in enumerate(VERDICTS)}
        ranked = sorted(findings, key=lambda f: (order.get(verdict(f), 1), f.get("path", ""),
                                                 f.get("line", 0)))
        for f in ranked[:MAX_LISTED]:
            lines.append(f"| `{cell(f.get('path'))}:{f.get('line')}` | `{cell(f.get('rule_id'))}` "
                         f"| {cell(verdict(f))} | `{cell(f.get('secret'))}` |")
        if len(findings) > MAX_LISTED:
            lines.append(f"\n{len(findings) - MAX_LISTED} more in the SARIF report.")
        lines += ["", "To allow a test key or a reviewed false positive: a `reachscan:allow` "
                  "comment on its line, or its fingerprint in `.reachscanignore`."]
    for e in errors:
        lines.append(f"\n**error:** {cell(e)}")
    with open(a.summary, "a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
