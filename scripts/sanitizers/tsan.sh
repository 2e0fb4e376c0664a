#!/usr/bin/env bash
# ThreadSanitizer job for the scan pipeline. TSan only sees the synchronisation of code built with
# -fsanitize=thread: Debian's libtbb is not, so every hand-off between the pipeline's stages would
# look like a race. This script builds oneTBB from Debian's source package (the version installed,
# with Debian's patches) with -fsanitize=thread into build-tsan-tbb/,
# builds the `tsan` preset against it and runs the pipeline tests under TSan
# (ctest --preset tsan: directory, stdin, git history, archives, images, organisation scans).
#
#   scripts/sanitizers/tsan.sh            # build what is missing, then run the tests
#   JOBS=8 scripts/sanitizers/tsan.sh -R Scanner   # extra arguments go to ctest
#
# Needs: the packages of scripts/install-deps.sh, clang is not needed (gcc's TSan), and access to
# deb.debian.org for the source package (fetched once, with a private apt state: the system's
# apt configuration is not touched).
set -euo pipefail
cd "$(dirname "$0")/../.."
JOBS=${JOBS:-$(nproc)}
TBB=$PWD/build-tsan-tbb
if [ ! -f "$TBB/install/lib/cmake/TBB/TBBConfig.cmake" ]; then
  mkdir -p "$TBB/apt/lists/partial" "$TBB/apt/cache/archives/partial" "$TBB/src"
  echo "deb-src http://deb.debian.org/debian bookworm main" >"$TBB/apt/sources.list"
  apt_private=(-o Dir::Etc::SourceList="$TBB/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o Dir::State::Lists="$TBB/apt/lists" -o Dir::Cache="$TBB/apt/cache" -o Debug::NoLocking=1)
  apt-get -qq "${apt_private[@]}" update
  version=$(dpkg-query -W -f '${source:Version}' libtbb-dev)
  (cd "$TBB/src" && apt-get -qq "${apt_private[@]}" source --download-only "onetbb=$version")
  rm -rf "$TBB/src/oneTBB"
  # The .dsc's signature is not checked here (no Debian keyring for sources): apt verified the
  # files' checksums against the signed Release file it downloaded.
  dpkg-source -q -x "$TBB"/src/onetbb_*.dsc "$TBB/src/oneTBB" 2>/dev/null
  cmake -S "$TBB/src/oneTBB" -B "$TBB/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF -DTBB_STRICT=OFF -DTBBMALLOC_BUILD=OFF \
    -DCMAKE_CXX_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" \
    -DCMAKE_C_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" \
    -DCMAKE_INSTALL_PREFIX="$TBB/install" -DCMAKE_INSTALL_LIBDIR=lib >/dev/null
  cmake --build "$TBB/build" -j"$JOBS"
  cmake --install "$TBB/build" >/dev/null
fi
cmake --preset tsan -DTBB_DIR="$TBB/install/lib/cmake/TBB" >/dev/null
# Only what the tsan test preset runs: the binary (the CLI tests run it) and the pipeline tests.
cmake --build --preset tsan -j"$JOBS" --target reachscan scanner_test git_test archive_test \
  image_test org_test
ctest --preset tsan "$@"
