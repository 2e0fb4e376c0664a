// The deployment model (reach/deployment.h): one table per reader, each row a small tree, a
// path, how it is reached (production / non-production) and the chain named in the evidence.
// Then hostile trees (cycles, escaping paths, bad YAML, 10,000 overlays) and the classifier
// with a model (label and reasons).
#include "reach/deployment.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "reach/classify.h"

namespace reachscan::reach {
namespace {

// A tree held in memory.
class MapTree : public TreeReader {
 public:
  explicit MapTree(std::map<std::string, std::string> files) : files_(std::move(files)) {}
  std::vector<std::string> paths() const override {
    std::vector<std::string> out;
    for (const auto& [p, text] : files_) out.push_back(p);
    return out;
  }
  std::optional<std::string> read(const std::string& path, std::size_t max_bytes) const override {
    const auto it = files_.find(path);
    if (it == files_.end()) return std::nullopt;
    return it->second.substr(0, max_bytes);
  }

 private:
  std::map<std::string, std::string> files_;
};

struct Expect {
  Expect(std::string p, bool prod, bool non_prod, std::string prod_chain = {},
         std::string non_prod_chain = {})
      : path(std::move(p)),
        production(prod),
        non_production(non_prod),
        production_chain(std::move(prod_chain)),
        non_production_chain(std::move(non_prod_chain)) {}
  std::string path;
  bool production = false;
  bool non_production = false;
  std::string production_chain;      // exact, when not empty
  std::string non_production_chain;  // exact, when not empty
};

void check(const std::map<std::string, std::string>& files, const std::vector<Expect>& rows) {
  const MapTree tree(files);
  const DeploymentModel m = build_deployment_model(tree);
  std::string notes;
  for (const std::string& n : m.notes()) notes += "  note: " + n + "\n";
  for (const Expect& e : rows) {
    SCOPED_TRACE(e.path);
    const auto r = m.reach(e.path);
    if (!e.production && !e.non_production) {
      EXPECT_FALSE(r.has_value()) << (r ? r->production_chain + " | " + r->non_production_chain
                                        : std::string())
                                  << "\n"
                                  << notes;
      continue;
    }
    ASSERT_TRUE(r.has_value()) << notes;
    EXPECT_EQ(r->production, e.production) << r->production_chain << "\n" << notes;
    EXPECT_EQ(r->non_production, e.non_production) << r->non_production_chain << "\n" << notes;
    if (!e.production_chain.empty()) {
      EXPECT_EQ(r->production_chain, e.production_chain);
    }
    if (!e.non_production_chain.empty()) {
      EXPECT_EQ(r->non_production_chain, e.non_production_chain);
    }
  }
}

const char* flux_kustomization(const char* name, const char* path) {
  static std::vector<std::string> keep;
  keep.push_back(std::string("apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n") +
                 "metadata:\n  name: " + name +
                 "\n  namespace: flux-system\nspec:\n  interval: 10m\n" + "  path: " + path +
                 "\n  prune: true\n  sourceRef:\n    kind: GitRepository\n" +
                 "    name: flux-system\n");
  return keep.back().c_str();
}

TEST(ReachDeployment, KustomizeAndFlux) {
  check(
      {
          {"clusters/production/apps.yaml", flux_kustomization("apps", "./apps/production")},
          {"clusters/staging/apps.yaml", flux_kustomization("apps", "./apps/staging")},
          {"apps/base/podinfo/kustomization.yaml",
           "resources:\n  - namespace.yaml\n  - release.yaml\n"},
          {"apps/base/podinfo/namespace.yaml", "kind: Namespace\n"},
          {"apps/base/podinfo/release.yaml", "kind: HelmRelease\n"},
          {"apps/base/podinfo/unused.yaml", "kind: ConfigMap\n"},
          {"apps/production/kustomization.yaml",
           "namespace: podinfo\nresources:\n  - ../base/podinfo\npatches:\n"
           "  - path: podinfo-values.yaml\n    target:\n      kind: HelmRelease\n"},
          {"apps/production/podinfo-values.yaml", "kind: HelmRelease\n"},
          {"apps/staging/kustomization.yaml",
           "resources:\n  - ../base/podinfo\nsecretGenerator:\n  - name: creds\n"
           "    envs: [creds.env]\n    files: [token=token.txt]\n"},
          {"apps/staging/creds.env", "TOKEN=x\n"},
          {"apps/staging/token.txt", "x\n"},
      },
      {
          {"apps/base/podinfo/release.yaml", true, true,
           "apps/base/podinfo/release.yaml <- apps/base/podinfo/kustomization.yaml <- "
           "apps/production/kustomization.yaml <- clusters/production/apps.yaml (cluster "
           "production)",
           "apps/base/podinfo/release.yaml <- apps/base/podinfo/kustomization.yaml <- "
           "apps/staging/kustomization.yaml <- clusters/staging/apps.yaml (cluster staging)"},
          {"apps/production/podinfo-values.yaml", true, false},
          {"apps/staging/creds.env", false, true},
          {"apps/staging/token.txt", false, true},
          {"apps/base/podinfo/unused.yaml", false, false},
      });
}

TEST(ReachDeployment, OverlaysCarryTheirFolderOrNamespace) {
  check(
      {
          {"k8s/base/kustomization.yaml", "resources: [deployment.yaml]\n"},
          {"k8s/base/deployment.yaml", "kind: Deployment\n"},
          {"k8s/overlays/prod-eu/kustomization.yaml", "resources: [../../base]\n"},
          {"k8s/overlays/blue/kustomization.yaml",
           "namespace: payments-staging\nresources: [../../base]\n"},
          // A team folder is not an environment (issue 11).
          {"tenants/base/dev-team/kustomization.yaml", "resources: [rbac.yaml]\n"},
          {"tenants/base/dev-team/rbac.yaml", "kind: Role\n"},
      },
      {
          {"k8s/base/deployment.yaml", true, true,
           "k8s/base/deployment.yaml <- k8s/base/kustomization.yaml <- "
           "k8s/overlays/prod-eu/kustomization.yaml (overlay prod-eu)",
           "k8s/base/deployment.yaml <- k8s/base/kustomization.yaml <- "
           "k8s/overlays/blue/kustomization.yaml (overlay namespace payments-staging)"},
          {"tenants/base/dev-team/rbac.yaml", false, false},
      });
}

TEST(ReachDeployment, ArgoCdAndHelm) {
  const std::string app =
      "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: api\n"
      "spec:\n  project: default\n  source:\n    repoURL: https://git.example.net/x.git\n"
      "    path: charts/api\n    helm:\n      valueFiles:\n        - VALUES\n"
      "  destination:\n    server: https://kubernetes.default.svc\n    namespace: NS\n";
  auto make = [&](const std::string& values, const std::string& ns) {
    std::string s = app;
    s.replace(s.find("VALUES"), 6, values);
    s.replace(s.find("NS"), 2, ns);
    return s;
  };
  check(
      {
          {"argocd/apps/api-prod.yaml", make("values-prod.yaml", "api-production")},
          {"argocd/apps/api-qa.yaml", make("values-qa.yaml", "api-qa")},
          {"charts/api/Chart.yaml", "name: api\nversion: 1.0.0\n"},
          {"charts/api/values.yaml", "replicas: 1\n"},
          {"charts/api/values-prod.yaml", "replicas: 3\n"},
          {"charts/api/values-qa.yaml", "replicas: 1\n"},
          {"charts/api/values-unused.yaml", "replicas: 1\n"},
          {"charts/api/templates/secret.yaml", "kind: Secret\n{{ .Values.x }}\n"},
      },
      {
          {"charts/api/templates/secret.yaml", true, true,
           "charts/api/templates/secret.yaml <- charts/api/templates/ <- charts/api/Chart.yaml "
           "<- argocd/apps/api-prod.yaml (app api-prod)"},
          {"charts/api/values.yaml", true, true},
          {"charts/api/values-prod.yaml", true, false,
           "charts/api/values-prod.yaml <- argocd/apps/api-prod.yaml (app api-prod)"},
          {"charts/api/values-qa.yaml", false, true},
          {"charts/api/values-unused.yaml", false, false},
      });
}

TEST(ReachDeployment, ArgoCdApplicationSetListGenerator) {
  check(
      {
          {"appsets/guestbook.yaml",
           "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: guestbook\n"
           "spec:\n  generators:\n    - list:\n        elements:\n"
           "          - cluster: production\n            url: https://10.0.0.1\n"
           "          - cluster: staging\n            url: https://10.0.0.2\n"
           "  template:\n    metadata:\n      name: '{{cluster}}-guestbook'\n    spec:\n"
           "      source:\n        path: apps/guestbook/{{cluster}}\n"
           "      destination:\n        server: '{{url}}'\n"},
          {"apps/guestbook/production/kustomization.yaml", "resources: [../base]\n"},
          {"apps/guestbook/staging/kustomization.yaml", "resources: [../base, debug.yaml]\n"},
          {"apps/guestbook/staging/debug.yaml", "kind: ConfigMap\n"},
          {"apps/guestbook/base/kustomization.yaml", "resources: [deploy.yaml]\n"},
          {"apps/guestbook/base/deploy.yaml", "kind: Deployment\n"},
      },
      {
          {"apps/guestbook/base/deploy.yaml", true, true,
           "apps/guestbook/base/deploy.yaml <- apps/guestbook/base/kustomization.yaml <- "
           "apps/guestbook/production/kustomization.yaml <- appsets/guestbook.yaml#element/0 "
           "(ApplicationSet element cluster=production)"},
          {"apps/guestbook/staging/debug.yaml", false, true},
      });
}

TEST(ReachDeployment, FluxHelmReleaseAndHelmfile) {
  check(
      {
          {"clusters/prod/podinfo.yaml",
           "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\n"
           "spec:\n  chart:\n    spec:\n      chart: ./charts/podinfo\n      valuesFiles:\n"
           "        - ./charts/podinfo/values-production.yaml\n"},
          {"charts/podinfo/Chart.yaml", "name: podinfo\n"},
          {"charts/podinfo/values.yaml", "a: 1\n"},
          {"charts/podinfo/values-production.yaml", "a: 2\n"},
          {"helmfile.yaml",
           "environments:\n  production:\n    values: [env/production.yaml]\n  staging:\n"
           "    values: [env/staging.yaml]\nreleases:\n  - name: web\n    chart: ./charts/web\n"
           "    values:\n      - values/{{ .Environment.Name }}.yaml\n"},
          {"env/production.yaml", "x: 1\n"},
          {"env/staging.yaml", "x: 1\n"},
          {"charts/web/Chart.yaml", "name: web\n"},
          {"charts/web/templates/deploy.yaml", "kind: Deployment\n"},
          {"values/production.yaml", "x: 1\n"},
          {"values/staging.yaml", "x: 1\n"},
      },
      {
          {"charts/podinfo/values.yaml", true, false,
           "charts/podinfo/values.yaml <- charts/podinfo/Chart.yaml <- clusters/prod/podinfo.yaml "
           "(cluster prod)"},
          {"charts/podinfo/values-production.yaml", true, false},
          {"env/staging.yaml", false, true, "",
           "env/staging.yaml <- helmfile.yaml#environment/staging (helmfile environment staging)"},
          {"values/production.yaml", true, false},
          {"values/staging.yaml", false, true},
          {"charts/web/templates/deploy.yaml", true, true},
      });
}

TEST(ReachDeployment, TerragruntLiveLayout) {
  const std::string module =
      "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\n"
      "locals {\n  account = read_terragrunt_config(find_in_parent_folders(\"account.hcl\"))\n}\n"
      "terraform {\n  source = \"${get_repo_root()}/modules//app?ref=v1\"\n}\n"
      "dependency \"vpc\" {\n  config_path = \"../vpc\"\n}\n";
  check(
      {
          {"live/root.hcl", "remote_state {}\n"},
          {"live/prod/account.hcl", "locals { account_id = \"111\" }\n"},
          {"live/non-prod/account.hcl", "locals { account_id = \"222\" }\n"},
          {"live/prod/us-east-1/app/terragrunt.hcl", module},
          {"live/prod/us-east-1/vpc/terragrunt.hcl",
           "terraform { source = \"../../../../modules/vpc\" }\n"},
          {"live/non-prod/us-east-1/app/terragrunt.hcl", module},
          {"modules/app/main.tf",
           "module \"db\" {\n  source = \"../db\"\n}\nresource \"x\" \"y\" {\n"
           "  policy = file(\"${path.module}/policy.json\")\n}\n"},
          {"modules/app/policy.json", "{}\n"},
          {"modules/db/main.tf", "resource \"a\" \"b\" {}\n"},
          {"modules/vpc/main.tf", "resource \"a\" \"b\" {}\n"},
          {"modules/unused/main.tf", "resource \"a\" \"b\" {}\n"},
          {"envs/prod.tfvars", "instance = \"m5\"\n"},
      },
      {
          {"live/root.hcl", true, true},
          {"live/non-prod/account.hcl", false, true, "",
           "live/non-prod/account.hcl <- live/non-prod/us-east-1/app/terragrunt.hcl (live "
           "non-prod)"},
          {"live/prod/account.hcl", true, false},
          {"modules/app/main.tf", true, true,
           "modules/app/main.tf <- modules/app/ <- live/prod/us-east-1/app/terragrunt.hcl (live "
           "prod)"},
          {"modules/db/main.tf", true, true},
          {"modules/vpc/main.tf", true, false},
          {"modules/app/policy.json", true, true},
          {"modules/unused/main.tf", false, false},
          {"envs/prod.tfvars", true, false, "envs/prod.tfvars (env prod)"},
      });
}

TEST(ReachDeployment, CiJobsScriptsAndImages) {
  check(
      {
          {".github/workflows/deploy.yml",
           "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
           "      - run: make test\n"
           "  deploy-prod:\n    environment: production\n    runs-on: ubuntu-latest\n    steps:\n"
           "      - uses: docker/build-push-action@v5\n        with:\n"
           "          file: docker/api.Dockerfile\n          context: .\n"
           "      - run: |\n          helm upgrade --install api ./charts/api \\\n"
           "            -f deploy/values-prod.yaml --namespace api\n"
           "  deploy-staging:\n    environment:\n      name: staging\n    runs-on: ubuntu-latest\n"
           "    steps:\n      - run: ./scripts/deploy.sh staging\n"},
          {"docker/api.Dockerfile",
           "FROM golang AS build\nCOPY go.mod go.sum ./\nFROM alpine\n"
           "COPY --from=build /out /app\nCOPY config/app.ini \\\n  /etc/app.ini\n"},
          {"config/app.ini", "[db]\n"},
          {"go.mod", "module x\n"},
          {"go.sum", "\n"},
          {"charts/api/Chart.yaml", "name: api\n"},
          {"deploy/values-prod.yaml", "x: 1\n"},
          {"scripts/deploy.sh", "#!/bin/sh\nkubectl apply -f k8s/staging/app.yaml\n"},
          {"k8s/staging/app.yaml", "kind: Deployment\n"},
          {".gitlab-ci.yml", "include:\n  - local: ci/deploy.yml\nstages: [deploy]\n"},
          {"ci/deploy.yml",
           "deploy_live:\n  stage: deploy\n  environment:\n    name: production\n"
           "  script:\n    - kubectl apply -k ops/overlays/eu\n"},
          {"ops/overlays/eu/kustomization.yaml", "resources: [cm.yaml]\n"},
          {"ops/overlays/eu/cm.yaml", "kind: ConfigMap\n"},
      },
      {
          {"config/app.ini", true, false,
           "config/app.ini <- docker/api.Dockerfile <- .github/workflows/deploy.yml#deploy-prod "
           "(job deploy-prod, environment production)"},
          {"go.mod", true, false},
          {"charts/api/Chart.yaml", true, false},
          {"deploy/values-prod.yaml", true, false},
          {"k8s/staging/app.yaml", false, true, "",
           "k8s/staging/app.yaml <- scripts/deploy.sh <- "
           ".github/workflows/deploy.yml#deploy-staging "
           "(job deploy-staging, environment staging)"},
          {"ops/overlays/eu/cm.yaml", true, false,
           "ops/overlays/eu/cm.yaml <- ops/overlays/eu/kustomization.yaml <- "
           "ci/deploy.yml#deploy_live (job deploy_live, environment production)"},
      });
}

TEST(ReachDeployment, ComposeFilesPerEnvironment) {
  check(
      {
          {"docker-compose.yml", "services:\n  app:\n    build: .\n    env_file: .env.dev\n"},
          {"docker-compose.prod.yml",
           "services:\n  app:\n    build:\n      context: ./app\n      dockerfile: Dockerfile\n"
           "    env_file: [.env.production]\n    volumes:\n      - "
           "./conf/nginx.conf:/etc/nginx.conf\n"
           "configs:\n  app:\n    file: ./conf/app.yaml\n"},
          {"app/Dockerfile", "FROM x\nCOPY settings.py /app/\n"},
          {"app/settings.py", "x = 1\n"},
          {".env.dev", "A=1\n"},
          {".env.production", "A=1\n"},
          {"conf/nginx.conf", "x\n"},
          {"conf/app.yaml", "x: 1\n"},
      },
      {
          {".env.production", true, false,
           ".env.production <- docker-compose.prod.yml (compose file docker-compose.prod.yml)"},
          {"app/settings.py", true, false},
          {"conf/nginx.conf", true, false},
          {"conf/app.yaml", true, false},
          {".env.dev", false, false},  // nothing says where the plain compose file runs
      });
}

// ---- hostile trees ------------------------------------------------------------------------------

TEST(ReachDeployment, CyclesEscapesAndBadYamlAreNotedAndBounded) {
  const MapTree tree({
      {"clusters/production/apps.yaml", flux_kustomization("apps", "./a")},
      {"a/kustomization.yaml", "resources: [../b, ../../../etc/passwd, cm.yaml]\n"},
      {"a/cm.yaml", "kind: ConfigMap\n"},
      {"b/kustomization.yaml", "resources: [../a]\n"},  // a cycle
      {"c/kustomization.yaml", "resources: [: : :\n  - ]]\n"},
      {"d/kustomization.yaml", "resources: *alias_that_does_not_exist\n"},
  });
  const DeploymentModel m = build_deployment_model(tree);
  const auto r = m.reach("a/cm.yaml");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->production);
  EXPECT_TRUE(m.reach("b/kustomization.yaml").has_value());
  std::string notes;
  for (const std::string& n : m.notes()) notes += n + "\n";
  EXPECT_NE(notes.find("points outside the tree"), std::string::npos) << notes;
  EXPECT_NE(notes.find("c/kustomization.yaml: not read as YAML"), std::string::npos) << notes;
}

TEST(ReachDeployment, VendoredFoldersAreNotLookedInto) {
  check(
      {
          {"vendor/github.com/x/clusters/production/apps.yaml",
           flux_kustomization("apps", "./vendor/github.com/x/app")},
          {"vendor/github.com/x/app/cm.yaml", "kind: ConfigMap\n"},
          {"web/node_modules/pkg/docker-compose.prod.yml", "services:\n  a:\n    env_file: .env\n"},
          {"web/node_modules/pkg/.env", "A=1\n"},
      },
      {
          {"vendor/github.com/x/app/cm.yaml", false, false},
          {"web/node_modules/pkg/.env", false, false},
      });
}

TEST(ReachDeployment, TenThousandOverlays) {
  std::map<std::string, std::string> files = {
      {"base/kustomization.yaml", "resources: [deploy.yaml]\n"},
      {"base/deploy.yaml", "kind: Deployment\n"},
  };
  for (int i = 0; i < 10000; ++i)
    files["overlays/tenant-" + std::to_string(i) + "/kustomization.yaml"] =
        "resources: [../../base]\n";
  files["overlays/production/kustomization.yaml"] = "resources: [../../base]\n";
  files["overlays/staging/kustomization.yaml"] = "resources: [../tenant-17]\n";
  const DeploymentModel m = build_deployment_model(MapTree(files));
  const auto r = m.reach("base/deploy.yaml");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->production);
  EXPECT_TRUE(r->non_production);
  EXPECT_EQ(m.entry_points(), 2u);
  EXPECT_GE(m.edges(), 10002u);
}

TEST(ReachDeployment, BudgetsAreRespectedAndNoted) {
  std::map<std::string, std::string> files;
  for (int i = 0; i < 50; ++i)
    files["k/" + std::to_string(i) + "/kustomization.yaml"] = "resources: [a.yaml]\n";
  DeploymentOptions o;
  o.max_files_read = 10;
  const DeploymentModel m = build_deployment_model(MapTree(files), o);
  EXPECT_EQ(m.files_read(), 10u);
  ASSERT_FALSE(m.notes().empty());
  EXPECT_NE(m.notes().front().find("read budget reached"), std::string::npos);
}

// ---- the classifier with a model
// ------------------------------------------------------------------

struct ClassifyRow {
  std::string name;
  std::string path;
  ReachVerdict want;
  std::set<std::string> signals;  // <direction><signal>, as in classify_test.cpp
  std::vector<std::string> flags;
  std::string evidence;  // a substring of the deployment evidence
};

TEST(ReachDeployment, ClassifierFollowsTheGraph) {
  const MapTree tree({
      {"clusters/production/apps.yaml", flux_kustomization("apps", "./apps/production")},
      {"clusters/staging/apps.yaml", flux_kustomization("apps", "./apps/staging")},
      {"apps/base/api/kustomization.yaml", "resources: [secret.yaml]\n"},
      {"apps/base/api/secret.yaml", "kind: Secret\n"},
      {"apps/production/kustomization.yaml", "resources: [../base/api, extra.yaml]\n"},
      {"apps/production/extra.yaml", "kind: Secret\n"},
      {"apps/staging/kustomization.yaml", "resources: [../base/api, debug.yaml]\n"},
      {"apps/staging/debug.yaml", "kind: Secret\n"},
      {"apps/tests/fixture.yaml", "kind: Secret\n"},
  });
  const DeploymentModel model = build_deployment_model(tree);
  const std::vector<ClassifyRow> rows = {
      {"a shared base reaches production and staging",
       "apps/base/api/secret.yaml",
       ReachVerdict::kProduction,
       {"+deployment", "-deployment", "0deployment_reuse"},
       {"reused_across_environments"},
       "deployed to production: apps/base/api/secret.yaml <- apps/base/api/kustomization.yaml <- "
       "apps/production/kustomization.yaml <- clusters/production/apps.yaml (cluster production)"},
      {"only staging deploys it",
       "apps/staging/debug.yaml",
       ReachVerdict::kNonProduction,
       {"-deployment", "-path", "-file_name"},
       {},
       "deployed outside production: apps/staging/debug.yaml"},
      {"the graph beats a folder name",
       "apps/production/extra.yaml",
       ReachVerdict::kProduction,
       {"+deployment", "+path"},
       {},
       "clusters/production/apps.yaml (cluster production)"},
      {"not reached: local signals decide",
       "apps/tests/fixture.yaml",
       ReachVerdict::kNonProduction,
       {"-path", "-file_name"},
       {},
       ""},
  };
  for (const ClassifyRow& r : rows) {
    SCOPED_TRACE(r.name);
    Finding f;
    f.rule_id = "generic.api_key";
    f.path = "/repo/" + r.path;
    f.secret = "Zq8xVw2LmT5rNc7Hd4Jk";
    const std::string text = "data:\n  token: Zq8xVw2LmT5rNc7Hd4Jk\n";
    f.offset = text.find("Zq8x");
    f.line = 2;
    FileContext ctx{f.path, text, static_cast<std::size_t>(f.offset), "/repo", &model};
    const Reach got = classify(f, ctx, ReachConfig{});
    std::string dump;
    std::set<std::string> signals;
    bool found = r.evidence.empty();
    for (const Evidence& e : got.evidence) {
      signals.insert((e.weight > 0 ? "+" : e.weight < 0 ? "-" : "0") + e.signal);
      dump += e.signal + " " + std::to_string(e.weight) + ": " + e.detail + "\n";
      if (!r.evidence.empty() && e.detail.find(r.evidence) != std::string::npos) found = true;
    }
    EXPECT_EQ(got.verdict, r.want) << dump;
    EXPECT_EQ(signals, r.signals) << dump;
    EXPECT_EQ(got.flags, r.flags) << dump;
    EXPECT_TRUE(found) << dump;
  }
}

TEST(ReachDeployment, TheEnvironmentsMapStillBeatsTheGraph) {
  const MapTree tree({
      {"clusters/production/apps.yaml", flux_kustomization("apps", "./apps")},
      {"apps/secret.yaml", "kind: Secret\n"},
  });
  const DeploymentModel model = build_deployment_model(tree);
  auto cfg =
      parse_reach_config("environments:\n  sandbox:\n    paths: ['apps/**']\n", ".reachscan.yaml");
  ASSERT_TRUE(cfg.ok());
  Finding f;
  f.rule_id = "generic.api_key";
  f.path = "apps/secret.yaml";
  f.secret = "Zq8xVw2LmT5rNc7Hd4Jk";
  const std::string text = "token: Zq8xVw2LmT5rNc7Hd4Jk\n";
  f.line = 1;
  FileContext ctx{f.path, text, 7, "", &model};
  EXPECT_EQ(classify(f, ctx, *cfg).verdict, ReachVerdict::kNonProduction);
  EXPECT_EQ(classify(f, ctx, ReachConfig{}).verdict, ReachVerdict::kProduction);
}

}  // namespace
}  // namespace reachscan::reach
