#!/usr/bin/env bash
# Smoke-test every telemetry sink after a deploy.
set -euo pipefail

curl -fsS -H "DD-API-KEY: ${DD_API_KEY}" -H "DD-APPLICATION-KEY: d986508a83ae7c5bc691ac6eabafab313275b31b" \
  https://api.datadoghq.eu/api/v1/validate

curl -fsS -H "Authorization: Token token=qmap_C9vDwXhwMpS3Qi8" https://api.pagerduty.com/abilities

curl -fsS -k https://splunk.acme-corp.io:8088/services/collector \
  -H "Authorization: Splunk 73F755A2-C19D-473A-948B-2CE396DA4816" -d '{"event": "smoke"}'

curl -fsS -H "Authorization: Bearer eyJrIjoiRHdVajJhUVFnSFE3R3lCaDNUYnZwd2RDajRta2NTV0giLCJuIjoiYWxlcnRzLWJvdCIsImlkIjoyM30=" https://grafana.acme-corp.io/api/health

curl -fsS -X POST -T /var/log/deploy.log https://endpoint2.collection.sumologic.com/receiver/v1/http/dLMLYd2Zmoj-UZZ5FzhTyVCMeY-ilPZblzAJP_oafuf-tAxIuomhdTmxjDPmzI7AB7ysSOU5HL25flCK==

curl -fsS -H "X-Insert-Key: NRII-AEYdPH_46zfsB3CRtgu_xTptZdTXygaZ" \
  https://insights-collector.eu01.nr-data.net/v1/accounts/4821/events -d '[{"eventType":"Smoke"}]'

curl -fsS -H "Authorization: ApiKey essu_wMUYLAfeRl/cPfOzruea/hMaoA5qoH7CU+AuaQ1CEHpHkcDuejFEJKEEX6S0nx3dCX3HbvyYWa8tTqaCMgckVp8/==" https://api.elastic-cloud.com/api/v1/deployments
