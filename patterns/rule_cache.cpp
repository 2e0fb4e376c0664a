// The parsed built-in rules kept next to the database cache (embedded_rules_for_scan in
// patterns/rule.h): a flat binary table read on every warm start instead of the YAML.
//
// Layout: a magic line, a rule count, then each rule's fields in a fixed order, in the shared
// length-prefixed form of core/byte_codec.h. Reading checks every length against what is left, so
// a damaged or truncated file is "no cache" (the YAML is parsed again and the file rewritten),
// never a crash. A table of an older format has another magic line: it is rebuilt the same way.
#include "patterns/rule_cache.h"

#include <cstdint>
#include <filesystem>
#include <optional>

#include "core/byte_codec.h"
#include "core/read_file.h"
#include "patterns/rule.h"

namespace reachscan::patterns {
namespace {

constexpr std::string_view kMagic = "reachscan-rule-table-v2\n";
// Far more than any rule set needs: a larger file is damaged.
constexpr std::uint64_t kMaxRuleCacheBytes = 64u << 20;

void write_rule(ByteWriter& w, const Rule& r) {
  for (const std::string* s : {&r.id, &r.name, &r.pattern, &r.description}) w.str(*s);
  w.strs(r.keywords);
  w.f64(r.min_entropy);
  w.u64(static_cast<std::uint64_t>(r.confidence));
  w.str(r.variant);
  w.u64(r.max_length);
  w.str(r.verify);
  w.strs(r.tags);
  w.strs(r.references);
  w.str(r.source);
  w.strs(r.companions);
  w.u64(r.companion_lines);
  w.flag(r.companion_only);
  w.flag(r.opaque);
  w.u64(static_cast<std::uint64_t>(static_cast<std::int64_t>(r.secret_group)));
  w.str(r.path);
  w.flag(r.keywords_anywhere);
  w.u64(r.allowlists.size());
  for (const Allowlist& a : r.allowlists) {
    w.str(a.description);
    w.flag(a.all);
    w.strs(a.commits);
    w.strs(a.paths);
    w.str(a.regex_target);
    w.strs(a.regexes);
    w.strs(a.stopwords);
  }
  w.str(r.opt_in);
}

Rule read_rule(ByteReader& in) {
  Rule r;
  for (std::string* s : {&r.id, &r.name, &r.pattern, &r.description}) *s = in.str();
  r.keywords = in.strs();
  r.min_entropy = in.f64();
  const std::uint64_t confidence = in.u64();
  if (confidence > static_cast<std::uint64_t>(Confidence::kHigh)) in.fail();
  r.confidence = static_cast<Confidence>(confidence);
  r.variant = in.str();
  r.max_length = in.u64();
  r.verify = in.str();
  r.tags = in.strs();
  r.references = in.strs();
  r.source = in.str();
  r.companions = in.strs();
  r.companion_lines = in.u64();
  r.companion_only = in.flag();
  r.opaque = in.flag();
  r.secret_group = static_cast<int>(static_cast<std::int64_t>(in.u64()));
  r.path = in.str();
  r.keywords_anywhere = in.flag();
  const std::uint64_t lists = in.count();
  for (std::uint64_t i = 0; i < lists && in.ok(); ++i) {
    Allowlist a;
    a.description = in.str();
    a.all = in.flag();
    a.commits = in.strs();
    a.paths = in.strs();
    a.regex_target = in.str();
    a.regexes = in.strs();
    a.stopwords = in.strs();
    r.allowlists.push_back(std::move(a));
  }
  r.opt_in = in.str();
  return r;
}

}  // namespace

std::string encode_rule_table(const std::vector<Rule>& rules) {
  std::string out(kMagic);
  ByteWriter w(out);
  w.u64(rules.size());
  for (const Rule& r : rules) write_rule(w, r);
  return out;
}

std::optional<std::vector<Rule>> decode_rule_table(std::string_view bytes) {
  ByteReader in(bytes);
  if (!in.expect(kMagic)) return std::nullopt;
  const std::uint64_t n = in.count();  // every rule takes far more than 8 bytes
  std::vector<Rule> rules;
  if (!in.ok()) return std::nullopt;
  rules.reserve(n);
  for (std::uint64_t i = 0; i < n && in.ok(); ++i) rules.push_back(read_rule(in));
  if (!in.done()) return std::nullopt;
  return rules;
}

std::string rule_table_name(std::string_view digest) {
  return "rules-" + std::string(digest) + "-v2.table";  // the version of kMagic
}

std::optional<std::vector<Rule>> read_rule_table(const std::string& file) {
  auto bytes = map_regular_file(file, kMaxRuleCacheBytes, "rule cache");
  if (!bytes) return std::nullopt;
  return decode_rule_table(bytes->view());
}

void write_rule_table(const std::string& file, const std::vector<Rule>& rules) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(file).parent_path(), ec);
  (void)write_private_file(file, encode_rule_table(rules));  // unwritable: costs speed only
}

}  // namespace reachscan::patterns
