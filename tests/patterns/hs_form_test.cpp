#include "patterns/hs_form.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "patterns/matcher.h"
#include "patterns/rule_database.h"

namespace reachscan::patterns {
namespace {

TEST(HsForm, DropsLeadingAndTrailingContext) {
  const HsForm twilio = hyperscan_form(R"(\b(SK[0-9a-f]{32})\b)");
  EXPECT_TRUE(twilio.relaxed);
  EXPECT_EQ(twilio.pattern, "(SK[0-9a-f]{32})");
  EXPECT_EQ(twilio.slack, 0u);

  const HsForm fb = hyperscan_form(
      R"((?m)(?:^|[^0-9A-Za-z_|])([0-9]{15,16}\|[A-Za-z0-9_-]{27})(?:[^A-Za-z0-9_|-]|$))");
  EXPECT_EQ(fb.pattern, R"((?m)([0-9]{15,16}\|[A-Za-z0-9_-]{27}))");
  EXPECT_EQ(fb.slack, 1u);  // the dropped (?:[^...]|$) may take one byte

  const HsForm line =
      hyperscan_form(R"((?m)^[A-Za-z0-9._@-]{1,64}:(\$2[aby]?\$[0-9]{2})[ \t]*\r?$)");
  EXPECT_EQ(line.pattern, R"((?m):(\$2[aby]?\$[0-9]{2})[ \t]*)");
  EXPECT_EQ(line.slack, 1u);
}

TEST(HsForm, KeepsLiteralsAlternationsAndUnknownSyntax) {
  // Literal characters are what Hyperscan looks for: never dropped.
  EXPECT_EQ(hyperscan_form(R"(\baio_([A-Za-z0-9]{28})\b)").pattern, R"(aio_([A-Za-z0-9]{28}))");
  EXPECT_EQ(hyperscan_form(R"(ab==)").pattern, "ab==");
  EXPECT_FALSE(hyperscan_form(R"(\bfoo|bar\b)").relaxed);  // top-level alternation
  EXPECT_FALSE(hyperscan_form(R"(\p{L}+x)").relaxed);      // \p{...}: not understood
  EXPECT_FALSE(hyperscan_form(R"([a-z]+)").relaxed);       // nothing but one element
}

TEST(HsForm, DeepDropsValueGroupsBeforeTheKeyword) {
  const std::string p = R"((?i)["']([^\s"']*[0-9][^\s"']*)["'][ \t]*==[ \t]*(?:token|secret))";
  EXPECT_EQ(hyperscan_form(p).pattern,
            R"((?i)([^\s"']*[0-9][^\s"']*)["'][ \t]*==[ \t]*(?:token|secret))");
  EXPECT_EQ(hyperscan_form(p, true).pattern, R"((?i)==[ \t]*(?:token|secret))");
}

TEST(HsForm, RequiredLiterals) {
  EXPECT_TRUE(has_required_literal(R"(\b(aio_[A-Za-z0-9]{28})\b)"));
  EXPECT_FALSE(has_required_literal(R"(\b(SK[0-9a-f]{32})\b)"));
  EXPECT_FALSE(has_required_literal(R"(\b([0-9]{15}\|[a-z]{27}))"));
}

// The relaxed forms find exactly what the patterns as written find: every built-in rule that
// gets a relaxed form, compiled both ways, over the corpus and text made to trip the dropped
// context (tokens glued to words, at line starts and ends, after '|').
TEST(HsForm, RelaxedRulesMatchExactlyAsWritten) {
  std::vector<Rule> relaxed;
  for (Rule& r : embedded_rules().rules)
    if (r.opt_in.empty() && !has_required_literal(r.pattern)) relaxed.push_back(std::move(r));
  ASSERT_GE(relaxed.size(), 5u);

  std::string text;
  for (const Rule& r : relaxed)
    for (const std::string& ex : r.examples) text += ex + "\n" + "x" + ex + "x\n|" + ex + "|\r\n";
  namespace fs = std::filesystem;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(REACHSCAN_SOURCE_DIR) / "corpus"))
    if (e.is_regular_file()) {
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream s;
      s << in.rdbuf();
      text += s.str() + "\n";
    }

  auto scan = [&](bool relax, std::uint64_t* unconfirmed) {
    DatabaseOptions o;
    o.use_cache = false;
    o.relax_hyperscan = relax;
    auto built = RuleDatabase::build(relaxed, o);
    EXPECT_TRUE(built.errors.empty());
    Matcher m(built.database);
    std::vector<std::tuple<std::uint32_t, std::size_t, std::size_t, std::size_t>> out;
    EXPECT_TRUE(m.scan(text, [&](const Match& x) {
                   out.emplace_back(x.rule, x.start, x.end, x.secret_start);
                   return true;
                 }).ok());
    *unconfirmed = m.unconfirmed_hits();
    return out;
  };
  std::uint64_t unconfirmed = 0;
  const auto as_written = scan(false, &unconfirmed);
  EXPECT_EQ(unconfirmed, 0u);
  const auto relaxed_matches = scan(true, &unconfirmed);
  EXPECT_GT(as_written.size(), relaxed.size());
  EXPECT_EQ(relaxed_matches, as_written);
}

}  // namespace
}  // namespace reachscan::patterns
