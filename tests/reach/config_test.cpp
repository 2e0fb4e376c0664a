// The `environments:` map of .reachscan.yaml, and the signal data's own validation.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "reach/classify.h"
#include "reach/embedded.h"
#include "reach/model.h"

namespace reachscan::reach {
namespace {

TEST(ReachConfig, ParsesEveryField) {
  const auto cfg = parse_reach_config(R"(
rules: [extra/]
environments:
  production:
    hosts: ['*.prod.acme.internal']
    aws_accounts: [111122223333, '012345678901']
    gcp_projects: acme-prod
    namespaces: [payments]
    clusters: [prod-eu]
    paths: ['k8s/overlays/production/**']
    branches: [main, 'release/*']
  staging:
    hosts: ['*.staging.acme.internal']
  qa2:
  edge:
    production: true
  live-mirror:
    production: false
)",
                                      "repo/.reachscan.yaml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  EXPECT_EQ(cfg->path, "repo/.reachscan.yaml");
  EXPECT_EQ(cfg->base_dir, "repo");
  ASSERT_EQ(cfg->environments.size(), 5u);
  const Environment& p = cfg->environments[0];
  EXPECT_EQ(p.name, "production");
  EXPECT_TRUE(p.production);
  EXPECT_EQ(p.line, 4u);
  EXPECT_EQ(p.aws_accounts, (std::vector<std::string>{"111122223333", "012345678901"}));
  EXPECT_EQ(p.gcp_projects, (std::vector<std::string>{"acme-prod"}));
  EXPECT_EQ(p.branches.size(), 2u);
  EXPECT_FALSE(cfg->environments[1].production);  // staging: not production by name
  EXPECT_FALSE(cfg->environments[2].production);  // qa2: empty body
  EXPECT_TRUE(cfg->environments[3].production);   // explicit
  EXPECT_FALSE(cfg->environments[4].production);  // explicit false beats the name
}

TEST(ReachConfig, AbsentOrEmptyKeyIsAnEmptyConfig) {
  for (const char* text : {"", "rules: [x]\n", "environments:\n"}) {
    const auto cfg = parse_reach_config(text, ".reachscan.yaml");
    ASSERT_TRUE(cfg.ok()) << text;
    EXPECT_TRUE(cfg->empty());
    EXPECT_EQ(cfg->base_dir, "");
  }
}

struct ErrorRow {
  const char* text;
  const char* want;  // substring of the message, after "<file>:<line>: "
  int line;
};

TEST(ReachConfig, ErrorsNameFileAndLine) {
  const std::vector<ErrorRow> rows = {
      {"environments: [production]\n", "environments must be a mapping", 1},
      {"environments:\n  production: [a]\n", "environments.production must be a mapping", 2},
      {"environments:\n  production:\n    hostz: [a]\n", "unknown key 'hostz'", 3},
      {"environments:\n  production:\n    hosts: {a: b}\n", "must be a list of strings", 3},
      {"environments:\n  production:\n    hosts: [[a]]\n", "must be a list of strings", 3},
      {"environments:\n  production:\n    production: maybe\n", "must be true or false", 3},
      {"environments:\n  production:\n    hosts: [a\n", "", 0},
      {"- a\n- b\n", "config must be a YAML mapping", -1},
  };
  for (const ErrorRow& r : rows) {
    const auto cfg = parse_reach_config(r.text, "cfg/.reachscan.yaml");
    ASSERT_FALSE(cfg.ok()) << r.text;
    const std::string msg = cfg.status().message();
    EXPECT_EQ(msg.rfind("cfg/.reachscan.yaml:", 0), 0u) << msg;
    if (r.line > 0) {
      EXPECT_NE(msg.find(":" + std::to_string(r.line) + ": "), std::string::npos) << msg;
    }
    EXPECT_NE(msg.find(r.want), std::string::npos) << msg;
  }
}

TEST(ReachConfig, LoadsFromFile) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("reach-config-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / ".reachscan.yaml").string();
  std::ofstream(path) << "environments:\n  production:\n    hosts: [a.b]\n";
  const auto cfg = load_reach_config(path);
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  EXPECT_EQ(cfg->environments.size(), 1u);
  EXPECT_EQ(cfg->base_dir, dir.string());
  const auto missing = load_reach_config((dir / "nope.yaml").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nope.yaml: cannot read"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(ReachConfig, CorpusConfigLoads) {
  const auto cfg =
      load_reach_config(std::string(REACHSCAN_SOURCE_DIR) + "/corpus/reach/.reachscan.yaml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  EXPECT_GE(cfg->environments.size(), 3u);
}

TEST(ReachSignalData, ParsesAndRejectsBrokenTables) {
  const auto good = detail::parse_model(detail::embedded_signal_data());
  ASSERT_TRUE(good.ok()) << good.status().message();
  EXPECT_FALSE(good->path_markers.empty());
  EXPECT_EQ(good->tier_of("key_prefix"), detail::Tier::kCredential);
  EXPECT_EQ(good->tier_of("config_host"), detail::Tier::kConfig);
  EXPECT_EQ(good->tier_of("path"), detail::Tier::kContext);

  std::string text(detail::embedded_signal_data());
  // An assignment group naming a signal without a tier.
  std::string bad = text;
  bad.replace(bad.find("  - signal: namespace"), 21, "  - signal: namespacez");
  const auto a = detail::parse_model(bad);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("'namespacez' has no tier"), std::string::npos)
      << a.status().message();
  // A missing table.
  bad = text;
  bad.replace(bad.find("container_keys:"), 15, "container_keyz:");
  const auto b = detail::parse_model(bad);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("container_keys"), std::string::npos);
  // A bad scope.
  bad = text;
  bad.replace(bad.find("scope: file"), 11, "scope: galaxy");
  const auto c = detail::parse_model(bad);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("unknown scope 'galaxy'"), std::string::npos);
}

}  // namespace
}  // namespace reachscan::reach
