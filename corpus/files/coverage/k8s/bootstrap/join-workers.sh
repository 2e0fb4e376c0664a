#!/usr/bin/env bash
# Join the two new worker nodes (token TTL 24h, created with `kubeadm token create`)
for node in worker-07 worker-08; do
  ssh "$node" sudo kubeadm join 10.0.4.21:6443 --token aoerwx.ktg5a2nhwmxl87m3 \
    --discovery-token-ca-cert-hash sha256:7c2e9f0a1b3d4c5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e
done
