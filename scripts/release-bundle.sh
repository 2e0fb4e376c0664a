#!/usr/bin/env bash
# Packs a release binary for the GitHub Action and for people without the .deb:
# OUTDIR/reachscan-VERSION-linux-ARCH.tar.gz holding `reachscan` and `lib/` with every shared
# library it loads beyond glibc (for a REACHSCAN_STATIC build: fmt, oneTBB, libssh2, zstd, lz4,
# ICU, GSSAPI), so it runs where those sonames differ (Ubuntu runners). Run it with
# LD_LIBRARY_PATH=lib (action/release.sh writes that wrapper).
#
#   scripts/release-bundle.sh path/to/reachscan VERSION OUTDIR
set -euo pipefail
bin="${1:?usage: release-bundle.sh BINARY VERSION OUTDIR}"
version="${2:?version}"
out="${3:?outdir}"
case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64) arch=arm64 ;;
  *) arch=$(uname -m) ;;
esac
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/lib" "$out"
cp "$bin" "$stage/reachscan"
# glibc's own libraries come from the system: they must match its dynamic loader.
ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}' | while read -r soname path; do
  case "$soname" in
    libc.so.* | libm.so.* | libpthread.so.* | libdl.so.* | librt.so.* | libresolv.so.* | ld-linux*) ;;
    *) cp -L "$path" "$stage/lib/$soname" ;;
  esac
done
name="reachscan-$version-linux-$arch.tar.gz"
tar -C "$stage" -czf "$out/$name" --owner=0 --group=0 --sort=name reachscan lib
echo "$out/$name"
