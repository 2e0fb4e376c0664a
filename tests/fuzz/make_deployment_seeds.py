#!/usr/bin/env python3
"""Writes the deployment fuzz target's seeds (tests/fuzz/seeds/deployment/) from corpus/reach.

Each tree of the corpus (each project under corpus/reach/graph, and the top-level folders of
corpus/reach) becomes one seed in the target's format: `%%% PATH` lines, each followed by the
file's content. Only files the deployment readers look at are kept, and a seed stays under 60 KiB.
Run it again after the corpus changes."""
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus" / "reach"
OUT = ROOT / "tests" / "fuzz" / "seeds" / "deployment"
LIMIT = 60 * 1024


def manifest_like(name: str) -> bool:
    low = name.lower()
    return (low.endswith((".yaml", ".yml", ".tf", ".hcl", ".tfvars", ".sh", ".json"))
            or low in ("dockerfile", "containerfile", "kustomization")
            or low.startswith("dockerfile."))


def seeds_of(tree: pathlib.Path):
    seed, n = "", 0
    for path in sorted(p for p in tree.rglob("*") if p.is_file() and manifest_like(p.name)):
        text = path.read_text(errors="replace")
        record = f"%%% {path.relative_to(tree).as_posix()}\n{text}\n"  # the newline ends it
        if seed and len(seed) + len(record) > LIMIT:
            yield seed
            seed = ""
        seed += record[:LIMIT]
    if seed:
        yield seed


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    trees = [p for p in sorted((CORPUS / "graph").iterdir()) if p.is_dir()]
    trees += [p for p in sorted(CORPUS.iterdir()) if p.is_dir() and p.name != "graph"]
    count = 0
    for tree in trees:
        for i, seed in enumerate(seeds_of(tree)):
            name = f"{tree.relative_to(CORPUS).as_posix().replace('/', '_')}_{i}"
            (OUT / name).write_text(seed)
            count += 1
    print(f"{count} seeds in {os.path.relpath(OUT, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
