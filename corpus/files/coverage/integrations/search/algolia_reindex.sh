#!/bin/sh
curl -X POST -H "X-Algolia-API-Key: 7fed8fea6a272bd35f60ae7a95060a05" -H "X-Algolia-Application-Id: QZ7K3M9X2B" \
  "https://qz7k3m9x2b.algolia.net/1/indexes/products/clear"
