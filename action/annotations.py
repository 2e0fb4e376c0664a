#!/usr/bin/env python3
"""Prints reachscan's GitHub annotations with file= made relative to the workspace.

reachscan names files relative to the repository it scanned; GitHub places an annotation by a
path relative to the workspace. When the action's `path` is a subfolder, this prefixes it.
Usage: annotations.py ANNOTATIONS_FILE REPOSITORY WORKSPACE
"""
import os
import sys


def escape_property(s: str) -> str:
    # As GitHub's toolkit escapes command properties (@actions/core, command.ts).
    return (s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            .replace(":", "%3A").replace(",", "%2C"))


def main() -> None:
    annotations, repo, workspace = sys.argv[1:4]
    prefix = os.path.relpath(os.path.realpath(repo), os.path.realpath(workspace))
    prefix = "" if prefix == "." or prefix.startswith("..") else escape_property(prefix) + "/"
    with open(annotations, encoding="utf-8", errors="replace") as f:
        for line in f:
            for level in ("::error file=", "::warning file="):
                if prefix and line.startswith(level):
                    line = level + prefix + line[len(level):]
            sys.stdout.write(line)


if __name__ == "__main__":
    main()
