#!/usr/bin/env bash
# Builds reachscan for the GitHub Action on an Ubuntu runner, and prepares a cached build.
#   build.sh key               prints key=<hash of the sources, runner image and architecture>
#   build.sh build PREFIX      installs the build packages, builds PREFIX/bin/reachscan and
#                              records the runtime library packages in PREFIX/runtime-packages
#   build.sh runtime PREFIX    on a cache hit: installs the recorded runtime packages, only if the
#                              cached binary is missing one of its shared libraries
set -euo pipefail
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

apt_install() {
  # The package lists on a runner image may be stale: retry once after an update.
  $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null ||
    { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
}

case "${1:-}" in
  key)
    # Everything that goes into the binary, plus what decides which shared libraries it links.
    hash=$(cd "$src" && {
      find CMakeLists.txt cmake cli codec core datastore entropy git patterns reach report \
        scanner sources verify action/build.sh -type f -print0 | sort -z | xargs -0 sha256sum
      echo "${ImageOS:-} ${ImageVersion:-} $(uname -m)"
      cat /etc/os-release
    } | sha256sum | cut -c1-32)
    echo "key=$hash"
    ;;
  build)
    prefix=$2
    # Hyperscan is x86-only; Vectorscan is its drop-in port for ARM.
    hs=libhyperscan-dev
    [ "$(uname -m)" = x86_64 ] || hs=libvectorscan-dev
    apt_install build-essential cmake ninja-build pkg-config "$hs" libgit2-dev libre2-dev \
      libtbb-dev libcli11-dev libyaml-cpp-dev nlohmann-json3-dev libfmt-dev libssl-dev zlib1g-dev \
      libarchive-dev libcurl4-openssl-dev libsqlite3-dev libpq-dev libtomlplusplus-dev
    cmake -S "$src" -B "$prefix/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DREACHSCAN_BUILD_TESTS=OFF -DREACHSCAN_BUILD_BENCH=OFF >/dev/null
    cmake --build "$prefix/build" --target reachscan
    mkdir -p "$prefix/bin"
    cp "$prefix/build/reachscan" "$prefix/bin/reachscan"
    rm -rf "$prefix/build"  # only the binary is cached
    # The packages that own the binary's shared libraries: all a warm run needs to install.
    ldd "$prefix/bin/reachscan" | awk '/=> \// {print $3}' | while read -r lib; do
      dpkg -S "$lib" 2>/dev/null || dpkg -S "$(realpath "$lib")" 2>/dev/null || true
    done | sed 's/: .*//' | sort -u >"$prefix/runtime-packages"
    ;;
  runtime)
    prefix=$2
    if ldd "$prefix/bin/reachscan" | grep -q 'not found'; then
      # shellcheck disable=SC2046  # one package name per line
      apt_install $(cat "$prefix/runtime-packages")
    fi
    "$prefix/bin/reachscan" --version
    ;;
  *)
    echo "usage: build.sh key | build PREFIX | runtime PREFIX" >&2
    exit 2
    ;;
esac
