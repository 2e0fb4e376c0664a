#!/usr/bin/env bash
# Installs the .deb on a fresh Debian 12 and scans with it: a `debootstrap --variant=minbase
# bookworm` chroot (nothing but what apt must bring in is installed), then
# `apt install ./reachscan_*.deb`, `reachscan dir` on a planted fake key, the completions and the
# man page. Not part of ctest: it needs root, the Debian mirror and a few minutes.
#
#   scripts/check-deb.sh path/to/reachscan_VERSION_ARCH.deb [CHROOT_DIR]
#
# CHROOT_DIR (default: a temporary folder, removed at the end) is kept when given, and a second
# run with the same folder starts from a copy of the bare system it made the first time.
# Environment: DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail

deb="${1:?usage: check-deb.sh path/to/reachscan_VERSION_ARCH.deb [CHROOT_DIR]}"
deb="$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")"
[ -f "$deb" ] || { echo "check-deb: $deb not found" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "check-deb: needs root (debootstrap, chroot)" >&2; exit 2; }
command -v debootstrap >/dev/null || { echo "check-deb: apt-get install debootstrap" >&2; exit 2; }
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

keep=1
base="${2:-}"
if [ -z "$base" ]; then
  base="$(mktemp -d)"
  keep=0
fi
bare="$base/bare"
root="$base/root"
cleanup() {
  umount "$root/proc" 2>/dev/null || true
  [ "$keep" = 1 ] || rm -rf "$base"
}
trap cleanup EXIT

if [ ! -x "$bare/bin/sh" ]; then
  echo "check-deb: debootstrap --variant=minbase bookworm (a few minutes)"
  debootstrap --variant=minbase bookworm "$bare" "$mirror" >"$base/debootstrap.log" 2>&1 ||
    { tail -20 "$base/debootstrap.log" >&2; exit 1; }
fi
rm -rf "$root"
cp -a "$bare" "$root"
mount -t proc proc "$root/proc"
cp "$deb" "$root/tmp/"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  DEBIAN_FRONTEND=noninteractive "$@"; }

echo "check-deb: apt install ./$(basename "$deb")"
in_root apt-get update -qq
in_root sh -c "cd /tmp && apt-get install -y -qq --no-install-recommends ./$(basename "$deb")" \
  >"$base/install.log" 2>&1 || { tail -30 "$base/install.log" >&2; exit 1; }

fail=0
check() {  # check DESCRIPTION COMMAND...
  if in_root "${@:2}" >"$base/out" 2>&1; then
    echo "ok: $1"
  else
    echo "FAIL: $1" >&2
    cat "$base/out" >&2
    fail=1
  fi
}
check "reachscan --version" reachscan --version
# A fake, well-formed key built at run time (never a real credential).
key="AKIA$(printf 'check-deb' | sha256sum | tr 'a-f0189' 'A-FWXYZ' | cut -c1-16)"
mkdir -p "$root/tmp/project"
printf 'aws_access_key_id = %s\n' "$key" >"$root/tmp/project/settings.ini"
in_root sh -c 'cd /tmp/project && reachscan dir .' >"$base/scan" 2>&1 && rc=0 || rc=$?
if [ "$rc" -eq 1 ] && grep -q "settings.ini" "$base/scan"; then
  echo "ok: reachscan dir finds the planted key (exit 1)"
else
  echo "FAIL: reachscan dir exited $rc:" >&2
  cat "$base/scan" >&2
  fail=1
fi
check "bash completion installed" test -s /usr/share/bash-completion/completions/reachscan
check "zsh completion installed" test -s /usr/share/zsh/vendor-completions/_reachscan
check "fish completion installed" test -s /usr/share/fish/vendor_completions.d/reachscan.fish
check "man page installed" sh -c 'test -s /usr/share/man/man1/reachscan.1 ||
  test -s /usr/share/man/man1/reachscan.1.gz'
[ "$fail" = 0 ] && echo "check-deb: all checks passed on a fresh Debian 12"
exit "$fail"
