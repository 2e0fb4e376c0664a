#!/usr/bin/env bash
set -euo pipefail
STORE="webshop-outlet.myshopify.com"
curl -s "https://$STORE/admin/api/2024-10/products.json?limit=250" \
  -H "X-Shopify-Access-Token: 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" > products.json
echo "imported $(jq '.products | length' products.json) products"
