#!/usr/bin/env bash
# Staged-scan benchmark: `reachscan git --staged` on a one-file change against `git diff --cached`
# and reachscan's warm start, all in the same run, interleaved. Prints the median of RUNS runs of
#   git diff --cached                    the reference
#   reachscan --version                  process start-up without rules
#   echo hi | reachscan stdin -q         warm start: start-up + rules (database cache filled)
#   reachscan git --staged (clean)       a one-line change without a secret: the common commit
#   reachscan git --staged (finding)     the same change with a (fake) secret in it
# and the ratios the target is stated in: staged <= 1.5x (git diff --cached + warm start), and
# staged under 50 ms on a quiet machine.
#
#   bench/staged_bench.sh REPO [RUNS]        (REACHSCAN=path; RUNS defaults to 21; BASE=path of
#                                             an earlier reachscan, timed too, for before/after)
#
# REPO is a git repository (bare is fine; it is only read). The index is built from HEAD without
# checking files out (a shared clone), so a large repository costs seconds to prepare; then one
# tracked file gets a staged one-line change, as `git add` would leave it.
set -euo pipefail
die() { echo "staged_bench: $*" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/find_reachscan.sh"
BIN=$REACHSCAN
[ -x "${BIN:-}" ] || die "no reachscan binary: set REACHSCAN"
[ $# -ge 1 ] || die "usage: bench/staged_bench.sh REPO [RUNS]"
REPO=$(cd "$1" && pwd)
RUNS=${2:-21}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
export XDG_CACHE_HOME=$OUT/cache

git clone -q --shared --no-checkout "$REPO" "$OUT/wt" 2>/dev/null
cd "$OUT/wt"
git read-tree HEAD
git ls-files > "$OUT/files"
f=$(grep -m1 -E '\.(go|c|py|js|rb|java)$' "$OUT/files" || head -1 "$OUT/files")
stage() {  # stages HEAD's version of $f plus one line
  local id
  id=$( (git cat-file blob "HEAD:$f"; printf '%s\n' "$1") | git hash-object -w --stdin)
  git update-index --cacheinfo "100644,$id,$f"
}
# A fake GitHub token (random body, valid CRC-32 check digits, not a credential): built here.
fake=$(python3 - <<'PY'
import random, zlib
a = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
r = random.Random(7)
body = "".join(r.choice(a) for _ in range(30))
c, check = zlib.crc32(body.encode()), ""
for _ in range(6): check, c = a[c % 62] + check, c // 62
print("ghp_" + body + check)
PY
)
stage "// staged change"
"$BIN" -q git --staged >/dev/null 2>&1 || true  # fill the rule-database cache

echo "repository: $REPO ($(wc -l < "$OUT/files") files in the index), change to $f"
echo "machine:    $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
echo "reachscan:  $BIN ($("$BIN" --version 2>&1 | head -1))"
python3 - "$BIN" "$RUNS" "$f" "$fake" "${BASE:-}" <<'PY'
import resource, statistics, subprocess, sys, time
b, runs, path, fake, base = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
q = f"'{b}'"
cmds = {
    "git diff --cached": ("git diff --cached", None),
    "reachscan --version": (f"{q} --version", None),
    "warm start (stdin)": (f"echo hi | {q} stdin -q", None),
    "staged, clean": (f"{q} -q git --staged", "// staged change"),
    "staged, finding": (f"{q} -q git --staged", f'token = "{fake}"'),
}
if base:
    cmds["BASE staged, clean"] = (f"'{base}' -q git --staged", "// staged change")
def stage(line):
    blob = subprocess.run(f"(git cat-file blob 'HEAD:{path}'; printf '%s\\n' '{line}') | "
                          "git hash-object -w --stdin", shell=True, capture_output=True,
                          text=True, check=True).stdout.strip()
    subprocess.run(["git", "update-index", "--cacheinfo", f"100644,{blob},{path}"], check=True)
def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime
times = {k: [] for k in cmds}
cpus = {k: [] for k in cmds}
codes = {}
for i in range(runs + 3):
    for k, (c, line) in cmds.items():
        if line: stage(line)
        t, u = time.perf_counter(), cpu()
        rc = subprocess.run(c, shell=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL).returncode
        if i >= 3:
            times[k].append(time.perf_counter() - t)
            cpus[k].append(cpu() - u)
        codes[k] = rc
med = {k: statistics.median(v) * 1000 for k, v in times.items()}
# CPU time (user + system, the shell included) moves less than wall time on a loaded machine.
print(f"\n{'command':<22} {'median ms':>10} {'min ms':>8} {'CPU ms':>8}  exit")
for k, v in med.items():
    print(f"{k:<22} {v:10.1f} {min(times[k]) * 1000:8.1f} "
          f"{statistics.median(cpus[k]) * 1000:8.1f}  {codes[k]}")
assert codes["staged, clean"] == 0 and codes["staged, finding"] == 1, "unexpected exit codes"
diff = med["git diff --cached"]
for warm in ("reachscan --version", "warm start (stdin)"):
    ref = diff + med[warm]
    print(f"staged clean / (git diff --cached + {warm}): {med['staged, clean'] / ref:.2f}x"
          f"   finding: {med['staged, finding'] / ref:.2f}x   (target <= 1.5x)")
cm = {k: statistics.median(v) * 1000 for k, v in cpus.items()}
for warm in ("reachscan --version", "warm start (stdin)"):
    print(f"CPU: staged clean / (git diff --cached + {warm}): "
          f"{cm['staged, clean'] / (cm['git diff --cached'] + cm[warm]):.2f}x")
s = med["staged, clean"]
print(f"staged clean {s:.1f} ms: {'PASS' if s < 50 else 'FAIL'} (target < 50 ms on a quiet machine)")
PY
