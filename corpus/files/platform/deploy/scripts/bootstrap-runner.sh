#!/usr/bin/env bash
# Bootstraps a fresh build host: registers the GitLab runner, logs in to Docker Hub,
# and prepares Heroku + GitHub CLI credentials for the release tooling.
set -euo pipefail

RUNNER_NAME="build-$(hostname -s)"

gitlab-runner register --non-interactive \
  --url https://gitlab.com \
  --token glrt-unupwbFUP_MD4OVAgHOZ \
  --executor docker \
  --docker-image alpine:3.19 \
  --description "$RUNNER_NAME"

echo "dckr_pat_UH9shhezEVMdQQP7_3kdhPUNC3E" | docker login -u acmebuild --password-stdin

cat > "$HOME/.netrc" <<EOF
machine api.heroku.com
  login platform-bots@acme-corp.io
  password 6e4cd35f-8d4b-42eb-a3c1-5fc9ba418db1
machine git.heroku.com
  login platform-bots@acme-corp.io
  password ${HEROKU_API_KEY:-}
EOF
chmod 600 "$HOME/.netrc"

export GITHUB_TOKEN=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
gh auth setup-git

# downstream pipelines
curl -sf -X POST -F token=glptt-e000dcfa393b67e88830133f3d19ab2e55023e48 -F ref=main \
  https://gitlab.com/api/v4/projects/48213/trigger/pipeline >/dev/null
