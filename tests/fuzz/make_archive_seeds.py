#!/usr/bin/env python3
"""Writes the archive fuzz target's seeds (tests/fuzz/seeds/archive/): small archives of every
family the archive source reads (zip stored and deflated, tar and its gzip/bzip2/xz/zstd/lz4
forms, single compressed files, cpio, ar, nested archives, an ELF-looking artifact). Members hold
fake credentials so that the detector runs on what comes out. Run it again to refresh them."""
import bz2
import gzip
import io
import lzma
import pathlib
import shutil
import subprocess
import sys
import tarfile
import zipfile

OUT = pathlib.Path(__file__).resolve().parent / "seeds" / "archive"
# Fake, well-formed values (not real credentials).
MEMBERS = {
    "app/config/application.properties":
        b"spring.datasource.password=Qm9vdHN0cmFwUGFzczE5\n"
        b"aws.secret=wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEKEY01\n",
    "deploy/.env": b"DATABASE_URL=postgres://app:s3cr3tPassw0rd@db.internal:5432/app\n",
    "README.md": b"nothing here\n",
}


def tar_bytes(members, mode="w"):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode, format=tarfile.USTAR_FORMAT) as t:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1700000000
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def zip_bytes(members, method=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in members.items():
            z.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, compress_type=method)
    return buf.getvalue()


def cpio_newc(members):
    out = b""
    for ino, (name, data) in enumerate(list(members.items()) + [("TRAILER!!!", b"")], 1):
        raw = name.encode() + b"\0"
        header = b"070701" + b"".join(b"%08X" % v for v in (
            ino, 0o100644 if data or name != "TRAILER!!!" else 0, 0, 0, 1, 0, len(data),
            0, 0, 0, 0, len(raw), 0))
        out += header + raw
        out += b"\0" * (-len(header + raw) % 4) + data + b"\0" * (-len(data) % 4)
    return out


def ar_bytes(members):
    out = b"!<arch>\n"
    for name, data in members.items():
        short = name.split("/")[-1][:15] + "/"
        out += b"%-16s%-12d%-6d%-6d%-8s%-10d`\n" % (short.encode(), 0, 0, 0, b"100644", len(data))
        out += data + (b"\n" if len(data) % 2 else b"")
    return out


def tool(cmd, data):
    if not shutil.which(cmd[0]):
        return None
    return subprocess.run(cmd, input=data, capture_output=True, check=True).stdout


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    tar = tar_bytes(MEMBERS)
    seeds = {
        "stored.zip": zip_bytes(MEMBERS, zipfile.ZIP_STORED),
        "deflated.zip": zip_bytes(MEMBERS),
        "plain.tar": tar,
        "app.tar.gz": gzip.compress(tar, mtime=0),
        "app.tar.bz2": bz2.compress(tar),
        "app.tar.xz": lzma.compress(tar),
        "single.gz": gzip.compress(MEMBERS["deploy/.env"], mtime=0),
        "single.xz": lzma.compress(MEMBERS["deploy/.env"]),
        "app.cpio": cpio_newc(MEMBERS),
        "app.a": ar_bytes(MEMBERS),
        # A jar in a tarball in a gzip: nesting.
        "nested.tar.gz": gzip.compress(tar_bytes({
            "lib/app.jar": zip_bytes({"BOOT-INF/classes/application.properties":
                                      MEMBERS["app/config/application.properties"]}),
            "etc/app.conf": b"token = 9f8e7d6c5b4a39281706f5e4d3c2b1a0\n"}), mtime=0),
        # Only the magic of an ELF file, then printable runs as a compiled binary holds them.
        "artifact.elf": b"\x7fELF\x02\x01\x01" + b"\0" * 57 +
                        b"\x01\x02" + MEMBERS["deploy/.env"] + b"\0\0\x03" +
                        MEMBERS["app/config/application.properties"],
    }
    for name, cmd in (("app.tar.zst", ["zstd", "-q", "-c"]), ("app.tar.lz4", ["lz4", "-q", "-c"])):
        data = tool(cmd, tar)
        if data:
            seeds[name] = data
    for name, data in seeds.items():
        (OUT / name).write_bytes(data)
    print(f"{len(seeds)} seeds in {OUT.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
