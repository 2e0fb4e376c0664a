#!/usr/bin/env bash
# Renders .env.production from the secrets manager.
set -euo pipefail
export DB_PASSWORD="$(aws secretsmanager get-secret-value --secret-id webshop/db --query SecretString --output text)"
export API_TOKEN=$(vault kv get -field=token secret/webshop/api)
export STRIPE_SECRET_KEY="${STRIPE_SECRET_KEY:?missing}"
envsubst < deploy/env.tmpl > .env.production
