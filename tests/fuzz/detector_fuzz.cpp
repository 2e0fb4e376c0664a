// Fuzz target: the whole detector (Hyperscan prefilter, RE2 confirm, entropy, decoding, offline
// verification, pairing) with every built-in rule, on arbitrary bytes.
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "fuzz_support.h"
#include "patterns/rule_database.h"
#include "reach/classify.h"
#include "scanner/detector.h"

namespace {
std::unique_ptr<reachscan::Detector> g_detector;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  using namespace reachscan;
  patterns::DatabaseOptions o;
  // The compiled database is cached between runs (the same cache as the scanner's).
  const char* cache = std::getenv("REACHSCAN_FUZZ_CACHE");
  if (cache && *cache) o.cache_dir = cache;
  auto built = patterns::RuleDatabase::build(patterns::embedded_rules().rules, o);
  if (!built.database) std::abort();
  DetectorOptions d;
  d.verify = true;
  d.decode = true;
  static const reach::ReachConfig reach_config;  // and production reach, with no environments map
  d.reach = &reach_config;
  d.root = "fuzz";
  g_detector = std::make_unique<Detector>(std::move(built.database), d);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto findings = g_detector->detect_all(reachscan::fuzz::as_text(data, size), "fuzz/a.txt");
  for (const reachscan::Finding& f : findings)
    if (f.secret.empty()) __builtin_trap();  // every finding carries the secret it found
  return 0;
}
