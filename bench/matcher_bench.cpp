// Matcher throughput on source text, one thread, over the embedded rules.
//
// What it measures (all single-threaded, input already in memory, bytes/s over the input):
//   BM_Hyperscan      hs_scan over the compiled database with a counting callback: the floor.
//   BM_Matcher        patterns::Matcher::scan: Hyperscan + RE2 confirm/extract, sorted matches.
//   BM_Detector       Detector::detect: the matcher plus keyword/entropy/placeholder gates,
//                     inline-allow lookup, positions and Finding construction (no I/O).
//   BM_ConfirmRule/ID the RE2 confirm step alone for one rule's Hyperscan hits over the whole
//                     input, one benchmark per rule that has hits (most hits first). Its time per
//                     iteration is that rule's share of (BM_Matcher - BM_Hyperscan).
//                     REACHSCAN_BENCH_RE2_MAX_MEM=N (MiB) re-times them with that RE2 budget.
//   BM_HyperscanRule/ID (opt-in, REACHSCAN_BENCH_HS_PER_RULE=1) one rule's pattern alone in
//                     Hyperscan: finds the rules that slow the combined scan.
//   BM_HyperscanGroup/G (opt-in, REACHSCAN_BENCH_HS_GROUPS=1) a group of rules alone and every
//                     rule but the group: what the group costs (see register_hs_group_benchmarks).
//   BM_LoadRules, BM_BuildDatabase/compile|cached: what a start-up pays before scanning.
// Each scan benchmark runs twice: /per_file:0 scans the input in blocks of 16 MiB (how the
// pipeline scans a large file), /per_file:1 scans each file separately (how `reachscan dir` scans
// a tree of small files, so per-call overhead shows).
//
// Input: REACHSCAN_BENCH_CORPUS names a folder (or file). Its regular text files (no NUL in the
// first 8000 bytes, as the pipeline decides; .git/.hg/.svn skipped) are read in path order and
// concatenated, repeating them if needed, until REACHSCAN_BENCH_BYTES (default 64 MiB) is reached.
// Unset, the repository's own sources and corpus/ are used, repeated. REACHSCAN_BENCH_BLOCK sets
// the block size (default 16 MiB, ScanOptions::chunk_size). REACHSCAN_BENCH_RULES=PATH (a rule file
// or folder) replaces the embedded rules, e.g. to time a rewritten pattern before committing it.
//
//   REACHSCAN_BENCH_CORPUS=/tmp/rs-data/real ./matcher_bench --benchmark_filter='BM_(Hyp|Mat|Det)'
#include <benchmark/benchmark.h>
#include <hs/hs.h>
#include <re2/re2.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "patterns/hs_form.h"
#include "patterns/matcher.h"
#include "patterns/rule.h"
#include "patterns/rule_database.h"
#include "scanner/detector.h"

namespace {

namespace fs = std::filesystem;
using reachscan::patterns::Matcher;
using reachscan::patterns::RuleDatabase;

constexpr std::size_t kBinaryProbe = 8000;  // as the pipeline: NUL in the first 8000 bytes

std::size_t env_size(const char* name, std::size_t fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(v, &end, 10);
  std::size_t mult = 1;
  if (end && (*end == 'k' || *end == 'K')) mult = 1u << 10;
  if (end && (*end == 'm' || *end == 'M')) mult = 1u << 20;
  if (end && (*end == 'g' || *end == 'G')) mult = 1u << 30;
  return n ? static_cast<std::size_t>(n) * mult : fallback;
}

struct Corpus {
  std::string origin;                   // what was read
  std::string text;                     // everything, files separated by '\n'
  std::vector<std::string_view> files;  // one view per file (repeats included)
  std::vector<std::string_view> blocks;
  std::size_t distinct_files = 0;
  std::size_t distinct_bytes = 0;
  std::size_t binary_skipped = 0;
};

void collect(const fs::path& root, std::vector<fs::path>& out) {
  std::error_code ec;
  if (fs::is_regular_file(fs::symlink_status(root, ec))) {
    out.push_back(root);
    return;
  }
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path& p = it->path();
    const auto st = it->symlink_status(ec);
    if (ec) break;
    if (fs::is_directory(st)) {
      const std::string name = p.filename().string();
      if (name == ".git" || name == ".hg" || name == ".svn") {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (fs::is_regular_file(st)) out.push_back(p);
  }
}

Corpus load_corpus() {
  Corpus c;
  std::vector<fs::path> paths;
  if (const char* dir = std::getenv("REACHSCAN_BENCH_CORPUS"); dir && *dir) {
    c.origin = dir;
    collect(dir, paths);
  } else {
    // The repository itself: its code, rules and labelled corpus. Small (< 1 MB), so repeated.
    c.origin = std::string(REACHSCAN_SOURCE_DIR) + " (own sources + corpus, repeated)";
    for (const char* sub : {"patterns", "scanner", "entropy", "tests", "corpus", "bench", "cmake"})
      collect(fs::path(REACHSCAN_SOURCE_DIR) / sub, paths);
  }
  std::sort(paths.begin(), paths.end());

  const std::size_t target = env_size("REACHSCAN_BENCH_BYTES", std::size_t{64} << 20);
  std::vector<std::string> contents;
  std::size_t total = 0;
  for (const fs::path& p : paths) {
    if (total >= target) break;
    std::ifstream in(p, std::ios::binary);
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (s.empty()) continue;
    if (std::memchr(s.data(), '\0', std::min(s.size(), kBinaryProbe)) != nullptr) {
      ++c.binary_skipped;
      continue;
    }
    total += s.size() + 1;
    contents.push_back(std::move(s));
  }
  c.distinct_files = contents.size();
  c.distinct_bytes = total;
  if (contents.empty()) {
    std::fprintf(stderr, "matcher_bench: no text files under %s\n", c.origin.c_str());
    std::exit(2);
  }

  // Lay the files out back to back (repeating the list until the target size), then take views.
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  c.text.reserve(target + contents.front().size() + 1);
  while (c.text.size() < target) {
    for (const std::string& s : contents) {
      spans.emplace_back(c.text.size(), s.size());
      c.text += s;
      c.text += '\n';
      if (c.text.size() >= target) break;
    }
  }
  for (const auto& [off, len] : spans) c.files.emplace_back(c.text.data() + off, len);
  const std::size_t block = env_size("REACHSCAN_BENCH_BLOCK", std::size_t{16} << 20);
  for (std::size_t off = 0; off < c.text.size(); off += block)
    c.blocks.emplace_back(c.text.data() + off, std::min(block, c.text.size() - off));
  return c;
}

struct Fixture {
  Corpus corpus;
  std::shared_ptr<const RuleDatabase> db;
  std::unique_ptr<reachscan::Detector> detector;
};

Fixture& fixture() {
  static Fixture* f = [] {
    auto* fx = new Fixture;
    fx->corpus = load_corpus();
    const char* rules_path = std::getenv("REACHSCAN_BENCH_RULES");
    reachscan::patterns::RuleSet rules = rules_path && *rules_path
                                             ? reachscan::patterns::load_rules(rules_path)
                                             : reachscan::patterns::embedded_rules();
    for (const std::string& e : rules.errors) std::fprintf(stderr, "rules: %s\n", e.c_str());
    // What a default scan compiles: opt-in rules (--entropy-strings) stay out.
    reachscan::patterns::drop_opt_in_rules(rules.rules, {}, {});
    reachscan::patterns::DatabaseOptions o;
    o.use_cache = false;  // hermetic: never read or write the user's cache
    auto built = RuleDatabase::build(std::move(rules.rules), o);
    for (const std::string& e : built.errors) std::fprintf(stderr, "database: %s\n", e.c_str());
    fx->db = built.database;
    fx->detector = std::make_unique<reachscan::Detector>(fx->db);
    return fx;
  }();
  return *f;
}

const std::vector<std::string_view>& inputs(const Fixture& f, bool per_file) {
  return per_file ? f.corpus.files : f.corpus.blocks;
}

void set_throughput(benchmark::State& state, const Fixture& f) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(f.corpus.text.size()));
}

struct HsScratch {
  hs_scratch_t* s = nullptr;
  explicit HsScratch(const hs_database_t* db) { hs_alloc_scratch(db, &s); }
  ~HsScratch() { hs_free_scratch(s); }
};

int count_hit(unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) {
  ++*static_cast<std::uint64_t*>(ctx);
  return 0;
}

void BM_Hyperscan(benchmark::State& state) {
  const Fixture& f = fixture();
  const auto* db = static_cast<const hs_database_t*>(f.db->hyperscan());
  HsScratch scratch(db);
  std::uint64_t hits = 0;
  for (auto _ : state) {
    hits = 0;
    for (std::string_view in : inputs(f, state.range(0) != 0))
      hs_scan(db, in.data(), static_cast<unsigned>(in.size()), 0, scratch.s, count_hit, &hits);
    benchmark::DoNotOptimize(hits);
  }
  set_throughput(state, f);
  state.counters["hs_hits"] = static_cast<double>(hits);
}

void BM_Matcher(benchmark::State& state) {
  const Fixture& f = fixture();
  Matcher matcher(f.db);
  std::uint64_t matches = 0;
  for (auto _ : state) {
    matches = 0;
    for (std::string_view in : inputs(f, state.range(0) != 0)) {
      const auto st = matcher.scan(in, [&](const reachscan::patterns::Match&) {
        ++matches;
        return true;
      });
      benchmark::DoNotOptimize(st);
    }
  }
  set_throughput(state, f);
  state.counters["matches"] = static_cast<double>(matches);
  state.counters["unconfirmed"] = static_cast<double>(matcher.unconfirmed_hits());
}

void BM_Detector(benchmark::State& state) {
  const Fixture& f = fixture();
  std::vector<reachscan::Finding> out;
  reachscan::DetectStats stats;
  const std::string path = "bench";
  for (auto _ : state) {
    out.clear();
    stats = {};
    for (std::string_view in : inputs(f, state.range(0) != 0)) {
      reachscan::Chunk c;
      c.data = in;
      const auto st = f.detector->detect(c, path, out, stats);
      benchmark::DoNotOptimize(st);
    }
  }
  set_throughput(state, f);
  state.counters["findings"] = static_cast<double>(out.size());
  state.counters["drop_entropy"] = static_cast<double>(stats.dropped_entropy);
  state.counters["drop_placeholder"] = static_cast<double>(stats.dropped_placeholder);
  state.counters["drop_keyword"] = static_cast<double>(stats.dropped_keyword);
}

// ---- Confirm cost per rule -------------------------------------------------------------------
//
// NOTE: this mirrors patterns/matcher.cpp (hit collapsing and the confirm loop) so that it can
// time one rule at a time; keep the two in step when the matcher changes.

struct RuleHits {
  std::uint32_t rule = 0;
  std::uint64_t raw = 0;                                      // Hyperscan callbacks
  std::vector<std::pair<std::uint32_t, std::uint32_t>> hits;  // (block, collapsed end)
};

struct CollectCtx {
  const RuleDatabase* db = nullptr;
  std::uint64_t size = 0;  // of the block scanned
  std::uint32_t block = 0;
  std::vector<RuleHits>* per_rule = nullptr;
};

int collect_hit(unsigned id, unsigned long long, unsigned long long to, unsigned, void* ctx) {
  auto* c = static_cast<CollectCtx*>(ctx);
  RuleHits& r = (*c->per_rule)[id];
  ++r.raw;
  const auto end =
      static_cast<std::uint32_t>(std::min<unsigned long long>(to + c->db->end_slack(id), c->size));
  if (!r.hits.empty() && r.hits.back().first == c->block && r.hits.back().second + 1 == end)
    r.hits.back().second = end;
  else
    r.hits.emplace_back(c->block, end);
  return 0;
}

// REACHSCAN_BENCH_RE2_MAX_MEM=N (MiB) times the confirm step with a private RE2 built with that
// memory budget instead of the database's (8 MiB), to see whether a rule is DFA-budget bound.
std::unique_ptr<re2::RE2> private_confirm(const Fixture& f, std::uint32_t rule) {
  const std::size_t mib = env_size("REACHSCAN_BENCH_RE2_MAX_MEM", 0);
  if (mib == 0) return nullptr;
  re2::RE2::Options o;
  o.set_encoding(re2::RE2::Options::EncodingLatin1);
  o.set_log_errors(false);
  o.set_max_mem(static_cast<std::int64_t>(mib) << 20);
  return std::make_unique<re2::RE2>(f.db->rules()[rule].pattern, o);
}

std::uint64_t confirm_rule(const Fixture& f, const RuleHits& rh, const re2::RE2* own) {
  const re2::RE2* confirm = own ? own : f.db->confirm(rh.rule);  // compiled on first use
  if (!confirm) return 0;
  const re2::RE2& re = *confirm;
  const std::size_t max_length = f.db->rules()[rh.rule].max_length;
  const std::size_t window = max_length + f.db->end_slack(rh.rule);
  re2::StringPiece groups[2];
  std::uint64_t matches = 0;
  std::size_t i = 0;
  while (i < rh.hits.size()) {
    const std::uint32_t b = rh.hits[i].first;
    const std::string_view data = f.corpus.blocks[b];
    const re2::StringPiece text(data.data(), data.size());
    std::size_t covered = 0;
    bool any = false;
    for (; i < rh.hits.size() && rh.hits[i].first == b; ++i) {
      const std::size_t hit = rh.hits[i].second;
      if (any && hit <= covered) continue;
      std::size_t from = hit > window ? hit - window : 0;
      if (any && covered > from) from = covered;
      while (from < hit && re.Match(text, from, hit, re2::RE2::UNANCHORED, groups, 2)) {
        const auto start = static_cast<std::size_t>(groups[0].data() - data.data());
        const std::size_t limit = std::min(data.size(), start + max_length);
        if (!re.Match(text, start, limit, re2::RE2::ANCHOR_START, groups, 2)) break;
        const std::size_t end = start + groups[0].size();
        any = true;
        covered = std::max(end, start + 1);
        ++matches;
        if (end >= hit) break;
        from = covered;
      }
    }
  }
  return matches;
}

std::vector<RuleHits> hits_per_rule(const Fixture& f) {
  const auto* db = static_cast<const hs_database_t*>(f.db->hyperscan());
  HsScratch scratch(db);
  std::vector<RuleHits> per_rule(f.db->rules().size());
  for (std::uint32_t r = 0; r < per_rule.size(); ++r) per_rule[r].rule = r;
  CollectCtx ctx{f.db.get(), 0, 0, &per_rule};
  for (std::string_view in : f.corpus.blocks) {
    ctx.size = in.size();
    hs_scan(db, in.data(), static_cast<unsigned>(in.size()), 0, scratch.s, collect_hit, &ctx);
    ++ctx.block;
  }
  return per_rule;
}

void register_confirm_benchmarks() {
  const Fixture& f = fixture();
  auto per_rule = std::make_shared<std::vector<RuleHits>>(hits_per_rule(f));
  std::vector<std::size_t> order;
  std::uint64_t raw = 0;
  for (std::size_t r = 0; r < per_rule->size(); ++r) {
    raw += (*per_rule)[r].raw;
    if (!(*per_rule)[r].hits.empty()) order.push_back(r);
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return (*per_rule)[a].hits.size() > (*per_rule)[b].hits.size();
  });
  benchmark::AddCustomContext("rules", std::to_string(f.db->rules().size()));
  benchmark::AddCustomContext("rules_with_hits", std::to_string(order.size()));
  benchmark::AddCustomContext("hyperscan_hits_raw", std::to_string(raw));
  for (std::size_t r : order) {
    (void)f.db->confirm(r);  // compile it now, outside the timed loop
    const std::string name = "BM_ConfirmRule/" + f.db->rules()[r].id;
    benchmark::RegisterBenchmark(name.c_str(), [per_rule, r](benchmark::State& state) {
      const Fixture& fx = fixture();
      const RuleHits& rh = (*per_rule)[r];
      const std::unique_ptr<re2::RE2> own = private_confirm(fx, rh.rule);
      std::uint64_t matches = 0;
      for (auto _ : state) benchmark::DoNotOptimize(matches = confirm_rule(fx, rh, own.get()));
      set_throughput(state, fx);
      state.counters["hs_hits_raw"] = static_cast<double>(rh.raw);
      state.counters["hits"] = static_cast<double>(rh.hits.size());
      state.counters["matches"] = static_cast<double>(matches);
      state.counters["ns_per_hit"] = benchmark::Counter(
          static_cast<double>(rh.hits.size()) * static_cast<double>(state.iterations()),
          benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    })->Unit(benchmark::kMillisecond);
  }
}

// ---- Hyperscan cost per rule and per group (opt-in) ------------------------------------------
//
// REACHSCAN_BENCH_HS_PER_RULE=1 adds BM_HyperscanRule/<id>: a database of that rule alone over the
// whole input. Rules share Hyperscan's literal matching when compiled together, so these times do
// not add up to BM_Hyperscan; they flag the rules without a usable literal (a class or `^` first,
// a short literal, `(?i)` on a short word) that slow the combined scan.
//
// REACHSCAN_BENCH_HS_GROUPS=1 adds BM_HyperscanGroup/<group> (the group's patterns alone) and
// BM_HyperscanGroup/without_<group> (every other rule): what a group costs in the combined scan.
// Groups: generic (ids generic.*), named_key (generated from patterns/named/providers.txt),
// provider (the rest), and no_literal (rules in which RE2's prefilter finds no required literal of
// 3+ bytes, across the other groups).

struct HsDatabaseDeleter {
  void operator()(hs_database_t* d) const { hs_free_database(d); }
};
using HsDatabase = std::unique_ptr<hs_database_t, HsDatabaseDeleter>;

bool env_on(const char* name) {
  const char* on = std::getenv(name);
  return on && *on && std::string(on) != "0";
}

// One block-mode database over the given rules' patterns; null (with `error` set) when Hyperscan
// rejects them.
HsDatabase compile_rules(const Fixture& f, const std::vector<std::size_t>& rules,
                         std::string* error) {
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  for (std::size_t r : rules) {
    exprs.push_back(f.db->rules()[r].pattern.c_str());
    flags.push_back(0);
    ids.push_back(static_cast<unsigned>(r));
  }
  hs_database_t* raw = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()),
                       HS_MODE_BLOCK, nullptr, &raw, &err) != HS_SUCCESS) {
    *error = err && err->message ? err->message : "Hyperscan rejects the patterns";
    hs_free_compile_error(err);
    return nullptr;
  }
  return HsDatabase(raw);
}

// Times hs_scan of `rules` over the input blocks.
void time_rules(benchmark::State& state, const std::vector<std::size_t>& rules) {
  const Fixture& fx = fixture();
  std::string error;
  const HsDatabase db = compile_rules(fx, rules, &error);
  if (!db) {
    state.SkipWithError(error.c_str());
    return;
  }
  HsScratch scratch(db.get());
  std::uint64_t hits = 0;
  for (auto _ : state) {
    hits = 0;
    for (std::string_view in : fx.corpus.blocks)
      hs_scan(db.get(), in.data(), static_cast<unsigned>(in.size()), 0, scratch.s, count_hit,
              &hits);
    benchmark::DoNotOptimize(hits);
  }
  set_throughput(state, fx);
  state.counters["hs_hits"] = static_cast<double>(hits);
  state.counters["rules"] = static_cast<double>(rules.size());
}

void register_hs_per_rule_benchmarks() {
  if (!env_on("REACHSCAN_BENCH_HS_PER_RULE")) return;
  const Fixture& f = fixture();
  for (std::size_t r = 0; r < f.db->rules().size(); ++r) {
    const std::string name = "BM_HyperscanRule/" + f.db->rules()[r].id;
    benchmark::RegisterBenchmark(name.c_str(), [r](benchmark::State& state) {
      time_rules(state, {r});
    })->Unit(benchmark::kMillisecond);
  }
}

std::string group_of(const reachscan::patterns::Rule& r) {
  if (r.generic()) return "generic";
  if (fs::path(r.source).filename().string().rfind("named_keys_", 0) == 0) return "named_key";
  return "provider";
}

void register_hs_group_benchmarks() {
  if (!env_on("REACHSCAN_BENCH_HS_GROUPS")) return;
  const Fixture& f = fixture();
  std::vector<std::pair<std::string, std::vector<bool>>> groups;
  for (const char* g : {"generic", "named_key", "provider", "no_literal"})
    groups.emplace_back(g, std::vector<bool>(f.db->rules().size(), false));
  for (std::size_t r = 0; r < f.db->rules().size(); ++r) {
    const std::string g = group_of(f.db->rules()[r]);
    for (auto& [name, in] : groups)
      in[r] = name == "no_literal"
                  ? !reachscan::patterns::has_required_literal(f.db->rules()[r].pattern)
                  : name == g;
  }
  for (const auto& [name, in] : groups) {
    std::vector<std::size_t> inside, outside;
    for (std::size_t r = 0; r < in.size(); ++r) (in[r] ? inside : outside).push_back(r);
    for (const bool without : {false, true}) {
      const std::string label = "BM_HyperscanGroup/" + (without ? "without_" + name : name);
      auto rules = std::make_shared<std::vector<std::size_t>>(without ? outside : inside);
      benchmark::RegisterBenchmark(label.c_str(), [rules](benchmark::State& state) {
        time_rules(state, *rules);
      })->Unit(benchmark::kMillisecond);
    }
  }
}

// ---- Start-up costs --------------------------------------------------------------------------

void BM_LoadRules(benchmark::State& state) {
  for (auto _ : state) {
    auto rules = reachscan::patterns::embedded_rules();
    benchmark::DoNotOptimize(rules.rules.data());
  }
}

void BM_BuildDatabase(benchmark::State& state) {
  const bool cached = state.range(0) != 0;
  const fs::path dir = fs::temp_directory_path() / "reachscan-bench-cache";
  reachscan::patterns::DatabaseOptions o;
  o.use_cache = cached;
  o.cache_dir = dir.string();
  if (cached) (void)RuleDatabase::build(reachscan::patterns::embedded_rules().rules, o);
  bool from_cache = false;
  for (auto _ : state) {
    auto built = RuleDatabase::build(reachscan::patterns::embedded_rules().rules, o);
    from_cache = built.from_cache;
    benchmark::DoNotOptimize(built.database.get());
  }
  state.SetLabel(cached ? (from_cache ? "cache hit" : "CACHE MISS") : "no cache");
  if (cached) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
}

}  // namespace

BENCHMARK(BM_Hyperscan)->ArgName("per_file")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Matcher)->ArgName("per_file")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Detector)->ArgName("per_file")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LoadRules)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BuildDatabase)->ArgName("cached")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const Fixture& f = fixture();
  benchmark::AddCustomContext("corpus", f.corpus.origin);
  if (const char* r = std::getenv("REACHSCAN_BENCH_RULES"); r && *r)
    benchmark::AddCustomContext("rules_from", r);
  benchmark::AddCustomContext("corpus_bytes", std::to_string(f.corpus.text.size()));
  benchmark::AddCustomContext("corpus_distinct_files", std::to_string(f.corpus.distinct_files));
  benchmark::AddCustomContext("corpus_distinct_bytes", std::to_string(f.corpus.distinct_bytes));
  benchmark::AddCustomContext("corpus_binary_files_skipped",
                              std::to_string(f.corpus.binary_skipped));
  benchmark::AddCustomContext("blocks", std::to_string(f.corpus.blocks.size()));
  register_confirm_benchmarks();
  register_hs_per_rule_benchmarks();
  register_hs_group_benchmarks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
