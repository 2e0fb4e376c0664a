#!/usr/bin/env bash
# One-off bootstrap of the new Vault cluster (2025-02). Tokens revoked afterwards? See INFRA-2231.
export VAULT_ADDR=https://vault.acme-corp.io:8200
export VAULT_TOKEN=s.uVQQ5rpgorhLazTFoRz1E3XI
vault operator raft snapshot save -token=hvr.e93lPCKCEuR42xnkcsxdAS1T pre-upgrade.snap
vault login hvs.CAESIBNe22J0LWqC7vPBaKlhNgxy6s_zWgR_7TaBDifulm7Ko2RlodbNNAfyaXB-q2j63U4xGt2K1Dz--cgWwy4mzazY
curl --header "X-Vault-Token: s.pP3o76jFB0GIqB2tMdMDzEgW" $VAULT_ADDR/v1/sys/mounts
echo '{"client_token": "hvb.AAAAAQdG0S1QKgOMLCW3FENRnFKgzRZGHLNfhYMuPa-1uT8ja4o8-YjBFK0SQ292R48LAysdnStsDG4WMkgwmIWWRbgj8835SMaEYfJUJqv_-5sfJfrLCQPk-fJ76USONoJpmT-3y66iOXPjRnlOYsInEeel"}' > /tmp/batch.json
