// Reading gitleaks configs (patterns/gitleaks.h) and the rule features they need: secret groups,
// path patterns, keywords anywhere in the text, allowlists.
#include "patterns/gitleaks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "patterns/rule_database.h"
#include "scanner/detector.h"
#include "scanner/suppress.h"
#include "tests/support/temp_dir.h"

namespace reachscan::patterns {
namespace {

bool has_warning(const RuleSet& s, const std::string& part) {
  return std::any_of(s.warnings.begin(), s.warnings.end(),
                     [&](const std::string& w) { return w.find(part) != std::string::npos; });
}

constexpr const char* kConfig = R"toml(
title = "team rules"

[[rules]]
id = "acme-api-key"
description = "Acme API key"
regex = '''acme_(?:live|test)_([a-z0-9]{24})'''
keywords = ["ACME_"]
entropy = 3.0
tags = ["acme", "team"]

  [[rules.allowlists]]
  description = "fixtures"
  paths = ['''(^|/)fixtures/''']

  [[rules.allowlists]]
  condition = "AND"
  regexTarget = "line"
  regexes = ['''#\s*rotated''']
  stopwords = ["zz"]

[[rules]]
id = "orbit-key"
regex = '''orbit-(id|key)-([A-F0-9]{20})'''
secretGroup = 2
path = '''\.go$'''

[[rules]]
id = "Odd Name!"
regex = '''odd_([0-9]{8})'''

[[rules]]
id = "cert-file"
path = '''\.p12$'''

[[rules]]
id = "lookahead"
regex = '''key(?=[0-9])([0-9]+)'''

[[rules]]
id = "composite"
regex = '''comp_([a-z]{10})'''
colour = "red"
  [[rules.required]]
  id = "orbit-key"

[allowlist]
description = "old style global"
regexes = ['''^0000''']

[[allowlists]]
targetRules = ["orbit-key"]
stopwords = ["dead"]

[extend]
useDefault = true
disabledRules = ["generic-api-key"]
url = "https://example.invalid/base.toml"
)toml";

TEST(Gitleaks, MapsRuleFields) {
  const GitleaksConfig c = parse_gitleaks(kConfig, "team.toml");
  ASSERT_TRUE(c.rules.errors.empty()) << c.rules.errors.front();
  ASSERT_EQ(c.rules.rules.size(), 4u);  // acme, orbit, odd, composite
  const Rule& acme = c.rules.rules[0];
  EXPECT_EQ(acme.id, "acme-api-key");
  EXPECT_EQ(acme.name, "Acme API key");
  EXPECT_EQ(acme.secret_group, 0);
  EXPECT_EQ(acme.keywords, std::vector<std::string>{"acme_"});
  EXPECT_TRUE(acme.keywords_anywhere);
  EXPECT_DOUBLE_EQ(acme.min_entropy, 3.0);
  EXPECT_EQ(acme.tags, (std::vector<std::string>{"acme", "team"}));
  // Two of its own, then the untargeted global one.
  ASSERT_EQ(acme.allowlists.size(), 3u);
  EXPECT_EQ(acme.allowlists[0].paths, std::vector<std::string>{"(^|/)fixtures/"});
  EXPECT_TRUE(acme.allowlists[1].all);
  EXPECT_EQ(acme.allowlists[1].regex_target, "line");
  EXPECT_EQ(acme.allowlists[2].regexes, std::vector<std::string>{"^0000"});
  const Rule& orbit = c.rules.rules[1];
  EXPECT_EQ(orbit.secret_group, 2);
  EXPECT_EQ(orbit.path, "\\.go$");
  ASSERT_EQ(orbit.allowlists.size(), 2u);  // the global one and the one targeting it
  EXPECT_EQ(orbit.allowlists[1].stopwords, std::vector<std::string>{"dead"});
  EXPECT_EQ(c.rules.rules[2].id, "odd-name");
  EXPECT_TRUE(c.use_default);
  EXPECT_EQ(c.disabled_rules, std::vector<std::string>{"generic-api-key"});
  ASSERT_EQ(c.global_allowlists.size(), 1u);
}

TEST(Gitleaks, ReportsWhatItCannotCarryOver) {
  const GitleaksConfig c = parse_gitleaks(kConfig, "team.toml");
  EXPECT_TRUE(has_warning(c.rules, "rule Odd Name!: id written as 'odd-name'"));
  EXPECT_TRUE(has_warning(c.rules, "rule cert-file: path-only rules"));
  EXPECT_TRUE(has_warning(c.rules, "rule lookahead: RE2 rejects the pattern"));
  EXPECT_TRUE(has_warning(c.rules, "rule composite: 'required' (composite rules)"));
  EXPECT_TRUE(has_warning(c.rules, "rule composite field 'colour' is not supported"));
  EXPECT_TRUE(has_warning(c.rules, "[extend] url is not supported"));
  for (const std::string& w : c.rules.warnings)
    EXPECT_NE(w.find("team.toml:"), std::string::npos) << w;
}

// Found by fuzz_gitleaks: a rule whose id is too long for a reachscan rule file is not loaded
// (it could not be converted and read back), with a warning; and non-ASCII code points where
// toml++ looks for whitespace are a parse error, not undefined behaviour.
TEST(Gitleaks, HostileIdsAndCodePoints) {
  const GitleaksConfig c = parse_gitleaks(
      "[[rules]]\nid = \"" + std::string(81, 'a') + "\"\nregex = 'acme_([a-z0-9]{20})'\n",
      "long.toml");
  EXPECT_TRUE(c.rules.rules.empty());
  EXPECT_TRUE(has_warning(c.rules, "rule id longer than 80 characters; rule not loaded"));
  for (const char* toml : {"[\xd1\xa7", "[\xc3\xa9", "title = \"x\"\n\xc2\xa1 = 1\n"}) {
    const GitleaksConfig bad = parse_gitleaks(toml, "bad.toml");
    EXPECT_FALSE(bad.rules.errors.empty()) << toml;
  }
}

TEST(Gitleaks, MalformedTomlIsAnErrorWithItsLine) {
  const GitleaksConfig c = parse_gitleaks("[[rules]]\nid = \"a\"\nregex = '''x\n", "bad.toml");
  ASSERT_EQ(c.rules.errors.size(), 1u);
  EXPECT_NE(c.rules.errors[0].find("bad.toml:"), std::string::npos);
  EXPECT_NE(c.rules.errors[0].find("malformed TOML"), std::string::npos);
}

TEST(Gitleaks, ExtendPathLoadsTheBaseAndOverridesById) {
  testing::TempDir dir;
  dir.write("base.toml", R"toml(
[[rules]]
id = "one"
regex = '''one_([0-9]{6})'''
[[rules]]
id = "two"
regex = '''two_([0-9]{6})'''
[[rules]]
id = "three"
regex = '''three_([0-9]{6})'''
)toml");
  const std::string top = dir.write("top.toml", R"toml(
[extend]
path = "base.toml"
disabledRules = ["three"]
[[rules]]
id = "two"
regex = '''two_([a-z]{6})'''
)toml");
  const GitleaksConfig c = load_gitleaks(top);
  ASSERT_TRUE(c.rules.errors.empty()) << c.rules.errors.front();
  ASSERT_EQ(c.rules.rules.size(), 2u);
  EXPECT_EQ(c.rules.rules[0].id, "one");
  EXPECT_EQ(c.rules.rules[1].pattern, "two_([a-z]{6})");
  EXPECT_TRUE(c.disabled_rules.empty());
  EXPECT_FALSE(c.use_default);
}

// A config that came with the scanned tree reaches only files inside it (symlinks resolved); the
// same config given by the user may name any file.
TEST(Gitleaks, ConfinedExtendPathStaysInsideTheTree) {
  testing::TempDir dir;
  dir.write("outside.toml", "[[rules]]\nid = 'out'\nregex = 'out_([0-9]{6})'\n");
  dir.write("tree/inside.toml", "[[rules]]\nid = 'in'\nregex = 'in_([0-9]{6})'\n");
  const std::string tree = dir.str() + "/tree";
  std::filesystem::create_symlink("../outside.toml", tree + "/link.toml");
  for (const std::string path : {"../outside.toml", "link.toml", "/etc/passwd"}) {
    const std::string top = dir.write("tree/top.toml", "[extend]\npath = \"" + path + "\"\n");
    const GitleaksConfig confined = load_gitleaks(top, tree);
    ASSERT_EQ(confined.rules.errors.size(), 1u) << path;
    EXPECT_NE(confined.rules.errors[0].find("leaves the folder"), std::string::npos)
        << confined.rules.errors[0];
    EXPECT_TRUE(confined.rules.rules.empty());
    if (path != "/etc/passwd") {
      EXPECT_EQ(load_gitleaks(top).rules.rules.size(), 1u) << path;  // the user's: read
    }
  }
  const std::string top = dir.write("tree/top.toml", "[extend]\npath = \"inside.toml\"\n");
  const GitleaksConfig inside = load_gitleaks(top, tree);
  ASSERT_TRUE(inside.rules.errors.empty()) << inside.rules.errors.front();
  ASSERT_EQ(inside.rules.rules.size(), 1u);
  EXPECT_EQ(inside.rules.rules[0].id, "in");
}

TEST(Gitleaks, ConvertedYamlReadsBackTheSame) {
  const GitleaksConfig c = parse_gitleaks(kConfig, "team.toml");
  const std::string yaml = format_rules_yaml(c.rules.rules);
  const RuleSet back = parse_rules(yaml, "converted.yaml");
  ASSERT_TRUE(back.errors.empty()) << back.errors.front() << "\n" << yaml;
  ASSERT_EQ(back.rules.size(), c.rules.rules.size());
  for (std::size_t i = 0; i < back.rules.size(); ++i) {
    const Rule& a = c.rules.rules[i];
    const Rule& b = back.rules[i];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.pattern, b.pattern);
    EXPECT_EQ(a.secret_group, b.secret_group);
    EXPECT_EQ(a.path, b.path);
    EXPECT_EQ(a.keywords, b.keywords);
    EXPECT_EQ(a.keywords_anywhere || a.keywords.empty(), b.keywords_anywhere || b.keywords.empty());
    EXPECT_DOUBLE_EQ(a.min_entropy, b.min_entropy);
    ASSERT_EQ(a.allowlists.size(), b.allowlists.size());
    for (std::size_t j = 0; j < a.allowlists.size(); ++j) {
      EXPECT_EQ(a.allowlists[j].all, b.allowlists[j].all);
      EXPECT_EQ(a.allowlists[j].paths, b.allowlists[j].paths);
      EXPECT_EQ(a.allowlists[j].regexes, b.allowlists[j].regexes);
      EXPECT_EQ(a.allowlists[j].stopwords, b.allowlists[j].stopwords);
      EXPECT_EQ(a.allowlists[j].regex_target, b.allowlists[j].regex_target);
    }
  }
}

// The detector with one gitleaks-style rule set.
std::shared_ptr<const RuleDatabase> build(const std::string& toml) {
  GitleaksConfig c = parse_gitleaks(toml, "t.toml");
  EXPECT_TRUE(c.rules.errors.empty());
  DatabaseOptions o;
  o.use_cache = false;
  auto built = RuleDatabase::build(std::move(c.rules.rules), o);
  EXPECT_TRUE(built.errors.empty()) << built.errors.front();
  return built.database;
}

std::vector<Finding> detect(const std::shared_ptr<const RuleDatabase>& db, const std::string& text,
                            const std::string& path) {
  Detector d(db, DetectorOptions{});
  return d.detect_all(text, path);
}

TEST(GitleaksRules, SecretGroupPicksTheGroupOrTheFirstNonEmptyOne) {
  auto db = build(R"toml(
[[rules]]
id = "two"
regex = '''t2-(id|key)-([A-F0-9]{12})'''
secretGroup = 2
[[rules]]
id = "auto"
regex = '''au-(?:([a-z]{12})|([0-9]{12}))'''
[[rules]]
id = "whole"
regex = '''wh-[A-Za-z0-9]{14}'''
)toml");
  auto f = detect(db, "t2-key-9F3A61C0B7E2 au-481930572615 wh-Qx7Lp2Zr9Vb4Nk", "a.txt");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].secret, "9F3A61C0B7E2");
  EXPECT_EQ(f[1].secret, "481930572615");
  EXPECT_EQ(f[2].secret, "wh-Qx7Lp2Zr9Vb4Nk");
}

TEST(GitleaksRules, PathAndKeywordsAnywhere) {
  auto db = build(R"toml(
[[rules]]
id = "batch"
regex = '''\b([A-Z2-7]{24})\b'''
keywords = ["batchsvc"]
path = '''\.(cfg|ini)$'''
)toml");
  const std::string body = "# BatchSvc credentials\n\nK = QZ7XK2MB4N6RT3VW5YJ2PL7D\n";
  EXPECT_EQ(detect(db, body, "svc/app.cfg").size(), 1u);  // keyword two lines above
  EXPECT_TRUE(detect(db, body, "svc/app.txt").empty());   // path does not match
  EXPECT_TRUE(detect(db, "K = QZ7XK2MB4N6RT3VW5YJ2PL7D\n", "svc/app.cfg").empty());
}

TEST(GitleaksRules, AllowlistsOrAndTargetsAndCommits) {
  auto db = build(R"toml(
[[rules]]
id = "acme"
regex = '''acme_([a-z0-9]{20})'''
  [[rules.allowlists]]
  paths = ['''(^|/)fixtures/''']
  [[rules.allowlists]]
  regexTarget = "line"
  regexes = ['''#\s*rotated''']
  [[rules.allowlists]]
  condition = "AND"
  paths = ['''(^|/)docs/''']
  stopwords = ["sample"]
  [[rules.allowlists]]
  regexTarget = "match"
  regexes = ['''^acme_x''']
  [[rules.allowlists]]
  commits = ["ABCDEF0123456789ABCDEF0123456789ABCDEF01"]
)toml");
  const std::string key = "acme_k4v9q2m7x1z8c3b6n5p0";
  EXPECT_TRUE(detect(db, key, "a/fixtures/k.py").empty());                    // path, OR
  EXPECT_TRUE(detect(db, "k = '" + key + "'  # rotated\n", "a.py").empty());  // line regex
  EXPECT_TRUE(detect(db, "acme_sample7x1z8c3b6n5p0q", "docs/a.md").empty());  // AND: both
  EXPECT_EQ(detect(db, "acme_sample7x1z8c3b6n5p0q", "src/a.md").size(), 1u);  // AND: one
  EXPECT_TRUE(detect(db, "acme_x4v9q2m7x1z8c3b6n5pq", "a.py").empty());       // match target
  // The commit allowlist cannot be judged by the detector: it is left for the policy.
  auto f = detect(db, key, "a.py");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].allow_commits,
            std::vector<std::string>{"abcdef0123456789abcdef0123456789abcdef01"});
  Suppressions s;
  EXPECT_FALSE(s.suppressed(f[0]));
  f[0].commit = CommitInfo{};
  f[0].commit->id = "abcdef0123456789abcdef0123456789abcdef01";
  EXPECT_TRUE(s.suppressed(f[0]));
  f[0].commit->id = "1111111111111111111111111111111111111111";
  EXPECT_FALSE(s.suppressed(f[0]));
}

}  // namespace
}  // namespace reachscan::patterns
