#!/usr/bin/env python3
"""Writes decompression bombs for the archive tests into OUT_DIR, fast and in little memory.

  nested.zip  42.zip-style: 3 levels of 16 zips around a 64 MiB member (~16^3 x 64 MiB expanded)
  flat.zip    20 members of 48 MiB each (~1 GB expanded)

Each member is deflated once and its bytes reused, so writing takes well under a second.
"""
import struct
import sys
import zlib


def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def zip_bytes(members):
    """members: list of (name, crc, raw_size, deflated_bytes)"""
    out = bytearray()
    central = bytearray()
    for name, crc, size, comp in members:
        n = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(comp), size, len(n), 0)
        out += n + comp
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc,
                               len(comp), size, len(n), 0, 0, 0, 0, 0, offset)
        central += n
    cd_offset = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central),
                       cd_offset, 0)
    return bytes(out)


def member(name, data):
    return (name, zlib.crc32(data), len(data), deflate(data))


def main():
    out_dir = sys.argv[1]
    page = b"a" * (64 << 20)
    level = zip_bytes([member("page.txt", page)])
    for _ in range(3):
        m = member("z.zip", level)
        level = zip_bytes([("z%d.zip" % i,) + m[1:] for i in range(16)])
    with open(out_dir + "/nested.zip", "wb") as f:
        f.write(level)
    flat = member("f.txt", b"b" * (48 << 20))
    with open(out_dir + "/flat.zip", "wb") as f:
        f.write(zip_bytes([("f%d.txt" % i,) + flat[1:] for i in range(20)]))


if __name__ == "__main__":
    main()
