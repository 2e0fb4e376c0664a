#!/usr/bin/env python3
"""Writes corpus/reach/graph/: multi-environment repositories for the deployment model, and labels.

Five fictional repositories, each laid out the way real ones are: a Flux fleet (clusters/,
apps/base + overlays, components, infrastructure), an Argo CD + Helm platform (an Application per
environment, one chart, values per environment), a Terragrunt live repository (prod and non-prod
accounts, a shared root config, modules), an application whose GitHub Actions build and deploy an
image (Dockerfile COPY, a chart, a preview environment), and a GitLab CI + docker-compose service.

Templates use the placeholders of make_corpus.py ({{<kind>:<P|N|U>[:<name>]}}), with the same
random, well-formed, never real values. Each label also names the category of its site:
  graph           production only through the graph: bases, shared components, chart templates and
                  default values, shared Terragrunt config and modules, files built into images
  explicit        the place itself says production (an overlay, values-prod.yaml, live/prod/...)
  non_production  only consumed by staging / dev / preview / test
  unreached       nothing deploys it
The label is what a reviewer following what deploys each file would say.

Run from anywhere:  python3 tests/reach/make_graph_corpus.py
It rewrites corpus/reach/graph/ completely (labels.tsv included).
"""
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(__file__))
import make_corpus as mc  # noqa: E402  (same generators, same seed discipline)

mc.rng.seed(20261207)
OUT = os.path.join(mc.ROOT, "corpus", "reach", "graph")

FLUX_KS = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: {name}
  namespace: flux-system
spec:
  interval: 10m0s
  path: {path}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
"""

# (path, category of every secret in it, template)
FILES = []


def add(path, category, text):
    FILES.append((path, category, text))


# ---- fleet: Flux, Kustomize bases and overlays ----------------------------------------------------
add("fleet/clusters/production/apps.yaml", None, FLUX_KS.format(name="apps", path="./apps/production"))
add("fleet/clusters/production/infrastructure.yaml", None,
    FLUX_KS.format(name="infra-controllers", path="./infrastructure/controllers"))
add("fleet/clusters/staging/apps.yaml", None, FLUX_KS.format(name="apps", path="./apps/staging"))
add("fleet/apps/base/podinfo/kustomization.yaml", None, """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: podinfo
resources:
  - namespace.yaml
  - repository.yaml
  - release.yaml
  - secret.yaml
""")
add("fleet/apps/base/podinfo/namespace.yaml", None, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: podinfo\n")
add("fleet/apps/base/podinfo/repository.yaml", None, """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: podinfo
spec:
  url: https://stefanprodan.github.io/podinfo
""")
add("fleet/apps/base/podinfo/release.yaml", None, """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
spec:
  chart:
    spec:
      chart: podinfo
      sourceRef:
        kind: HelmRepository
        name: podinfo
  valuesFrom:
    - kind: Secret
      name: podinfo-tokens
""")
add("fleet/apps/base/podinfo/secret.yaml", "graph", """\
apiVersion: v1
kind: Secret
metadata:
  name: podinfo-tokens
type: Opaque
stringData:
  DD_API_KEY: {{datadog.api_key:P}}
""")
add("fleet/apps/production/kustomization.yaml", None, """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: podinfo
resources:
  - ../base/podinfo
components:
  - ../../components/alerting
patches:
  - path: podinfo-values.yaml
    target:
      kind: HelmRelease
""")
add("fleet/apps/production/podinfo-values.yaml", "explicit", """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
spec:
  values:
    replicaCount: 3
    database:
      url: postgres://podinfo:{{uri.postgres:P}}@pg-main.internal:5432/podinfo
""")
add("fleet/apps/staging/kustomization.yaml", None, """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: podinfo
resources:
  - ../base/podinfo
secretGenerator:
  - name: podinfo-extra
    envs:
      - extra.env
""")
add("fleet/apps/staging/extra.env", "non_production", "SENDGRID_API_KEY={{sendgrid.api_key:N}}\n")
add("fleet/components/alerting/kustomization.yaml", None, """\
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources:
  - webhook-secret.yaml
""")
add("fleet/components/alerting/webhook-secret.yaml", "graph", """\
apiVersion: v1
kind: Secret
metadata:
  name: alert-webhook
stringData:
  url: {{slack.webhook:P}}
""")
add("fleet/infrastructure/controllers/kustomization.yaml", None, """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - external-dns.yaml
""")
add("fleet/infrastructure/controllers/external-dns.yaml", "graph", """\
apiVersion: v1
kind: Secret
metadata:
  name: external-dns-credentials
  namespace: external-dns
stringData:
  token: {{digitalocean.pat:P}}
""")

# ---- platform: Argo CD Applications, one Helm chart, values per environment ------------------------
ARGO_APP = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {name}
  namespace: argocd
spec:
  project: payments
  source:
    repoURL: https://git.acme-payments.net/platform.git
    targetRevision: main
    path: charts/payments
    helm:
      valueFiles:
        - {values}
  destination:
    server: https://kubernetes.default.svc
    namespace: {namespace}
"""
add("platform/argocd/applications/payments-eu.yaml", None,
    ARGO_APP.format(name="payments-eu", values="values-prod.yaml", namespace="payments-production"))
add("platform/argocd/applications/payments-sandbox.yaml", None,
    ARGO_APP.format(name="payments-sandbox", values="values-dev.yaml", namespace="payments-dev"))
add("platform/charts/payments/Chart.yaml", None, "apiVersion: v2\nname: payments\nversion: 1.4.2\n")
add("platform/charts/payments/values.yaml", "graph", """\
replicaCount: 1
image:
  repository: registry.acme-payments.net/payments
ledger:
  token: {{github.pat.classic:P}}
""")
add("platform/charts/payments/values-prod.yaml", "explicit", """\
replicaCount: 4
smtp:
  password: "{{generic.password:P}}"
""")
add("platform/charts/payments/values-dev.yaml", "non_production", """\
replicaCount: 1
smtp:
  password: "{{generic.password:N}}"
""")
add("platform/charts/payments/templates/secret.yaml", "graph", """\
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "payments.fullname" . }}
stringData:
  SENTRY_AUTH_TOKEN: {{sentry.auth_token:P}}
""")

# ---- infra-live: Terragrunt with prod and non-prod accounts -------------------------------------
add("infra-live/live/root.hcl", "graph", """\
remote_state {
  backend = "s3"
  config = {
    bucket = "acme-tf-state"
    key    = "${path_relative_to_include()}/terraform.tfstate"
  }
}

inputs = {
  datadog_site    = "datadoghq.eu"
  datadog_api_key = "{{datadog.api_key:P}}"
}
""")
add("infra-live/live/prod/account.hcl", "explicit", """\
locals {
  account_name = "acme-prod"
  aws_account_id = "318562047719"
  alerts_webhook = "{{slack.webhook:P}}"
}
""")
add("infra-live/live/non-prod/account.hcl", "non_production", """\
locals {
  account_name = "acme-non-prod"
  aws_account_id = "402811736525"
  alerts_webhook = "{{slack.webhook:N}}"
}
""")
TG_RDS = """\
include "root" {
  path = find_in_parent_folders("root.hcl")
}

locals {
  account = read_terragrunt_config(find_in_parent_folders("account.hcl"))
}

terraform {
  source = "${get_repo_root()}/modules//rds"
}

inputs = {
  instance_class = "db.r6g.large"
  master_password = "{{generic.password:%s}}"
}
"""
add("infra-live/live/prod/eu-west-1/rds/terragrunt.hcl", "explicit", TG_RDS % "P")
add("infra-live/live/non-prod/eu-west-1/rds/terragrunt.hcl", "non_production", TG_RDS % "N")
add("infra-live/modules/rds/main.tf", None, """\
resource "aws_db_instance" "this" {
  instance_class = var.instance_class
  password       = var.master_password
}
""")
add("infra-live/modules/rds/variables.tf", "graph", """\
variable "instance_class" {}

variable "master_password" {}

variable "monitoring_api_key" {
  default = "{{newrelic.user_api_key:P}}"
}
""")
add("infra-live/modules/legacy-vpn/main.tf", "unreached", """\
resource "vpn_gateway" "this" {
  admin_password = "{{generic.password:U}}"
}
""")

# ---- shop-api: GitHub Actions build an image and deploy it ---------------------------------------
add("shop-api/.github/workflows/release.yml", None, """\
name: release
on:
  push:
    tags: ['v*']
jobs:
  ship:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: actions/checkout@v4
      - name: Build image
        run: docker build -f deploy/Dockerfile -t registry.acme-shop.net/api:${{ github.ref_name }} .
      - name: Deploy
        run: |
          helm upgrade --install shop-api ./deploy/chart \\
            -f deploy/chart/values-live.yaml --namespace shop
""")
add("shop-api/.github/workflows/preview.yml", None, """\
name: preview
on: pull_request
jobs:
  preview:
    runs-on: ubuntu-latest
    environment:
      name: preview
    steps:
      - uses: actions/checkout@v4
      - run: ./scripts/preview.sh ${{ github.event.number }}
""")
add("shop-api/scripts/preview.sh", None, """\
#!/bin/sh
set -eu
kubectl apply -f k8s/preview/app.yaml
""")
add("shop-api/k8s/preview/app.yaml", "non_production", """\
apiVersion: v1
kind: Secret
metadata:
  name: shop-api
stringData:
  OPENAI_API_KEY: {{openai.api_key:N}}
""")
add("shop-api/deploy/Dockerfile", None, """\
FROM python:3.12-slim AS build
WORKDIR /src
COPY requirements.txt .
RUN pip install -r requirements.txt
FROM python:3.12-slim
COPY --from=build /usr/local /usr/local
COPY config/settings.toml /app/config/settings.toml
COPY app/ /app/
""")
add("shop-api/requirements.txt", None, "flask==3.0.0\n")
add("shop-api/config/settings.toml", "graph", """\
[payments]
stripe_key = "{{stripe.secret_key.live:P}}"

[mail]
sendgrid_api_key = "{{sendgrid.api_key:P}}"
""")
add("shop-api/app/__init__.py", None, "")
add("shop-api/deploy/chart/Chart.yaml", None, "apiVersion: v2\nname: shop-api\nversion: 0.3.0\n")
add("shop-api/deploy/chart/values.yaml", None, "replicaCount: 1\n")
add("shop-api/deploy/chart/values-live.yaml", "explicit", """\
replicaCount: 6
env:
  HUGGINGFACE_TOKEN: {{huggingface.token:P}}
""")
add("shop-api/deploy/chart/templates/configmap.yaml", "graph", """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: shop-api
data:
  MAILCHIMP_API_KEY: {{mailchimp.api_key:P}}
""")
add("shop-api/tests/fixtures/settings.toml", "non_production", """\
[payments]
stripe_key = "{{stripe.secret_key.test:N}}"
""")

# ---- ledger: GitLab CI runs docker compose per environment ----------------------------------------
add("ledger/.gitlab-ci.yml", None, """\
stages: [test, deploy]
include:
  - local: ci/deploy.yml
test:
  stage: test
  script:
    - make test
""")
add("ledger/ci/deploy.yml", None, """\
deploy_prod:
  stage: deploy
  environment:
    name: production
  script:
    - docker compose -f docker-compose.yml -f docker-compose.prod.yml up -d
  only: [main]

deploy_staging:
  stage: deploy
  environment:
    name: staging
  script:
    - docker compose -f docker-compose.yml -f docker-compose.staging.yml up -d
""")
add("ledger/docker-compose.yml", None, """\
services:
  ledger:
    build: ./app
    env_file:
      - ./config/common.env
""")
add("ledger/docker-compose.prod.yml", None, """\
services:
  ledger:
    env_file:
      - ./config/prod.env
configs:
  ledger:
    file: ./config/ledger.yaml
""")
add("ledger/docker-compose.staging.yml", None, """\
services:
  ledger:
    env_file:
      - ./config/staging-overrides.env
""")
add("ledger/app/Dockerfile", None, "FROM golang:1.22\nCOPY . .\nRUN go build -o /ledger\n")
add("ledger/config/common.env", "graph", "TELEGRAM_BOT_TOKEN={{telegram.bot_token:P}}\n")
add("ledger/config/prod.env", "explicit", "DATABASE_PASSWORD={{generic.env_assignment:P}}\n")
add("ledger/config/ledger.yaml", "graph", """\
ledger:
  amqp: amqp://ledger:{{uri.amqp:P}}@mq-1.internal:5672/ledger
""")
add("ledger/config/staging-overrides.env", "non_production",
    "DATABASE_PASSWORD={{generic.env_assignment:N}}\n")


def render():
    named = {}
    labels = []
    outputs = {}
    for rel, category, template in FILES:
        out = []
        pos = 0
        for m in mc.PLACEHOLDER.finditer(template):
            kind, verdict, name = m.group(1), m.group(2), m.group(3)
            if kind not in mc.KINDS:
                sys.exit(f"{rel}: unknown kind {kind}")
            if category is None:
                sys.exit(f"{rel}: a secret in a file without a category")
            rule, gen = mc.KINDS[kind]
            out.append(template[pos:m.start()])
            line = "".join(out).count("\n") + 1
            value = named.setdefault(name, gen()) if name else gen()
            out.append(value)
            pos = m.end()
            labels.append((rel, line, rule, mc.VERDICTS[verdict], category))
        out.append(template[pos:])
        outputs[rel] = "".join(out)
    return outputs, labels


def main():
    outputs, labels = render()
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    for rel, text in outputs.items():
        path = os.path.join(OUT, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", newline="\n") as f:
            f.write(text)
    labels.sort()
    with open(os.path.join(OUT, "labels.tsv"), "w", newline="\n") as f:
        f.write("# Labels for corpus/reach/graph (generated by tests/reach/make_graph_corpus.py).\n")
        f.write("# repository/path<TAB>line<TAB>rule_id<TAB>expected verdict<TAB>category\n")
        f.write("# Each repository is scanned on its own, as its own root. All values are random and\n")
        f.write("# well-formed; none is real.\n")
        for row in labels:
            f.write("\t".join(str(x) for x in row) + "\n")
    print(f"wrote {len(outputs)} files and {len(labels)} labels to {OUT}")


if __name__ == "__main__":
    main()
