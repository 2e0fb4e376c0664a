#!/usr/bin/env bash
# Publishes the release artefacts to the internal registry.
set -euo pipefail

VERSION="${1:?version}"
curl --fail -sS \
  -H "Authorization: Basic cmVsZWFzZS1ib3Q6TVM5Qk1vWE9KckxvOEYyblhNenE=" \
  -T "dist/app-${VERSION}.tar.gz" \
  "https://artifacts.internal.corp/repository/releases/app-${VERSION}.tar.gz"
