#!/usr/bin/env bash
# End-to-end SARIF test: reachscan's real SARIF must pass validate_sarif.js, and deliberately broken
# copies of it must fail (so a validator that accepts everything cannot pass this test).
#
#   tests/sarif/check_sarif.sh path/to/reachscan
#
# Needs node and `npm ci --prefix tests/sarif`. Without them it exits 77 (ctest SKIP_RETURN_CODE),
# unless REACHSCAN_REQUIRE_SARIF_TOOLS=1, when a missing tool is a failure (set that in CI).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:?usage: check_sarif.sh path/to/reachscan}"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"

missing() {
  echo "check_sarif: $1; install with: npm ci --prefix tests/sarif" >&2
  if [ "${REACHSCAN_REQUIRE_SARIF_TOOLS:-0}" = 1 ]; then exit 1; fi
  exit 77
}
command -v node >/dev/null 2>&1 || missing "node not found"
[ -d "$here/node_modules/ajv" ] || missing "tests/sarif/node_modules not installed"
mt=(--require-multitool)
[ "${REACHSCAN_REQUIRE_SARIF_TOOLS:-0}" = 1 ] || mt=()

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail=0
validate() { node "$here/validate_sarif.js" "${mt[@]}" "$@"; }

# 1. Real output: relative paths (scan from the repo root), absolute paths, and stdin.
#    Exit 1 from reachscan means "findings", which the corpus is meant to produce.
(cd "$root" && "$bin" -f sarif dir corpus/files > "$work/relative.sarif"); rc=$?
[ "$rc" -le 1 ] || { echo "FAIL: reachscan dir corpus/files exited $rc" >&2; fail=1; }
"$bin" -f sarif dir "$root/corpus/files" > "$work/absolute.sarif"; rc=$?
[ "$rc" -le 1 ] || { echo "FAIL: reachscan dir (absolute) exited $rc" >&2; fail=1; }
"$bin" -f sarif stdin < /dev/null > "$work/empty.sarif"; rc=$?
[ "$rc" -eq 0 ] || { echo "FAIL: reachscan stdin (empty) exited $rc" >&2; fail=1; }
node -e '
  const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const n = d.runs[0].results.length;
  if (n < 1) { console.error(`FAIL: corpus scan produced ${n} SARIF results`); process.exit(1); }
' "$work/relative.sarif" || fail=1

for f in relative absolute empty; do
  if validate "$work/$f.sarif"; then
    echo "ok: real output ($f) is valid SARIF"
  else
    echo "FAIL: real output ($f) is not valid SARIF (see above)" >&2
    fail=1
  fi
done

# 2. Broken copies of the real output must be rejected.
node - "$work/relative.sarif" "$work" <<'EOF' || fail=1
const fs = require('fs');
const [src, dir] = process.argv.slice(2);
const base = JSON.parse(fs.readFileSync(src, 'utf8'));
const loc = (d) => d.runs[0].results[0].locations[0].physicalLocation;
const mutations = {
  'no-version': (d) => { delete d.version; },
  'wrong-version': (d) => { d.version = '2.0.0'; },
  'startLine-0': (d) => { loc(d).region.startLine = 0; },
  'region-without-start': (d) => { delete loc(d).region.startLine; },
  'bad-level': (d) => { d.runs[0].results[0].level = 'critical'; },
  'no-message': (d) => { delete d.runs[0].results[0].message; },
  'no-driver-name': (d) => { delete d.runs[0].tool.driver.name; },
  'unknown-property': (d) => { d.runs[0].results[0].severity = 'high'; },
};
for (const [name, mutate] of Object.entries(mutations)) {
  const d = JSON.parse(JSON.stringify(base));
  mutate(d);
  fs.writeFileSync(`${dir}/broken-${name}.sarif`, JSON.stringify(d));
}
fs.writeFileSync(`${dir}/broken-not-json.sarif`, '{"version": "2.1.0", "runs": [');
EOF
for f in "$work"/broken-*.sarif; do
  name="$(basename "$f" .sarif)"
  out="$(validate --quiet "$f" 2>&1)"; rc=$?
  if [ "$rc" -eq 1 ]; then
    echo "ok: $name rejected: $(printf '%s\n' "$out" | grep -m1 -E '^  ' | sed 's/^ *//' | cut -c1-160)"
  else
    echo "FAIL: $name was not rejected (exit $rc)" >&2
    printf '%s\n' "$out" >&2
    fail=1
  fi
done

exit "$fail"
