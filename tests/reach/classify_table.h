// Shared by the table-driven classifier tests: one Row per situation, asserting the verdict and
// every evidence item (label AND reasons).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "reach/classify.h"

// NOTE: the tables use designated initializers and leave most fields at their defaults on
// purpose; GCC 12 warns about every omitted field even so.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif

namespace reachscan::reach {
namespace table {

using V = ReachVerdict;

inline std::string b64url(const std::string& in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned buf = 0;
  int bits = 0;
  for (unsigned char c : in) {
    buf = (buf << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(buf >> bits) & 63u]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buf << (6 - bits)) & 63u]);
  return out;
}

// A structurally valid JWT with the given claims (the signature part is random-looking filler).
inline std::string jwt(const std::string& claims) {
  return b64url(R"({"alg":"HS256","typ":"JWT"})") + "." + b64url(claims) +
         ".Qm9vdHN0cmFwU2lnbmF0dXJlVjI";
}

// The environments map used by the config rows.
inline ReachConfig test_config() {
  auto cfg = parse_reach_config(R"(
environments:
  production:
    hosts: ['*.prod.acme.internal', 'payments-db-01.acme.net']
    aws_accounts: ['111122223333']
    gcp_projects: ['acme-prod-4471']
    namespaces: [payments, 'prod-*']
    clusters: ['gke_acme-prod_*', 'prod-eu']
    paths: ['ops/live/**']
    branches: [main, 'release/*']
  staging:
    hosts: ['*.staging.acme.internal']
    aws_accounts: ['444455556666']
    gcp_projects: ['acme-staging-*']
    namespaces: [staging, 'qa-*']
    clusters: [staging-eu]
    paths: ['ops/rehearsal/**']
    branches: [develop]
  canary:
    production: true
    namespaces: [edge]
  rehearsal:
    production: false
)",
                                "/repo/.reachscan.yaml");
  EXPECT_TRUE(cfg.ok()) << cfg.status().message();
  return cfg.ok() ? *cfg : ReachConfig{};
}

struct Row {
  std::string name;
  std::string rule = "generic.api_key";
  std::string variant;
  std::string path = "src/app/client.py";
  std::string text = "API_KEY = \"@S@\"\n";  // @S@ marks the secret
  V want = V::kUnknown;
  // Every evidence item as <direction><signal>: '+' production, '-' non-production, '0' info.
  std::set<std::string> signals;
  std::vector<std::string> flags;
  bool use_config = false;
  std::string secret = "Zq8xVw2LmT5rNc7Hd4Jk";
  std::optional<CommitInfo> commit;
  std::map<std::string, std::string> attributes;
  std::vector<std::string> frameworks_include;
};

inline Finding finding_for(const Row& r, std::string& text_out) {
  Finding f;
  f.rule_id = r.rule;
  f.variant = r.variant;
  f.path = "/repo/" + r.path;
  f.secret = r.secret;
  text_out = r.text;
  const std::size_t at = text_out.find("@S@");
  EXPECT_NE(at, std::string::npos) << r.name;
  text_out.replace(at, 3, r.secret);
  f.offset = at;
  f.line = 1 + static_cast<std::uint64_t>(std::count(
                   text_out.begin(), text_out.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  f.commit = r.commit;
  f.verification.attributes = r.attributes;
  return f;
}

inline std::set<std::string> signals_of(const Reach& reach) {
  std::set<std::string> out;
  for (const Evidence& e : reach.evidence)
    out.insert((e.weight > 0 ? "+" : e.weight < 0 ? "-" : "0") + e.signal);
  return out;
}

inline std::string dump(const Reach& r) {
  std::string s = std::string(to_string(r.verdict)) + " " + std::to_string(r.confidence) + "\n";
  for (const Evidence& e : r.evidence)
    s += "  " + e.signal + " " + std::to_string(e.weight) + ": " + e.detail + "\n";
  for (const std::string& f : r.flags) s += "  flag " + f + "\n";
  return s;
}

inline Reach run(const Row& r) {
  static const ReachConfig cfg = test_config();
  std::string text;
  const Finding f = finding_for(r, text);
  return classify(f, FileContext{f.path, text, f.offset, "/repo"},
                  r.use_config ? cfg : ReachConfig{});
}

inline void check(const std::vector<Row>& rows) {
  for (const Row& r : rows) {
    SCOPED_TRACE(r.name);
    const Reach got = run(r);
    EXPECT_EQ(to_string(got.verdict), std::string(to_string(r.want))) << dump(got);
    EXPECT_EQ(signals_of(got), r.signals) << dump(got);
    EXPECT_EQ(got.flags, r.flags) << dump(got);
    EXPECT_EQ(got.frameworks.at(0), "OWASP-NHI2");
    for (const std::string& t : r.frameworks_include)
      EXPECT_NE(std::find(got.frameworks.begin(), got.frameworks.end(), t), got.frameworks.end())
          << t << "\n"
          << dump(got);
    if (got.verdict == V::kUnknown)
      EXPECT_EQ(got.confidence, 0.0);
    else
      EXPECT_GT(got.confidence, 0.5);
    for (const Evidence& e : got.evidence) EXPECT_FALSE(e.detail.empty()) << e.signal;
  }
}

inline CommitInfo commit(std::vector<std::string> refs, bool in_head = true,
                         std::vector<std::string> touched = {}) {
  CommitInfo c;
  c.id = "0123456789abcdef0123456789abcdef01234567";
  c.refs = std::move(refs);
  c.in_head = in_head;
  c.touched = std::move(touched);
  return c;
}

}  // namespace table
}  // namespace reachscan::reach
