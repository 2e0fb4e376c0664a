#!/bin/sh
curl -s -H "Accept: application/json" -H "Authorization: SSWS 00W0fuLjgeI3uHusyDikO3Tv8GpLvq1ZG4sG0I8MY0" \
  "https://acme.okta.com/api/v1/users?limit=200" | jq -r '.[].profile.login'
