#!/usr/bin/env bash
# The GitHub Action's released binary: which release to use, and fetching it with its checksum.
#
#   release.sh plan
#       prints version=X.Y.Z (or version= to build from source) and asset=NAME for $GITHUB_OUTPUT.
#       The version is the `version` input (INPUT_VERSION, "1.2.3" or "v1.2.3") when set; else,
#       when the action itself is used at a release tag (GITHUB_ACTION_REF v1, v1.2 or v1.2.3),
#       the version of the action's own source (project() in CMakeLists.txt), which is the
#       release that tag points into; a branch or commit (main, a SHA) builds from source.
#   release.sh fetch VERSION PREFIX
#       downloads ASSET and SHA256SUMS from the release vVERSION, checks the asset's SHA-256
#       against the published one, unpacks it to PREFIX/release and writes PREFIX/bin/reachscan
#       (a wrapper that finds the bundled libraries), then runs it once.
#       Exit 0: installed. Exit 3: no such release or asset, or it does not run on this runner
#       (build from source instead). Exit 1: the checksum is missing or differs: refused, nothing
#       is installed (a tampered or truncated download must never run).
#   release.sh install PREFIX
#       what the action runs on a cache miss: fetch REACHSCAN_VERSION when set, and build from
#       source (build.sh build) when it is empty or fetch exits 3.
#
# Asset names (the release workflow publishes exactly these): reachscan-VERSION-linux-ARCH.tar.gz
# with ARCH amd64 or arm64, holding reachscan and lib/ (its shared libraries beyond glibc), and
# SHA256SUMS (`sha256sum` output over every asset). Environment: REACHSCAN_RELEASE_URL (default
# https://github.com/$GITHUB_ACTION_REPOSITORY/releases/download; file:// works too).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

arch() {
  case "$(uname -m)" in
    x86_64 | amd64) echo amd64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) uname -m ;;
  esac
}

asset_name() { echo "reachscan-$1-linux-$(arch).tar.gz"; }

source_version() {
  sed -n 's/^project(reachscan VERSION \([0-9][0-9.]*\).*/\1/p' "$here/../CMakeLists.txt" | head -1
}

plan() {
  # The action's own ref: GitHub's, else the folder it was checked out to (.../owner/repo/REF).
  local version="${INPUT_VERSION:-}" ref="${ACTION_REF:-${GITHUB_ACTION_REF:-}}"
  [ -n "$ref" ] || ref=$(basename "${GITHUB_ACTION_PATH:-}")
  version="${version#v}"
  if [ -z "$version" ] && [[ "$ref" =~ ^v[0-9]+(\.[0-9]+){0,2}$ ]]; then
    version=$(source_version)
    # A full tag must name the source it points at; v1 and v1.2 follow the newest release.
    if [[ "$ref" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] && [ "${ref#v}" != "$version" ]; then
      echo "::warning::reachscan action at $ref holds version $version: building from source" >&2
      version=""
    fi
  fi
  if [ -n "$version" ] && ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "::error::reachscan version '$version': expected X.Y.Z" >&2
    exit 2
  fi
  echo "version=$version"
  echo "asset=$([ -n "$version" ] && asset_name "$version")"
}

download() {  # download URL FILE: 0 fetched, 1 failed
  curl --fail --silent --show-error --location --retry 3 --proto '=https,file,http' \
    --output "$2" "$1"
}

fetch() {
  local version="$1" prefix="$2"
  local base="${REACHSCAN_RELEASE_URL:-https://github.com/${GITHUB_ACTION_REPOSITORY:-reachscan/reachscan}/releases/download}"
  local asset url work want got
  asset=$(asset_name "$version")
  url="$base/v$version"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  if ! download "$url/$asset" "$work/$asset"; then
    echo "reachscan: no release asset $url/$asset: building from source" >&2
    return 3
  fi
  if ! download "$url/SHA256SUMS" "$work/SHA256SUMS"; then
    echo "::error::reachscan: $url/SHA256SUMS could not be fetched: refusing an unchecked binary" >&2
    return 1
  fi
  want=$(awk -v f="$asset" '$2 == f || $2 == "*" f {print $1}' "$work/SHA256SUMS" | head -1)
  got=$(sha256sum "$work/$asset" | cut -d' ' -f1)
  if [ -z "$want" ]; then
    echo "::error::reachscan: SHA256SUMS of v$version lists no $asset: refused" >&2
    return 1
  fi
  if [ "$want" != "$got" ]; then
    echo "::error::reachscan: $asset has SHA-256 $got, the release publishes $want: refused" >&2
    return 1
  fi
  rm -rf "${prefix:?}/release" "${prefix:?}/bin"
  mkdir -p "$prefix/release" "$prefix/bin"
  tar -xzf "$work/$asset" -C "$prefix/release"
  cat >"$prefix/bin/reachscan" <<EOF
#!/bin/sh
LD_LIBRARY_PATH="$prefix/release/lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" exec "$prefix/release/reachscan" "\$@"
EOF
  chmod 0755 "$prefix/bin/reachscan"
  if ! "$prefix/bin/reachscan" --version >"$work/version" 2>&1; then
    echo "reachscan: the v$version binary does not run on this runner ($(head -c 300 "$work/version")): building from source" >&2
    rm -rf "${prefix:?}/release" "${prefix:?}/bin"
    return 3
  fi
  echo "reachscan: using release v$version ($asset, SHA-256 $got)"
}

install() {
  local prefix="$1" rc=0
  if [ -n "${REACHSCAN_VERSION:-}" ]; then
    fetch "$REACHSCAN_VERSION" "$prefix" || rc=$?
    [ "$rc" -eq 3 ] || return "$rc"
  else
    echo "reachscan: the action is not used at a release tag and no version is set: building from source"
  fi
  "$here/build.sh" build "$prefix"
}

case "${1:-}" in
  plan) plan ;;
  fetch) fetch "${2:?version}" "${3:?prefix}" ;;
  install) install "${2:?prefix}" ;;
  *)
    echo "usage: release.sh plan | fetch VERSION PREFIX | install PREFIX" >&2
    exit 2
    ;;
esac
