// Table-driven classifier tests: regressions of issue 11, combinations of signals, the
// environments map against the heuristics, confidence, odd input, and the signal data.
#include "tests/reach/classify_table.h"

namespace reachscan::reach {
namespace {

using namespace table;

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
