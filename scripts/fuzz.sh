#!/usr/bin/env bash
# Long fuzzing runs with libFuzzer (clang, ASan+UBSan): builds the `fuzz` preset and runs each
# target for SECONDS_PER_TARGET (default 600) or RUNS executions, over its seeds.
# New inputs are kept in build-fuzz/tests/fuzz/found_<target>; crashes land in
# build-fuzz/fuzz-artifacts/ and should become regression tests (tests/fuzz/regressions/).
#
#   scripts/fuzz.sh                  # every target, 600 s each
#   SECONDS_PER_TARGET=60 scripts/fuzz.sh detector config
#   RUNS=10000000 scripts/fuzz.sh verifiers
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${SECONDS_PER_TARGET:-600}
RUNS=${RUNS:--1}
JOBS=${JOBS:-$(nproc)}
targets=("$@")
[ ${#targets[@]} -eq 0 ] &&
  targets=(rule_loader config verifiers decoder detector deployment archive image gitleaks suppressions)
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$JOBS" $(printf -- '--target fuzz_%s ' "${targets[@]}")
seeds_for() {
  case "$1" in
    rule_loader) echo patterns/rules ;;
    config) echo tests/fuzz/seeds/config ;;
    verifiers) echo tests/fuzz/seeds/verifiers ;;
    decoder | detector) echo corpus/files ;;
    *) echo tests/fuzz/seeds/"$1" ;;
  esac
}
mkdir -p build-fuzz/fuzz-artifacts
export REACHSCAN_FUZZ_CACHE=$PWD/build-fuzz/fuzz-cache
for t in "${targets[@]}"; do
  found=build-fuzz/tests/fuzz/found_$t
  mkdir -p "$found"
  echo "== fuzz_$t: ${SECONDS_PER_TARGET}s, runs ${RUNS}"
  # Seeds are read, never written: libFuzzer adds new inputs to the first folder only. Also
  # regression inputs, so that they stay covered.
  build-fuzz/tests/fuzz/fuzz_$t -max_total_time="$SECONDS_PER_TARGET" -runs="$RUNS" \
    -timeout=20 -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix=build-fuzz/fuzz-artifacts/"$t"- \
    "$found" $(seeds_for "$t") $( [ -d tests/fuzz/regressions/"$t" ] && echo tests/fuzz/regressions/"$t")
done
