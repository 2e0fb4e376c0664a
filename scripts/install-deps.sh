#!/usr/bin/env bash
# Installs what reachscan needs to build, test and benchmark on Debian 12 (run as root or with sudo).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# Hyperscan is x86-only; Vectorscan is its drop-in port for ARM (the arm64 release build).
hyperscan=libhyperscan-dev
[ "$(uname -m)" = x86_64 ] || hyperscan=libvectorscan-dev
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential cmake ninja-build pkg-config git ca-certificates \
  "$hyperscan" libgit2-dev libre2-dev libtbb-dev libcli11-dev \
  libgtest-dev libgmock-dev libbenchmark-dev libyaml-cpp-dev nlohmann-json3-dev libfmt-dev \
  libssl-dev zlib1g-dev libarchive-dev libcurl4-openssl-dev libsqlite3-dev libpq-dev libtomlplusplus-dev pre-commit \
  postgresql \
  python3 python3-yaml help2man dpkg-dev file \
  clang libclang-rt-14-dev >/dev/null  # clang + its runtimes: libFuzzer (fuzz preset)
# Node.js and npm for the SARIF validator: Debian's, unless a Node.js with npm is already there
# (Debian's npm conflicts with the nodejs package that bundles npm).
if ! command -v npm >/dev/null 2>&1; then
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
# The SARIF schema validator used by the test suite comes from the npm registry (pinned in
# tests/sarif/package-lock.json).
if [ -f "$(dirname "$0")/../tests/sarif/package-lock.json" ]; then
  npm ci --silent --no-audit --no-fund --prefix "$(dirname "$0")/../tests/sarif"
fi
# The Kubernetes schema validator of deploy/k8s (kubernetes-models, pinned in tests/deploy).
if [ -f "$(dirname "$0")/../tests/deploy/package-lock.json" ]; then
  npm ci --silent --no-audit --no-fund --prefix "$(dirname "$0")/../tests/deploy"
fi
