// The one glob dialect (core/glob.h): a table of patterns, paths and expected answers.
#include "core/glob.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace reachscan {
namespace {

struct PathCase {
  const char* pattern;
  const char* path;
  bool is_dir;
  bool expected;
};

// Path globs: as --exclude, allow.paths, the environments map's paths and reach's path globs.
const std::vector<PathCase> kPathCases = {
    // `*` stays within a segment; a pattern without '/' matches the base name at any depth.
    {"*.md", "README.md", false, true},
    {"*.md", "docs/runbooks/keys.md", false, true},
    {"*.md", "docs/runbooks/keys.mdx", false, false},
    {"*.MD", "docs/keys.md", false, true},  // ASCII case-insensitive
    {"k8s/*", "k8s/a/b", false, false},
    {"k8s/*", "k8s/a", false, true},
    {"secret?.txt", "a/secret1.txt", false, true},
    {"secret?.txt", "a/secret12.txt", false, false},
    {"a?b", "a/b", false, false},  // '?' never matches '/'
    // `**` crosses folders.
    {"k8s/**", "k8s/a/b", false, true},
    {"k8s/**", "k8s", true, false},
    {"**/values.yaml", "values.yaml", false, true},
    {"**/values.yaml", "charts/x/values.yaml", false, true},
    {"a/**/b.yaml", "a/x/y/b.yaml", false, true},
    {"a/**/b.yaml", "a/b.yaml", false, true},
    {"a/**/b.yaml", "a/x/c.yaml", false, false},
    {"charts/*/values.yaml", "charts/app/values.yaml", false, true},
    {"charts/*/values.yaml", "charts/app/sub/values.yaml", false, false},
    // A pattern with '/' but no leading '/' matches at any folder boundary, never mid-name.
    {"k8s/base/**", "infra/k8s/base/deploy.yaml", false, true},
    {"base/**", "database/x.yaml", false, false},
    {"vendor/lib/*", "third/vendor/lib/x.js", false, true},
    // A leading '/' anchors at the root.
    {"/ops/live/**", "ops/live/a.env", false, true},
    {"/ops/live/**", "x/ops/live/a.env", false, false},
    {"/*.env", "a.env", false, true},
    {"/*.env", "sub/a.env", false, false},
    // A trailing '/' matches a folder and everything under it, not a file of that name.
    {"build/", "build", true, true},
    {"build/", "build", false, false},
    {"build/", "build/out/a.o", false, true},
    {"build/", "src/build/a.o", false, true},
    {"/build/", "src/build/a.o", false, false},
    {"build/", "rebuild/a.o", false, false},
    // Character classes.
    {"v[0-9]*.txt", "v12.txt", false, true},
    {"v[!0-9]*.txt", "v12.txt", false, false},
    {"v[^0-9]*.txt", "vx.txt", false, true},
    {"[ab].txt", "b.txt", false, true},
    {"[ab].txt", "c.txt", false, false},
    {"a[/]b", "a/b", false, false},  // a class never matches '/'
    {"[unclosed", "[unclosed", false, true},
    // Escapes.
    {"\\*.txt", "*.txt", false, true},
    {"\\*.txt", "a.txt", false, false},
    {"", "a", false, false},
};

TEST(Glob, PathTable) {
  for (const PathCase& c : kPathCases)
    EXPECT_EQ(path_glob_match(c.pattern, c.path, c.is_dir), c.expected)
        << "pattern '" << c.pattern << "' path '" << c.path << "' dir " << c.is_dir;
}

// Excludes and allow paths cover what is under a matched folder (how a folder walk prunes).
TEST(Glob, CoversWhatIsUnderAMatchedFolder) {
  EXPECT_TRUE(path_glob_covers("vendor", "vendor/lib/x.js"));
  EXPECT_TRUE(path_glob_covers("vendor", "app/vendor/x.js"));
  EXPECT_TRUE(path_glob_covers("/vendor", "vendor/x.js"));
  EXPECT_FALSE(path_glob_covers("/vendor", "app/vendor/x.js"));
  EXPECT_TRUE(path_glob_covers("node_*/", "web/node_modules/a/b.js"));
  EXPECT_TRUE(path_glob_covers("*.min.js", "dist/app.min.js"));
  EXPECT_FALSE(path_glob_covers("vendor", "vendors/x.js"));
  EXPECT_FALSE(path_glob_covers("*.min.js", "dist/app.js"));
}

struct TextCase {
  const char* pattern;
  const char* text;
  bool expected;
};

// Text globs: host names, rule ids, keys. `*` also matches '/'.
const std::vector<TextCase> kTextCases = {
    {"*.prod.acme.internal", "db.eu.prod.acme.internal", true},
    {"PROD-*", "prod-payments", true},
    {"prod-*", "preprod-payments", false},
    {"127.*", "127.0.0.1", true},
    {"v[0-9]*", "v12.1", true},
    {"v[!0-9]*", "v12.1", false},
    {"ap?", "api", true},
    {"ap?", "apis", false},
    {"aws.*", "aws.access_key/id", true},
    {"github.pat.*", "gitlab.pat.x", false},
};

TEST(Glob, TextTable) {
  for (const TextCase& c : kTextCases)
    EXPECT_EQ(glob_match(c.pattern, c.text), c.expected)
        << "pattern '" << c.pattern << "' text '" << c.text << "'";
}

// Backtracking on a hostile pattern would take exponential time: these end at once, with the
// same answers plain backtracking gives (a hang here is the failure).
TEST(Glob, HostilePatternsStayPolynomial) {
  std::string stars;
  for (int i = 0; i < 60; ++i) stars += "**/";
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "d" + std::to_string(i) + "/";
  EXPECT_FALSE(path_glob_match(stars + "nomatch", deep + "k.py"));
  EXPECT_TRUE(path_glob_match(stars + "k.py", deep + "k.py"));
  std::string as;
  for (int i = 0; i < 30; ++i) as += "*a";
  EXPECT_FALSE(glob_match(as + "b", std::string(200, 'a')));
  EXPECT_TRUE(glob_match(as + "b", std::string(200, 'a') + "b"));
}

TEST(Glob, LiteralLength) {
  EXPECT_EQ(glob_literal_length("*.prod.acme.io"), 13u);
  EXPECT_EQ(glob_literal_length("k8s/**"), 4u);
}

}  // namespace
}  // namespace reachscan
