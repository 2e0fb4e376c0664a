#!/usr/bin/env python3
"""Writes corpus/reach/: the production-reach accuracy corpus, and its labels.

The corpus is the checkout of a fictional monorepo ("acme") with deploy/, k8s/, helm/, terraform/,
.github/workflows, service configs, tests and docs. Every secret in it is generated here from a
fixed seed: random, well-formed for its provider's format, never a real credential, and free of
the words and runs the placeholder filter drops.

Templates below mark each secret as {{<kind>:<verdict>[:<name>]}}:
  kind     what to generate; it names the rule that must find it (see KINDS)
  verdict  P production, N non_production, U unknown: the label, decided by a person reading the
           file as a security engineer would (see the header written into labels.tsv)
  name     optional: the same name gives the same value (reuse across environments)

Run from anywhere:  python3 tests/reach/make_corpus.py
It rewrites corpus/reach/ completely (labels.tsv included); edit the templates, not the output.
"""
import base64
import json
import os
import random
import re
import shutil
import string
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "corpus", "reach")
rng = random.Random(20251122)

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
B64 = string.ascii_letters + string.digits + "+/"
URLSAFE = string.ascii_letters + string.digits + "-_"
MARKERS = ["example", "your_", "your-", "xxxx", "****", "${", "{{", "changeme", "placeholder",
           "dummy", "redacted", "replace_me", "replaceme", "insert_", "sample", "fake", "test",
           "prod", "live", "dev", "stag"]


def acceptable(v):
    low = v.lower()
    if any(m in low for m in MARKERS):
        return False
    up = down = 1
    for a, b in zip(v, v[1:]):
        d = ord(b) - ord(a)
        up = up + 1 if d == 1 and b.isalnum() else 1
        down = down + 1 if d == -1 and b.isalnum() else 1
        if up >= 6 or down >= 6:
            return False
    return len(set(v)) > 4 and any(c.isdigit() for c in v)


def rand(alphabet, n):
    while True:
        v = "".join(rng.choice(alphabet) for _ in range(n))
        if acceptable(v):
            return v


def uuid4():
    h = rand(HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def password():
    return rand(ALNUM + "!*+-_~", rng.randint(16, 22))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(claims):
    header = b64url(json.dumps({"alg": "RS256", "typ": "JWT", "kid": rand(ALNUM, 8)},
                               separators=(",", ":")).encode())
    payload = b64url(json.dumps(claims, separators=(",", ":")).encode())
    return f"{header}.{payload}.{rand(URLSAFE, 86)}"


def pem(label, first, lines=12):
    body = [first + rand(B64, 64 - len(first))] + [rand(B64, 64) for _ in range(lines - 1)]
    body.append(rand(B64, 28) + "==")
    return [f"-----BEGIN {label}-----"] + body + [f"-----END {label}-----"]


# kind -> (rule id, generator). Generators return a string, or a list of lines (PEM blocks).
KINDS = {
    "stripe.secret_key.live": ("stripe.secret_key.live", lambda: "sk_live_" + rand(ALNUM, 34)),
    "stripe.secret_key.test": ("stripe.secret_key.test", lambda: "sk_test_" + rand(ALNUM, 34)),
    "stripe.restricted_key.live": ("stripe.restricted_key.live",
                                   lambda: "rk_live_" + rand(ALNUM, 34)),
    "stripe.restricted_key.test": ("stripe.restricted_key.test",
                                   lambda: "rk_test_" + rand(ALNUM, 34)),
    "stripe.webhook_secret": ("stripe.webhook_secret", lambda: "whsec_" + rand(ALNUM, 32)),
    "aws.access_key_id": ("aws.access_key_id", lambda: "AKIA" + rand(B32, 16)),
    "aws.access_key_id.temporary": ("aws.access_key_id.temporary", lambda: "ASIA" + rand(B32, 16)),
    "aws.secret_access_key": ("aws.secret_access_key", lambda: rand(ALNUM + "+/", 40)),
    "github.pat.classic": ("github.pat.classic", lambda: "ghp_" + rand(ALNUM, 36)),
    "github.pat.fine_grained": ("github.pat.fine_grained",
                                lambda: "github_pat_11" + rand(ALNUM, 20) + "_" + rand(ALNUM, 59)),
    "github.server_to_server": ("github.server_to_server", lambda: "ghs_" + rand(ALNUM, 36)),
    "gitlab.pat": ("gitlab.pat", lambda: "glpat-" + rand(URLSAFE, 20)),
    "gitlab.deploy_token": ("gitlab.deploy_token", lambda: "gldt-" + rand(URLSAFE, 20)),
    "slack.bot_token": ("slack.bot_token", lambda: "xoxb-" + rand(string.digits, 11) + "-" +
                        rand(string.digits, 13) + "-" + rand(ALNUM, 24)),
    "slack.webhook": ("slack.webhook", lambda: "https://hooks.slack.com/services/T" +
                      rand(string.ascii_uppercase + string.digits, 10) + "/B" +
                      rand(string.ascii_uppercase + string.digits, 10) + "/" + rand(ALNUM, 24)),
    "discord.webhook": ("discord.webhook", lambda: "https://discord.com/api/webhooks/" +
                        rand(string.digits, 19) + "/" + rand(URLSAFE, 68)),
    "sendgrid.api_key": ("sendgrid.api_key",
                         lambda: "SG." + rand(URLSAFE, 22) + "." + rand(URLSAFE, 43)),
    "twilio.api_key": ("twilio.api_key", lambda: "SK" + rand(HEX, 32)),
    "mailgun.api_key": ("mailgun.api_key", lambda: "key-" + rand(HEX, 32)),
    "mailchimp.api_key": ("mailchimp.api_key", lambda: rand(HEX, 32) + "-us" + str(rng.randint(2, 21))),
    "datadog.api_key": ("datadog.api_key", lambda: rand(HEX, 32)),
    "sentry.auth_token": ("sentry.auth_token", lambda: "sntryu_" + rand(HEX, 64)),
    "newrelic.user_api_key": ("newrelic.user_api_key",
                              lambda: "NRAK-" + rand(string.ascii_uppercase + string.digits, 27)),
    "npm.access_token": ("npm.access_token", lambda: "npm_" + rand(ALNUM, 36)),
    "pypi.api_token": ("pypi.api_token", lambda: "pypi-AgEIcHlwaS5vcmc" + rand(URLSAFE, 120)),
    "dockerhub.pat": ("dockerhub.pat", lambda: "dckr_pat_" + rand(URLSAFE, 27)),
    "openai.api_key": ("openai.api_key", lambda: "sk-proj-" + rand(URLSAFE, 48) + "T3BlbkFJ" +
                       rand(URLSAFE, 48)),
    "anthropic.api_key": ("anthropic.api_key",
                          lambda: "sk-ant-api03-" + rand(URLSAFE, 93) + "AA"),
    "gcp.api_key": ("gcp.api_key", lambda: "AIza" + rand(URLSAFE, 35)),
    "gcp.oauth_client_secret": ("gcp.oauth_client_secret", lambda: "GOCSPX-" + rand(URLSAFE, 28)),
    "plaid.access_token.production": ("plaid.access_token.production",
                                      lambda: "access-production-" + uuid4()),
    "plaid.access_token.sandbox": ("plaid.access_token.sandbox",
                                   lambda: "access-sandbox-" + uuid4()),
    "braintree.access_token.production": (
        "braintree.access_token.production",
        lambda: "access_token$production$" + rand(string.ascii_lowercase + string.digits, 16) +
        "$" + rand(HEX, 32)),
    "braintree.access_token.sandbox": (
        "braintree.access_token.sandbox",
        lambda: "access_token$sandbox$" + rand(string.ascii_lowercase + string.digits, 16) + "$" +
        rand(HEX, 32)),
    "square.access_token": ("square.access_token", lambda: "EAAA" + rand(URLSAFE, 60)),
    "square.oauth_secret": ("square.oauth_secret", lambda: "sq0csp-" + rand(URLSAFE, 43)),
    "square.oauth_secret.sandbox": ("square.oauth_secret.sandbox",
                                    lambda: "sandbox-sq0csb-" + rand(URLSAFE, 43)),
    "gcp.service_account.private_key_id": ("gcp.service_account.private_key_id",
                                           lambda: rand(HEX, 40)),
    "shopify.access_token": ("shopify.access_token", lambda: "shpat_" + rand(HEX, 32)),
    "shopify.shared_secret": ("shopify.shared_secret", lambda: "shpss_" + rand(HEX, 32)),
    "heroku.api_key": ("heroku.api_key", uuid4),
    "huggingface.token": ("huggingface.token", lambda: "hf_" + rand(ALNUM, 34)),
    "telegram.bot_token": ("telegram.bot_token",
                           lambda: rand(string.digits, 10) + ":AA" + rand(URLSAFE, 33)),
    "digitalocean.pat": ("digitalocean.pat", lambda: "dop_v1_" + rand(HEX, 64)),
    "azure.storage": ("azure.storage.connection_string", lambda: rand(B64, 86) + "=="),
    "uri.postgres": ("uri.postgres", password),
    "uri.mysql": ("uri.mysql", password),
    "uri.mongodb": ("uri.mongodb", password),
    "uri.redis": ("uri.redis", password),
    "uri.amqp": ("uri.amqp", password),
    "uri.jdbc": ("uri.jdbc", lambda: rand(ALNUM + "!*+-_~", 18)),
    "generic.password": ("generic.password", password),
    "generic.secret": ("generic.secret", lambda: rand(ALNUM + "!*+-_~", 40)),
    "generic.api_key": ("generic.api_key", lambda: rand(ALNUM, 32)),
    "generic.env_assignment": ("generic.env_assignment", password),
    "jwt.prod_noexp": ("jwt", lambda: jwt({"iss": "https://auth.acme.com", "sub": "svc-ledger",
                                           "aud": "ledger-prod", "iat": 1717200000})),
    "jwt.staging": ("jwt", lambda: jwt({"iss": "https://auth.staging.acme.internal",
                                        "sub": "e2e-runner", "iat": 1735689600,
                                        "exp": 1735776000})),
    "jwt.dev": ("jwt", lambda: jwt({"iss": "http://localhost:8080/realms/acme", "sub": "alice",
                                    "iat": 1735689600, "exp": 1735693200})),
    "private_key.rsa": ("private_key.rsa", lambda: pem("RSA PRIVATE KEY", "MIIEpAIBAAKCAQEA")),
    "private_key.pkcs8": ("private_key.pkcs8", lambda: pem("PRIVATE KEY", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC")),
    "private_key.openssh": ("private_key.openssh",
                            lambda: pem("OPENSSH PRIVATE KEY", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ", 6)),
    "private_key.pgp": ("private_key.pgp", lambda: pem("PGP PRIVATE KEY BLOCK", "lQVYBGXk", 16)),
}

PLACEHOLDER = re.compile(r"\{\{([a-z0-9_.]+):([PNU])(?::([A-Za-z0-9_]+))?(\|json)?\}\}")
VERDICTS = {"P": "production", "N": "non_production", "U": "unknown"}

# ------------------------------------------------------------------------------------------------
# The repository. Paths are relative to corpus/reach/.

FILES = {}

FILES[".reachscan.yaml"] = """\
# acme monorepo: reachscan settings. environments: tells the production-reach classifier what the
# team knows about its own infrastructure (reach/README.md).
skip_rules: []
environments:
  production:
    hosts: ['*.prod.acme.internal', 'payments-db-01.acme.net', 'api.acme.com',
            'orders-primary.cq7zt2.eu-west-1.rds.amazonaws.com']
    aws_accounts: ['318562047719']
    gcp_projects: ['acme-prod-4471']
    namespaces: [payments, checkout, 'prod-*']
    clusters: ['gke_acme-prod-4471_europe-west1_main', 'prod-eu-1']
    paths: ['ops/live/**', 'services/ledger/config/runtime.yaml']
    branches: [main, 'release/*']
  canary:
    production: true
    namespaces: [edge-canary]
  staging:
    hosts: ['*.staging.acme.internal', 'staging-db.acme.net']
    aws_accounts: ['604218837552']
    gcp_projects: ['acme-staging-2210']
    namespaces: [staging, 'qa-*']
    clusters: [staging-eu-1]
    paths: ['ops/rehearsal/**']
    branches: [develop]
  dev:
    hosts: ['*.dev.acme.internal']
    namespaces: [dev, 'sandbox-*']
"""

FILES["README.md"] = """\
# acme platform

Monorepo of the acme shop: `services/` (api, web, billing, gateway, shop, notifier, ledger),
`k8s/` and `helm/` manifests, `terraform/` for AWS and GCP, `deploy/` scripts.

## Running locally

    docker compose up -d
    export STRIPE_SECRET_KEY={{stripe.secret_key.test:N}}
    psql postgres://acme:{{uri.postgres:N}}@localhost:5432/acme_dev

Test-mode Stripe keys only work against Stripe's test mode; ask #payments for your own.
"""

FILES["docs/runbooks/rotate-stripe-keys.md"] = """\
# Rotating the Stripe keys

1. Create the new restricted key in the Stripe dashboard (live mode).
2. Update `ops/live/payments.env` and the `payments` namespace secret.
3. Roll the old key.

Key in use before the March rotation (roll it if it still works):

    STRIPE_RESTRICTED_KEY={{stripe.restricted_key.live:P}}
"""

FILES["docs/integrations/paypal.md"] = """\
# PayPal integration

We develop against the PayPal sandbox. Sandbox app credentials for the shared developer account:

```
PAYPAL_BASE_URL=https://api-m.sandbox.paypal.com
PAYPAL_CLIENT_ID=AcmeShopSandboxClient
PAYPAL_CLIENT_SECRET={{generic.env_assignment:N}}
```

Live credentials are in the vault, never in this repository.
"""

FILES["docs/onboarding/local-setup.md"] = """\
# Local setup

The seed script creates a local admin:

```sh
export ADMIN_PASSWORD={{generic.env_assignment:N}}
./scripts/seed_local.sh --host localhost
```

Point the web app at your local API with `API_URL=http://localhost:8000`.
"""

FILES[".github/workflows/ci.yml"] = """\
name: ci
on: [push, pull_request]

jobs:
  unit:
    runs-on: ubuntu-latest
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: {{generic.env_assignment:N}}
        ports: ['5432:5432']
    env:
      NODE_ENV: test
      STRIPE_SECRET_KEY: {{stripe.secret_key.test:N}}
      DATABASE_URL: postgres://acme:{{uri.postgres:N}}@localhost:5432/acme_test
      SENDGRID_API_KEY: {{sendgrid.api_key:N}}
    steps:
      - uses: actions/checkout@v4
      - run: npm ci && npm test
      - run: pip install -r services/api/requirements.txt && pytest services/api

  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm run lint
"""

FILES[".github/workflows/deploy-production.yml"] = """\
name: deploy-production
on:
  push:
    branches: [main]

jobs:
  deploy:
    runs-on: ubuntu-latest
    environment:
      name: production
      url: https://api.acme.com
    env:
      AWS_ACCESS_KEY_ID: {{aws.access_key_id:P}}
      AWS_SECRET_ACCESS_KEY: {{aws.secret_access_key:P}}
      KUBE_NAMESPACE: payments
      DOCKERHUB_TOKEN: {{dockerhub.pat:P}}
    steps:
      - uses: actions/checkout@v4
      - run: echo "$DOCKERHUB_TOKEN" | docker login -u acmebuild --password-stdin
      - run: aws eks update-kubeconfig --name prod-eu-1
      - run: kubectl apply -k k8s/overlays/production
      - name: announce
        run: curl -sf -X POST -d '{"text":"api deployed"}' {{slack.webhook:P}}
"""

FILES[".github/workflows/deploy-staging.yml"] = """\
name: deploy-staging
on:
  push:
    branches: [develop]

jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: staging
    env:
      AWS_ACCESS_KEY_ID: {{aws.access_key_id:N}}
      AWS_SECRET_ACCESS_KEY: {{aws.secret_access_key:N}}
      KUBE_NAMESPACE: staging
    steps:
      - uses: actions/checkout@v4
      - run: aws eks update-kubeconfig --name staging-eu-1
      - run: kubectl apply -k k8s/overlays/staging
      - run: curl -sf -X POST -d '{"text":"staging updated"}' {{slack.webhook:N}}
"""

FILES[".github/workflows/release.yml"] = """\
name: release
on:
  push:
    tags: ['v*']

jobs:
  publish-sdk:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: python -m build sdk/python
      - run: twine upload sdk/python/dist/* -u __token__ -p {{pypi.api_token:P}}
      - run: npm publish sdk/js --access public
        env:
          NODE_AUTH_TOKEN: {{npm.access_token:P}}
      - run: gh release create "$GITHUB_REF_NAME" --generate-notes
        env:
          GH_TOKEN: {{github.pat.classic:P}}
"""

FILES[".github/workflows/nightly-e2e.yml"] = """\
name: nightly-e2e
on:
  schedule:
    - cron: '0 3 * * *'

jobs:
  e2e:
    runs-on: ubuntu-latest
    environment: qa
    env:
      BASE_URL: https://web.staging.acme.internal
      E2E_ADMIN_PASSWORD: {{generic.env_assignment:N}}
      E2E_TOKEN: {{jwt.staging:N}}
    steps:
      - uses: actions/checkout@v4
      - run: npx cypress run --config baseUrl=$BASE_URL
"""

FILES[".gitlab-ci.yml"] = """\
stages: [test, deploy]

variables:
  DOCKER_DRIVER: overlay2

test:
  stage: test
  image: python:3.12
  services: [postgres:16]
  variables:
    DATABASE_URL: postgres://ci:{{uri.postgres:N}}@postgres:5432/ci
    DJANGO_SETTINGS_MODULE: config.settings.test
  script:
    - pytest services/api

deploy_staging:
  stage: deploy
  environment:
    name: staging
    url: https://staging.acme.internal
  variables:
    HELM_NAMESPACE: staging
    REGISTRY_TOKEN: {{gitlab.deploy_token:N}}
  script:
    - helm upgrade --install api helm/charts/api -f helm/charts/api/values-staging.yaml --namespace staging

deploy_production:
  stage: deploy
  environment:
    name: production
    url: https://api.acme.com
  when: manual
  only: [main]
  variables:
    HELM_NAMESPACE: payments
    REGISTRY_TOKEN: {{gitlab.deploy_token:P}}
    GITLAB_API_TOKEN: {{gitlab.pat:P}}
  script:
    - helm upgrade --install api helm/charts/api -f helm/charts/api/values-prod.yaml --namespace payments
"""

FILES["Jenkinsfile"] = """\
pipeline {
  agent any
  environment {
    DEPLOY_ENV = 'production'
    DIGITALOCEAN_TOKEN = '{{digitalocean.pat:P}}'
  }
  stages {
    stage('Deploy marketing site') {
      steps {
        sh 'doctl apps create-deployment acme-marketing'
      }
    }
  }
}
"""

FILES["deploy/docker-compose.prod.yml"] = """\
services:
  api:
    image: registry.acme.com/api:1.42.0
    environment:
      - APP_ENV=production
      - DATABASE_URL=postgres://api:{{uri.postgres:P}}@orders-primary.cq7zt2.eu-west-1.rds.amazonaws.com:5432/orders
      - REDIS_URL=rediss://default:{{uri.redis:P}}@cache-01.prod.acme.internal:6380/0
      - SENTRY_AUTH_TOKEN={{sentry.auth_token:P}}
      - DD_API_KEY={{datadog.api_key:P}}
  worker:
    image: registry.acme.com/worker:1.42.0
    environment:
      APP_ENV: production
      BROKER_URL: amqps://worker:{{uri.amqp:P}}@mq.prod.acme.internal:5671/jobs
      OPENAI_API_KEY: {{openai.api_key:P}}
      ANTHROPIC_API_KEY: {{anthropic.api_key:P}}
"""

FILES["deploy/docker-compose.staging.yml"] = """\
services:
  api:
    image: registry.acme.com/api:develop
    environment:
      - APP_ENV=staging
      - DATABASE_URL=postgres://api:{{uri.postgres:N}}@staging-db.acme.net:5432/orders
      - REDIS_URL=redis://:{{uri.redis:N}}@cache.staging.acme.internal:6379/0
      - DD_API_KEY={{datadog.api_key:N}}
  worker:
    image: registry.acme.com/worker:develop
    environment:
      APP_ENV: staging
      BROKER_URL: amqp://worker:{{uri.amqp:N}}@mq.staging.acme.internal:5672/jobs
      OPENAI_API_KEY: {{openai.api_key:N}}
"""

FILES["deploy/scripts/deploy-prod.sh"] = """\
#!/usr/bin/env bash
# Manual production deploy of the marketing site and release bookkeeping.
set -euo pipefail
export AWS_PROFILE=acme-prod
kubectl config use-context prod-eu-1
HEROKU_API_KEY={{heroku.api_key:P}} heroku container:release web -a acme-marketing
curl -sf -H "Authorization: Bearer {{github.pat.classic:P}}" \\
  https://api.github.com/repos/acme/platform/deployments -d '{"ref":"main","environment":"production"}'
"""

FILES["deploy/scripts/seed-staging.sh"] = """\
#!/usr/bin/env bash
# Loads anonymised fixtures into the staging database.
set -euo pipefail
export AWS_PROFILE=acme-staging
export SEED_DB_PASSWORD={{generic.env_assignment:N}}
psql "postgres://seed:${SEED_DB_PASSWORD}@staging-db.acme.net:5432/orders" -f fixtures/seed.sql
"""

FILES["deploy/ansible/inventories/production/group_vars/all.yml"] = """\
app_env: production
db_host: payments-db-01.acme.net
db_user: shop
db_password: "{{generic.password:P}}"
stripe_secret_key: "{{stripe.secret_key.live:P}}"
smtp_password: "{{generic.password:P}}"
"""

FILES["deploy/ansible/inventories/staging/group_vars/all.yml"] = """\
app_env: staging
db_host: staging-db.acme.net
db_user: shop
db_password: "{{generic.password:N}}"
stripe_secret_key: "{{stripe.secret_key.test:N}}"
smtp_password: "{{generic.password:N}}"
"""

FILES["docker-compose.yml"] = """\
# Local development stack: docker compose up
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: {{generic.env_assignment:N}}
    ports: ['127.0.0.1:5432:5432']
  api:
    build: services/api
    environment:
      APP_ENV: development
      DATABASE_URL: postgres://acme:{{uri.postgres:N}}@db:5432/acme
      STRIPE_SECRET_KEY: {{stripe.secret_key.test:N}}
      MAILGUN_API_KEY: {{mailgun.api_key:N}}
"""

FILES["docker-compose.override.yml"] = """\
services:
  api:
    environment:
      SENDGRID_API_KEY: {{sendgrid.api_key:N}}
      SLACK_BOT_TOKEN: {{slack.bot_token:N}}
"""

FILES["k8s/base/deployment.yaml"] = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: api
          image: registry.acme.com/api
          envFrom:
            - secretRef:
                name: api-secrets
          env:
            - name: MAPS_API_KEY
              value: {{gcp.api_key:P}}
"""

FILES["k8s/base/kustomization.yaml"] = """\
resources:
  - deployment.yaml
"""

FILES["k8s/overlays/production/kustomization.yaml"] = """\
namespace: payments
resources:
  - ../../base
  - secrets.yaml
secretGenerator:
  - name: geocoder
    literals:
      - GEOCODER_API_KEY={{generic.env_assignment:P}}
"""

FILES["k8s/overlays/production/secrets.yaml"] = """\
apiVersion: v1
kind: Secret
metadata:
  name: api-secrets
  namespace: payments
type: Opaque
stringData:
  STRIPE_SECRET_KEY: {{stripe.secret_key.live:P}}
  STRIPE_WEBHOOK_SECRET: {{stripe.webhook_secret:P}}
  DATABASE_URL: postgres://api:{{uri.postgres:P}}@orders-primary.cq7zt2.eu-west-1.rds.amazonaws.com:5432/orders
  SENDGRID_API_KEY: {{sendgrid.api_key:P}}
  TWILIO_API_KEY: {{twilio.api_key:P}}
  SLACK_BOT_TOKEN: {{slack.bot_token:P}}
  SHOPIFY_ADMIN_TOKEN: {{shopify.access_token:P}}
---
apiVersion: v1
kind: Secret
metadata:
  name: ledger-client
  namespace: payments
stringData:
  LEDGER_SERVICE_TOKEN: {{jwt.prod_noexp:P}}
"""

FILES["k8s/overlays/staging/secrets.yaml"] = """\
apiVersion: v1
kind: Secret
metadata:
  name: api-secrets
  namespace: staging
type: Opaque
stringData:
  STRIPE_SECRET_KEY: {{stripe.secret_key.test:N}}
  STRIPE_WEBHOOK_SECRET: {{stripe.webhook_secret:N}}
  DATABASE_URL: postgres://api:{{uri.postgres:N}}@staging-db.acme.net:5432/orders
  SENDGRID_API_KEY: {{sendgrid.api_key:N}}
  TWILIO_API_KEY: {{twilio.api_key:N}}
  SLACK_BOT_TOKEN: {{slack.bot_token:N}}
"""

FILES["k8s/overlays/dev/secrets.yaml"] = """\
apiVersion: v1
kind: Secret
metadata:
  name: api-secrets
  namespace: dev
stringData:
  STRIPE_SECRET_KEY: {{stripe.secret_key.test:N}}
  DATABASE_URL: postgres://api:{{uri.postgres:N}}@db.dev.acme.internal:5432/orders
  MAILGUN_API_KEY: {{mailgun.api_key:N}}
"""

FILES["k8s/apps/ledger.yaml"] = """\
apiVersion: v1
kind: Secret
metadata:
  name: ledger
  namespace: checkout
stringData:
  DB_PASSWORD: "{{generic.password:P}}"
  BRAINTREE_ACCESS_TOKEN: {{braintree.access_token.production:P}}
  KAFKA_SASL_PASSWORD: "{{generic.password:P}}"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ledger
  namespace: checkout
spec:
  template:
    spec:
      containers:
        - name: ledger
          image: registry.acme.com/ledger:3.2.1
"""

FILES["k8s/apps/search-qa.yaml"] = """\
apiVersion: v1
kind: Secret
metadata:
  name: search
  namespace: qa-search
stringData:
  ELASTIC_PASSWORD: "{{generic.password:N}}"
  OPENSEARCH_API_KEY: {{generic.env_assignment:N}}
"""

FILES["k8s/apps/edge.yaml"] = """\
apiVersion: v1
kind: Secret
metadata:
  name: edge-cache
  namespace: edge-canary
stringData:
  CDN_PURGE_TOKEN: {{generic.env_assignment:P}}
  NEW_RELIC_API_KEY: {{newrelic.user_api_key:P}}
"""

FILES["helm/charts/api/values.yaml"] = """\
replicaCount: 2
image:
  repository: registry.acme.com/api
  tag: latest
service:
  port: 8000
secrets:
  mapsApiKey: {{gcp.api_key:P}}
  SENTRY_AUTH_TOKEN: {{sentry.auth_token:P}}
"""

FILES["helm/charts/api/values-prod.yaml"] = """\
replicaCount: 6
env:
  APP_ENV: production
secrets:
  STRIPE_SECRET_KEY: {{stripe.secret_key.live:P}}
  DATABASE_URL: postgres://api:{{uri.postgres:P}}@orders-primary.cq7zt2.eu-west-1.rds.amazonaws.com:5432/orders
  SQUARE_ACCESS_TOKEN: {{square.access_token:P}}
  PLAID_ACCESS_TOKEN: {{plaid.access_token.production:P}}
"""

FILES["helm/charts/api/values-staging.yaml"] = """\
replicaCount: 1
env:
  APP_ENV: staging
secrets:
  STRIPE_SECRET_KEY: {{stripe.secret_key.test:N}}
  DATABASE_URL: postgres://api:{{uri.postgres:N}}@staging-db.acme.net:5432/orders
  SQUARE_ACCESS_TOKEN: {{square.access_token:N}}
  PLAID_ACCESS_TOKEN: {{plaid.access_token.sandbox:N}}
"""

FILES["helm/charts/api/values-dev.yaml"] = """\
replicaCount: 1
env:
  APP_ENV: development
secrets:
  DATABASE_URL: postgres://api:{{uri.postgres:N}}@db.dev.acme.internal:5432/orders
  MAILCHIMP_API_KEY: {{mailchimp.api_key:N}}
"""

FILES["terraform/envs/prod/terraform.tfvars"] = """\
environment = "prod"
region = "eu-west-1"
db_password = "{{generic.password:P}}"
datadog_api_key = "{{datadog.api_key:P}}"
aws_secret_access_key = "{{aws.secret_access_key:P}}"
"""

FILES["terraform/envs/prod/main.tf"] = """\
terraform {
  backend "s3" {
    bucket = "acme-terraform-state"
    key    = "prod/terraform.tfstate"
  }
}

provider "aws" {
  region              = var.region
  allowed_account_ids = ["318562047719"]
  access_key          = "{{aws.access_key_id:P}}"
}

module "orders_db" {
  source   = "../../modules/rds"
  password = var.db_password
}
"""

FILES["terraform/envs/staging/terraform.tfvars"] = """\
environment = "staging"
region = "eu-west-1"
db_password = "{{generic.password:N}}"
datadog_api_key = "{{datadog.api_key:N}}"
aws_secret_access_key = "{{aws.secret_access_key:N}}"
"""

FILES["terraform/modules/rds/main.tf"] = """\
variable "password" {
  type = string
}

locals {
  # Used until the first rotation replaces it with var.password.
  bootstrap_password = "{{generic.password:P}}"
}

resource "aws_db_instance" "this" {
  engine         = "postgres"
  instance_class = "db.r6g.large"
  password       = coalesce(var.password, local.bootstrap_password)
}
"""

FILES["terraform/global/iam.tf"] = """\
provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["318562047719"]
}

resource "aws_iam_user" "ci" {
  name = "ci-deployer"
}

# Bootstrap credentials of ci-deployer, rotated by the security team every quarter.
locals {
  ci_access_key_id         = "{{aws.access_key_id:P}}"
  ci_aws_secret_access_key = "{{aws.secret_access_key:P}}"
}
"""

FILES["terraform/gcp/analytics.tf"] = """\
provider "google" {
  project = "acme-prod-4471"
  region  = "europe-west1"
}

resource "google_bigquery_dataset" "events" {
  dataset_id = "events"
}

locals {
  looker_client_secret = "{{gcp.oauth_client_secret:P}}"
}
"""

FILES["ops/live/payments.env"] = """\
# Live payment credentials, loaded by the payments service in production.
STRIPE_SECRET_KEY={{stripe.secret_key.live:P:live_stripe}}
STRIPE_WEBHOOK_SECRET={{stripe.webhook_secret:P}}
PLAID_ENV=production
PLAID_ACCESS_TOKEN={{plaid.access_token.production:P}}
PAYMENTS_DB_PASSWORD={{generic.env_assignment:P:payments_db}}
SENDGRID_API_KEY={{sendgrid.api_key:P:prod_sendgrid}}
"""

FILES["ops/live/service-token.txt"] = """\
# Token the checkout service presents to the ledger (issued 2024-06-01)
Authorization: Bearer {{jwt.prod_noexp:P}}
"""

FILES["ops/rehearsal/payments.env"] = """\
# Rehearsal (pre-release) environment of the payments service.
STRIPE_SECRET_KEY={{stripe.secret_key.test:N}}
PLAID_ENV=sandbox
PLAID_ACCESS_TOKEN={{plaid.access_token.sandbox:N}}
SQUARE_ENVIRONMENT=sandbox
SQUARE_ACCESS_TOKEN={{square.access_token:N}}
PAYMENTS_DB_PASSWORD={{generic.env_assignment:N}}
"""

FILES["ops/aws/credentials"] = """\
[default]
region = eu-west-1

[acme-prod]
aws_access_key_id = {{aws.access_key_id:P}}
aws_secret_access_key = {{aws.secret_access_key:P}}

[acme-staging]
aws_access_key_id = {{aws.access_key_id:N}}
aws_secret_access_key = {{aws.secret_access_key:N}}
"""

FILES["ops/grafana/provisioning/datasources/prometheus.yaml"] = """\
apiVersion: 1
datasources:
  - name: prometheus
    type: prometheus
    url: https://prometheus.prod.acme.internal
    basicAuth: true
    basicAuthUser: grafana
    secureJsonData:
      basicAuthPassword: "{{generic.password:P}}"
  - name: loki-staging
    type: loki
    url: https://loki.staging.acme.internal
    basicAuth: true
    secureJsonData:
      basicAuthPassword: "{{generic.password:N}}"
"""

FILES["services/api/config/settings/base.py"] = """\
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SECRET_KEY = "{{generic.secret:U}}"
GOOGLE_MAPS_API_KEY = "{{gcp.api_key:U}}"
INSTALLED_APPS = ["django.contrib.auth", "acme_api"]
"""

FILES["services/api/config/settings/production.py"] = """\
from .base import *  # noqa

DEBUG = False
ALLOWED_HOSTS = ["api.acme.com"]
SECRET_KEY = "{{generic.secret:P}}"
DATABASES = {
    "default": dj_database_url.parse(
        "postgres://api:{{uri.postgres:P}}@orders-primary.cq7zt2.eu-west-1.rds.amazonaws.com:5432/orders"
    )
}
AWS_S3_ACCESS_KEY_ID = "{{aws.access_key_id:P}}"
STRIPE_SECRET_KEY = "{{stripe.secret_key.live:P}}"
"""

FILES["services/api/config/settings/development.py"] = """\
from .base import *  # noqa

DEBUG = True
DATABASES = {
    "default": dj_database_url.parse("postgres://acme:{{uri.postgres:N}}@localhost:5432/acme_dev")
}
STRIPE_SECRET_KEY = "{{stripe.secret_key.test:N}}"
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
"""

FILES["services/api/config/settings/test.py"] = """\
from .base import *  # noqa

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES = {
    "default": dj_database_url.parse("postgres://ci:{{uri.postgres:N}}@127.0.0.1:5432/api_test")
}
STRIPE_SECRET_KEY = "{{stripe.secret_key.test:N}}"
"""

FILES["services/api/.env.production"] = """\
DJANGO_SETTINGS_MODULE=config.settings.production
DATABASE_URL=postgres://api:{{uri.postgres:P}}@orders-primary.cq7zt2.eu-west-1.rds.amazonaws.com:5432/orders
REDIS_URL=rediss://default:{{uri.redis:P}}@cache-01.prod.acme.internal:6380/1
STRIPE_SECRET_KEY={{stripe.secret_key.live:P}}
STRIPE_WEBHOOK_SECRET={{stripe.webhook_secret:P}}
SENDGRID_API_KEY={{sendgrid.api_key:P}}
TWILIO_API_KEY={{twilio.api_key:P}}
SENTRY_AUTH_TOKEN={{sentry.auth_token:P}}
OPENAI_API_KEY={{openai.api_key:P}}
"""

FILES["services/api/.env.development"] = """\
DJANGO_SETTINGS_MODULE=config.settings.development
DATABASE_URL=postgres://acme:{{uri.postgres:N}}@localhost:5432/acme_dev
STRIPE_SECRET_KEY={{stripe.secret_key.test:N}}
STRIPE_WEBHOOK_SECRET={{stripe.webhook_secret:N}}
SENDGRID_API_KEY={{sendgrid.api_key:N}}
OPENAI_API_KEY={{openai.api_key:N}}
"""

FILES["services/api/tests/fixtures/stripe_events.json"] = """\
{
  "webhook_secret": "{{stripe.webhook_secret:N}}",
  "api_key": "{{stripe.secret_key.test:N}}",
  "events": [
    {"id": "evt_1", "type": "charge.succeeded", "livemode": false}
  ]
}
"""

FILES["services/api/tests/fixtures/db.env"] = """\
# copied from ops for the migration tests
PAYMENTS_DB_PASSWORD={{generic.env_assignment:P:payments_db}}
PAYMENTS_DB_HOST=localhost
"""

FILES["services/api/tests/cassettes/test_refund_flow.yaml"] = """\
interactions:
- request:
    body: charge=ch_3PqLx2&amount=1200
    headers:
      Authorization:
      - Bearer {{stripe.secret_key.live:P:live_stripe}}
      Content-Type:
      - application/x-www-form-urlencoded
    method: POST
    uri: https://api.stripe.com/v1/refunds
  response:
    status:
      code: 200
      message: OK
version: 1
"""

FILES["services/api/tests/cassettes/test_plaid_link.yaml"] = """\
interactions:
- request:
    body: '{"access_token": "{{plaid.access_token.sandbox:N}}"}'
    method: POST
    uri: https://sandbox.plaid.com/accounts/get
  response:
    status:
      code: 200
version: 1
"""

FILES["services/api/tests/test_auth.py"] = """\
import jwt

EXPIRED_TOKEN = "{{jwt.dev:N}}"
GITHUB_APP_TOKEN = "{{github.server_to_server:N}}"


def test_expired_token_is_rejected(client):
    assert client.get("/me", headers={"Authorization": f"Bearer {EXPIRED_TOKEN}"}).status_code == 401
"""

FILES["services/api/src/acme_api/clients/geocoder.py"] = """\
import requests

API_KEY = "{{gcp.api_key:U}}"


def geocode(address):
    return requests.get("https://maps.googleapis.com/maps/api/geocode/json",
                        params={"address": address, "key": API_KEY}).json()
"""

FILES["services/api/src/acme_api/clients/alerts.py"] = """\
import requests

WEBHOOK = "{{slack.webhook:U}}"


def alert(text):
    requests.post(WEBHOOK, json={"text": text}, timeout=5)
"""

FILES["services/api/src/acme_api/integrations/assistant.py"] = """\
from openai import OpenAI

client = OpenAI(api_key="{{openai.api_key:U}}")


def summarise(ticket):
    return client.responses.create(model="gpt-4.1-mini", input=ticket.body).output_text
"""

FILES["services/web/.env.local"] = """\
NEXT_PUBLIC_API_URL=http://localhost:8000
STRIPE_SECRET_KEY={{stripe.secret_key.test:N}}
SENDGRID_API_KEY={{sendgrid.api_key:P:prod_sendgrid}}
NEXTAUTH_SECRET={{generic.env_assignment:N}}
"""

FILES["services/web/.env.production"] = """\
NODE_ENV=production
NEXT_PUBLIC_API_URL=https://api.acme.com
STRIPE_SECRET_KEY={{stripe.secret_key.live:P}}
NEXTAUTH_SECRET={{generic.env_assignment:P}}
MONGODB_URI=mongodb+srv://web:{{uri.mongodb:P}}@web.prod.acme.internal/web?retryWrites=true
GITHUB_CLIENT_SECRET={{generic.env_assignment:P}}
"""

FILES["services/web/.env.test"] = """\
NODE_ENV=test
STRIPE_SECRET_KEY={{stripe.secret_key.test:N}}
MONGODB_URI=mongodb://web:{{uri.mongodb:N}}@localhost:27017/web_test
"""

FILES["services/web/config/default.json"] = """\
{
  "port": 3000,
  "mailchimp": {
    "apiKey": "{{mailchimp.api_key:U}}",
    "list": "newsletter"
  },
  "recaptcha": {
    "secret": "{{generic.secret:U}}"
  }
}
"""

FILES["services/web/config/production.json"] = """\
{
  "db": {
    "url": "mongodb+srv://web:{{uri.mongodb:P}}@web.prod.acme.internal/web"
  },
  "shopify": {
    "adminToken": "{{shopify.access_token:P}}",
    "webhookSecret": "{{shopify.shared_secret:P}}"
  }
}
"""

FILES["services/web/config/test.json"] = """\
{
  "db": {
    "url": "mongodb://web:{{uri.mongodb:N}}@127.0.0.1:27017/web_test"
  },
  "shopify": {
    "adminToken": "{{shopify.access_token:N}}"
  }
}
"""

FILES["services/web/__tests__/checkout.test.js"] = """\
const stripe = require("stripe")("{{stripe.secret_key.test:N}}");

test("creates a payment intent", async () => {
  const intent = await stripe.paymentIntents.create({ amount: 1200, currency: "eur" });
  expect(intent.status).toBe("requires_payment_method");
});
"""

FILES["services/web/cypress/fixtures/session.json"] = """\
{
  "user": "e2e@acme.com",
  "token": "{{jwt.staging:N}}"
}
"""

FILES["services/web/src/lib/firebase.js"] = """\
import { initializeApp } from "firebase/app";

export const app = initializeApp({
  apiKey: "{{gcp.api_key:P}}",
  authDomain: "acme-prod-4471.firebaseapp.com",
  projectId: "acme-prod-4471",
});
"""

FILES["services/web/src/lib/analytics.js"] = """\
const API_KEY = "{{generic.api_key:U}}";

export function track(event, props) {
  return fetch("https://events.acme-analytics.io/v1/track", {
    method: "POST",
    headers: { Authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({ event, props }),
  });
}
"""

FILES["services/web/src/config/environments.ts"] = """\
export const environments = {
  development: {
    apiUrl: "http://localhost:8000",
    mapsKey: "{{gcp.api_key:N}}",
  },
  production: {
    apiUrl: "https://api.acme.com",
    mapsKey: "{{gcp.api_key:P}}",
  },
};
"""

FILES["services/billing/src/main/resources/application.yml"] = """\
spring:
  application:
    name: billing
  datasource:
    url: jdbc:postgresql://localhost:5432/billing?user=billing&password={{uri.jdbc:N}}
---
spring:
  config:
    activate:
      on-profile: prod
  datasource:
    url: jdbc:postgresql://payments-db-01.acme.net:5432/billing?user=billing&password={{uri.jdbc:P}}
braintree:
  environment: production
  access-token: {{braintree.access_token.production:P}}
"""

FILES["services/billing/src/main/resources/application-prod.properties"] = """\
spring.datasource.url=jdbc:postgresql://payments-db-01.acme.net:5432/billing?user=billing&password={{uri.jdbc:P}}
stripe.api-key={{stripe.secret_key.live:P}}
mailgun.api-key={{mailgun.api_key:P}}
"""

FILES["services/billing/src/main/resources/application-dev.properties"] = """\
spring.datasource.url=jdbc:postgresql://localhost:5432/billing?user=billing&password={{uri.jdbc:N}}
stripe.api-key={{stripe.secret_key.test:N}}
mailgun.api-key={{mailgun.api_key:N}}
"""

FILES["services/billing/src/test/resources/application-test.yml"] = """\
spring:
  datasource:
    url: jdbc:postgresql://localhost:5432/billing_test?user=test&password={{uri.jdbc:N}}
braintree:
  environment: sandbox
  access-token: {{braintree.access_token.sandbox:N}}
"""

FILES["services/gateway/appsettings.json"] = """\
{
  "Logging": { "LogLevel": { "Default": "Information" } },
  "SendGrid": {
    "ApiKey": "{{sendgrid.api_key:U}}"
  }
}
"""

FILES["services/gateway/appsettings.Production.json"] = """\
{
  "Redis": "rediss://:{{uri.redis:P}}@cache-01.prod.acme.internal:6380",
  "Auth0": {
    "Domain": "acme.eu.auth0.com",
    "ClientSecret": "{{generic.secret:P}}"
  },
  "Twilio": {
    "ApiKey": "{{twilio.api_key:P}}"
  }
}
"""

FILES["services/gateway/appsettings.Development.json"] = """\
{
  "Redis": "redis://:{{uri.redis:N}}@localhost:6379",
  "Auth0": {
    "Domain": "acme-dev.eu.auth0.com",
    "ClientSecret": "{{generic.secret:N}}"
  }
}
"""

FILES["services/gateway/Properties/launchSettings.json"] = """\
{
  "profiles": {
    "gateway": {
      "commandName": "Project",
      "applicationUrl": "https://localhost:7043",
      "environmentVariables": {
        "ASPNETCORE_ENVIRONMENT": "Development",
        "GATEWAY_API_KEY": "{{generic.api_key:N}}"
      }
    }
  }
}
"""

FILES["services/shop/config/database.yml"] = """\
default: &default
  adapter: postgresql
  pool: 5

development:
  <<: *default
  database: shop_development
  password: "{{generic.password:N}}"

test:
  <<: *default
  database: shop_test
  password: "{{generic.password:N}}"

production:
  <<: *default
  url: postgres://shop:{{uri.postgres:P}}@payments-db-01.acme.net/shop_production
"""

FILES["services/shop/config/environments/production.rb"] = """\
Rails.application.configure do
  config.force_ssl = true
  config.action_mailer.smtp_settings = {
    address: "smtp.sendgrid.net",
    user_name: "apikey",
    password: "{{sendgrid.api_key:P}}"
  }
end
"""

FILES["services/shop/config/environments/development.rb"] = """\
Rails.application.configure do
  config.action_mailer.delivery_method = :smtp
  config.action_mailer.smtp_settings = {
    address: "localhost",
    port: 1025,
    password: "{{generic.password:N}}"
  }
end
"""

FILES["services/shop/config/storage.yml"] = """\
local:
  service: Disk
  root: <%= Rails.root.join("storage") %>

azure_prod:
  service: AzureStorage
  container: media
  connection_string: "DefaultEndpointsProtocol=https;AccountName=acmeprodmedia;AccountKey={{azure.storage:P}};EndpointSuffix=core.windows.net"

azure_dev:
  service: AzureStorage
  container: media
  connection_string: "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={{azure.storage:N}};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"
"""

FILES["services/shop/spec/support/stripe_helper.rb"] = """\
module StripeHelper
  TEST_KEY = "{{stripe.secret_key.test:N}}"
  WEBHOOK_SECRET = "{{stripe.webhook_secret:N}}"
end
"""

FILES["services/shop/spec/fixtures/shopify_webhook.json"] = """\
{
  "shared_secret": "{{shopify.shared_secret:N}}",
  "topic": "orders/create"
}
"""

FILES["services/ledger/config/runtime.yaml"] = """\
ledger:
  postgres_password: "{{generic.password:P}}"
  kafka:
    brokers: [kafka-0:9093, kafka-1:9093]
    sasl_password: "{{generic.password:P}}"
"""

FILES["services/notifier/internal/config/config.go"] = """\
package config

import "os"

type Config struct {
	TelegramToken string
	TwilioKey     string
}

func Load(env string) Config {
	switch env {
	case "production":
		return Config{
			TelegramToken: "{{telegram.bot_token:P}}",
			TwilioKey:     "{{twilio.api_key:P}}",
		}
	case "staging":
		return Config{
			TelegramToken: "{{telegram.bot_token:N}}",
			TwilioKey:     "{{twilio.api_key:N}}",
		}
	default:
		return Config{TwilioKey: os.Getenv("TWILIO_KEY")}
	}
}
"""

FILES["services/notifier/cmd/notifier/main_test.go"] = """\
package main

import "testing"

const testWebhook = "{{discord.webhook:N}}"

func TestNotify(t *testing.T) {
	if err := notify(testWebhook, "hello"); err != nil {
		t.Fatal(err)
	}
}
"""

FILES["services/thumbnails/serverless.yml"] = """\
service: thumbnails
provider:
  name: aws
  runtime: nodejs20.x
  stage: ${opt:stage, 'dev'}
custom:
  stages:
    prod:
      IMGIX_API_TOKEN: {{generic.env_assignment:P}}
    dev:
      IMGIX_API_TOKEN: {{generic.env_assignment:N}}
"""

FILES["mobile/android/app/src/debug/res/values/api_keys.xml"] = """\
<?xml version="1.0" encoding="utf-8"?>
<resources>
    <string name="maps_api_key">{{gcp.api_key:N}}</string>
</resources>
"""

FILES["mobile/android/app/src/release/res/values/api_keys.xml"] = """\
<?xml version="1.0" encoding="utf-8"?>
<resources>
    <string name="maps_api_key">{{gcp.api_key:P}}</string>
</resources>
"""

FILES["mobile/ios/Config/Secrets.Production.xcconfig"] = """\
SENTRY_AUTH_TOKEN = {{sentry.auth_token:P}}
API_BASE_URL = https:/$()/api.acme.com
"""

FILES["scripts/backfill_orders.py"] = """\
import psycopg

SOURCE = "postgres://backfill:{{uri.postgres:P}}@orders-replica.prod.acme.internal:5432/orders"


def main():
    with psycopg.connect(SOURCE) as conn:
        conn.execute("select 1")
"""

FILES["scripts/load_test.js"] = """\
import http from "k6/http";

const BASE = "https://api.staging.acme.internal";
const TOKEN = "{{jwt.staging:N}}";

export default function () {
  http.get(`${BASE}/v1/products`, { headers: { Authorization: `Bearer ${TOKEN}` } });
}
"""

FILES["scripts/rotate_github_token.sh"] = """\
#!/usr/bin/env bash
# Rotates the token the docs bot uses to open pull requests.
GH_TOKEN={{github.pat.fine_grained:U}} gh api -X POST /repos/acme/docs/dispatches -f event_type=rotate
"""

FILES["scripts/export_to_bigquery.py"] = """\
from google.cloud import bigquery
from google.oauth2 import service_account

INFO = {"type": "service_account", "project_id": "acme-prod-4471", "private_key": "{{private_key.pkcs8:P|json}}", "client_email": "exporter@acme-prod-4471.iam.gserviceaccount.com"}

client = bigquery.Client(credentials=service_account.Credentials.from_service_account_info(INFO))
"""

FILES["notebooks/ranking_experiments.ipynb"] = """\
{
 "cells": [
  {
   "cell_type": "code",
   "metadata": {},
   "source": [
    "import os\\n",
    "HF_TOKEN = \\"{{huggingface.token:U}}\\"\\n",
    "GROQ_API_KEY = \\"{{generic.api_key:U}}\\"\\n"
   ]
  }
 ],
 "nbformat": 4,
 "nbformat_minor": 5
}
"""

FILES["infra/keys/deploy_ed25519"] = """\
{{private_key.openssh:P}}
"""

FILES["infra/keys/release-signing.asc"] = """\
{{private_key.pgp:P}}
"""

FILES["infra/keys/dev-vpn.key"] = """\
{{private_key.rsa:N}}
"""

FILES["infra/vpn/prod-bastion.pem"] = """\
{{private_key.rsa:P}}
"""

FILES["services/worker/celeryconfig.py"] = """\
broker_url = "amqp://worker:{{uri.amqp:N}}@localhost:5672//"
result_backend = "redis://:{{uri.redis:N}}@localhost:6379/2"
"""

FILES[".env"] = """\
NODE_ENV=development
APP_URL=http://localhost:3000
GITHUB_TOKEN={{github.pat.classic:N}}
HUGGINGFACE_TOKEN={{huggingface.token:N}}
"""

FILES["services/search/config/opensearch.yml"] = """\
clusters:
  primary:
    url: https://search.prod.acme.internal:9200
    username: app
    password: "{{generic.password:P}}"
  replica:
    url: https://search-replica.staging.acme.internal:9200
    username: app
    password: "{{generic.password:N}}"
"""

FILES["services/payments/config/providers.yml"] = """\
paypal:
  base_url: https://api-m.paypal.com
  client_secret: "{{generic.secret:P}}"
adyen:
  endpoint: https://checkout-test.adyen.com/v71
  api_key: "{{generic.api_key:N}}"
square:
  environment: sandbox
  application_secret: {{square.oauth_secret.sandbox:N}}
"""

FILES["services/payments/.env.staging"] = """\
APP_ENV=staging
PAYPAL_CLIENT_SECRET={{generic.env_assignment:N}}
STRIPE_RESTRICTED_KEY={{stripe.restricted_key.live:P}}
STRIPE_SECRET_KEY={{stripe.secret_key.test:N}}
"""

FILES["services/payments/src/payments/gateways/stripe_gateway.py"] = """\
import stripe

# TODO(payments): read from the environment before the launch
stripe.api_key = "{{stripe.restricted_key.test:N}}"
"""

FILES["services/auth/keys/jwt-signing-prod.pem"] = """\
{{private_key.pkcs8:P}}
"""

FILES["services/auth/keys/jwt-signing-local.pem"] = """\
{{private_key.pkcs8:N}}
"""

FILES["services/auth/config/settings.toml"] = """\
[default]
issuer = "https://auth.acme.com"

[production]
github_client_secret = "{{generic.secret:P}}"
database_url = "postgres://auth:{{uri.postgres:P}}@auth-db.prod.acme.internal:5432/auth"

[development]
github_client_secret = "{{generic.secret:N}}"
database_url = "postgres://auth:{{uri.postgres:N}}@localhost:5432/auth"
"""

FILES["services/auth/tests/fixtures/tokens.json"] = """\
{
  "valid": "{{jwt.dev:N}}",
  "ci_github_token": "{{github.pat.classic:N}}"
}
"""

FILES["services/mailer/src/templates/README.md"] = """\
# Mail templates

Preview them against the local mail catcher (http://localhost:1025) with
`MAILGUN_API_KEY={{mailgun.api_key:N}} npm run preview`.
"""

FILES["services/mailer/config/mailer.production.yaml"] = """\
provider: mailgun
domain: mg.acme.com
api_key: {{mailgun.api_key:P}}
"""

FILES["services/mailer/config/mailer.local.yaml"] = """\
provider: mailgun
domain: sandbox4f2b.mailgun.org
api_key: {{mailgun.api_key:N}}
"""

FILES["tools/scraper/config.py"] = """\
PROXY_PASSWORD = "{{generic.password:U}}"
TELEGRAM_BOT_TOKEN = "{{telegram.bot_token:U}}"
"""

FILES["tools/release/publish.sh"] = """\
#!/usr/bin/env bash
# Publishes the CLI to the public registries after a tag.
export NPM_TOKEN={{npm.access_token:P}}
export TWINE_PASSWORD={{pypi.api_token:P}}
npm publish && twine upload dist/*
"""


# ------------------------------------------------------------------------------------------------
# Second batch (platform/): written after the classifier was tuned on the files above and
# evaluated once without changes, as a check on over-fitting (see reach/README.md).

FILES["platform/argocd/apps/payments-prod.yaml"] = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: payments-prod
  namespace: argocd
spec:
  destination:
    server: https://kubernetes.default.svc
    namespace: payments
  source:
    repoURL: https://github.com/acme/platform
    path: helm/charts/api
    helm:
      parameters:
        - name: secrets.stripeKey
          value: {{stripe.restricted_key.live:P}}
        - name: secrets.databaseUrl
          value: "postgres://api:{{uri.postgres:P}}@orders-primary.cq7zt2.eu-west-1.rds.amazonaws.com:5432/orders"
"""

FILES["platform/argocd/apps/payments-staging.yaml"] = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: payments-staging
  namespace: argocd
spec:
  destination:
    server: https://kubernetes.default.svc
    namespace: staging
  source:
    path: helm/charts/api
    helm:
      parameters:
        - name: secrets.databaseUrl
          value: "postgres://api:{{uri.postgres:N}}@staging-db.acme.net:5432/orders"
        - name: secrets.slackToken
          value: {{slack.bot_token:N}}
"""

FILES["platform/pulumi/Pulumi.prod.yaml"] = """\
config:
  aws:region: eu-west-1
  acme:environment: prod
  acme:dbPassword: "{{generic.password:P}}"
  acme:datadogApiKey: {{datadog.api_key:P}}
"""

FILES["platform/pulumi/Pulumi.dev.yaml"] = """\
config:
  aws:region: eu-west-1
  acme:environment: dev
  acme:dbPassword: "{{generic.password:N}}"
"""

FILES["platform/nomad/jobs/api.nomad.hcl"] = """\
job "api" {
  datacenters = ["prod-eu"]
  group "api" {
    task "server" {
      env {
        SENDGRID_API_KEY = "{{sendgrid.api_key:P}}"
      }
    }
  }
}
"""

FILES["platform/fly/fly.production.toml"] = """\
app = "acme-status"
primary_region = "ams"

[env]
  STATUSPAGE_ENV = "production"
  DISCORD_WEBHOOK = "{{discord.webhook:P}}"
"""

FILES["platform/qa/postman/acme.postman_environment.json"] = """\
{
  "name": "acme qa",
  "values": [
    { "key": "baseUrl", "value": "https://api.qa.acme.internal", "enabled": true },
    { "key": "apiToken", "value": "{{jwt.staging:N}}", "enabled": true }
  ]
}
"""

FILES["platform/load/locustfile.py"] = """\
from locust import HttpUser, task

class Shopper(HttpUser):
    host = "https://shop.staging.acme.internal"
    api_key = "{{generic.api_key:N}}"

    @task
    def browse(self):
        self.client.get("/products", headers={"X-Api-Key": self.api_key})
"""

FILES["platform/dbt/profiles.yml"] = """\
acme:
  target: dev
  outputs:
    dev:
      type: postgres
      host: localhost
      user: analyst
      password: "{{generic.password:N}}"
      dbname: warehouse
    prod:
      type: postgres
      host: warehouse.prod.acme.internal
      user: dbt
      password: "{{generic.password:P}}"
      dbname: warehouse
"""

FILES["platform/airflow/connections.yaml"] = """\
warehouse:
  conn_type: postgres
  host: warehouse.prod.acme.internal
  login: airflow
  password: "{{generic.password:P}}"
crm:
  conn_type: http
  host: api.hubapi.com
  password: "{{generic.password:U}}"
"""

FILES["platform/scripts/oneoff/fix_refunds.rb"] = """\
require "stripe"

# one-off for INC-2291, run from a laptop
Stripe.api_key = "{{stripe.restricted_key.live:P}}"
Stripe::Refund.list(limit: 100).auto_paging_each { |r| puts r.id }
"""

FILES["platform/.circleci/config.yml"] = """\
version: 2.1
jobs:
  test:
    docker:
      - image: cimg/python:3.12
        environment:
          DATABASE_URL: postgres://circle:{{uri.postgres:N}}@localhost:5432/circle_test
    steps:
      - run: pytest
  deploy-prod:
    docker:
      - image: cimg/base:current
    environment:
      DEPLOY_ENV: production
      HEROKU_API_KEY: {{heroku.api_key:P}}
    steps:
      - run: git push heroku main
"""

FILES["platform/ansible/roles/app/defaults/main.yml"] = """\
app_port: 8080
app_user: acme
app_secret_key: "{{generic.secret:U}}"
"""

FILES["platform/k8s/monitoring/alertmanager.yaml"] = """\
apiVersion: v1
kind: Secret
metadata:
  name: alertmanager
  namespace: monitoring
stringData:
  alertmanager.yaml: |
    receivers:
      - name: ops
        slack_configs:
          - api_url: {{slack.webhook:U}}
"""

FILES["platform/tests/e2e/.env.ci"] = """\
BASE_URL=http://localhost:3000
E2E_PASSWORD={{generic.env_assignment:N}}
STRIPE_SECRET_KEY={{stripe.secret_key.test:N}}
"""

FILES["platform/terraform/live/prod/eu-west-1/rds/terragrunt.hcl"] = """\
include "root" {
  path = find_in_parent_folders()
}

inputs = {
  instance_class  = "db.r6g.xlarge"
  master_password = "{{generic.password:P}}"
}
"""

FILES["platform/terraform/live/stage/eu-west-1/rds/terragrunt.hcl"] = """\
include "root" {
  path = find_in_parent_folders()
}

inputs = {
  instance_class  = "db.t4g.medium"
  master_password = "{{generic.password:N}}"
}
"""

FILES["platform/docs/adr/0007-secrets-in-ci.md"] = """\
# ADR 7: secrets in CI

Status: accepted. Until the migration, the CI user key below stays in the pipeline settings:

    aws_access_key_id = {{aws.access_key_id:U}}
"""

FILES["platform/services/search-indexer/config.py"] = """\
import os

ENV = os.environ.get("ENV", "development")

if ENV == "production":
    ALGOLIA_API_KEY = "{{generic.api_key:P}}"
else:
    ALGOLIA_API_KEY = "{{generic.api_key:N}}"
"""

FILES["platform/services/search-indexer/tests/conftest.py"] = """\
import pytest

@pytest.fixture
def redis_url():
    return "redis://:{{uri.redis:N}}@localhost:6379/9"
"""

FILES["platform/mobile-backend/firebase/prod/service-account.json"] = """\
{
  "type": "service_account",
  "project_id": "acme-mobile-prod",
  "private_key_id": "{{gcp.service_account.private_key_id:P}}",
  "private_key": "{{private_key.pkcs8:P|json}}",
  "client_email": "push@acme-mobile-prod.iam.gserviceaccount.com"
}
"""

FILES["platform/mobile-backend/firebase/dev/service-account.json"] = """\
{
  "type": "service_account",
  "project_id": "acme-mobile-dev",
  "private_key": "{{private_key.pkcs8:N|json}}",
  "client_email": "push@acme-mobile-dev.iam.gserviceaccount.com"
}
"""

FILES["platform/integrations/hubspot/client.go"] = """\
package hubspot

const accessToken = "{{generic.api_key:U}}"
"""

FILES["platform/integrations/adyen/settings.ini"] = """\
[adyen]
environment = LIVE
api_key = "{{generic.api_key:P}}"
endpoint = https://1797a841fbb37ca7-AcmeShop-checkout-live.adyenpayments.com/checkout
"""

FILES["platform/integrations/paypal/.env.sandbox"] = """\
PAYPAL_MODE=sandbox
PAYPAL_CLIENT_SECRET={{generic.env_assignment:N}}
"""


# ------------------------------------------------------------------------------------------------


def render():
    named = {}
    labels = []
    outputs = {}
    for rel, template in FILES.items():
        out = []
        pos = 0
        for m in PLACEHOLDER.finditer(template):
            kind, verdict, name, as_json = m.group(1), m.group(2), m.group(3), m.group(4)
            if kind not in KINDS:
                sys.exit(f"{rel}: unknown kind {kind}")
            rule, gen = KINDS[kind]
            out.append(template[pos:m.start()])
            text_before = "".join(out)
            line = text_before.count("\n") + 1
            if name:
                value = named.setdefault(name, gen())
            else:
                value = gen()
            if isinstance(value, list):
                if as_json:
                    value = "\\n".join(value) + "\\n"
                else:
                    indent = text_before[text_before.rfind("\n") + 1:]
                    indent = indent if indent.strip() == "" else ""
                    value = ("\n" + indent).join(value)
            out.append(value)
            pos = m.end()
            labels.append((rel, line, rule, VERDICTS[verdict]))
        out.append(template[pos:])
        outputs[rel] = "".join(out)
    return outputs, labels


def main():
    outputs, labels = render()
    if os.path.isdir(OUT):
        # graph/ is written by make_graph_corpus.py
        for entry in os.listdir(OUT):
            if entry == "graph":
                continue
            path = os.path.join(OUT, entry)
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
    for rel, text in outputs.items():
        path = os.path.join(OUT, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", newline="\n") as f:
            f.write(text)
    labels.sort()
    with open(os.path.join(OUT, "labels.tsv"), "w", newline="\n") as f:
        f.write("# Production-reach labels for corpus/reach (generated by tests/reach/make_corpus.py).\n")
        f.write("# path<TAB>line<TAB>rule_id<TAB>expected verdict (production|non_production|unknown)\n")
        f.write("# Labelled as a security engineer reading this repository would: a credential is\n")
        f.write("# production when the environment it is configured for is production (per path, file,\n")
        f.write("# surrounding config or .reachscan.yaml), when its key form is live, or when the same\n")
        f.write("# value is used in production elsewhere; non_production when it is configured for a\n")
        f.write("# test, local, dev, staging or sandbox environment or is a test-form key; unknown when\n")
        f.write("# the repository does not say. All values are random and well-formed; none is real.\n")
        for rel, line, rule, verdict in labels:
            f.write(f"{rel}\t{line}\t{rule}\t{verdict}\n")
    counts = {}
    for *_, v in labels:
        counts[v] = counts.get(v, 0) + 1
    print(f"wrote {len(outputs)} files, {len(labels)} labels: {counts}")


if __name__ == "__main__":
    main()
