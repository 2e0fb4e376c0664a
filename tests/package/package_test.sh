#!/usr/bin/env bash
# The Debian package as a user gets it: built with CPack from this build tree, unpacked with
# dpkg-deb into a temporary root, and run from there on a folder with a (fake) secret. Checks the
# files it installs (binary, bash/zsh/fish completions, man page) and its metadata.
# usage: package_test.sh BUILD_DIR
set -euo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log" >&2; fail "cpack"; }
deb=$(ls "$work"/out/reachscan_*.deb)
[ -n "$deb" ] || fail "no reachscan_*.deb"
[ "$(dpkg-deb -f "$deb" Package)" = reachscan ] || fail "package name"
depends=$(dpkg-deb -f "$deb" Depends)
[ -n "$depends" ] || fail "no Depends computed from the binary's libraries"
case "$depends" in *libc6*) ;; *) fail "Depends lacks libc6: $depends" ;; esac
# Opened on first use rather than linked, so declared by hand (cmake/packaging.cmake).
for lib in libcurl4 libpq5; do
  case "$depends" in *"$lib"*) ;; *) fail "Depends lacks $lib: $depends" ;; esac
done

root="$work/root"
dpkg-deb -x "$deb" "$root"
for f in usr/bin/reachscan usr/share/bash-completion/completions/reachscan \
         usr/share/zsh/vendor-completions/_reachscan \
         usr/share/fish/vendor_completions.d/reachscan.fish usr/share/man/man1/reachscan.1; do
  [ -s "$root/$f" ] || fail "package lacks $f"
done
bash -n "$root/usr/share/bash-completion/completions/reachscan" || fail "bash completion syntax"
grep -q '^\.TH REACHSCAN' "$root/usr/share/man/man1/reachscan.1" || fail "man page header"
# Every long option of the top-level help is completed in each shell.
for opt in $("$root/usr/bin/reachscan" --help | grep -oE '^  (-[a-z],)?--[a-z-]+' | grep -oE -- '--[a-z-]+'); do
  grep -q -- "$opt" "$root/usr/share/bash-completion/completions/reachscan" || fail "bash: $opt"
  grep -q -- "$opt" "$root/usr/share/zsh/vendor-completions/_reachscan" || fail "zsh: $opt"
  grep -q -- "-l ${opt#--}" "$root/usr/share/fish/vendor_completions.d/reachscan.fish" ||
    fail "fish: $opt"
done

# The unpacked binary scans: a fake GitHub token is found (exit 1, or 3 for production).
mkdir -p "$work/tree"
printf 'token = "ghp_%s"\n' "$(printf 'k3Xq9Lm2Vb7Nc4Zr8Tw1Py6Hd5Jf0Gs2Ae9U' | cut -c1-36)" >"$work/tree/app.py"
set +e
XDG_CACHE_HOME="$work/cache" "$root/usr/bin/reachscan" dir -q -f jsonl "$work/tree" >"$work/scan.jsonl"
rc=$?
set -e
[ "$rc" = 1 ] || [ "$rc" = 3 ] || fail "scan exit $rc"
grep -q '"github' "$work/scan.jsonl" || fail "no finding in the scan"
"$root/usr/bin/reachscan" --version | grep -q '^reachscan ' || fail "--version"
echo "package ok: $(basename "$deb"), Depends: $depends"
