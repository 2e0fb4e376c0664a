# Sourced by the bench scripts: sets REACHSCAN to the binary to measure, unless already set:
# the out-of-tree bench build, then build/reachscan, then the one on PATH. Needs HERE (bench/).
if [ -z "${REACHSCAN:-}" ]; then
  for c in /tmp/rs-bench-build/reachscan "$HERE/../build/reachscan"; do
    [ -x "$c" ] && { REACHSCAN=$c; break; }
  done
  REACHSCAN=${REACHSCAN:-$(command -v reachscan || true)}
fi
