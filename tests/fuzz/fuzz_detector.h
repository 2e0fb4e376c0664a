// Shared by the fuzz targets that run the whole detector (detector, archive, image): every
// built-in rule, with verification, decoding and production reach on.
#pragma once

#include <cstdlib>
#include <memory>

#include "patterns/rule_database.h"
#include "reach/classify.h"
#include "scanner/detector.h"

namespace reachscan::fuzz {

inline std::unique_ptr<Detector> make_detector() {
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
  return std::make_unique<Detector>(std::move(built.database), d);
}

}  // namespace reachscan::fuzz
