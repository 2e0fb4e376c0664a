// A small stand-in for libFuzzer's driver, for builds without clang: replays every seed, then
// feeds random mutations of the seeds (bit flips, byte edits, inserted tokens, cut and repeated
// ranges, splices of two seeds) until -max_total_time seconds or -runs inputs. There is no
// coverage feedback: this keeps every target exercised on every build (ctest label `fuzz`);
// real fuzzing uses the clang build (scripts/fuzz.sh).
//
// Accepts libFuzzer's flags it understands (-max_total_time=N, -runs=N, -seed=N, -max_len=N),
// ignores the others, and takes files and folders of seeds. A crash shows as the process dying;
// the input that killed it is written to ./standalone-crash first.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "fuzz_support.h"

namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p, std::size_t max_len) {
  std::ifstream in(p, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (s.size() > max_len) s.resize(max_len);
  return s;
}

void add_seeds(const fs::path& p, std::size_t max_len, std::vector<std::string>& seeds) {
  std::error_code ec;
  if (fs::is_directory(p, ec)) {
    std::vector<fs::path> files;
    for (fs::recursive_directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec))
      if (it->is_regular_file(ec)) files.push_back(it->path());
    std::sort(files.begin(), files.end());  // the same order, the same runs for a given -seed
    for (const fs::path& f : files) seeds.push_back(slurp(f, max_len));
  } else if (fs::is_regular_file(p, ec)) {
    seeds.push_back(slurp(p, max_len));
  }
}

const char* const kTokens[] = {
    "\n",   "\r\n", "\t",   "\x1b", "\"",    "'",        "\\",          "[",
    "]",    "{",    "}",    ":",    "- ",    "&a",       "*a",          "!!",
    "%",    "%00",  "==",   "=",    "-----", ".",        "/",           "@",
    "\xff", "\xc3", "AKIA", "ghp_", "eyJ",   "sk_live_", "-----BEGIN ", "PRIVATE KEY-----"};

std::string mutate(std::string s, const std::vector<std::string>& seeds, std::mt19937_64& rng,
                   std::size_t max_len) {
  auto pick = [&](std::size_t n) { return n ? static_cast<std::size_t>(rng() % n) : 0; };
  const int rounds = 1 + static_cast<int>(rng() % 8);
  for (int r = 0; r < rounds; ++r) {
    switch (rng() % 8) {
      case 0:  // flip a bit
        if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1u << (rng() % 8));
        break;
      case 1:  // set a byte
        if (!s.empty()) s[pick(s.size())] = static_cast<char>(rng());
        break;
      case 2:  // insert random bytes
        s.insert(pick(s.size() + 1), std::string(1 + pick(8), static_cast<char>(rng())));
        break;
      case 3:  // insert a token
        s.insert(pick(s.size() + 1), kTokens[pick(std::size(kTokens))]);
        break;
      case 4:  // erase a range
        if (!s.empty()) {
          const std::size_t at = pick(s.size());
          s.erase(at, 1 + pick(std::min<std::size_t>(64, s.size() - at)));
        }
        break;
      case 5:  // repeat a range
        if (!s.empty()) {
          const std::size_t at = pick(s.size());
          const std::string part = s.substr(at, 1 + pick(32));
          s.insert(pick(s.size() + 1), part);
        }
        break;
      case 6:  // splice with another seed
        if (!seeds.empty()) {
          const std::string& other = seeds[pick(seeds.size())];
          s = s.substr(0, pick(s.size() + 1)) + other.substr(pick(other.size() + 1));
        }
        break;
      default:  // truncate
        if (!s.empty()) s.resize(pick(s.size()));
        break;
    }
  }
  if (s.size() > max_len) s.resize(max_len);
  return s;
}

void run_one(const std::string& input) {
  // Written before the run, so that a crash leaves the input that caused it.
  static const bool keep = std::getenv("REACHSCAN_FUZZ_KEEP_CRASH") != nullptr;
  if (keep) std::ofstream("standalone-crash", std::ios::binary | std::ios::trunc) << input;
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
}

}  // namespace

int main(int argc, char** argv) {
  double max_seconds = 3;
  long long max_runs = -1;
  std::uint64_t seed = 1;
  std::size_t max_len = 64 * 1024;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* flag) -> const char* {
      const std::size_t n = std::strlen(flag);
      return a.compare(0, n, flag) == 0 ? a.c_str() + n : nullptr;
    };
    if (const char* v = value("-max_total_time="))
      max_seconds = std::atof(v);
    else if (const char* r = value("-runs="))
      max_runs = std::atoll(r);
    else if (const char* s = value("-seed="))
      seed = std::strtoull(s, nullptr, 10);
    else if (const char* m = value("-max_len="))
      max_len = std::strtoull(m, nullptr, 10);
    else if (a.empty() || a[0] != '-')
      paths.push_back(a);
  }
  LLVMFuzzerInitialize(&argc, &argv);
  std::vector<std::string> seeds;
  for (const std::string& p : paths) add_seeds(p, max_len, seeds);
  if (seeds.empty()) seeds.emplace_back();
  const auto start = std::chrono::steady_clock::now();
  long long runs = 0;
  for (const std::string& s : seeds) {
    run_one(s);
    ++runs;
  }
  std::mt19937_64 rng(seed);
  for (;;) {
    if (max_runs >= 0 && runs >= max_runs) break;
    if ((runs & 63) == 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >=
            max_seconds)
      break;
    run_one(mutate(seeds[rng() % seeds.size()], seeds, rng, max_len));
    ++runs;
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("standalone fuzz driver: %lld runs (%zu seeds, no coverage feedback) in %.1f s\n",
              runs, seeds.size(), secs);
  return 0;
}
