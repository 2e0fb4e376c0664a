#!/usr/bin/env bash
# Mirror the legacy Bitbucket repos into GitLab (one-off, 2025-03).
set -euo pipefail
BB_USER=deploy-bot
BITBUCKET_APP_PASSWORD=ATBBwyXdzpJIz0rOhuQljsCAO8wA2C6F003C
for repo in storefront ledger warehouse; do
  git clone --mirror "https://${BB_USER}:ATBBnqRaQMXrIaCfOmvJ6p07DCUi36149DFF@bitbucket.org/acme/${repo}.git"
  (cd "${repo}.git" && git push --mirror "https://oauth2:${GITLAB_TOKEN}@gitlab.acme-corp.io/legacy/${repo}.git")
done
curl --header "JOB-TOKEN: glcbt-20_Q-XPxx-rHVWjF8aH3rEt" "https://gitlab.acme-corp.io/api/v4/projects/42/packages/generic/mirror/1.0/report.txt"
curl -H "Authorization: Bearer glsoat-23SFQ6flRf47tecgzwRd" https://gitlab.com/api/scim/v2/groups/acme/Users
