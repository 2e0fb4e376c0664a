#!/bin/sh
set -eu
curl -fsS https://status.acme-corp.io/api/v1/checks \
  -H "X-Acme-ApiKey: Z2GH3lfJxGLFKmTqgOjR8Iy9gklyHxRI" \
  -H "Accept: application/json"
