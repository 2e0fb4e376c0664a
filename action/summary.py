#!/usr/bin/env python3
"""Writes the action's step outputs and job summary from reachscan's JSON report.

The summary is a Markdown table of findings by rule and reach verdict, then the findings
themselves (secrets are already masked: the action runs reachscan with --redact).
"""
import argparse
import json
import os

VERDICTS = ("production", "unknown", "non_production")
MAX_LISTED = 50  # findings listed one by one in the summary; the table counts them all

OUTCOMES = {
    0: "passed",
    1: "failed: findings",
    2: "failed: error (see the log)",
    3: "failed: findings that reach production",
}


def cell(text) -> str:
    """Markdown table cell: pipes and line breaks would break the table."""
    return str(text).replace("|", "\\|").replace("\n", " ").replace("`", "'")


def main() -> None:
    ap = argparse.ArgumentParser()
    for flag in ("--json", "--scope", "--event", "--fail-on", "--sarif", "--output", "--summary"):
        ap.add_argument(flag, required=True)
    ap.add_argument("--exit-code", type=int, required=True)
    a = ap.parse_args()

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
