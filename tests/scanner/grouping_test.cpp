// The one pipeline over an in-memory source: findings grouped by secret, occurrences streamed
// before the scan ends, bounded occurrences per finding, policy (suppression, --min-reach).
#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "reach/classify.h"
#include "scanner/fingerprint.h"
#include "scanner/pipeline.h"
#include "tests/support/scan.h"
#include "tests/support/temp_dir.h"

namespace reachscan {
namespace {

using test::demo_db;
using testing::fake_token;

// Items held in memory: (path, content).
class MemorySource final : public BlobSource {
 public:
  explicit MemorySource(std::vector<std::pair<std::string, std::string>> items)
      : items_(std::move(items)) {}
  std::optional<Item> next(std::vector<Skip>&) override {
    if (next_ == items_.size()) return std::nullopt;
    Item item;
    item.path = items_[next_].first;
    item.token = next_++;
    handed_out_ = next_;
    return item;
  }
  Loaded load(const Item& item, std::uint64_t) const override {
    Loaded l;
    l.data = items_[static_cast<std::size_t>(item.token)].second;
    return l;
  }
  std::size_t handed_out() const { return handed_out_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
  std::size_t next_ = 0;
  std::atomic<std::size_t> handed_out_{0};
};

struct Recorder final : public ScanObserver {
  const MemorySource* source = nullptr;
  std::size_t occurrences = 0;
  std::size_t handed_out_at_first = 0;
  void on_occurrences(const std::vector<Finding>& found) override {
    if (occurrences == 0) handed_out_at_first = source->handed_out();
    occurrences += found.size();
  }
};

TEST(Grouping, OneSecretInManyPlacesIsOneFindingWithEveryOccurrence) {
  const std::string a = fake_token("dmo_", 20, 1), b = fake_token("dmo_", 20, 2);
  MemorySource source({{"docs/v1/api.md", "key " + a + "\n"},
                       {"docs/v2/api.md", "x\nkey " + a + "\n"},
                       {"docs/v3/api.md", "key " + a + " and " + b + "\n"},
                       {"src/app.py", b + "\n"}});
  ScanOptions o;
  o.threads = 2;
  const ScanResult r = Scanner(demo_db(), o).scan(source, Policy());
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.summary.findings, 2u);
  EXPECT_EQ(r.summary.occurrences, 5u);
  const SecretFinding& fa = r.findings[0];
  EXPECT_EQ(fa.first.secret, a);
  EXPECT_EQ(fa.count, 3u);
  ASSERT_EQ(fa.occurrences.size(), 3u);
  EXPECT_EQ(fa.occurrences[0].path, "docs/v1/api.md");
  EXPECT_EQ(fa.occurrences[1].path, "docs/v2/api.md");
  EXPECT_EQ(fa.occurrences[1].line, 2u);
  EXPECT_EQ(fa.occurrences[2].path, "docs/v3/api.md");
  EXPECT_EQ(fa.first.fingerprint, fingerprint("demo.token", a));  // unchanged fingerprints
  EXPECT_EQ(r.findings[1].first.secret, b);
  EXPECT_EQ(r.findings[1].count, 2u);
  EXPECT_EQ(r.summary.findings_by_rule.at("demo.token"), 2u);
}

TEST(Grouping, OccurrencesStreamBeforeTheScanEnds) {
  std::vector<std::pair<std::string, std::string>> items;
  for (int i = 0; i < 200; ++i)
    items.emplace_back("f" + std::to_string(i), fake_token("dmo_", 20, static_cast<unsigned>(i)));
  MemorySource source(std::move(items));
  Recorder rec;
  rec.source = &source;
  ScanOptions o;
  o.threads = 1;
  const ScanResult r = Scanner(demo_db(), o).scan(source, Policy(), &rec);
  EXPECT_EQ(rec.occurrences, 200u);
  EXPECT_EQ(r.findings.size(), 200u);
  // At most the pipeline's tokens in flight were handed out when the first result came back.
  EXPECT_LT(rec.handed_out_at_first, 20u);
}

TEST(Grouping, OccurrencesHeldPerFindingAreBoundedAndTheCountIsExact) {
  const std::string a = fake_token("dmo_", 20, 7);
  std::vector<std::pair<std::string, std::string>> items;
  for (int i = 0; i < 500; ++i) items.emplace_back("copy" + std::to_string(i), a + "\n");
  MemorySource source(std::move(items));
  ScanOptions o;
  o.kept_per_finding = 10;
  const ScanResult r = Scanner(demo_db(), o).scan(source, Policy());
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].count, 500u);
  EXPECT_EQ(r.findings[0].occurrences.size(), 10u);
  EXPECT_EQ(r.summary.occurrences, 500u);
}

TEST(Grouping, VerdictIsTheMostSevereOccurrenceAndMixedPlacesAreReuse) {
  const std::string a = fake_token("dmo_", 20, 9);
  MemorySource source({{"tests/fixtures/config.env", "TOKEN=" + a + "\n"},
                       {"deploy/production/values.yaml", "token: " + a + "\n"}});
  ScanOptions o;
  o.reach = std::make_shared<const reach::ReachConfig>();
  const ScanResult r = Scanner(demo_db(), o).scan(source, Policy());
  ASSERT_EQ(r.findings.size(), 1u);
  const SecretFinding& f = r.findings[0];
  ASSERT_TRUE(f.first.reach);
  EXPECT_EQ(f.first.reach->verdict, ReachVerdict::kProduction);
  EXPECT_EQ(f.first.path, "deploy/production/values.yaml");
  EXPECT_TRUE(f.reused_across_environments);
  EXPECT_EQ(r.summary.findings_by_reach.at("production"), 1u);
}

TEST(Grouping, PolicySuppressesOccurrencesAndFiltersFindingsByReach) {
  const std::string a = fake_token("dmo_", 20, 11), b = fake_token("dmo_", 20, 12);
  MemorySource source({{"tests/unit/a.txt", a + "\n"}, {"b.txt", b + "\n"}});
  Suppressions s;
  s.add_fingerprint(fingerprint("demo.token", b));
  PolicyOptions po;
  po.min_reach = ReachVerdict::kUnknown;
  ScanOptions o;
  o.reach = std::make_shared<const reach::ReachConfig>();
  const ScanResult r = Scanner(demo_db(), o).scan(source, Policy(po, std::move(s)));
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.summary.suppressed, 1u);
  EXPECT_EQ(r.summary.below_min_reach, 1u);  // the test fixture is non_production
}

}  // namespace
}  // namespace reachscan
