#!/usr/bin/env python3
"""Support script for bench/precision.sh.

    precision.py present-blobs GIT_DIR < ls-tree -r -z output > the same, blobs present only
    precision.py report --labels TSV --root HEAD_DIR --out OUT

`present-blobs` drops the entries whose blob a partial mirror lacks (named on stderr) and the
non-blob entries (submodules), so `git update-index --index-info` + `checkout-index` can extract
what there is.

`report` reads OUT/head.json (`reachscan dir HEAD_DIR -f json`), OUT/history-NAME.json
(`reachscan git -f json`) and, if present, OUT/rg.jsonl (`rg --json`), joins each finding with
the label file and prints every finding, then the table. Label file: tab-separated
    repo  path  rule  fingerprint  label  reason
with label `true_secret_shape` (a real secret-shaped string that is no live secret: a documented
test key, a test vector, a fixture) or `false_positive`; fingerprint is the hash part of the
finding's fingerprint (never the secret). Lines starting with '#' are comments. A finding no label
covers is "unlabelled", counted as a false positive, and written to OUT/unlabelled.tsv as a row to
review and paste.
"""
import argparse
import collections
import glob
import json
import os
import subprocess
import sys

LABELS = ("true_secret_shape", "false_positive")


def present_blobs(git_dir: str) -> int:
    entries = [e for e in sys.stdin.buffer.read().split(b"\0") if e]
    blobs = [e for e in entries if e.split(b" ", 2)[1] == b"blob"]
    ids = b"".join(e.split(b" ", 2)[2].split(b"\t", 1)[0] + b"\n" for e in blobs)
    out = subprocess.run(["git", "--git-dir=" + git_dir, "cat-file", "--batch-check"],
                         input=ids, capture_output=True, check=True).stdout.splitlines()
    missing = {line.split()[0] for line in out if line.endswith(b" missing")}
    for e in blobs:
        sha, path = e.split(b" ", 2)[2].split(b"\t", 1)
        if sha in missing:
            print(f"missing blob, left out: {path.decode(errors='replace')}", file=sys.stderr)
        else:
            sys.stdout.buffer.write(e + b"\0")
    return 0


def load_labels(path: str):
    labels = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 6 or cols[4] not in LABELS or not cols[5].strip():
                sys.exit(f"precision: {path}:{n}: expected repo, path, rule, fingerprint, "
                         f"label ({' or '.join(LABELS)}), reason")
            key = tuple(cols[:4])
            if key in labels:
                sys.exit(f"precision: {path}:{n}: duplicate label for {key}")
            labels[key] = (cols[4], cols[5])
    return labels


def load_scan(path: str):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    return doc["findings"], doc["summary"]


def fingerprint_hash(f) -> str:
    return f["fingerprint"].rsplit(":", 1)[-1]


def rg_lines(path: str, root: str):
    """(repo, path, line) of each line where an rg match starts."""
    lines = set()
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            msg = json.loads(raw)
            if msg["type"] != "match":
                continue
            p = msg["data"]["path"].get("text")
            if p is None:  # a path that is not UTF-8: keep it countable
                p = msg["data"]["path"]["bytes"]
            repo, rel = split_repo(p, root)
            lines.add((repo, rel, msg["data"]["line_number"]))
    return lines


def split_repo(path: str, root: str):
    rel = os.path.relpath(path, root)
    repo, _, rest = rel.partition(os.sep)
    return repo, rest


def mask(secret: str) -> str:
    """As reachscan's redact(): at most the first 4 characters of a long secret, then *****."""
    return (secret[:4].replace("\n", " ").replace("\r", " ") if len(secret) >= 16 else "") + "*****"


def per_100mb(n: int, size: int) -> float:
    return n / (size / 1e8) if size else 0.0


def report(args) -> int:
    labels = load_labels(args.labels)
    used = set()
    unlabelled_rows = []
    rows = []  # (data set, repos, MB, findings, true, fp, unlabelled)
    true_head_lines = set()

    scans = [("HEAD trees", os.path.join(args.out, "head.json"), None)]
    for p in sorted(glob.glob(os.path.join(args.out, "history-*.json"))):
        name = os.path.basename(p)[len("history-"):-len(".json")]
        scans.append((f"history of {name}", p, name))

    for title, path, repo_name in scans:
        findings, summary = load_scan(path)
        counts = collections.Counter()
        repos = set()
        errors = len(summary.get("errors", []))
        print(f"\n== {title}: {summary['bytes_scanned'] / 1e6:.1f} MB, "
              f"{summary['files_scanned']} files, {len(findings)} findings"
              + (f", {errors} errors (blobs the mirror lacks, unreadable files)" if errors else ""))
        listed = []
        for f in findings:
            if repo_name is None:
                repo, rel = split_repo(f["path"], args.root)
            else:
                repo, rel = repo_name, f["path"]
            repos.add(repo)
            key = (repo, rel, f["rule_id"], fingerprint_hash(f))
            label, reason = labels.get(key, ("unlabelled", ""))
            if label != "unlabelled":
                used.add(key)
            else:
                unlabelled_rows.append("\t".join(key) + "\t?\t?")
            counts[label] += 1
            if repo_name is None and label == "true_secret_shape":
                true_head_lines.add((repo, rel, f["line"]))
            commit = f.get("commit") or {}
            where = f"{repo}/{rel}:{f['line']}"
            if commit.get("id"):
                where += f" @{commit['id'][:10]}"
            listed.append((label, f["rule_id"], where, mask(f["secret"]), reason))
        for label, rule, where, secret, reason in sorted(listed):
            print(f"  {label:<17} {rule:<36} {where}  {secret}  {reason}")
        if repo_name is None:
            repos |= {d for d in os.listdir(args.root) if os.path.isdir(os.path.join(args.root, d))}
        else:
            repos.add(repo_name)
        rows.append((title, len(repos), summary["bytes_scanned"], len(findings),
                     counts["true_secret_shape"], counts["false_positive"], counts["unlabelled"]))

    rg = None
    rg_path = os.path.join(args.out, "rg.jsonl")
    if os.path.exists(rg_path):
        lines = rg_lines(rg_path, args.root)
        true = len(lines & true_head_lines)
        rg = (len(lines), true, len(lines) - true)

    with open(os.path.join(args.out, "unlabelled.tsv"), "w", encoding="utf-8") as f:
        f.write("".join(r + "\n" for r in sorted(set(unlabelled_rows))))
    stale = sorted(set(labels) - used)

    print("\n| data set | repos | MB | findings | true-secret-shaped | false positives "
          "| unlabelled | FP / 100 MB | rg, same patterns: FP lines / 100 MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    total = [0, 0, 0, 0, 0]
    for title, nrepos, size, nf, nt, nfp, nu in rows:
        rg_cell = "n/a"
        if rg and title == "HEAD trees":
            rg_cell = f"{per_100mb(rg[2], size):.0f} ({rg[2]} of {rg[0]} matching lines)"
        print(f"| {title} | {nrepos} | {size / 1e6:.1f} | {nf} | {nt} | {nfp} | {nu} "
              f"| {per_100mb(nfp + nu, size):.2f} | {rg_cell} |")
        for i, v in enumerate((size, nf, nt, nfp, nu)):
            total[i] += v
    size, nf, nt, nfp, nu = total
    if len(rows) > 1:
        print(f"| all | | {size / 1e6:.1f} | {nf} | {nt} | {nfp} | {nu} "
              f"| {per_100mb(nfp + nu, size):.2f} | |")
    print(f"\nfalse positives (unlabelled included): {nfp + nu} in {size / 1e6:.1f} MB = "
          f"{per_100mb(nfp + nu, size):.2f} per 100 MB (target < 1)")
    if rg:
        print(f"rg baseline: {rg[0]} matching lines, {rg[1]} on a true-secret-shaped finding's "
              f"line, {rg[2]} false = {per_100mb(rg[2], rows[0][2]):.0f} per 100 MB")
    if stale:
        print(f"labels that matched no finding ({len(stale)}; fixed, or the data changed):")
        for k in stale:
            print("  " + "\t".join(k))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    pb = sub.add_parser("present-blobs")
    pb.add_argument("git_dir")
    rp = sub.add_parser("report")
    rp.add_argument("--labels", required=True)
    rp.add_argument("--root", required=True)
    rp.add_argument("--out", required=True)
    args = ap.parse_args()
    if args.cmd == "present-blobs":
        return present_blobs(args.git_dir)
    return report(args)


if __name__ == "__main__":
    sys.exit(main())
