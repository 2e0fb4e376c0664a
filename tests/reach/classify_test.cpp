// The production-reach classifier, table-driven: one row per situation, asserting the verdict
// and the exact evidence signals (with their direction), then flags and framework tags.
#include "reach/classify.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

// NOTE: the tables use designated initializers and leave most fields at their defaults on
// purpose; GCC 12 warns about every omitted field even so.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif

namespace reachscan::reach {
namespace {

using V = ReachVerdict;

std::string b64url(const std::string& in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned buf = 0;
  int bits = 0;
  for (unsigned char c : in) {
    buf = (buf << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(buf >> bits) & 63u]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buf << (6 - bits)) & 63u]);
  return out;
}

// A structurally valid JWT with the given claims (the signature part is random-looking filler).
std::string jwt(const std::string& claims) {
  return b64url(R"({"alg":"HS256","typ":"JWT"})") + "." + b64url(claims) +
         ".Qm9vdHN0cmFwU2lnbmF0dXJlVjI";
}

// The environments map used by the config rows.
ReachConfig test_config() {
  auto cfg = parse_reach_config(R"(
environments:
  production:
    hosts: ['*.prod.acme.internal', 'payments-db-01.acme.net']
    aws_accounts: ['111122223333']
    gcp_projects: ['acme-prod-4471']
    namespaces: [payments, 'prod-*']
    clusters: ['gke_acme-prod_*', 'prod-eu']
    paths: ['ops/live/**']
    branches: [main, 'release/*']
  staging:
    hosts: ['*.staging.acme.internal']
    aws_accounts: ['444455556666']
    gcp_projects: ['acme-staging-*']
    namespaces: [staging, 'qa-*']
    clusters: [staging-eu]
    paths: ['ops/rehearsal/**']
    branches: [develop]
  canary:
    production: true
    namespaces: [edge]
  rehearsal:
    production: false
)",
                                "/repo/.reachscan.yaml");
  EXPECT_TRUE(cfg.ok()) << cfg.status().message();
  return cfg.ok() ? *cfg : ReachConfig{};
}

struct Row {
  std::string name;
  std::string rule = "generic.api_key";
  std::string variant;
  std::string path = "src/app/client.py";
  std::string text = "API_KEY = \"@S@\"\n";  // @S@ marks the secret
  V want = V::kUnknown;
  // Every evidence item as <direction><signal>: '+' production, '-' non-production, '0' info.
  std::set<std::string> signals;
  std::vector<std::string> flags;
  bool use_config = false;
  std::string secret = "Zq8xVw2LmT5rNc7Hd4Jk";
  std::optional<CommitInfo> commit;
  std::map<std::string, std::string> attributes;
  std::vector<std::string> frameworks_include;
};

Finding finding_for(const Row& r, std::string& text_out) {
  Finding f;
  f.rule_id = r.rule;
  f.variant = r.variant;
  f.path = "/repo/" + r.path;
  f.secret = r.secret;
  text_out = r.text;
  const std::size_t at = text_out.find("@S@");
  EXPECT_NE(at, std::string::npos) << r.name;
  text_out.replace(at, 3, r.secret);
  f.offset = at;
  f.line = 1 + static_cast<std::uint64_t>(std::count(
                   text_out.begin(), text_out.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  f.commit = r.commit;
  f.verification.attributes = r.attributes;
  return f;
}

std::set<std::string> signals_of(const Reach& reach) {
  std::set<std::string> out;
  for (const Evidence& e : reach.evidence)
    out.insert((e.weight > 0 ? "+" : e.weight < 0 ? "-" : "0") + e.signal);
  return out;
}

std::string dump(const Reach& r) {
  std::string s = std::string(to_string(r.verdict)) + " " + std::to_string(r.confidence) + "\n";
  for (const Evidence& e : r.evidence)
    s += "  " + e.signal + " " + std::to_string(e.weight) + ": " + e.detail + "\n";
  for (const std::string& f : r.flags) s += "  flag " + f + "\n";
  return s;
}

Reach run(const Row& r) {
  static const ReachConfig cfg = test_config();
  std::string text;
  const Finding f = finding_for(r, text);
  return classify(f, FileContext{f.path, text, f.offset, "/repo"},
                  r.use_config ? cfg : ReachConfig{});
}

void check(const std::vector<Row>& rows) {
  for (const Row& r : rows) {
    SCOPED_TRACE(r.name);
    const Reach got = run(r);
    EXPECT_EQ(to_string(got.verdict), std::string(to_string(r.want))) << dump(got);
    EXPECT_EQ(signals_of(got), r.signals) << dump(got);
    EXPECT_EQ(got.flags, r.flags) << dump(got);
    EXPECT_EQ(got.frameworks.at(0), "OWASP-NHI2");
    for (const std::string& t : r.frameworks_include)
      EXPECT_NE(std::find(got.frameworks.begin(), got.frameworks.end(), t), got.frameworks.end())
          << t << "\n"
          << dump(got);
    if (got.verdict == V::kUnknown)
      EXPECT_EQ(got.confidence, 0.0);
    else
      EXPECT_GT(got.confidence, 0.5);
    for (const Evidence& e : got.evidence) EXPECT_FALSE(e.detail.empty()) << e.signal;
  }
}

CommitInfo commit(std::vector<std::string> refs, bool in_head = true,
                  std::vector<std::string> touched = {}) {
  CommitInfo c;
  c.id = "0123456789abcdef0123456789abcdef01234567";
  c.refs = std::move(refs);
  c.in_head = in_head;
  c.touched = std::move(touched);
  return c;
}

// ---- each signal on its own ------------------------------------------------------------------

TEST(ReachClassify, NoEvidenceIsUnknown) {
  check({{.name = "plain source file", .want = V::kUnknown, .signals = {}}});
}

TEST(ReachClassify, KeyForm) {
  check({
      {.name = "live Stripe key",
       .rule = "stripe.secret_key.live",
       .variant = "live",
       .want = V::kProduction,
       .signals = {"+key_prefix", "0key_lifetime"},
       .frameworks_include = {"OWASP-NHI7"}},
      {.name = "test Stripe key",
       .rule = "stripe.secret_key.test",
       .variant = "test",
       .want = V::kNonProduction,
       .signals = {"-key_prefix", "0key_lifetime"}},
      {.name = "Plaid sandbox token",
       .rule = "plaid.access_token.sandbox",
       .variant = "test",
       .want = V::kNonProduction,
       .signals = {"-key_prefix", "0key_lifetime"}},
      {.name = "AKIA key: long-lived, says nothing about the environment",
       .rule = "aws.access_key_id",
       .want = V::kUnknown,
       .signals = {"0key_lifetime"},
       .frameworks_include = {"OWASP-NHI7"}},
      {.name = "ASIA key: short-lived",
       .rule = "aws.access_key_id.temporary",
       .want = V::kUnknown,
       .signals = {"0key_lifetime"}},
  });
}

TEST(ReachClassify, PathAndFileName) {
  check({
      {.name = "prod folder",
       .path = "deploy/prod/app.py",
       .want = V::kProduction,
       .signals = {"+path"}},
      {.name = "tests folder",
       .path = "tests/fixtures/keys.py",
       .want = V::kNonProduction,
       .signals = {"-path"}},
      {.name = "cassettes",
       .path = "spec/cassettes/charge.yml",
       .want = V::kNonProduction,
       .signals = {"-path"}},
      {.name = "examples",
       .path = "examples/quickstart/main.py",
       .want = V::kNonProduction,
       .signals = {"-path"}},
      {.name = ".env.production",
       .path = "web/.env.production",
       .want = V::kProduction,
       .signals = {"+file_name"}},
      {.name = "values-prod.yaml",
       .path = "chart/values-prod.yaml",
       .want = V::kProduction,
       .signals = {"+file_name"}},
      {.name = "appsettings.Development.json",
       .path = "gw/appsettings.Development.json",
       .want = V::kNonProduction,
       .signals = {"-file_name"}},
      {.name = "test file name",
       .path = "src/payments/test_refunds.py",
       .want = V::kNonProduction,
       .signals = {"-file_name"}},
      {.name = "Markdown documentation",
       .path = "guide.md",
       .want = V::kNonProduction,
       .signals = {"-file_name"}},
      {.name = "kustomize base",
       .path = "k8s/base/secret.yaml",
       .want = V::kProduction,
       .signals = {"+path"}},
      {.name = "compose override",
       .path = "docker-compose.override.yml",
       .want = V::kNonProduction,
       .signals = {"-file_name"}},
      {.name = "the scan root is not read: /repo is stripped, 'src' says nothing",
       .path = "src/x.py",
       .want = V::kUnknown,
       .signals = {}},
  });
}

TEST(ReachClassify, Content) {
  check({
      {.name = "enclosing production: block",
       .path = "config/database.yml",
       .text = "development:\n  password: dev\nproduction:\n  adapter: pg\n  password: @S@\n",
       .want = V::kProduction,
       .signals = {"+enclosing_block"}},
      {.name = "enclosing test: block",
       .path = "config/database.yml",
       .text = "test:\n  adapter: pg\n  password: @S@\nproduction:\n  password: x\n",
       .want = V::kNonProduction,
       .signals = {"-enclosing_block"}},
      {.name = "INI section [prod]",
       .path = "ops/credentials",
       .text = "[default]\nregion = eu\n\n[prod]\naws_secret_access_key = @S@\n",
       .want = V::kProduction,
       .signals = {"+enclosing_block"}},
      {.name = "NODE_ENV=production: a run mode, weaker",
       .path = "svc/.env",
       .text = "NODE_ENV=production\nAPI_KEY=@S@\n",
       .want = V::kProduction,
       .signals = {"+runtime_env"}},
      {.name = "RAILS_ENV development",
       .path = "svc/.env",
       .text = "export RAILS_ENV=development\nexport API_KEY=@S@\n",
       .want = V::kNonProduction,
       .signals = {"-runtime_env"}},
      {.name = "ENVIRONMENT names the deployment environment",
       .path = "svc/.env",
       .text = "ENVIRONMENT=staging\nAPI_KEY=@S@\n",
       .want = V::kNonProduction,
       .signals = {"-env_var"}},
      {.name = "ASPNETCORE_ENVIRONMENT in a compose service",
       .path = "compose.yaml",
       .text = "services:\n  gateway:\n    environment:\n      - ASPNETCORE_ENVIRONMENT=Staging\n"
               "      - API_KEY=@S@\n  worker:\n    environment:\n      - APP_ENV=production\n",
       .want = V::kNonProduction,
       .signals = {"-runtime_env"}},
      {.name = "Kubernetes env list NODE_ENV",
       .path = "manifests/api.yaml",
       .text = "spec:\n  containers:\n  - name: api\n    env:\n    - name: NODE_ENV\n"
               "      value: production\n    - name: API_KEY\n      value: @S@\n",
       .want = V::kProduction,
       .signals = {"+runtime_env"}},
      {.name = "Kubernetes namespace",
       .path = "manifests/secret.yaml",
       .text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\n  namespace: prod-payments\n"
               "stringData:\n  API_KEY: @S@\n",
       .want = V::kProduction,
       .signals = {"+namespace"}},
      {.name = "namespace of another YAML document does not count",
       .path = "manifests/all.yaml",
       .text = "kind: Namespace\nmetadata:\n  namespace: production\n---\nkind: Secret\n"
               "stringData:\n  API_KEY: @S@\n",
       .want = V::kUnknown,
       .signals = {}},
      {.name = "namespace qa",
       .path = "manifests/secret.yaml",
       .text = "metadata:\n  namespace: qa\nstringData:\n  API_KEY: @S@\n",
       .want = V::kNonProduction,
       .signals = {"-namespace"}},
      {.name = "GitHub Actions environment: production",
       .path = ".github/workflows/pipeline.yml",
       .text = "jobs:\n  build:\n    environment: staging\n    runs-on: x\n  ship:\n"
               "    environment:\n      name: production\n    env:\n      API_KEY: @S@\n",
       .want = V::kProduction,
       .signals = {"+ci_environment"}},
      {.name = "GitLab job environment staging",
       .path = ".gitlab-ci.yml",
       .text = "ship_job:\n  environment:\n    name: staging\n  variables:\n"
               "    API_KEY: @S@\n  script:\n    - ./ship.sh\n",
       .want = V::kNonProduction,
       .signals = {"-ci_environment"}},
      {.name = "CI deploy step alone",
       .path = ".github/workflows/ship.yml",
       .text = "jobs:\n  ship:\n    env:\n      API_KEY: @S@\n    steps:\n"
               "      - run: helm upgrade api ./chart\n",
       .want = V::kProduction,
       .signals = {"+ci_deploy"}},
      {.name = "Terraform workspace",
       .path = "infra/main.tf",
       .text = "variable \"environment\" {\n  default = \"prod\"\n}\n"
               "resource \"x\" \"y\" {\n  api_key = \"@S@\"\n}\n",
       .want = V::kProduction,
       .signals = {"+terraform_workspace"}},
      {.name = "terraform workspace select",
       .path = "scripts/plan.sh",
       .text = "terraform workspace select staging\nexport API_KEY=@S@\n",
       .want = V::kNonProduction,
       .signals = {"-terraform_workspace"}},
      {.name = "kube context",
       .path = "scripts/rollout.sh",
       .text = "kubectl config use-context prod-eu-1\nexport API_KEY=@S@\n",
       .want = V::kProduction,
       .signals = {"+cluster"}},
      {.name = "GCP project in a service-account file",
       .path = "keys/sa.json",
       .text = "{\n  \"type\": \"service_account\",\n  \"project_id\": \"acme-staging-2210\",\n"
               "  \"private_key\": \"@S@\"\n}\n",
       .want = V::kNonProduction,
       .signals = {"-cloud_project"}},
      {.name = "Spring profile",
       .path = "svc/application.properties",
       .text = "spring.profiles.active=prod\napi.key=@S@\n",
       .want = V::kProduction,
       .signals = {"+runtime_env"}},
  });
}

TEST(ReachClassify, Hosts) {
  check({
      {.name = "connection string to localhost",
       .rule = "uri.postgres",
       .path = "app/settings.py",
       .text = "DATABASE_URL = 'postgres://app:@S@@localhost:5432/app'\n",
       .want = V::kNonProduction,
       .signals = {"-host", "0key_lifetime"}},
      {.name = "connection string to a prod-named host",
       .rule = "uri.postgres",
       .path = "app/settings.py",
       .text = "DATABASE_URL = 'postgres://app:@S@@db.prod.acme.io:5432/app'\n",
       .want = V::kProduction,
       .signals = {"+host", "0key_lifetime"}},
      {.name = "the credential's own host beats a nearby URL",
       .rule = "uri.redis",
       .path = "app/settings.py",
       .text = "APP_URL = 'http://localhost:3000'\nREDIS_URL = "
               "'redis://:@S@@cache.prod.acme.io:6379'\n",
       .want = V::kProduction,
       .signals = {"+host", "0key_lifetime"}},
      {.name = "reserved documentation domain",
       .rule = "uri.mysql",
       .path = "app/settings.py",
       .text = "DB = 'mysql://app:@S@@db.example.com/app'\n",
       .want = V::kNonProduction,
       .signals = {"-reserved_host", "0key_lifetime"}},
      {.name = "nearby host key",
       .path = "app/.env",
       .text = "DB_HOST=staging-db.acme.io\nDB_PASSWORD=@S@\n",
       .want = V::kNonProduction,
       .signals = {"-host"}},
      {.name = "PayPal sandbox endpoint next to the key",
       .path = "app/paypal.py",
       .text = "BASE = 'https://api-m.sandbox.paypal.com'\nAPI_KEY = '@S@'\n",
       .want = V::kNonProduction,
       .signals = {"-provider_host"}},
      {.name = "Plaid production endpoint",
       .path = "app/plaid.py",
       .text = "PLAID_URL = 'https://production.plaid.com'\nAPI_KEY = '@S@'\n",
       .want = V::kProduction,
       .signals = {"+provider_host"}},
      {.name = "provider mode PLAID_ENV=sandbox",
       .path = "app/.env",
       .text = "PLAID_ENV=sandbox\nPLAID_SECRET=@S@\n",
       .want = V::kNonProduction,
       .signals = {"-provider_mode"}},
      {.name = "another provider's mode says nothing about this key",
       .path = "app/.env",
       .text = "PLAID_ENV=sandbox\nSTRIPE_API_KEY=@S@\n",
       .want = V::kUnknown,
       .signals = {}},
      {.name = "provider mode sandbox: true",
       .path = "app/payments.yml",
       .text = "adyen:\n  sandbox: true\n  api_key: @S@\n",
       .want = V::kNonProduction,
       .signals = {"-provider_mode"}},
      {.name = "Azure DevOps host is not a dev environment",
       .path = "app/.env",
       .text = "AZDO_URL=https://dev.azure.com/acme\nAZDO_TOKEN=@S@\n",
       .want = V::kUnknown,
       .signals = {}},
  });
}

TEST(ReachClassify, Jwt) {
  check({
      {.name = "JWT issued by a staging IdP, with expiry",
       .rule = "jwt",
       .path = "svc/client.py",
       .text = "TOKEN = '@S@'\n",
       .want = V::kNonProduction,
       .signals = {"-jwt_claim", "0jwt_expiry"},
       .secret =
           jwt(R"({"iss":"https://auth.staging.acme.io","exp":1767225600,"iat":1767139200})")},
      {.name = "JWT without exp never expires",
       .rule = "jwt",
       .path = "svc/client.py",
       .text = "TOKEN = '@S@'\n",
       .want = V::kProduction,
       .signals = {"+jwt_claim", "0key_lifetime"},
       .secret = jwt(R"({"iss":"https://login.acme.io","aud":["billing-prod"]})"),
       .frameworks_include = {"OWASP-NHI7"}},
      {.name = "verifier attributes are used when present",
       .rule = "jwt",
       .path = "svc/client.py",
       .text = "TOKEN = '@S@'\n",
       .want = V::kNonProduction,
       .signals = {"-jwt_claim", "0jwt_expiry"},
       .secret = jwt(R"({"iss":"https://login.acme.io"})"),
       .attributes = {{"iss", "https://idp.dev.acme.io"}, {"exp", "1767225600"}}},
  });
}

TEST(ReachClassify, Git) {
  check({
      // Issue 11: git context alone (a release branch, a commit that also changed a deploy
      // workflow) says where the commit went, not where the file is deployed: it never decides.
      {.name = "release branch alone does not decide",
       .want = V::kUnknown,
       .signals = {"+git_branch"},
       .commit = commit({"refs/heads/release/2.1"})},
      {.name = "default branch alone is not enough",
       .want = V::kUnknown,
       .signals = {"+git_branch"},
       .commit = commit({"refs/heads/main"})},
      {.name = "feature branch only",
       .want = V::kUnknown,
       .signals = {"-git_branch"},
       .commit = commit({"refs/heads/feature/login"})},
      {.name = "best ref is reported, still not deciding",
       .want = V::kUnknown,
       .signals = {"+git_branch"},
       .commit = commit({"refs/heads/feature/x", "refs/tags/v1.4.0"})},
      {.name = "removed from HEAD: recorded, not safe",
       .want = V::kUnknown,
       .signals = {"0git_history"},
       .commit = commit({}, false)},
      {.name = "introducing commit touched a deploy workflow: does not decide",
       .want = V::kUnknown,
       .signals = {"+git_deploy_commit"},
       .commit = commit({}, true, {".github/workflows/deploy.yml", "README.md"})},
      {.name = "git context adds to other evidence",
       .path = "ops/app.env",
       .text = "NODE_ENV=production\nAPI_KEY=@S@\n",
       .want = V::kProduction,
       .signals = {"+runtime_env", "-git_branch"},
       .commit = commit({"refs/heads/feature/login"})},
  });
}

// Issue 11 regressions: words that look like environments and are not, and weak hints that
// outvoted a production file name.
TEST(ReachClassify, Issue11Words) {
  check({
      {.name = "non-prod is not prod (folder)",
       .path = "live/non-prod/account.hcl",
       .want = V::kNonProduction,
       .signals = {"-path"}},
      {.name = "non-prod is not prod (nested folder)",
       .path = "variants/non-prod/app/config.yaml",
       .want = V::kNonProduction,
       .signals = {"-path"}},
      {.name = "dev-team is a team, not an environment",
       .path = "tenants/base/dev-team/secret.yaml",
       .want = V::kUnknown,
       .signals = {}},
      {.name = "values-prod.yaml is not outvoted by a nearby example host",
       .path = "charts/api/values-prod.yaml",
       .text = "apiUrl: https://api.example.com/v1\napiKey: @S@\n",
       .want = V::kProduction,
       .signals = {"+file_name", "-host"}},
      {.name = "the credential's own reserved host still decides",
       .rule = "uri.postgres",
       .path = "charts/api/values-prod.yaml",
       .text = "url: postgres://app:@S@@db.example.com:5432/app\n",
       .want = V::kNonProduction,
       .signals = {"+file_name", "-reserved_host", "0key_lifetime"}},
  });
}

// ---- combinations -----------------------------------------------------------------------------

TEST(ReachClassify, Combinations) {
  check({
      {.name = "live key under tests: production, flagged",
       .rule = "stripe.secret_key.live",
       .variant = "live",
       .path = "tests/fixtures/charges.py",
       .want = V::kProduction,
       .signals = {"+key_prefix", "-path", "0key_lifetime"},
       .flags = {"live_secret_in_non_production"},
       .frameworks_include = {"OWASP-NHI8", "NIST-CSF-PR.IR-01"}},
      {.name = "live key in staging config: production, flagged",
       .rule = "stripe.secret_key.live",
       .variant = "live",
       .path = "config/.env.staging",
       .want = V::kProduction,
       .signals = {"+key_prefix", "-file_name", "0key_lifetime"},
       .flags = {"live_secret_in_non_production"}},
      {.name = "test key in .env.production: the key form wins",
       .rule = "stripe.secret_key.test",
       .variant = "test",
       .path = "web/.env.production",
       .want = V::kNonProduction,
       .signals = {"-key_prefix", "+file_name", "0key_lifetime"}},
      {.name = "nested environment folders: the innermost counts",
       .path = "terraform/live/stage/rds/terragrunt.hcl",
       .want = V::kNonProduction,
       .signals = {"-path"}},
      {.name = "deploy/staging: strongest marker each way, summed",
       .path = "deploy/staging/app.py",
       .want = V::kNonProduction,
       .signals = {"+path", "-path"}},
      {.name = "tests/fixtures/cassettes do not stack",
       .path = "tests/fixtures/cassettes/prod.yml",
       .text = "API_KEY: @S@\n",
       .want = V::kUnknown,
       .signals = {"-path", "+file_name"}},
      {.name = "production env file copied into tests: flagged",
       .path = "tests/fixtures/app.env",
       .text = "DEPLOY_ENV=production\nAPI_KEY=@S@\n",
       .want = V::kUnknown,
       .signals = {"-path", "+env_var"},
       .flags = {"live_secret_in_non_production"}},
      {.name = "overlay + namespace + CI agree",
       .path = "k8s/overlays/production/secret.yaml",
       .text = "metadata:\n  namespace: prod-web\nstringData:\n  API_KEY: @S@\n",
       .want = V::kProduction,
       .signals = {"+path", "+namespace"}},
      {.name = "staging workflow that deploys",
       .path = ".github/workflows/deploy-staging.yml",
       .text = "jobs:\n  ship:\n    environment: staging\n    env:\n      API_KEY: @S@\n"
               "    steps:\n      - run: kubectl apply -f k8s/\n",
       .want = V::kNonProduction,
       .signals = {"+file_name", "-file_name", "-ci_environment", "+ci_deploy"}},
      {.name = "sandbox URL cancels a live form; context decides",
       .rule = "stripe.secret_key.live",
       .variant = "live",
       .path = "deploy/prod/pay.py",
       .text = "BASE = 'https://api-m.sandbox.paypal.com'\nKEY = '@S@'\n",
       .want = V::kProduction,
       .signals = {"+key_prefix", "-provider_host", "+path", "0key_lifetime"}},
      {.name = "a sandbox host is judged once, as a provider endpoint",
       .path = "src/pay.py",
       .text = "BASE = 'https://api.sandbox.braintreegateway.com'\nKEY = '@S@'\n",
       .want = V::kNonProduction,
       .signals = {"-provider_host"}},
  });
}

TEST(ReachClassify, ConfigBeatsHeuristics) {
  check({
      {.name = "config path",
       .path = "ops/live/app.py",
       .want = V::kProduction,
       .signals = {"+config_path", "+path"},
       .use_config = true},
      {.name = "config namespace in tests: production, flagged",
       .path = "tests/k8s/secret.yaml",
       .text = "metadata:\n  namespace: payments\nstringData:\n  API_KEY: @S@\n",
       .want = V::kProduction,
       .signals = {"+config_namespace", "-path"},
       .flags = {"live_secret_in_non_production"},
       .use_config = true},
      {.name = "config staging host beats a production overlay path",
       .rule = "uri.postgres",
       .path = "k8s/overlays/production/db.yaml",
       .text = "url: postgres://app:@S@@db.staging.acme.internal:5432/app\n",
       .want = V::kNonProduction,
       .signals = {"-config_host", "+path", "-host", "0key_lifetime"},
       .use_config = true},
      {.name = "config production host without any heuristic",
       .rule = "uri.mysql",
       .path = "src/db.py",
       .text = "DB = 'mysql://svc:@S@@payments-db-01.acme.net/pay'\n",
       .want = V::kProduction,
       .signals = {"+config_host", "0key_lifetime"},
       .use_config = true},
      {.name = "config canary namespace (production: true) beats 'qa' words",
       .path = "qa/manifests/secret.yaml",
       .text = "metadata:\n  namespace: edge\nstringData:\n  API_KEY: @S@\n",
       .want = V::kProduction,
       .signals = {"+config_namespace", "-path"},
       .flags = {"live_secret_in_non_production"},
       .use_config = true},
      {.name = "config AWS account from verifier attributes",
       .rule = "aws.access_key_id",
       .path = "tests/aws.py",
       .want = V::kProduction,
       .signals = {"+config_aws_account", "-path", "0key_lifetime"},
       .flags = {"live_secret_in_non_production"},
       .use_config = true,
       .attributes = {{"aws_account_id", "111122223333"}}},
      {.name = "config AWS account in an ARN",
       .path = "infra/roles.tf",
       .text = "role_arn = \"arn:aws:iam::444455556666:role/ci\"\napi_key = \"@S@\"\n",
       .want = V::kNonProduction,
       .signals = {"-config_aws_account"},
       .use_config = true},
      {.name = "config GCP project from content",
       .path = "keys/sa.json",
       .text = "{\n  \"project_id\": \"acme-prod-4471\",\n  \"private_key\": \"@S@\"\n}\n",
       .want = V::kProduction,
       .signals = {"+config_gcp_project", "+cloud_project"},
       .use_config = true},
      {.name = "config cluster from an EKS ARN",
       .path = "scripts/ship.sh",
       .text = "CLUSTER=arn:aws:eks:eu-west-1:999988887777:cluster/prod-eu\nexport API_KEY=@S@\n",
       .want = V::kProduction,
       .signals = {"+config_cluster", "+cluster"},
       .use_config = true},
      {.name = "config branch beats a test folder",
       .path = "spec/support/keys.rb",
       .want = V::kProduction,
       .signals = {"+config_branch", "+git_branch", "-path"},
       .flags = {"live_secret_in_non_production"},
       .use_config = true,
       .commit = commit({"refs/heads/release/3.0"})},
      {.name = "NODE_ENV=production in a staging path: a run mode, not the environment",
       .path = "ops/rehearsal/web.env",
       .text = "NODE_ENV=production\nAPI_KEY=@S@\n",
       .want = V::kNonProduction,
       .signals = {"-config_path", "+runtime_env"},
       .use_config = true},
      {.name = "config environment name: a custom name the words do not know",
       .path = "deploy/prod/app.env",
       .text = "DEPLOY_ENV=rehearsal\nAPI_KEY=@S@\n",
       .want = V::kNonProduction,
       .signals = {"-config_environment", "+path"},
       .use_config = true},
      {.name = "config environment names that the words already say are not repeated",
       .path = "src/app.env",
       .text = "DEPLOY_ENV=staging\nAPI_KEY=@S@\n",
       .want = V::kNonProduction,
       .signals = {"-env_var"},
       .use_config = true},
      {.name = "config: production wins a conflict inside the map",
       .path = "ops/rehearsal/app.yaml",
       .text = "metadata:\n  namespace: payments\nstringData:\n  API_KEY: @S@\n",
       .want = V::kProduction,
       .signals = {"+config_namespace", "-config_path"},
       .flags = {"live_secret_in_non_production"},
       .use_config = true},
      {.name = "the key form still beats the map",
       .rule = "stripe.secret_key.live",
       .variant = "live",
       .path = "ops/rehearsal/pay.env",
       .want = V::kProduction,
       .signals = {"+key_prefix", "-config_path", "0key_lifetime"},
       .flags = {"live_secret_in_non_production"},
       .use_config = true},
      {.name = "empty config: heuristics only",
       .path = "ops/live/app.py",
       .want = V::kProduction,
       .signals = {"+path"}},
  });
}

TEST(ReachClassify, ConfidenceGrowsWithEvidenceAndDropsOnDisagreement) {
  const Reach one = run({.name = "a", .path = "k8s/overlays/production/x.yaml"});
  const Reach two = run({.name = "b",
                         .path = "k8s/overlays/production/x.yaml",
                         .text = "metadata:\n  namespace: prod\nx: @S@\n"});
  EXPECT_LT(one.confidence, two.confidence);
  const Reach agree = run({.name = "c",
                           .rule = "stripe.secret_key.live",
                           .variant = "live",
                           .path = "deploy/prod/x.py"});
  const Reach disagree =
      run({.name = "d", .rule = "stripe.secret_key.live", .variant = "live", .path = "tests/x.py"});
  EXPECT_GT(agree.confidence, disagree.confidence);
  EXPECT_LE(agree.confidence, 1.0);
}

TEST(ReachClassify, EvidenceIsOrderedByTierAndExplainsItself) {
  const Reach r = run({.name = "ordered",
                       .rule = "stripe.secret_key.live",
                       .variant = "live",
                       .path = "k8s/overlays/production/x.yaml",
                       .use_config = true});
  ASSERT_GE(r.evidence.size(), 2u);
  EXPECT_EQ(r.evidence[0].signal, "key_prefix");
  EXPECT_NE(r.evidence[0].detail.find("sk_live_"), std::string::npos) << r.evidence[0].detail;
  bool path = false;
  for (const Evidence& e : r.evidence)
    if (e.signal == "path") path = e.detail.find("production") != std::string::npos;
  EXPECT_TRUE(path) << dump(r);
}

TEST(ReachClassify, RobustToOddInput) {
  Finding f;
  f.rule_id = "generic.api_key";
  f.path = "x";
  const Reach a = classify(f, FileContext{"x", "", 99, ""}, ReachConfig{});
  EXPECT_EQ(a.verdict, V::kUnknown);
  const std::string huge(3u << 20, 'a');
  const Reach b = classify(f, FileContext{"x", huge, huge.size() / 2, ""}, ReachConfig{});
  EXPECT_EQ(b.verdict, V::kUnknown);
  // Claims that are not dates.
  Finding j = f;
  j.rule_id = "jwt";
  j.secret = jwt(R"({"iss":"x","exp":1e300,"iat":-1e300})");
  const std::string text = "t = " + j.secret + "\n";
  const Reach d = classify(j, FileContext{"x", text, 4, ""}, ReachConfig{});
  EXPECT_EQ(d.verdict, V::kUnknown);
  static constexpr char kBinary[] = "\0\0key: \xff\xfe\n\0";
  const std::string binaryish(kBinary, sizeof kBinary - 1);
  const Reach c = classify(f, FileContext{"x", binaryish, 4, ""}, ReachConfig{});
  EXPECT_EQ(c.verdict, V::kUnknown);
}

// Random mixes of structural tokens at random offsets: no crash, no exception, a valid verdict.
TEST(ReachClassify, RandomTextDoesNotBreakIt) {
  static const char* kTokens[] = {"\n",        "  ",         "- ",      ":",        "=",
                                  "{",         "}",          "[",       "]",        "\"",
                                  "'",         "#",          "---\n",   "[prod]\n", "key",
                                  "env",       "production", "staging", "://",      "@",
                                  "localhost", "namespace:", "--env ",  "arn:aws:", "eyJ",
                                  ".",         "\t",         "${X}",    "\r\n",     "value"};
  const ReachConfig cfg = test_config();
  unsigned x = 12345;
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
  };
  for (int round = 0; round < 400; ++round) {
    std::string text;
    const unsigned n = next() % 200;
    for (unsigned i = 0; i < n; ++i) text += kTokens[next() % (sizeof kTokens / sizeof *kTokens)];
    Finding f;
    f.rule_id = round % 3 == 0 ? "jwt" : "generic.api_key";
    f.secret = round % 3 == 0 ? "eyJ" + text.substr(0, 20) + ".eyJ.x" : "Zq8xVw2LmT5rNc7Hd4Jk";
    f.path = round % 2 ? "k8s/overlays/production/x.yaml" : "tests/x.yml";
    f.line = next() % 50;
    const std::size_t offset = text.empty() ? 0 : next() % (text.size() + 10);
    const Reach r =
        classify(f, FileContext{f.path, text, offset, ""}, round % 2 ? cfg : ReachConfig{});
    EXPECT_GE(r.confidence, 0.0);
    EXPECT_LE(r.confidence, 1.0);
  }
}

TEST(ReachPolicy, AtLeastAndParse) {
  EXPECT_TRUE(at_least(V::kProduction, V::kProduction));
  EXPECT_TRUE(at_least(V::kProduction, V::kUnknown));
  EXPECT_TRUE(at_least(V::kUnknown, V::kUnknown));
  EXPECT_FALSE(at_least(V::kNonProduction, V::kUnknown));
  EXPECT_FALSE(at_least(V::kUnknown, V::kProduction));
  EXPECT_TRUE(at_least(V::kNonProduction, V::kNonProduction));
  EXPECT_EQ(parse_verdict("production"), V::kProduction);
  EXPECT_EQ(parse_verdict("non-production"), V::kNonProduction);
  EXPECT_EQ(parse_verdict("non_production"), V::kNonProduction);
  EXPECT_EQ(parse_verdict("Unknown"), V::kUnknown);
  EXPECT_FALSE(parse_verdict("prod").has_value());
}

TEST(ReachSignalData, EmbeddedDataLoads) {
  const Status s = check_signal_data();
  EXPECT_TRUE(s.ok()) << s.message();
}

}  // namespace
}  // namespace reachscan::reach
