#!/usr/bin/env python3
"""Builds an organisation of N local git repositories for the worker tests and benchmarks.

Forks of one base repository (shared history, each with commits of its own) and independent
repositories; fake but well-formed Stripe live keys, one of them shared between a production
config and a test fixture of another repository. Deterministic for a given seed.
Usage: make_org.py FOLDER COUNT [FILES_PER_COMMIT]
"""
import hashlib
import os
import subprocess
import sys

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def token(seed):
    digest = hashlib.sha256(f"reachscan-test-{seed}".encode()).digest() * 2
    return "sk_live_" + "".join(ALNUM[b % len(ALNUM)] for b in digest[:32])


def text(seed, lines=40):
    out = []
    for i in range(lines):
        h = hashlib.sha1(f"{seed}-{i}".encode()).hexdigest()
        out.append(f"value_{i} = compute('{h}', {i * 7 % 13})")
    return "\n".join(out) + "\n"


def git(repo, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="Dev", GIT_AUTHOR_EMAIL="dev@example.test",
               GIT_COMMITTER_NAME="Dev", GIT_COMMITTER_EMAIL="dev@example.test",
               GIT_AUTHOR_DATE="2024-01-01T00:00:00Z", GIT_COMMITTER_DATE="2024-01-01T00:00:00Z")
    subprocess.run(["git", "-C", repo, *args], check=True, env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def commit(repo, files, message):
    for path, content in files.items():
        full = os.path.join(repo, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(content)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def main():
    root, count = sys.argv[1], int(sys.argv[2])
    per = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    os.makedirs(root, exist_ok=True)
    base = os.path.join(root, ".base")
    git(".", "init", "-q", "-b", "main", base)
    for c in range(3):
        files = {f"src/mod{c}_{i}.py": text(f"base-{c}-{i}") for i in range(per)}
        if c == 1:
            files["deploy/prod/app.env"] = f"STRIPE_KEY={token(0)}\n"
        commit(base, files, f"base {c}")
    names = []
    for r in range(count):
        name = f"repo{r:02d}"
        repo = os.path.join(root, name)
        if r % 3 != 2:  # forks of the base
            subprocess.run(["git", "clone", "-q", base, repo], check=True)
        else:
            git(".", "init", "-q", "-b", "main", repo)
        for c in range(2):
            files = {f"lib/{name}_{c}_{i}.txt": text(f"{name}-{c}-{i}") for i in range(per // 2)}
            if (r + c) % 4 == 0:
                files[f"config/{name}.yaml"] = f"stripe:\n  key: {token(r * 10 + c + 1)}\n"
            if r % 7 == 3 and c == 0:
                files["tests/fixtures/keys.env"] = f"STRIPE_KEY={token(0)}\n"
            commit(repo, files, f"{name} {c}")
        names.append(name)
    with open(os.path.join(root, "list.txt"), "w") as f:
        f.write("\n".join(names) + "\n")


if __name__ == "__main__":
    main()
