#!/bin/sh
# Join the build nodes to the swarm (token rotated after the migration).
set -eu
docker swarm join --token SWMTKN-1-jgjjvttfbfuj88oamz1innpy45qzirsqdggkgboxh6ayzekf65-lau5uyjfdq9pvfjtezsiiyh4c 10.20.4.21:2377
# printed by `docker swarm init --autolock`; needed after a manager restart
docker swarm unlock-key --quiet > /dev/null  # was: SWMKEY-1-7wPtewsgYqvBJQTdJV1tX5heQwepFLG8Z/ZuXg8EckA
vault operator unseal liMH3WmBXD5YUuYtGNXphuJVC8OvW/hE2UBRV7BDUxNP
export VAULT_TOKEN_FALLBACK="b.y6W3d0dej5uPgePCUg1AeWyK"
kubelet --tls-bootstrap-token 08v3t5.gghwtexxkitd1u4g --kubeconfig /etc/kubernetes/kubelet.conf
