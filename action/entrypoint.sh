#!/usr/bin/env bash
# The GitHub Action's scan step: picks the commits the triggering event adds, makes sure the
# checkout has them (fetching more history when the clone is shallow), runs reachscan once
# (annotations on stdout, SARIF and JSON reports to files), then writes the step outputs and the
# job summary. Exits with reachscan's exit code under `fail-on` (0 clean, 1 findings, 3 findings
# that reach production, 2 error).
#
# Inputs come from the environment (action.yml maps them; nothing is spliced into the script):
#   INPUT_PATH INPUT_CONFIG INPUT_FAIL_ON INPUT_FORMAT INPUT_SARIF_FILE INPUT_BASELINE
#   INPUT_EXTRA_ARGS, and GitHub's GITHUB_EVENT_NAME GITHUB_EVENT_PATH GITHUB_OUTPUT
#   GITHUB_STEP_SUMMARY GITHUB_WORKSPACE RUNNER_TEMP.
# REACHSCAN_BIN names the binary (default: reachscan on PATH); REACHSCAN_REMOTE the remote to
# fetch missing history from (default: origin).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=${REACHSCAN_BIN:-reachscan}
remote=${REACHSCAN_REMOTE:-origin}
repo=${INPUT_PATH:-.}
fail_on=${INPUT_FAIL_ON:-any}
format=${INPUT_FORMAT:-short}
sarif=${INPUT_SARIF_FILE:-reachscan.sarif}
event=${GITHUB_EVENT_NAME:-}
output_file=${GITHUB_OUTPUT:-/dev/null}
summary_file=${GITHUB_STEP_SUMMARY:-/dev/null}

work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/reachscan.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

set_output() { printf '%s=%s\n' "$1" "$2" >>"$output_file"; }

# Fails the step with an error annotation; outputs still say what happened.
die() {
  printf '::error title=reachscan::%s\n' "$1"
  printf '## reachscan\n\n**error:** %s\n' "$1" >>"$summary_file"
  set_output findings ""
  set_output production-findings ""
  set_output sarif-file ""
  set_output exit-code 2
  exit 2
}

case "$fail_on" in any | production | none) ;; *) die "fail-on must be production, any or none, not '$fail_on'" ;; esac
case "$format" in short | text | json | jsonl | none) ;; *) die "format must be short, text, json, jsonl or none, not '$format'" ;; esac
command -v "$bin" >/dev/null || die "reachscan binary '$bin' not found"
git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 || die "'$repo' is not a git checkout (run actions/checkout before this step)"

# ---- What to scan, from the event payload. --------------------------------------------------
# A push scans before..after; a new branch (before is all zeros) or an unknown before scans the
# pushed branch's whole history. A pull request scans base..head of the PR. Anything else
# (schedule, workflow_dispatch, ...) scans the whole history of every ref.
# The payload fields used, one per line (empty when absent), read with one Python start.
fields=(before after created pull_request.base.sha pull_request.head.sha)
values=()
if [ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "$GITHUB_EVENT_PATH" ]; then
  mapfile -t values < <(python3 - "$GITHUB_EVENT_PATH" "${fields[@]}" <<'PY'
import json, sys
event = json.load(open(sys.argv[1]))
for path in sys.argv[2:]:
    value = event
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    print("" if value is None else str(value).lower() if isinstance(value, bool) else value)
PY
  )
fi
event_field() {
  local i
  for i in "${!fields[@]}"; do
    [ "${fields[$i]}" != "$1" ] || { printf '%s' "${values[$i]:-}"; return; }
  done
}

zeros=0000000000000000000000000000000000000000
base="" head="" branch=""
case "$event" in
  push)
    base=$(event_field before)
    head=$(event_field after)
    [ -n "$head" ] || die "the push event payload has no 'after' commit"
    if [ -z "$base" ] || [ "$base" = "$zeros" ] || [ "$(event_field created)" = true ]; then
      base="" branch=$head
    fi
    ;;
  pull_request | pull_request_target)
    base=$(event_field pull_request.base.sha)
    head=$(event_field pull_request.head.sha)
    if [ -z "$base" ] || [ -z "$head" ]; then
      die "the $event event payload has no pull_request.base.sha/head.sha"
    fi
    ;;
esac
if [ -n "$base" ]; then
  scope="commits $base..$head"
  git_args=(--range "$base..$head")
elif [ -n "$branch" ]; then
  scope="full history of $branch (new branch)"
  git_args=(--branch "$branch")
else
  scope="full history of every ref"
  git_args=()
fi

# ---- Make sure the checkout has those commits. -------------------------------------------------
# actions/checkout fetches one commit by default. Scanning what git cannot see would pass
# silently, so fetch what the range needs, and stop with a clear message when that fails.
shallow() { [ "$(git -C "$repo" rev-parse --is-shallow-repository)" = true ]; }
have() { git -C "$repo" cat-file -e "$1^{commit}" 2>/dev/null; }
fetch() {
  git -C "$repo" -c protocol.version=2 fetch --no-tags --quiet --no-recurse-submodules \
    "$remote" "$@" 2>"$work/fetch.err"
}
fetch_failed() {
  die "$1: git could not fetch it from '$remote' ($(tr '\n' ' ' <"$work/fetch.err" | cut -c1-300)). Set 'fetch-depth: 0' on actions/checkout so the checkout has the whole history."
}
# The range is complete when both ends are there and no commit in it was cut off by the shallow
# boundary (its parents would be missing, and what they add would go unscanned).
range_complete() {
  have "$base" && have "$head" || return 1
  shallow || return 0
  local cut
  cut=$(git -C "$repo" rev-parse --git-path shallow)
  ! git -C "$repo" rev-list "$base..$head" | grep -qxFf "$cut"
}

if [ -n "$base" ]; then
  for sha in "$base" "$head"; do
    if ! have "$sha"; then
      if shallow; then fetch --depth=1 "$sha" || fetch_failed "commit $sha is not in the checkout"; else
        fetch "$sha" || fetch_failed "commit $sha is not in the checkout"
      fi
    fi
  done
  for depth in 50 500; do
    range_complete && break
    fetch --deepen="$depth" "$base" "$head" || fetch_failed "the history of $base..$head is cut by the shallow clone"
  done
  if ! range_complete; then
    fetch --unshallow "$base" "$head" || fetch_failed "the history of $base..$head is cut by the shallow clone"
    range_complete || die "the history of $base..$head is incomplete even after fetching the whole history"
  fi
elif shallow; then
  fetch --unshallow || fetch_failed "a full-history scan needs the whole history, and the checkout is shallow"
fi

# ---- Scan once: annotations on stdout, SARIF + JSON (+ the log format) to files. -----------------
# --redact: nothing this step writes holds a secret in clear (SARIF never does).
args=(--format github --fail-on "$fail_on" --redact --report "sarif:$sarif" --report "json:$work/findings.json")
[ "$format" = none ] || args+=(--report "$format:$work/log.txt")
[ -z "${INPUT_CONFIG:-}" ] || args+=(--config "$INPUT_CONFIG")
[ -z "${INPUT_BASELINE:-}" ] || args+=(--baseline "$INPUT_BASELINE")
read -r -a extra <<<"${INPUT_EXTRA_ARGS:-}"

mkdir -p "$(dirname "$sarif")" || die "cannot create the folder of sarif-file '$sarif'"
echo "reachscan: scanning $scope ($event event)"
"$bin" "${args[@]}" git "${git_args[@]}" "${extra[@]}" "$repo" >"$work/annotations.txt" 2>"$work/stderr.txt"
rc=$?

python3 "$here/report.py" --annotations "$work/annotations.txt" --log "$work/log.txt" \
  --repo "$repo" --workspace "${GITHUB_WORKSPACE:-$PWD}" --json "$work/findings.json" \
  --scope "$scope" --event "$event" --fail-on "$fail_on" --exit-code "$rc" --sarif "$sarif" \
  --output "$output_file" --summary "$summary_file"
cat "$work/stderr.txt" >&2
exit "$rc"
