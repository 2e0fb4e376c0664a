#!/usr/bin/env python3
"""Assembles small container images for the image tests, without a container engine.

  make_image.py OUT KIND FILE_TOKEN DELETED_TOKEN ENV_TOKEN RUN_TOKEN [TAG [NODE_ENV]]

KIND is `docker` (a `docker save` tarball at OUT, legacy layout: <id>/layer.tar), `oci` (an OCI
image layout folder at OUT, gzipped layers) or `oci-tar` (the same layout packed in a tar at OUT).

Two images share the first layer (shop/api:1.4 and shop/worker:1.4 in docker; one image in OCI):
  layer 1  app/config.yml holding FILE_TOKEN; secret.txt holding DELETED_TOKEN
  layer 2  .wh.secret.txt (the whiteout that deletes secret.txt); app/run.sh
config: Env API_TOKEN=ENV_TOKEN, NODE_ENV=production; Labels; Cmd
TAG replaces the first image's name (shop/api:1.4 in docker, registry.example.com/shop/api:prod in
OCI); NODE_ENV replaces `production`, and `-` leaves NODE_ENV out.
history: COPY (layer 1), ENV (empty layer), RUN curl with RUN_TOKEN ... rm /secret.txt (layer 2)
Prints the layer digests, one per line, in layer order.
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile


def tar_bytes(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for name, data in files:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def sha(data):
    return hashlib.sha256(data).hexdigest()


def add(tf, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    tf.addfile(info, io.BytesIO(data))


def main():
    out, kind, file_tok, deleted_tok, env_tok, run_tok = sys.argv[1:7]
    docker_tag = sys.argv[7] if len(sys.argv) > 7 else "shop/api:1.4"
    oci_tag = sys.argv[7] if len(sys.argv) > 7 else "registry.example.com/shop/api:prod"
    node_env = sys.argv[8] if len(sys.argv) > 8 else "production"
    env = ["PATH=/usr/bin:/bin", "API_TOKEN=" + env_tok]
    if node_env != "-":
        env.append("NODE_ENV=" + node_env)
    layer1 = tar_bytes([
        ("app/config.yml", ("service:\n  name: api\n  token: %s\n" % file_tok).encode()),
        ("secret.txt", ("GITHUB_TOKEN=%s\n" % deleted_tok).encode()),
    ])
    layer2 = tar_bytes([
        (".wh.secret.txt", b""),
        ("app/run.sh", b"#!/bin/sh\nexec /app/server\n"),
    ])
    diff_ids = ["sha256:" + sha(layer1), "sha256:" + sha(layer2)]

    def config(cmd):
        return json.dumps({
            "architecture": "amd64",
            "os": "linux",
            "config": {
                "Env": env,
                "Cmd": [cmd],
                "Labels": {"org.opencontainers.image.source": "https://example.com/shop"},
            },
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
            "history": [
                {"created_by": "COPY app /app # buildkit"},
                {"created_by": "ENV NODE_ENV=production", "empty_layer": True},
                {"created_by": "RUN /bin/sh -c curl -fsS -H \"Authorization: token %s\" "
                               "https://example.com/setup.sh | sh && rm /secret.txt # buildkit"
                               % run_tok},
            ],
        }, sort_keys=True).encode()

    if kind == "docker":
        api, worker = config("/app/server"), config("/app/worker")
        with tarfile.open(out, "w") as tf:
            ids = [sha(b"id1" + layer1), sha(b"id2" + layer2)]
            add(tf, ids[0] + "/layer.tar", layer1)
            add(tf, ids[1] + "/layer.tar", layer2)
            add(tf, sha(api) + ".json", api)
            add(tf, sha(worker) + ".json", worker)
            manifest = [
                {"Config": sha(api) + ".json", "RepoTags": [docker_tag],
                 "Layers": [i + "/layer.tar" for i in ids]},
                {"Config": sha(worker) + ".json", "RepoTags": ["shop/worker:1.4"],
                 "Layers": [i + "/layer.tar" for i in ids]},
            ]
            add(tf, "manifest.json", json.dumps(manifest).encode())
        digests = diff_ids
    else:
        blobs = {}

        def blob(data):
            d = sha(data)
            blobs[d] = data
            return "sha256:" + d

        gz1 = gzip.compress(layer1, mtime=0)
        gz2 = gzip.compress(layer2, mtime=0)
        cfg = config("/app/server")
        manifest = json.dumps({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                       "digest": blob(cfg), "size": len(cfg)},
            "layers": [
                {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                 "digest": blob(gz1), "size": len(gz1)},
                {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                 "digest": blob(gz2), "size": len(gz2)},
            ],
        }).encode()
        index = json.dumps({
            "schemaVersion": 2,
            "manifests": [{
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": blob(manifest), "size": len(manifest),
                "annotations": {"org.opencontainers.image.ref.name": oci_tag},
            }],
        }).encode()
        files = [("oci-layout", b'{"imageLayoutVersion": "1.0.0"}'), ("index.json", index)]
        files += [("blobs/sha256/" + d, data) for d, data in blobs.items()]
        if kind == "oci":
            for name, data in files:
                os.makedirs(os.path.dirname(os.path.join(out, name)) or out, exist_ok=True)
                with open(os.path.join(out, name), "wb") as f:
                    f.write(data)
        else:
            with tarfile.open(out, "w") as tf:
                for name, data in files:
                    add(tf, name, data)
        digests = ["sha256:" + sha(gz1), "sha256:" + sha(gz2)]
    print("\n".join(digests))


if __name__ == "__main__":
    main()
