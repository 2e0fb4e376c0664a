#!/bin/sh
curl -u docs-bot@acme-corp.io:ATATT3xFfGF0TbZGMXNwG_qkX68eyi86t-7ir8dxWvGCVJQ_CasQ9UR7X7Q3Aw6j7HOxrhhvVfseqeLVK9n-dphcrzuAkNt95QKKFcOT5cTU_ZfPQXWw6hqjSHqY1MVwRGm0o22gH2kyZ0fUwEEo1SRKNgMpw8ET24own-rFhK2F5CEF-klJUQi=97C3C7A3 \
  -X POST -H "Content-Type: application/json" \
  -d @page.json https://acme.atlassian.net/wiki/rest/api/content
