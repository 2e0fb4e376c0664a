#!/usr/bin/env bash
# What the deployment model adds to `reachscan dir` on a large tree (issue 11 asks for < 10%).
#
#   bench/deployment_bench.sh <folder> [runs=5] [threads=0]
#
# e.g. a checkout of moby: git clone --depth 1 https://github.com/moby/moby && \
#      bench/deployment_bench.sh moby
# Needs build-ci/bench/deployment_bench (cmake --build --preset ci --target deployment_bench).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${DEPLOYMENT_BENCH:-$here/../build-ci/bench/deployment_bench}"
[[ $# -ge 1 ]] || { echo "usage: $0 <folder> [runs] [threads]" >&2; exit 2; }
[[ -x "$bin" ]] || { echo "$bin not built" >&2; exit 2; }
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  machine: $(nproc) cores, $(uname -m)"
echo "tree: $1 ($(find "$1" -type f | wc -l) files)"
"$bin" "$@"
