#!/usr/bin/env bash
# Loads anonymised fixtures into the staging database.
set -euo pipefail
export AWS_PROFILE=acme-staging
export SEED_DB_PASSWORD=fM1JR3nSxfLA1MgK+APRrz
psql "postgres://seed:${SEED_DB_PASSWORD}@staging-db.acme.net:5432/orders" -f fixtures/seed.sql
