// The parsed built-in rules kept next to the database cache (embedded_rules_for_scan in
// patterns/rule.h): a flat binary table read on every warm start instead of the YAML.
//
// Layout: a magic line, a rule count, then each rule's fields in a fixed order: strings as a
// 32-bit length and bytes, lists as a 32-bit count and strings, numbers as 64-bit words (host
// byte order: the file never leaves the machine that wrote it), flags as one byte. Reading
// checks every length against what is left, so a damaged or truncated file is "no cache" (the
// YAML is parsed again and the file rewritten), never a crash.
#include "patterns/rule_cache.h"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <optional>

#include "core/read_file.h"
#include "patterns/rule.h"

namespace reachscan::patterns {
namespace {

constexpr std::string_view kMagic = "reachscan-rule-table-v1\n";
// Far more than any rule set needs: a larger file is damaged.
constexpr std::uint64_t kMaxRuleCacheBytes = 64u << 20;

class Writer {
 public:
  void word(std::uint64_t v) { out_.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void real(double v) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof v);
    word(bits);
  }
  void flag(bool v) { out_.push_back(v ? '\1' : '\0'); }
  void text(std::string_view s) {
    const auto n = static_cast<std::uint32_t>(s.size());
    out_.append(reinterpret_cast<const char*>(&n), sizeof n);
    out_.append(s);
  }
  void texts(const std::vector<std::string>& list) {
    const auto n = static_cast<std::uint32_t>(list.size());
    out_.append(reinterpret_cast<const char*>(&n), sizeof n);
    for (const std::string& s : list) text(s);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Every read past the end sets `ok` to false and yields an empty value.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return in_.empty(); }
  bool expect(std::string_view prefix) {
    if (!in_.starts_with(prefix)) return ok_ = false;
    in_.remove_prefix(prefix.size());
    return true;
  }
  std::uint64_t word() { return fixed<std::uint64_t>(); }
  double real() {
    const std::uint64_t bits = word();
    double v = 0;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  bool flag() { return fixed<std::uint8_t>() != 0; }
  std::string text() {
    const std::uint32_t n = fixed<std::uint32_t>();
    if (!ok_ || n > in_.size()) {
      ok_ = false;
      return {};
    }
    std::string s(in_.substr(0, n));
    in_.remove_prefix(n);
    return s;
  }
  std::vector<std::string> texts() {
    const std::uint32_t n = fixed<std::uint32_t>();
    std::vector<std::string> out;
    // Each entry takes at least its 4-byte length: a count beyond that is damage.
    if (!ok_ || n > in_.size() / 4) {
      ok_ = false;
      return out;
    }
    out.reserve(n);
    for (std::uint32_t i = 0; i < n && ok_; ++i) out.push_back(text());
    return out;
  }

 private:
  template <typename T>
  T fixed() {
    T v{};
    if (!ok_ || in_.size() < sizeof v) {
      ok_ = false;
      return v;
    }
    std::memcpy(&v, in_.data(), sizeof v);
    in_.remove_prefix(sizeof v);
    return v;
  }
  std::string_view in_;
  bool ok_ = true;
};

void write_rule(Writer& w, const Rule& r) {
  for (const std::string* s : {&r.id, &r.name, &r.pattern, &r.description}) w.text(*s);
  w.texts(r.keywords);
  w.real(r.min_entropy);
  w.word(static_cast<std::uint64_t>(r.confidence));
  w.text(r.variant);
  w.word(r.max_length);
  w.text(r.verify);
  w.texts(r.tags);
  w.texts(r.references);
  w.text(r.source);
  w.texts(r.companions);
  w.word(r.companion_lines);
  w.flag(r.companion_only);
  w.flag(r.opaque);
  w.word(static_cast<std::uint64_t>(static_cast<std::int64_t>(r.secret_group)));
  w.text(r.path);
  w.flag(r.keywords_anywhere);
  w.word(r.allowlists.size());
  for (const Allowlist& a : r.allowlists) {
    w.text(a.description);
    w.flag(a.all);
    w.texts(a.commits);
    w.texts(a.paths);
    w.text(a.regex_target);
    w.texts(a.regexes);
    w.texts(a.stopwords);
  }
  w.text(r.opt_in);
}

Rule read_rule(Reader& in) {
  Rule r;
  for (std::string* s : {&r.id, &r.name, &r.pattern, &r.description}) *s = in.text();
  r.keywords = in.texts();
  r.min_entropy = in.real();
  const std::uint64_t confidence = in.word();
  r.confidence = confidence <= static_cast<std::uint64_t>(Confidence::kHigh)
                     ? static_cast<Confidence>(confidence)
                     : Confidence::kMedium;
  r.variant = in.text();
  r.max_length = in.word();
  r.verify = in.text();
  r.tags = in.texts();
  r.references = in.texts();
  r.source = in.text();
  r.companions = in.texts();
  r.companion_lines = in.word();
  r.companion_only = in.flag();
  r.opaque = in.flag();
  r.secret_group = static_cast<int>(static_cast<std::int64_t>(in.word()));
  r.path = in.text();
  r.keywords_anywhere = in.flag();
  const std::uint64_t lists = in.word();
  for (std::uint64_t i = 0; i < lists && in.ok(); ++i) {
    Allowlist a;
    a.description = in.text();
    a.all = in.flag();
    a.commits = in.texts();
    a.paths = in.texts();
    a.regex_target = in.text();
    a.regexes = in.texts();
    a.stopwords = in.texts();
    r.allowlists.push_back(std::move(a));
  }
  r.opt_in = in.text();
  return r;
}

}  // namespace

std::string encode_rule_table(const std::vector<Rule>& rules) {
  Writer w;
  w.word(rules.size());
  for (const Rule& r : rules) write_rule(w, r);
  return std::string(kMagic) + w.take();
}

std::optional<std::vector<Rule>> decode_rule_table(std::string_view bytes) {
  Reader in(bytes);
  if (!in.expect(kMagic)) return std::nullopt;
  const std::uint64_t n = in.word();
  std::vector<Rule> rules;
  if (!in.ok() || n > bytes.size()) return std::nullopt;
  rules.reserve(n);
  for (std::uint64_t i = 0; i < n && in.ok(); ++i) rules.push_back(read_rule(in));
  if (!in.ok() || !in.done()) return std::nullopt;
  return rules;
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
