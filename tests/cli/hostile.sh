#!/usr/bin/env bash
# Hostile input and faults against the built binary (issue 18), one case per line of the issue's
# list: broken packs and indexes, refs that do not peel, write errors and a full disk, signals,
# core.hooksPath, control characters in every scanned field, untrusted config files that are
# devices, FIFOs or folders, symlink escapes and loops, size overflows, malformed baselines and
# ignore files, and secrets masked on a terminal. Each case states the exit status and output it
# expects; the script prints one line per check and fails if any check fails.
#
#   tests/cli/hostile.sh BUILD/reachscan
set -uo pipefail
BIN=$(realpath "$1")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/reachscan-hostile-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export XDG_CACHE_HOME=$WORK/cache GIT_CONFIG_NOSYSTEM=1 HOME=$WORK/home
mkdir -p "$HOME"
git config --global user.email t@example.com
git config --global user.name tester
git config --global init.defaultBranch main
cd "$WORK" || exit 2
FAILED=0 CHECKS=0

# Fake GitHub tokens with a valid checksum (seeded), never real credentials: COUNT of them.
tokens() {
  python3 -c 'import random, sys, zlib
r = random.Random(7)
a = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
for _ in range(int(sys.argv[1])):
    body = "".join(r.choice(a) for _ in range(30))
    c = zlib.crc32(body.encode()); s = ""
    for _ in range(6): s = a[c % 62] + s; c //= 62
    print("ghp_" + body + s)' "$1"
}
mapfile -t TOKENS < <(tokens 302)
KEY=${TOKENS[0]}
KEY2=${TOKENS[1]}

check() {  # NAME CONDITION-DESCRIPTION then the test command
  local name=$1
  shift
  CHECKS=$((CHECKS + 1))
  if "$@"; then
    echo "ok   $name"
  else
    echo "FAIL $name"
    FAILED=$((FAILED + 1))
  fi
}
# Runs the binary; sets RC, OUT, ERR.
run() {
  "$BIN" "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
  OUT=$(cat "$WORK/out")
  ERR=$(cat "$WORK/err")
}
rc_is() { [ "$RC" = "$1" ] || { echo "     rc $RC, expected $1; stderr: ${ERR:0:400}"; false; }; }
err_has() { grep -qF -- "$1" "$WORK/err" || { echo "     stderr lacks '$1': ${ERR:0:400}"; false; }; }
out_has() { grep -qF -- "$1" "$WORK/out" || { echo "     stdout lacks '$1'"; false; }; }
out_lacks() { ! grep -qF -- "$1" "$WORK/out" || { echo "     stdout has '$1'"; false; }; }
no_raw_controls() {  # nothing below 0x20 but \t and \n, and no DEL, in stdout and stderr
  ! LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]' "$WORK/out" "$WORK/err" ||
    { echo "     raw control characters reached the output"; false; }
}

# --- git histories -------------------------------------------------------------------------
new_repo() {  # a repository with the key on main and KEY2 on branch side, fully packed
  rm -rf "$WORK/$1" && git init -q "$WORK/$1" && cd "$WORK/$1" || exit 2
  echo "t = '$KEY'" >a.py && git add a.py && git commit -qm one
  git checkout -qb side && echo "u = '$KEY2'" >b.py && git add b.py && git commit -qm two
  git checkout -q main && git gc -q --aggressive 2>/dev/null && cd "$WORK" || exit 2
}
new_repo broken && for p in broken/.git/objects/pack/*.pack; do truncate -s 100 "$p"; done
run git broken
check "truncated pack: exit 2, naming the refs" eval 'rc_is 2 && err_has "refs/heads/main"'
new_repo noidx && rm noidx/.git/objects/pack/*.idx
run git noidx
check "deleted .idx: exit 2, never clean" eval 'rc_is 2'
new_repo badidx && for i in badidx/.git/objects/pack/*.idx; do
  chmod u+w "$i" && dd if=/dev/urandom of="$i" bs=1 count=64 seek=8 conv=notrunc 2>/dev/null
done
run git badidx
check "corrupt .idx: exit 2" eval 'rc_is 2'
new_repo refs && (cd refs/.git && git pack-refs --all && echo "zzzz garbage" >>packed-refs)
run git refs -f json
check "garbage packed-refs line: exit 2 naming the packed refs, HEAD still scanned" \
  eval 'rc_is 2 && err_has "packed" && out_has "$KEY"'
new_repo ghost && echo 0123456789012345678901234567890123456789 >ghost/.git/refs/heads/ghost
run git ghost -f json
check "ref to a missing commit: exit 2 naming the ref, other refs scanned" \
  eval 'rc_is 2 && err_has "ghost" && out_has "$KEY" && out_has "$KEY2"'
new_repo tagblob && (cd tagblob && git tag blobtag "$(git rev-parse HEAD:a.py)")
run git tagblob -f json
check "tag of a blob: scanned, not a failure" eval '[ "$RC" != 2 ] && out_has "$KEY"'
new_repo shallow_src && rm -rf shallow && git clone -q --depth 1 "file://$WORK/shallow_src" shallow
run git shallow -f json
check "shallow clone: scanned to the boundary" eval '[ "$RC" = 1 ] || [ "$RC" = 3 ]'
check "shallow clone: key found" out_has "$KEY"
git init -q empty_repo
run git empty_repo
check "repository without commits: clean (exit 0)" rc_is 0

# --- reports: write errors, full disk, signals --------------------------------------------------
mkdir -p src && echo "t = '$KEY'" >src/a.py
run dir src -f json -o /dev/full
check "-o /dev/full: exit 2, error shown" eval 'rc_is 2 && err_has "No space left"'
"$BIN" dir src -f json >/dev/full 2>"$WORK/err"
RC=$? ERR=$(cat "$WORK/err")
check "stdout on /dev/full: exit 2" rc_is 2
"$BIN" dir src -f json >&- 2>"$WORK/err"
RC=$? ERR=$(cat "$WORK/err")
check "stdout closed: exit 2" rc_is 2
if unshare -rm true 2>/dev/null; then
  mkdir -p small && echo '{"earlier": true}' >small.keep
  for i in $(seq 2 301); do echo "t$i = '${TOKENS[$i]}'" >"src/f$i.py"; done
  unshare -rm bash -c "mount -t tmpfs -o size=16k tmpfs small && cp small.keep small/r.json &&
    '$BIN' dir src -f json -o small/r.json 2>err.full; echo \$? >rc.full; cat small/r.json >kept.full"
  RC=$(cat rc.full) ERR=$(cat err.full)
  cp err.full "$WORK/err"
  check "full disk (16 KiB tmpfs): exit 2, earlier report intact" \
    eval 'rc_is 2 && err_has "No space left" && cmp -s kept.full small.keep'
  rm -f src/f*.py
else
  echo "skip full disk (no user namespaces here)"
fi
for sig in TERM INT HUP; do
  rm -f fifo && mkfifo fifo
  (
    printf "t = %s\n" "$KEY"
    exec sleep 20
  ) >fifo &
  feeder=$!
  set -m
  "$BIN" stdin -f json -o partial.json <fifo 2>/dev/null &
  pid=$!
  set +m
  sleep 3  # started and read the line (the rule cache is warm by now)
  kill -"$sig" "$pid"
  wait "$pid"
  RC=$?
  kill "$feeder" 2>/dev/null
  check "SIG$sig mid-scan: valid partial report marked incomplete" \
    python3 -c 'import json,sys; d=json.load(open("partial.json")); sys.exit(d["summary"]["complete"] is not False or len(d["findings"]) != 1)'
  check "SIG$sig mid-scan: exit 128+N" eval '[ "$RC" -gt 128 ]'
done

# --- install-hook under core.hooksPath -----------------------------------------------------------
rm -rf hooked && git init -q hooked && mkdir -p hooked/.githooks
(cd hooked && git config core.hooksPath .githooks && "$BIN" install-hook >/dev/null 2>&1)
check "install-hook installs into core.hooksPath" test -x hooked/.githooks/pre-commit
(cd hooked && echo "t = '$KEY'" >k.py && git add k.py && ! git commit -qm leak >/dev/null 2>&1)
check "the hook blocks a commit with a key" eval '[ -z "$(git -C hooked log --oneline 2>/dev/null)" ]'

# --- control characters everywhere ---------------------------------------------------------------
rm -rf esc && mkdir -p esc/rules
printf 't = "%s" \033]0;owned\007 \033[2J\n' "$KEY" >"esc/name$(printf '\033')[31mred.py"
printf -- '- id: custom.evil\n  name: "Evil \\e[2J rule \\x07 name"\n  pattern: '"'"'\\b(zzq_[a-z0-9]{24})\\b'"'"'\n  examples: ["zzq_k4v9q2m7x1z8c3b6n5p0a1b2"]\n  negative_examples: ["zzq_short"]\n' >esc/rules/r.yaml
echo "x = zzq_k4v9q2m7x1z8c3b6n5p0a1b2" >esc/custom.txt
for f in text short github; do  # csv and json are data formats: quoted, not escaped
  run dir esc --rules esc/rules -f "$f" --no-color
  check "control characters escaped: -f $f" eval 'no_raw_controls && out_has "\\x1b"'
done
rm -rf escgit && git init -q escgit && cd escgit && echo "t = '$KEY'" >k.py && git add k.py &&
  git -c user.name="$(printf 'Mal\033[2Jlory')" commit -qm "$(printf 'fix\033]0;owned\007 \033[2Jclear\rforged line')" &&
  cd "$WORK" || exit 2
for f in text short github; do
  run git escgit -f "$f" --no-color -v
  check "commit summary and author escaped: -f $f" no_raw_controls
done

# --- untrusted configuration ------------------------------------------------------------------------
mkdir -p cfg && echo "t = '$KEY'" >cfg/a.py
for what in zero fifo dir; do
  rm -rf cfg/.reachscan.yaml cfg/.reachscanignore cfg/.gitleaks.toml untrusted
  case $what in
    zero) ln -s /dev/zero untrusted ;;
    fifo) mkfifo untrusted ;;
    dir) mkdir untrusted ;;
  esac
  flags=("-c" "--baseline" "--ignore-file")
  [ "$what" != dir ] && flags+=("--rules")  # a rules folder is a folder of rule files
  for flag in "${flags[@]}"; do
    timeout 20 "$BIN" $flag untrusted dir cfg >/dev/null 2>"$WORK/err"
    RC=$? ERR=$(cat "$WORK/err")
    check "$flag naming a $what: exit 2, no hang" rc_is 2
  done
  for name in .reachscan.yaml .reachscanignore .gitleaks.toml; do
    rm -rf "cfg/$name" && mv untrusted "cfg/$name"
    timeout 20 "$BIN" dir cfg >/dev/null 2>"$WORK/err"
    RC=$? ERR=$(cat "$WORK/err")
    check "$name in the tree is a $what: exit 2, no hang" rc_is 2
    mv "cfg/$name" untrusted
  done
done
rm -rf cfg/.reachscan.yaml cfg/.reachscanignore cfg/.gitleaks.toml untrusted
GITLEAKS_CONFIG=/dev/zero timeout 20 "$BIN" dir cfg >/dev/null 2>"$WORK/err"
RC=$? ERR=$(cat "$WORK/err")
check "GITLEAKS_CONFIG=/dev/zero: exit 2" rc_is 2

# --- symlinks ---------------------------------------------------------------------------------------
rm -rf sl && mkdir -p sl/root/sub sl/outside && echo "t = '$KEY'" >sl/outside/s.txt
ln -s ../outside/s.txt sl/root/out.txt && ln -s ../../outside sl/root/sub/outdir
ln -s loop2 sl/root/loop1 && ln -s loop1 sl/root/loop2 && ln -s .. sl/root/sub/up
run dir sl/root -f json -v
check "links out of the root and loops inside: not read, loops are errors, the scan ends" \
  eval 'out_lacks "$KEY" && rc_is 2 && err_has "symlink_loop" && out_has "symlink_outside_root"'
run dir sl/root/loop1
check "a loop named on the command line: exit 2" rc_is 2

# --- sizes ------------------------------------------------------------------------------------------
for size in 18014398509481985k 99999999999999999999 -1 1e9 10XB "" 0x10; do
  run --max-file-size "$size" dir src
  check "--max-file-size '$size': exit 2" rc_is 2
done

# --- malformed baselines and ignore files ------------------------------------------------------------
FP="github.pat.classic:0123456789abcdef0123456789abcdef"
n=0
for content in '' '[' '{"findings": 1}' '{"findings": [1]}' '{"findings": [{"fingerprint": null}]}' \
  "{\"fingerprint\": \"$FP\"}
garbage" '[{"Fingerprint": "no-colons"}]' '[{"Fingerprint": "f:r:99999999999999999999999"}]' \
  '{"other": []}' '"just a string"'; do
  n=$((n + 1))
  printf '%s' "$content" >base.json
  run --baseline base.json dir src
  check "malformed baseline #$n: exit 2, names the file" eval 'rc_is 2 && err_has "base.json"'
done
n=0
for content in 'not-a-fingerprint' "$FP $FP" "$FP trailing words" "${FP^^}" \
  "$(printf '%s\033[2J' "$FP")" "github.pat.classic:0123"; do
  n=$((n + 1))
  printf '# header\n%s\n' "$content" >ignore.txt
  run --ignore-file ignore.txt dir src
  check "malformed ignore file #$n: exit 2 naming line 2" eval 'rc_is 2 && err_has "ignore.txt:2"'
done
for content in 'a.py:rule' 'a.py:rule:x' ':rule:3' 'a.py::3' 'f:r:99999999999999999999999'; do
  printf '%s\n' "$content" >.gitleaksignore
  cp .gitleaksignore src/.gitleaksignore
  run dir src
  check "malformed .gitleaksignore '$content': exit 2" rc_is 2
done
rm -f .gitleaksignore src/.gitleaksignore

# --- secrets on a terminal -------------------------------------------------------------------------
if script -qc true /dev/null >/dev/null 2>&1; then
  script -qc "'$BIN' dir src -f json -o /dev/tty" /dev/null >tty.out 2>&1
  check "-o /dev/tty masks the secret" eval '! grep -qF "$KEY" tty.out && grep -q "ghp_" tty.out'
  script -qc "'$BIN' dir src -f json" /dev/null >tty.out 2>&1
  check "json on a terminal masks the secret" eval '! grep -qF "$KEY" tty.out'
fi

# --- report destinations ----------------------------------------------------------------------------
rm -f nofifo && mkfifo nofifo
timeout 60 "$BIN" dir src -o nofifo >/dev/null 2>"$WORK/err"
RC=$? ERR=$(cat "$WORK/err")
check "-o FIFO that nobody reads: exit 2 after a bounded wait, no hang" \
  eval 'rc_is 2 && err_has "FIFO"'
echo '{"earlier": true}' >ro.json && chmod 444 ro.json
run dir src -f json -o ro.json
check "-o a read-only report file: exit 2, the file is left as it was" \
  eval 'rc_is 2 && grep -q earlier ro.json'

# --- container images ------------------------------------------------------------------------------
for name in --output=/tmp/x --help "a b" "-x"; do
  run image -- "$name"
  check "image name '$name' is not passed to docker: exit 2" eval 'rc_is 2 && err_has "not an image name"'
done
python3 - "$KEY" <<'PY'
import io, json, sys, tarfile
def add(t, name, data):
    ti = tarfile.TarInfo(name); ti.size = len(data); t.addfile(ti, io.BytesIO(data))
layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w") as t:
    add(t, "app/k.py", f"t = '{sys.argv[1]}'\n".encode())
cfg = json.dumps({"config": {}, "history": []}).encode()
with tarfile.open("linklayer.tar", "w") as t:
    add(t, "manifest.json", json.dumps([{"Config": "c.json", "RepoTags": ["a:b"], "Layers": ["l.tar"]}]).encode())
    add(t, "c.json", cfg)
    ti = tarfile.TarInfo("l.tar"); ti.type = tarfile.SYMTYPE; ti.linkname = "/etc/passwd"; t.addfile(ti)
with tarfile.open("lostlayer.tar", "w") as t:
    add(t, "manifest.json", json.dumps([{"Config": "c.json", "RepoTags": ["a:b"],
        "Layers": ["../../../etc/passwd", "ok.tar"]}]).encode())
    add(t, "c.json", cfg)
    add(t, "ok.tar", layer.getvalue())
PY
run image linklayer.tar
check "image whose layer is a symlink: exit 2, never clean" eval 'rc_is 2 && err_has "l.tar"'
run image lostlayer.tar -f json
check "image whose manifest names a layer outside it: exit 2, the other layer scanned" \
  eval 'rc_is 2 && out_has "$KEY"'

# --- forge answers (a local server) ----------------------------------------------------------------
cat >forge.py <<'PY'
import http.server, json, sys
mode, port_file = sys.argv[1], sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        with open("forge.log", "a") as log:
            log.write(f"{self.path} {self.headers.get('Authorization')}\n")
        port = self.server.server_address[1]
        if self.path.startswith("/steal"):
            self.send_response(401); self.send_header("WWW-Authenticate", 'Basic realm="x"')
            self.send_header("Content-Length", "0"); self.end_headers(); return
        if mode == "garbage": body = b"\x00\xff{[not json"
        elif mode == "deep": body = b"[" * 100000 + b"]" * 100000
        elif mode == "redirect":
            self.send_response(302); self.send_header("Location", "file:///etc/passwd"); self.end_headers(); return
        elif mode == "growing":
            self.send_response(200); self.send_header("Link", f'<http://127.0.0.1:{port}{self.path}&x=1>; rel="next"')
            self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"[]"); return
        elif mode == "local": body = json.dumps([{"full_name": "../../etc", "clone_url": sys.argv[3]}]).encode()
        elif mode == "steal": body = json.dumps([{"full_name": "a/b", "clone_url": f"http://localhost:{port}/steal.git"}]).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(port_file, "w").write(str(s.server_address[1]))
s.serve_forever()
PY
forge() {  # MODE [ARG]: runs `github --org acme` against the server; RC, ERR, forge.log
  rm -f port forge.log fds.db*
  python3 forge.py "$1" port "${2:-}" &
  local server=$!
  for _ in $(seq 100); do [ -s port ] && break; sleep 0.1; done
  GITHUB_TOKEN=tok-not-for-others timeout 60 "$BIN" github --org acme --datastore fds.db \
    --api-url "http://127.0.0.1:$(cat port)" >"$WORK/out" 2>"$WORK/err"
  RC=$? ERR=$(cat "$WORK/err")
  kill "$server"
  wait "$server" 2>/dev/null
}
for mode in garbage:malformed "deep:not a JSON object" redirect:refused; do
  forge "${mode%%:*}"
  check "forge answer '${mode%%:*}': exit 2 with the reason" eval 'rc_is 2 && err_has "${mode#*:}"'
done
forge growing
check "forge pagination link that grows forever: exit 2, bounded" eval 'rc_is 2 && err_has "longer than"'
new_repo localrepo
for url in "$WORK/localrepo" "file://$WORK/localrepo"; do
  forge local "$url"
  check "forge answer naming a local repository ($url): refused, nothing read" \
    eval 'rc_is 2 && err_has "names a local path; refused" && out_lacks "$KEY"'
done
forge steal
check "forge answer with a clone URL on another host: the token is not offered there" \
  eval '! grep -q "steal.*tok-not-for-others" forge.log'

# --- the datastore -------------------------------------------------------------------------------------
new_repo orgrepo && echo "$WORK/orgrepo" >org.txt
echo "not a database" >victim.txt && ln -sf victim.txt linked.db
run repos org.txt --datastore linked.db
check "datastore that is a symlink to another file: exit 2, the file untouched" \
  eval 'rc_is 2 && [ "$(cat victim.txt)" = "not a database" ]'
head -c 8192 /dev/urandom >corrupt.db
run repos org.txt --datastore corrupt.db
check "corrupt datastore: exit 2" rc_is 2
rm -rf rodb && mkdir rodb && run repos org.txt --datastore rodb/org.db -q
if unshare -rm true 2>/dev/null; then
  unshare -rm bash -c "mount --bind rodb rodb && mount -o remount,bind,ro rodb &&
    '$BIN' report rodb/org.db -f json >ro.out 2>ro.err; echo \$? >ro.rc;
    '$BIN' repos org.txt --datastore rodb/org.db >/dev/null 2>ro.err2; echo \$? >ro.rc2"
  RC=$(cat ro.rc) ERR=$(cat ro.err)
  cp ro.out "$WORK/out"
  check "report from a datastore on a read-only mount: read" eval '{ [ "$RC" = 1 ] || [ "$RC" = 3 ]; } && out_has github.pat.classic'
  RC=$(cat ro.rc2) ERR=$(cat ro.err2)
  check "scan into a datastore on a read-only mount: exit 2 with the cause" \
    eval 'rc_is 2 && grep -q "Read-only" ro.err2'
fi

# --- the scanned tree's config ---------------------------------------------------------------------
for rules in /etc ../../../../etc/passwd; do
  rm -rf tree && mkdir tree && echo "t = '$KEY'" >tree/a.py && echo "rules: ['$rules']" >tree/.reachscan.yaml
  run dir tree
  check "committed config with rules: '$rules' (outside its folder): exit 2" \
    eval 'rc_is 2 && err_has "leaves the folder"'
done
# Files named by (or found as) a config of the scanned tree stay in the tree, symlinks resolved.
gl_rule='[[rules]]
id = "acme-key"
regex = '"'acme_[0-9a-f]{32}'"'
'
outside_tree() {  # a fresh tree with a key for the gitleaks rule and one outside it
  rm -rf tree outside.toml && mkdir tree && echo "k = 'acme_8f3a91c2d7e4b6a05f9e2c1d3b7a8e64'" >tree/a.py
  printf '%s' "$gl_rule" >outside.toml
}
for target in /etc/passwd ../outside.toml "$WORK/outside.toml" link.toml; do
  outside_tree && ln -s ../outside.toml tree/link.toml
  printf '[extend]\npath = "%s"\n' "$target" >tree/.gitleaks.toml
  run dir tree
  check "committed .gitleaks.toml with [extend] path '$target' (outside the tree): exit 2" \
    eval 'rc_is 2 && err_has "leaves the folder" && err_has "$target"'
done
outside_tree && printf '%s' "$gl_rule" >tree/base.toml && printf '[extend]\npath = "base.toml"\n' >tree/.gitleaks.toml
run dir tree -f json
check "committed .gitleaks.toml extending a file inside the tree: its rules run" \
  eval 'rc_is 1 && out_has acme-key'
outside_tree && printf '[extend]\npath = "../outside.toml"\n' >tree/.gitleaks.toml
run dir tree -c tree/.gitleaks.toml -f json
check "the same config given with -c (the user's): [extend] may leave the tree" \
  eval 'rc_is 1 && out_has acme-key'
rm tree/.gitleaks.toml && GITLEAKS_CONFIG=$WORK/outside.toml run dir tree -f json
check "GITLEAKS_CONFIG (the user's) outside the tree: read" eval 'rc_is 1 && out_has acme-key'
outside_tree && mkdir tree/rules && ln -s ../../outside.toml tree/rules/evil.yaml &&
  echo "rules: ['rules']" >tree/.reachscan.yaml
run dir tree
check "committed config naming a rule folder with a symlink out of the tree: exit 2" \
  eval 'rc_is 2 && err_has "leaves the folder" && err_has evil.yaml'
outside_tree && printf '[extend]\npath = "/etc/passwd"\n' >tree/r.toml && echo "rules: ['r.toml']" >tree/.reachscan.yaml
run dir tree
check "committed config naming a gitleaks rule file that extends /etc/passwd: exit 2" \
  eval 'rc_is 2 && err_has "leaves the folder" && err_has /etc/passwd'
for found in .reachscan.yaml .gitleaks.toml .reachscanignore .gitleaksignore; do
  outside_tree && echo "rules: []" >outside.yaml && ln -s ../outside.yaml "tree/$found"
  run dir tree
  check "committed $found that is a symlink out of the tree: exit 2, naming it" \
    eval 'rc_is 2 && err_has "leaves the folder" && err_has "$found"'
done
outside_tree && mkdir tree/conf && echo "allow: {paths: ['*.py']}" >tree/conf/r.yaml &&
  ln -s conf/r.yaml tree/.reachscan.yaml
run dir tree
check "committed .reachscan.yaml symlinked inside the tree: read" rc_is 0
rm -rf tree && mkdir -p tree/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z
echo "t = '$KEY'" >tree/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z/k.py
printf "allow:\n  paths: ['%s', '%s']\n" "$(printf '**/%.0s' $(seq 60))nomatch" \
  "$(printf '*a%.0s' $(seq 30))b" >tree/.reachscan.yaml
timeout 30 "$BIN" dir tree -f json >"$WORK/out" 2>"$WORK/err"
RC=$? ERR=$(cat "$WORK/err")
check "catastrophic globs in allow.paths: the scan ends (no exponential matching)" \
  eval 'rc_is 1 && out_has "$KEY"'

# --- more attacker cases: hostile histories, many findings, UTF-16, spill faults ---------------------
rm -rf ctl && git init -q ctl && cd ctl && CTL=$(printf 'x\033[2Jy\nBLOCKS\r\tz.py') &&
  echo "t = '$KEY'" >"$CTL" && git add -A && git commit -qm "c$(printf '\033[31m')" && cd "$WORK" || exit 2
for f in text short github junit; do
  run git ctl -f "$f" --no-color -v
  check "history path with ESC, newline, CR and tab, -f $f: found, no raw controls" \
    eval 'rc_is 1 && no_raw_controls'
done
for f in json jsonl sarif csv; do
  run git ctl -f "$f"
  check "history path with ESC, newline, CR and tab, -f $f: valid, the path exact" \
    python3 - "$f" "$WORK/out" "$CTL" <<'PY'
import csv, json, sys
from urllib.parse import unquote
fmt, path, want = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path, newline="", encoding="utf-8").read()
if fmt == "json":
    paths = [o["path"] for f in json.loads(text)["findings"] for o in f["occurrences"]]
elif fmt == "jsonl":
    paths = [json.loads(l).get("path") for l in text.splitlines() if l.strip()]
elif fmt == "sarif":
    runs = json.loads(text)["runs"]
    paths = [unquote(l["physicalLocation"]["artifactLocation"]["uri"]) for r in runs
             for res in r["results"] for l in res["locations"]]
else:
    paths = [r["path"] for r in csv.DictReader(text.splitlines(keepends=True))]
sys.exit(0 if want in paths else print(paths) or 1)
PY
done
new_repo oddrefs && (cd oddrefs/.git && side=$(git rev-parse side) && git update-ref -d refs/heads/side &&
  printf '%s refs/heads/a..b\n%s refs/heads/x\033[2Jy\n' "$side" "$side" >>packed-refs &&
  echo "$side" >"refs/heads/$(printf 'nl\nmain')")
run git oddrefs -f json
check "refs named a..b, with ESC and with a newline: the commits only they reach are scanned" \
  eval 'rc_is 1 && out_has "$KEY2"'
run git oddrefs -f text --no-color -v
check "refs named a..b, with ESC and with a newline: names escaped in text" \
  eval 'no_raw_controls && out_has "x\\x1b[2Jy" && out_has "nl\\nmain"'
for gitfile in 'gitdir: ../../etc' 'gitdir: /dev/zero' link fifo; do
  rm -rf gd && mkdir gd && echo "t = '$KEY'" >gd/a.py
  case $gitfile in
    link) ln -s /dev/zero gd/.git ;;
    fifo) mkfifo gd/.git ;;
    *) echo "$gitfile" >gd/.git ;;
  esac
  timeout 20 "$BIN" git gd >"$WORK/out" 2>"$WORK/err"
  RC=$? ERR=$(cat "$WORK/err")
  check "a .git that is '$gitfile': exit 2, no hang" eval 'rc_is 2 && err_has "not a git repository"'
done
for meta in config packed-refs objects/info/alternates refs/heads/evil commondir; do
  new_repo fifometa && rm -f "fifometa/.git/$meta" && mkfifo "fifometa/.git/$meta"
  timeout 20 "$BIN" git fifometa >"$WORK/out" 2>"$WORK/err"
  RC=$? ERR=$(cat "$WORK/err")
  check "a FIFO as .git/$meta: exit 2 naming it, no hang" eval 'rc_is 2 && err_has "$meta"'
done
rm -rf many && mkdir many && tokens 20000 | sed "s/^/k = '/; s/$/'/" >many/k.py
run dir many -f json -q
check "20,000 findings in one file: each reported" \
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(len(d["findings"]) < 19900)' "$WORK/out"
run dir many -f json --findings-memory 0 -q
check "20,000 findings spilled to disk: the report holds them all, valid" \
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(len(d["findings"]) < 19900)' "$WORK/out"
rm -rf u16 && mkdir u16 && python3 - "$KEY" <<'PY'
import sys
k = sys.argv[1]
line = ('$t = "' + k + '"\r\n')
open("u16/le.ps1", "wb").write(b"\xff\xfe" + line.encode("utf-16-le"))
open("u16/be.txt", "wb").write(b"\xfe\xff" + line.encode("utf-16-be"))
open("u16/odd.txt", "wb").write(b"\xff\xfe" + line.encode("utf-16-le") + b"\x00")
open("u16/lone.txt", "wb").write(b"\xff\xfe" + b"\x00\xd8" * 9 + b"\x00\xdc" + line.encode("utf-16-le"))
PY
run dir u16 -f json
check "UTF-16 files (LE, BE, odd length, lone surrogates): the key in each is found" \
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(sorted(o["path"] for f in d["findings"] for o in f["occurrences"]) != ["u16/be.txt","u16/le.ps1","u16/lone.txt","u16/odd.txt"])' "$WORK/out"
rm -rf u16git && git init -q u16git && cp u16/* u16git/ && (cd u16git && git add -A && git commit -qm u16)
run git u16git -f json
check "UTF-16 files in history: found" eval 'rc_is 1 && out_has le.ps1 && out_has be.txt'
rm -f fifo partial.json && mkfifo fifo
(head -3000 many/k.py; exec sleep 20) >fifo &
feeder=$!
set -m
"$BIN" stdin --findings-memory 0 -f json -o partial.json <fifo 2>/dev/null &
pid=$!
set +m
sleep 4
kill -TERM "$pid"
wait "$pid"
RC=$?
kill "$feeder" 2>/dev/null
check "SIGTERM while findings spill to disk: valid partial report, incomplete, nothing lost" \
  python3 -c 'import json,sys; d=json.load(open("partial.json")); sys.exit(d["summary"]["complete"] is not False or len(d["findings"]) < 2990)'
if unshare -rm true 2>/dev/null; then
  rm -rf small && mkdir small && head -3000 many/k.py >src/many.py
  unshare -rm bash -c "mount -t tmpfs -o size=16k tmpfs small &&
    TMPDIR=\$PWD/small '$BIN' dir src --findings-memory 0 -f json -o spill.json 2>err.spill; echo \$? >rc.spill"
  RC=$(cat rc.spill) ERR=$(cat err.spill)
  check "disk full while findings spill: every finding kept (in memory), the cause noted" \
    python3 -c 'import json,sys; d=json.load(open("spill.json")); s=d["summary"]
sys.exit(len(d["findings"]) < 2990 or not any("No space left" in n for n in s["notes"]))'
  rm -f src/many.py
fi

echo "$((CHECKS - FAILED))/$CHECKS checks passed"
[ "$FAILED" = 0 ]
