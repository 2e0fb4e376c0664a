#!/usr/bin/env python3
"""Writes the image fuzz target's seeds (tests/fuzz/seeds/image/) with the image tests' builder
(tests/sources/make_image.py): a `docker save` tarball and an OCI layout packed with tar (files
under `tar/`), and an OCI layout folder, in the target's `%%% PATH` format. Tokens are fake."""
import pathlib
import subprocess
import sys
import tarfile
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
MAKE = HERE.parent / "sources" / "make_image.py"
OUT = HERE / "seeds" / "image"
TOKENS = ["ghp_FAKEfakeFAKEfakeFAKEfakeFAKEfake0000", "glpat-FAKEfakeFAKEfake0000",
          "sk_live_FAKEfakeFAKEfakeFAKEfake", "xoxb-FAKE-fake-FAKEfake"]


def record(path: str, data: bytes) -> bytes:
    return b"%%% " + path.encode() + b"\n" + data + b"\n"  # the newline ends the file


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("docker", "oci-tar", "oci"):
            target = pathlib.Path(tmp) / kind
            subprocess.run([sys.executable, str(MAKE), str(target), kind, *TOKENS], check=True,
                           capture_output=True)
            seed = b""
            if kind == "oci":
                for f in sorted(p for p in target.rglob("*") if p.is_file()):
                    seed += record(f.relative_to(target).as_posix(), f.read_bytes())
            else:
                with tarfile.open(target) as t:
                    for m in t.getmembers():
                        if m.isfile():
                            seed += record("tar/" + m.name, t.extractfile(m).read())
            (OUT / kind).write_bytes(seed)
    print(f"3 seeds in {OUT.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
