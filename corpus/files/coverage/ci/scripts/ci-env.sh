#!/bin/sh
# Sourced by the self-hosted runners. Values copied from the CI settings page.
export CIRCLECI_TOKEN=920284e1ab0821a045cccfbc36e769d75e44ac86
export SONAR_TOKEN=squ_041e0bdfa5e87b94aaf693d64b93de98fcb341dd
export JFROG_ACCESS_TOKEN=cmVmdGtuOjAxOjhtJSfOCHjrtuhkzOcjjxdWzJuVSiUqG5xBiWjJNN7Mvf78hRed
export NUGET_API_KEY=oy2wiektwlol5l2i68hy5y3ut1nxob9trhb6th0oas9bun
export COVERALLS_REPO_TOKEN=awM5lt2iXTONkCUgHn1fCmzK22rAXlttW
export SONAR_LEGACY_TOKEN=cbecbce06fb4911b4a30e2d0e3a6356f10e435ce
docker login acme.jfrog.io -u ci-bot -p cmVmdGtuOjAxOjbL48xibdfrTQrAMMabqdBg7JtNI1r6Zzfijw90KxtcTPGdYqp2
curl -fsS "https://circleci.com/api/v1.1/project/github/acme/ledger?circle-token=88a2571746e0cbee4f7bf084522f9510604cd582" > /dev/null
