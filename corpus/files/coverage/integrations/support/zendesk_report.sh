#!/bin/sh
curl -s "https://acme.zendesk.com/api/v2/tickets.json?status=open" \
  -u support-bot@acme-corp.io/token:D3cd4YFf5oOA0zMjR1hLt0pC10UJVmc2vcJCSHO0 | jq '.tickets | length'
