#!/usr/bin/env python3
"""Builds an organisation of COUNT local git repositories for the worker tests and benchmarks.

Two thirds are forks of one base history (the same commits, so the same blobs), each with
commits of its own; the rest are independent. Fake but well-formed Stripe live keys: some per
repository, one shared by a production config of the base and a test fixture of other
repositories. Written with git fast-import (two processes per repository). Deterministic.
Usage: make_org.py FOLDER COUNT [FILES_PER_COMMIT]   (writes FOLDER/list.txt)
"""
import hashlib
import os
import subprocess
import sys

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def token(seed):
    digest = hashlib.sha256(f"reachscan-test-{seed}".encode()).digest()
    return "sk_live_" + "".join(ALNUM[b % len(ALNUM)] for b in digest[:32])


def text(seed, lines=40):
    out = []
    for i in range(lines):
        h = hashlib.sha1(f"{seed}-{i}".encode()).hexdigest()
        out.append(f"value_{i} = compute('{h}', {i * 7 % 13})")
    return "\n".join(out) + "\n"


class Stream:
    """A fast-import stream of commits on refs/heads/main."""

    def __init__(self):
        self.parts = []
        self.when = 1704067200  # 2024-01-01

    def commit(self, files, message):
        self.when += 60
        who = f"Dev <dev@example.test> {self.when} +0000"
        msg = message.encode()
        self.parts.append(f"commit refs/heads/main\nauthor {who}\ncommitter {who}\n".encode())
        self.parts.append(b"data %d\n%s\n" % (len(msg), msg))
        for path, content in sorted(files.items()):
            data = content.encode()
            self.parts.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))
        self.parts.append(b"\n")

    def write(self, repo):
        subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True)
        subprocess.run(["git", "-C", repo, "fast-import", "--quiet"], input=b"".join(self.parts),
                       check=True)


def base_commits(stream, per):
    for c in range(3):
        files = {f"src/mod{c}_{i}.py": text(f"base-{c}-{i}") for i in range(per)}
        if c == 1:
            files["deploy/prod/app.env"] = f"STRIPE_KEY={token(0)}\n"
        stream.commit(files, f"base {c}")


def main():
    root, count = sys.argv[1], int(sys.argv[2])
    per = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    os.makedirs(root, exist_ok=True)
    names = []
    for r in range(count):
        name = f"repo{r:02d}"
        stream = Stream()
        if r % 3 != 2:  # a fork: the base history first
            base_commits(stream, per)
        for c in range(2):
            files = {f"lib/{name}_{c}_{i}.txt": text(f"{name}-{c}-{i}") for i in range(per // 2)}
            if (r + c) % 4 == 0:
                files[f"config/{name}.yaml"] = f"stripe:\n  key: {token(r * 10 + c + 1)}\n"
            if r % 7 == 3 and c == 0:
                files["tests/fixtures/keys.env"] = f"STRIPE_KEY={token(0)}\n"
            stream.commit(files, f"{name} {c}")
        stream.write(os.path.join(root, name))
        names.append(name)
    with open(os.path.join(root, "list.txt"), "w") as f:
        f.write("\n".join(names) + "\n")


if __name__ == "__main__":
    main()
