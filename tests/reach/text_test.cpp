// Text helpers of the reach stage: words, hosts, key/value pairs and the structural view.
#include "reach/text.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "reach/file_view.h"

namespace reachscan::reach::detail {
namespace {

TEST(ReachWords, SplitsOnPunctuationAndCase) {
  EXPECT_EQ(words_of("values-prod.yaml"), (std::vector<std::string>{"values", "prod", "yaml"}));
  EXPECT_EQ(words_of("appsettings.Production.json"),
            (std::vector<std::string>{"appsettings", "production", "json"}));
  EXPECT_EQ(words_of("UserServiceTest"), (std::vector<std::string>{"user", "service", "test"}));
  EXPECT_EQ(words_of("__tests__"), (std::vector<std::string>{"tests"}));
  EXPECT_EQ(words_of("AWS_PROFILE"), (std::vector<std::string>{"aws", "profile"}));
}

TEST(ReachPaths, Normalize) {
  EXPECT_EQ(normalize_path("./a//b/./c"), "a/b/c");
  EXPECT_EQ(normalize_path("/abs//x"), "/abs/x");
  EXPECT_EQ(normalize_path("win\\dir\\f.txt"), "win/dir/f.txt");
}

TEST(ReachHosts, HostOf) {
  EXPECT_EQ(host_of("postgres://app:pw@prod-db.internal:5432/app"), "prod-db.internal");
  EXPECT_EQ(host_of("https://API.Sandbox.PayPal.com/v1"), "api.sandbox.paypal.com");
  EXPECT_EQ(host_of("localhost:6379"), "localhost");
  EXPECT_EQ(host_of("[::1]:5432"), "[::1]");
  EXPECT_EQ(host_of("true"), "");
  EXPECT_EQ(host_of("8080"), "");
  const auto urls = url_hosts("url: 'mysql://u:p/w@db.staging.acme.io:3306/x' and https://a.b");
  ASSERT_EQ(urls.size(), 2u);
  EXPECT_EQ(urls[0].host, "db.staging.acme.io");
  EXPECT_EQ(urls[1].host, "a.b");
}

TEST(ReachArns, AccountAndEksCluster) {
  const auto a = arns_in_line(
      "role: arn:aws:iam::111122223333:role/deploy, "
      "arn:aws:eks:eu-west-1:444455556666:cluster/prod-eu");
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0], (std::pair<std::string, std::string>{"111122223333", ""}));
  EXPECT_EQ(a[1], (std::pair<std::string, std::string>{"444455556666", "prod-eu"}));
}

struct PairRow {
  const char* line;
  std::vector<std::pair<std::string, std::string>> want;
};

TEST(ReachPairs, Forms) {
  const std::vector<PairRow> rows = {
      {"NODE_ENV=production", {{"NODE_ENV", "production"}}},
      {"export RAILS_ENV=\"staging\"", {{"RAILS_ENV", "staging"}}},
      {"  environment: production  # deploy", {{"environment", "production"}}},
      {"\"environment\": \"prod\",", {{"environment", "prod"}}},
      {"env = \"prod\"", {{"env", "prod"}}},
      {"ENV[\"RAILS_ENV\"] ||= 'production'", {{"RAILS_ENV", "production"}}},
      {"process.env.NODE_ENV = 'test';", {{"process.env.NODE_ENV", "test"}}},
      {"os.environ.setdefault('APP_ENV', 'dev')", {{"APP_ENV", "dev"}}},
      {"System.setProperty(\"spring.profiles.active\", \"prod\");",
       {{"spring.profiles.active", "prod"}}},
      {"ENV = os.environ.get(\"ENV\", \"development\")", {}},
      {"- ASPNETCORE_ENVIRONMENT=Development", {{"ASPNETCORE_ENVIRONMENT", "Development"}}},
      {"ENV NODE_ENV=production", {{"NODE_ENV", "production"}}},
      {"kubectl apply -f x --namespace payments", {{"--namespace", "payments"}}},
      {"helm upgrade api ./chart --namespace=prod-eu", {{"--namespace", "prod-eu"}}},
      {"jobs:", {}},
      {"if env == \"production\" {", {}},
      {"url: https://api.example.com/x", {{"url", "https://api.example.com/x"}}},
      {"{\"type\": \"sa\", \"project_id\": \"acme-prod\", \"n\": [1, 2]}",
       {{"type", "sa"}, {"project_id", "acme-prod"}, {"n", "1"}}},
  };
  for (const PairRow& r : rows) EXPECT_EQ(pairs_in_line(r.line), r.want) << r.line;
}

// The view: documents, ancestors, the job scope, pairs with their key paths.
TEST(ReachFileView, WorkflowJobScopeAndAncestors) {
  const std::string text =
      "name: deploy\n"                         // 0
      "on: push\n"                             // 1
      "jobs:\n"                                // 2
      "  test:\n"                              // 3
      "    environment: staging\n"             // 4
      "    steps:\n"                           // 5
      "      - run: make test\n"               // 6
      "  release:\n"                           // 7
      "    environment:\n"                     // 8
      "      name: production\n"               // 9
      "    env:\n"                             // 10
      "      TOKEN: SECRETVALUE\n"             // 11
      "    steps:\n"                           // 12
      "      - run: kubectl apply -f k8s/\n";  // 13
  const FileView v(text, text.find("SECRETVALUE"), 600, true, 12);
  EXPECT_EQ(v.secret_line(), 11);
  EXPECT_EQ(v.line_number(0), 1u);
  ASSERT_EQ(v.ancestors().size(), 3u);
  EXPECT_EQ(v.lines()[static_cast<std::size_t>(v.ancestors()[0])].key, "jobs");
  EXPECT_EQ(v.lines()[static_cast<std::size_t>(v.ancestors()[1])].key, "release");
  EXPECT_EQ(v.lines()[static_cast<std::size_t>(v.ancestors()[2])].key, "env");
  const auto job = v.job({"jobs"}, false, {});
  EXPECT_EQ(job.first, 7);
  EXPECT_EQ(job.second, 14);
  bool saw = false;
  for (const Pair& p : v.pairs())
    if (p.key == "environment.name") {
      EXPECT_EQ(p.value, "production");
      EXPECT_EQ(p.line, 9);
      saw = true;
    }
  EXPECT_TRUE(saw);
  EXPECT_EQ(v.depth_of(9), 2);  // inside jobs and release
  EXPECT_EQ(v.depth_of(4), 1);  // inside jobs only
}

TEST(ReachFileView, GitLabTopLevelJobs) {
  const std::string text =
      "variables:\n  A: b\n"          // 0-1
      "test:\n"                       // 2
      "  variables:\n"                // 3
      "    TOKEN: SECRETVALUE\n"      // 4
      "deploy:\n"                     // 5
      "  environment: production\n";  // 6
  const FileView v(text, text.find("SECRETVALUE"), 600, true, 0);
  EXPECT_EQ(v.job({"jobs"}, true, {"variables"}), std::make_pair(2, 5));
  EXPECT_EQ(v.job({"jobs"}, false, {"variables"}), std::make_pair(0, 7));
  const std::string global = "variables:\n  TOKEN: SECRETVALUE\ndeploy:\n  x: y\n";
  const FileView g(global, global.find("SECRETVALUE"), 600, true, 0);
  EXPECT_EQ(g.job({"jobs"}, true, {"variables"}), std::make_pair(0, 4));
}

TEST(ReachFileView, ListItemsCountAsStructure) {
  const std::string text =
      "datasources:\n"                      // 0
      "  - name: a\n"                       // 1
      "    url: https://a.prod.x.io\n"      // 2
      "    secure:\n"                       // 3
      "      password: SECRETVALUE\n"       // 4
      "  - name: b\n"                       // 5
      "    url: https://b.staging.x.io\n";  // 6
  const FileView v(text, text.find("SECRETVALUE"), 600, true, 0);
  EXPECT_GT(v.depth_of(2), v.depth_of(6));
  EXPECT_EQ(v.depth_of(6), 1);  // datasources only
}

TEST(ReachFileView, YamlDocumentsAndKubernetesEnvLists) {
  const std::string text =
      "apiVersion: v1\n"
      "kind: Namespace\n"
      "metadata:\n"
      "  name: staging\n"
      "---\n"
      "apiVersion: apps/v1\n"
      "kind: Deployment\n"
      "metadata:\n"
      "  namespace: payments\n"
      "spec:\n"
      "  template:\n"
      "    spec:\n"
      "      containers:\n"
      "      - name: api\n"
      "        env:\n"
      "        - name: NODE_ENV\n"
      "          value: production\n"
      "        - name: STRIPE_KEY\n"
      "          value: SECRETVALUE\n";
  const FileView v(text, text.find("SECRETVALUE"), 600, true, 0);
  EXPECT_EQ(v.document_begin(), 5);
  EXPECT_EQ(v.line_number(v.secret_line()), 19u);
  bool ns = false, env = false;
  for (const Pair& p : v.pairs()) {
    if (p.key == "metadata.namespace") ns = p.value == "payments";
    if (p.key == "env.node_env") env = p.value == "production" && p.raw_key == "NODE_ENV";
  }
  EXPECT_TRUE(ns);
  EXPECT_TRUE(env);
}

TEST(ReachFileView, SectionsAndBraces) {
  const std::string ini = "[default]\nregion = eu\n[prod]\naws_secret_access_key = SECRET\n";
  const FileView a(ini, ini.find("SECRET"), 600, false, 0);
  ASSERT_EQ(a.ancestors().size(), 1u);
  EXPECT_EQ(a.lines()[static_cast<std::size_t>(a.ancestors()[0])].key, "prod");

  const std::string json =
      "{\n  \"development\": {\n    \"key\": \"A\"\n  },\n  \"production\": {\n"
      "    \"key\": \"SECRET\"\n  }\n}\n";
  const FileView b(json, json.find("SECRET"), 600, false, 0);
  ASSERT_FALSE(b.ancestors().empty());
  EXPECT_EQ(b.lines()[static_cast<std::size_t>(b.ancestors().back())].key, "production");

  const std::string hcl =
      "resource \"aws_iam_access_key\" \"deploy_prod\" {\n  user = \"x\"\n"
      "  secret = \"SECRET\"\n}\n";
  const FileView c(hcl, hcl.find("SECRET"), 600, false, 0);
  ASSERT_EQ(c.ancestors().size(), 1u);
  EXPECT_EQ(c.lines()[static_cast<std::size_t>(c.ancestors()[0])].key,
            "resource.aws_iam_access_key.deploy_prod");
}

TEST(ReachFileView, WindowAndOffsetsAreClamped) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "line " + std::to_string(i) + "\n";
  const std::size_t off = text.find("line 1500");
  const FileView v(text, off, 10, false, 1501);
  EXPECT_EQ(v.lines().size(), 21u);
  EXPECT_EQ(v.line_number(v.secret_line()), 1501u);
  const FileView w(text, text.size() + 100, 5, false, 0);  // past the end: clamped
  EXPECT_FALSE(w.lines().empty());
  const FileView e("", 0, 5, false, 0);
  EXPECT_EQ(e.lines().size(), 1u);
}

}  // namespace
}  // namespace reachscan::reach::detail
