#!/usr/bin/env bash
# Lists API keys that are older than 90 days (Anthropic Admin API).
set -euo pipefail

ADMIN_KEY="sk-ant-admin01-cqAKETQ4ZkTLjgd4Z7YbGHF5IhZhk8I7_kxGg53RiYU8uXWjmUGPz2Ta8DR4pogeCBgXxbV_m9kL0CDyiquo8C-bj85KjAA"

curl -s https://api.anthropic.com/v1/organizations/api_keys \
  -H "x-api-key: $ADMIN_KEY" \
  -H "anthropic-version: 2023-06-01" | jq '.data[] | select(.status == "active")'
