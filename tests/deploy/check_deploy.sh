#!/usr/bin/env bash
# Validates deploy/k8s against the Kubernetes schemas (offline) and checks that the GitHub
# Actions recipe is well-formed YAML. A deliberately broken Job must be refused, so the check
# cannot pass vacuously. Exit 77 (a skip) when the npm tools are not installed (npm ci in
# tests/deploy; scripts/install-deps.sh does it).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
if ! command -v node >/dev/null || [ ! -d "$HERE/node_modules/kubernetes-models" ]; then
  echo "SKIP: node or tests/deploy/node_modules missing (run npm ci in tests/deploy)"
  exit 77
fi
node "$HERE/validate_k8s.js" "$ROOT/deploy/k8s"
node -e "require('$HERE/node_modules/js-yaml').load(require('fs').readFileSync(process.argv[1], 'utf8'))" \
  "$ROOT/deploy/github-actions/org-scan.yml"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# A Job whose parallelism is a string: refused by the schema.
sed -e 's/parallelism: 4/parallelism: "four"/' "$ROOT/deploy/k8s/job.yaml" >"$T/job.yaml"
if node "$HERE/validate_k8s.js" "$T" >"$T/out" 2>&1 || ! grep -q "parallelism must be integer" "$T/out"; then
  cat "$T/out"
  echo "FAIL: a Job with a string parallelism was not refused by the schema"
  exit 1
fi
echo "PASS"
