#!/usr/bin/env bash
# End-to-end SARIF test.
#  1. reachscan's real SARIF (relative paths, absolute paths, empty stdin, a git history whose
#     secret was deleted: commit properties and message checked) and a hand-written
#     known-good fixture must pass validate_sarif.js (ajv + SARIF 2.1.0 schema, Sarif.Multitool).
#  2. Broken copies of the fixture must each be rejected for the reason they were broken
#     (negative_cases.js), so a validator that accepts everything cannot pass this test.
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
required="${REACHSCAN_REQUIRE_SARIF_TOOLS:-0}"

missing() {
  echo "check_sarif: $1; install with: npm ci --prefix tests/sarif" >&2
  [ "$required" = 1 ] && exit 1
  exit 77
}
command -v node >/dev/null 2>&1 || missing "node not found"
[ -d "$here/node_modules/ajv" ] || missing "tests/sarif/node_modules is not installed"
[ -x "$bin" ] || { echo "check_sarif: $bin is not executable" >&2; exit 1; }
opts=()
[ "$required" = 1 ] && opts+=(--require-multitool)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail=0

# 1. Real output. Exit 1 from reachscan means "findings", which the corpus is meant to produce.
(cd "$root" && "$bin" -f sarif dir corpus/files > "$work/relative.sarif"); rc=$?
[ "$rc" -ne 2 ] || { echo "FAIL: reachscan -f sarif dir corpus/files exited $rc" >&2; fail=1; }
"$bin" -f sarif dir "$root/corpus/files" > "$work/absolute.sarif"; rc=$?
[ "$rc" -ne 2 ] || { echo "FAIL: reachscan -f sarif dir $root/corpus/files exited $rc" >&2; fail=1; }
"$bin" -f sarif stdin < /dev/null > "$work/empty.sarif"; rc=$?
[ "$rc" -eq 0 ] || { echo "FAIL: reachscan -f sarif stdin (empty input) exited $rc" >&2; fail=1; }
# A history scan: a fake key added in one commit and deleted in the next.
git_repo="$work/history"
key="AKIA$(printf 'sarif-history' | sha256sum | tr 'a-f0189' 'A-FWXYZ' | cut -c1-16)"
(
  set -e
  git init -q "$git_repo" && cd "$git_repo"
  git config user.name "Sarif Tester" && git config user.email "sarif@example.test"
  printf 'aws_access_key_id = %s\n' "$key" > settings.ini
  git add settings.ini && git commit -q -m "add settings"
  git rm -q settings.ini && git commit -q -m "remove settings"
) || { echo "FAIL: could not build the history repository" >&2; fail=1; }
"$bin" -f sarif git "$git_repo" > "$work/history.sarif"; rc=$?
[ "$rc" -eq 1 ] || { echo "FAIL: reachscan -f sarif git exited $rc (expected 1)" >&2; fail=1; }
added="$(git -C "$git_repo" rev-parse HEAD~1)"
node -e '
  const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const r = d.runs[0].results.find(x => x.locations[0].physicalLocation.artifactLocation.uri === "settings.ini");
  const want = (ok, what) => { if (!ok) { console.error("FAIL: history SARIF: " + what); process.exit(1); } };
  want(r, "no result for settings.ini");
  const p = r.properties, m = r.message.text;
  want(p.commit === process.argv[2], `properties.commit is ${p.commit}`);
  want(p.author === "Sarif Tester" && p.email === "sarif@example.test", "author/email");
  want(/^\d{4}-\d\d-\d\d/.test(p.date), `properties.date is ${p.date}`);
  want(p.inHead === false, "properties.inHead is not false");
  want(m.includes(process.argv[2].slice(0, 12)) && m.includes("Sarif Tester"), `message: ${m}`);
  want(m.includes("no longer at HEAD"), `message does not say it left HEAD: ${m}`);
  want(/production/.test(m), `message has no reach verdict: ${m}`);
  console.log("ok: history SARIF carries commit, author, date, inHead and the verdict");
' "$work/history.sarif" "$added" || fail=1

node -e '
  const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const n = d.runs[0].results.length;
  if (n < 1) { console.error(`FAIL: the corpus scan produced ${n} SARIF results`); process.exit(1); }
' "$work/relative.sarif" || fail=1

if node "$here/validate_sarif.js" "${opts[@]}" "$work/relative.sarif" "$work/absolute.sarif" \
     "$work/empty.sarif" "$work/history.sarif" "$here/fixtures/minimal-valid.sarif"; then
  echo "ok: real reachscan SARIF and the fixture are valid"
else
  echo "FAIL: SARIF validation failed (problems listed above)" >&2
  fail=1
fi

# 2. Broken copies of the fixture must be rejected, each for its own reason.
mkdir "$work/broken"
node "$here/negative_cases.js" make "$here/fixtures/minimal-valid.sarif" "$work/broken" || fail=1
node "$here/validate_sarif.js" "${opts[@]}" --quiet --expect-invalid \
  --json-report "$work/broken.json" "$work"/broken/*.sarif
rc=$?
if [ "$rc" -eq 2 ] || [ ! -f "$work/broken.json" ]; then
  echo "FAIL: validate_sarif.js could not check the broken files (exit $rc)" >&2
  fail=1
elif ! node "$here/negative_cases.js" check "$work/broken.json"; then
  fail=1
fi

[ "$fail" -eq 0 ] && echo "check_sarif: all checks passed"
exit "$fail"
