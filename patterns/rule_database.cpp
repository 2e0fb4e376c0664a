#include "patterns/rule_database.h"

#include <fcntl.h>
#include <hs/hs.h>
#include <openssl/evp.h>
#include <re2/re2.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/read_file.h"
#include "patterns/hs_form.h"

namespace reachscan::patterns {
namespace {

// Bump when anything that shapes the compiled database changes (flags, mode).
constexpr const char* kCacheFormat = "reachscan-hsdb-v2";
constexpr std::uint64_t kMaxCachedDatabase = 256u << 20;

RE2::Options confirm_options() {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);  // bytes, like Hyperscan without HS_FLAG_UTF8
  o.set_log_errors(false);
  o.set_max_mem(8 << 20);
  return o;
}

std::string sha256_hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 15]);
  }
  return out;
}

struct HsCompileError {
  void operator()(hs_compile_error_t* e) const { hs_free_compile_error(e); }
};

// Compiles the patterns; on failure reports which expression failed (or -1 if not attributable).
hs_database_t* compile(const std::vector<std::string>& patterns, int* failed,
                       std::string* message) {
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    exprs.push_back(patterns[i].c_str());
    flags.push_back(0);
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* raw = nullptr;
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()),
                       HS_MODE_BLOCK, nullptr, &db, &raw) == HS_SUCCESS)
    return db;
  std::unique_ptr<hs_compile_error_t, HsCompileError> err(raw);
  *failed = err ? err->expression : -1;
  *message = err && err->message ? err->message : "unknown Hyperscan error";
  return nullptr;
}

// The cache key: every match pattern, path pattern and allowlist pattern, the Hyperscan version
// and the CPU features the database is compiled for (a home folder shared between machines must
// not hand one the other's database). The patterns RE2 alone reads are in it so that a hit proves
// them valid too (see RuleDatabase::build).
std::string cache_key(const std::vector<Rule>& rules, bool relax) {
  std::string all =
      std::string(kCacheFormat) + (relax ? "+relax" : "") + '\0' + hs_version() + '\0';
  hs_platform_info_t platform{};
  if (hs_populate_platform(&platform) == HS_SUCCESS)
    all += std::to_string(platform.tune) + ':' + std::to_string(platform.cpu_features) + '\0';
  for (const Rule& r : rules) {
    all += r.pattern + '\0' + r.path + '\0';
    for (const Allowlist& a : r.allowlists) {
      for (const std::string& p : a.paths) all += p + '\1';
      all += '\0';
      for (const std::string& x : a.regexes) all += x + '\1';
      all += '\0';
    }
    all += '\2';
  }
  return sha256_hex(all);
}

// A cached database, or null when there is none or it does not load: Hyperscan checks the
// serialised bytes (magic, version, platform, checksum) and the caller rebuilds on any mismatch.
// NOTE: the database (4 MB for the built-in rules) is copied into memory mapped with
// MAP_POPULATE: one call that fills every page, instead of a page fault per 4 KiB page as
// hs_deserialize_database's zero-fill touches fresh malloc memory (page faults were the largest
// single cost of a warm start in perf). `*mapped` is the mapping's size, for munmap.
hs_database_t* load_cached(const std::string& file, std::size_t* mapped) {
  auto bytes = map_regular_file(file, kMaxCachedDatabase, "database cache");
  if (!bytes) return nullptr;
  const std::string_view serialised = bytes->view();
  std::size_t size = 0;
  if (hs_serialized_database_size(serialised.data(), serialised.size(), &size) != HS_SUCCESS ||
      size == 0 || size > kMaxCachedDatabase)
    return nullptr;
  void* memory = ::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (memory == MAP_FAILED) return nullptr;
  auto* db = static_cast<hs_database_t*>(memory);
  if (hs_deserialize_database_at(serialised.data(), serialised.size(), db) != HS_SUCCESS) {
    ::munmap(memory, size);
    return nullptr;
  }
  *mapped = size;
  return db;
}

// Written atomically and private (0600), so concurrent runs never read half a database.
std::string store_cached(const std::string& dir, const std::string& file, hs_database_t* db) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return "cannot create cache folder " + dir + ": " + ec.message();
  char* bytes = nullptr;
  size_t len = 0;
  if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS) return "cannot serialise database";
  const Status written = write_private_file(file, std::string_view(bytes, len));
  std::free(bytes);
  return written.ok() ? std::string() : written.message();
}

// Joins patterns as alternatives, as gitleaks does for an allowlist's lists.
std::shared_ptr<const RE2> join(const std::vector<std::string>& patterns, std::string* error) {
  if (patterns.empty()) return nullptr;
  std::string all;
  for (const std::string& p : patterns) {
    RE2 one(p, confirm_options());
    if (!one.ok()) {
      *error = "'" + p + "': " + one.error();
      return nullptr;
    }
    all += (all.empty() ? "(?:" : "|(?:") + p + ")";
  }
  return std::make_shared<const RE2>(all, confirm_options());
}

// Compiles a rule's path pattern and allowlists. False, with `error` set, when one is invalid.
bool compile_filters(const Rule& r, RuleFilters& out, std::string* error) {
  if (!r.path.empty()) {
    out.path = join({r.path}, error);
    if (!out.path) return false;
  }
  for (const Allowlist& a : r.allowlists) {
    CompiledAllowlist c;
    c.spec = &a;
    c.paths = join(a.paths, error);
    if (!a.paths.empty() && !c.paths) return false;
    c.regexes = join(a.regexes, error);
    if (!a.regexes.empty() && !c.regexes) return false;
    out.allowlists.push_back(std::move(c));
  }
  return true;
}

// How many capture groups a rule's secret_group needs.
int groups_needed(const Rule& r) { return r.secret_group; }

// What Hyperscan compiles for a rule: the pattern itself, or for a pattern without a required
// literal its form without leading and trailing context (patterns/hs_form.h), when Hyperscan
// accepts that form and it cannot match an empty string.
HsForm form_of(const Rule& r, bool relax) {
  if (!relax || has_required_literal(r.pattern)) return {r.pattern, 0, false};
  HsForm form = hyperscan_form(r.pattern, true);
  if (!form.relaxed) return form;
  hs_expr_info_t* info = nullptr;
  hs_compile_error_t* err = nullptr;
  const bool usable = hs_expression_info(form.pattern.c_str(), 0, &info, &err) == HS_SUCCESS &&
                      info && info->min_width > 0;
  std::free(info);
  if (err) hs_free_compile_error(err);
  return usable ? form : HsForm{r.pattern, 0, false};
}

// The forms' slack and relaxed bits, one byte per rule, stored beside the cached database.
std::string encode_forms(const std::vector<HsForm>& forms) {
  std::string out;
  for (const HsForm& f : forms) out.push_back(static_cast<char>(f.slack | (f.relaxed ? 0x80 : 0)));
  return out;
}

}  // namespace

std::string RuleDatabase::default_cache_dir() {
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/reachscan";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/reachscan";
  return {};
}

std::vector<std::string> check_pattern(const std::string& pattern) {
  std::vector<std::string> problems;
  RE2 re(pattern, confirm_options());
  if (!re.ok())
    problems.push_back("RE2 rejects the pattern: " + re.error());
  else if (re.NumberOfCapturingGroups() < 1)
    problems.push_back("pattern has no capture group (the secret must be group 1)");
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile(pattern.c_str(), 0, HS_MODE_BLOCK, nullptr, &db, &err) != HS_SUCCESS) {
    problems.push_back(std::string("Hyperscan rejects the pattern: ") +
                       (err && err->message ? err->message : "unknown error"));
    hs_free_compile_error(err);
  } else {
    hs_free_database(db);
  }
  return problems;
}

std::string engine_problem(const Rule& rule) {
  RE2 re(rule.pattern, confirm_options());
  if (!re.ok()) return "RE2 rejects the pattern: " + re.error();
  if (re.NumberOfCapturingGroups() < groups_needed(rule))
    return "pattern has no capture group " + std::to_string(groups_needed(rule));
  RuleFilters filters;
  std::string error;
  if (!compile_filters(rule, filters, &error)) return "invalid path or allowlist pattern " + error;
  return {};
}

RuleDatabase::~RuleDatabase() {
  if (hs_mapped_)
    ::munmap(hs_, hs_mapped_);
  else
    hs_free_database(static_cast<hs_database_t*>(hs_));
}

const re2::RE2* RuleDatabase::confirm(std::size_t rule) const {
  LazyRegexes& slot = *compiled_[rule];
  std::call_once(slot.confirm_once, [&] {
    if (!slot.confirm)
      slot.confirm = std::make_unique<RE2>(rules_[rule].pattern, confirm_options());
  });
  return slot.confirm->ok() ? slot.confirm.get() : nullptr;
}

const RuleFilters& RuleDatabase::filters(std::size_t rule) const {
  LazyRegexes& slot = *compiled_[rule];
  std::call_once(slot.filters_once, [&] {
    // Every rule here passed compile_filters in build(), or came from a cache entry whose key
    // covers these patterns. Were one to fail all the same, the rule keeps the filters compiled
    // before it: a path filter missing means every path, so nothing is hidden by it.
    RuleFilters f;
    std::string unused;
    (void)compile_filters(rules_[rule], f, &unused);
    slot.filters = std::move(f);
  });
  return *slot.filters;
}

void RuleDatabase::add_rule(Rule rule) {
  max_length_ = std::max(max_length_, rule.max_length);
  rules_.push_back(std::move(rule));
  compiled_.push_back(std::make_unique<LazyRegexes>());
}

RuleDatabase::BuildResult RuleDatabase::build(std::vector<Rule> rules,
                                              const DatabaseOptions& options) {
  BuildResult result;
  std::shared_ptr<RuleDatabase> db(new RuleDatabase());
  const std::string dir = options.cache_dir.empty() ? default_cache_dir() : options.cache_dir;
  const bool cache = options.use_cache && !dir.empty();

  // A cache entry is stored only under the key of a rule set whose every pattern passed both
  // engines, and the key covers every pattern RE2 reads (match, path, allowlists): a hit on the
  // full input set proves every rule valid, so RE2 compilation waits for a rule's first hit.
  const std::string key = cache_key(rules, options.relax_hyperscan);
  const auto cached_forms =
      cache && !rules.empty()
          ? read_regular_file(dir + "/" + key + ".forms", rules.size(), "database cache")
          : Expected<std::string>(Status::error("no cache"));
  if (cached_forms && cached_forms->size() == rules.size()) {
    if (hs_database_t* cached = load_cached(dir + "/" + key + ".hsdb", &db->hs_mapped_)) {
      db->hs_ = cached;
      result.from_cache = true;
      for (const char c : *cached_forms) {
        db->slack_.push_back(static_cast<std::uint8_t>(c & 0x7f));
        db->relaxed_.push_back((c & 0x80) != 0);
      }
      for (Rule& r : rules) db->add_rule(std::move(r));
      result.database = std::move(db);
      return result;
    }
  }

  // Path patterns and allowlists: a rule with an invalid one is dropped.
  std::erase_if(rules, [&](const Rule& r) {
    RuleFilters unused;
    std::string error;
    if (compile_filters(r, unused, &error)) return false;
    result.errors.push_back(r.source + ": rule " + r.id + ": invalid path or allowlist pattern " +
                            error);
    return true;
  });

  // RE2 next: a rule it rejects, or one without a capture group, is dropped before Hyperscan.
  for (Rule& r : rules) {
    auto re = std::make_unique<RE2>(r.pattern, confirm_options());
    if (!re->ok()) {
      result.errors.push_back(r.source + ": rule " + r.id +
                              ": RE2 rejects the pattern: " + re->error());
      continue;
    }
    if (re->NumberOfCapturingGroups() < groups_needed(r)) {
      result.errors.push_back(r.source + ": rule " + r.id + ": pattern has no capture group " +
                              std::to_string(groups_needed(r)) + " (its secret_group)");
      continue;
    }
    db->add_rule(std::move(r));
    db->compiled_.back()->confirm = std::move(re);
  }

  std::vector<HsForm> forms;
  std::vector<std::string> patterns;
  for (const Rule& r : db->rules_) {
    forms.push_back(form_of(r, options.relax_hyperscan));
    patterns.push_back(forms.back().pattern);
  }
  // Compile, dropping any rule Hyperscan rejects (after its own pattern, if a form of it failed)
  // and retrying with the rest.
  while (!db->rules_.empty()) {
    int failed = -1;
    std::string message;
    db->hs_ = compile(patterns, &failed, &message);
    if (db->hs_) break;
    if (failed < 0 || static_cast<std::size_t>(failed) >= db->rules_.size()) {
      result.errors.push_back("Hyperscan cannot compile the rule set: " + message);
      db->rules_.clear();
      db->compiled_.clear();
      forms.clear();
      break;
    }
    const auto at = static_cast<std::size_t>(failed);
    if (forms[at].relaxed) {
      forms[at] = {db->rules_[at].pattern, 0, false};
      patterns[at] = forms[at].pattern;
      continue;
    }
    const Rule& bad = db->rules_[at];
    result.errors.push_back(bad.source + ": rule " + bad.id +
                            ": Hyperscan rejects the pattern: " + message);
    db->rules_.erase(db->rules_.begin() + failed);
    db->compiled_.erase(db->compiled_.begin() + failed);
    forms.erase(forms.begin() + failed);
    patterns.erase(patterns.begin() + failed);
  }
  for (const HsForm& f : forms) {
    db->slack_.push_back(static_cast<std::uint8_t>(f.slack));
    db->relaxed_.push_back(f.relaxed);
  }
  db->max_length_ = 0;  // over the rules kept
  for (const Rule& r : db->rules_) db->max_length_ = std::max(db->max_length_, r.max_length);
  if (db->hs_ && cache) {
    // A cache that cannot be written only costs speed; it is not worth an error.
    const std::string stored = cache_key(db->rules_, options.relax_hyperscan);
    if (store_cached(dir, dir + "/" + stored + ".hsdb", static_cast<hs_database_t*>(db->hs_))
            .empty())
      (void)write_private_file(dir + "/" + stored + ".forms", encode_forms(forms));
  }
  result.database = std::move(db);
  return result;
}

}  // namespace reachscan::patterns
