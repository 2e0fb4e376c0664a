// Interruption (issue 18): once a handled signal arrived, the pipeline stops reading and says the
// result is partial; without one, results are complete.
#include "scanner/interrupt.h"

#include <gtest/gtest.h>

#include <csignal>

#include "scanner/pipeline.h"
#include "tests/support/scan.h"
#include "tests/support/temp_dir.h"

namespace reachscan {
namespace {

std::shared_ptr<const patterns::RuleDatabase> token_db() {
  patterns::DatabaseOptions o;
  o.use_cache = false;
  auto set = patterns::parse_rules(R"yaml(
- id: demo.token
  name: Demo token
  pattern: '\b(dmo_[A-Za-z0-9]{20})\b'
)yaml",
                                   "demo.yaml");
  return patterns::RuleDatabase::build(set.rules, o).database;
}

TEST(Interrupt, ScanStopsReadingAndIsMarkedIncomplete) {
  testing::TempDir dir;
  for (int i = 0; i < 20; ++i)
    dir.write("f" + std::to_string(i) + ".txt", testing::fake_token("t = dmo_", 20, i) + "\n");
  reset_interrupt();
  const auto whole = test::scan_paths(token_db(), {}, {dir.str()});
  EXPECT_TRUE(whole.summary.complete);
  EXPECT_EQ(whole.findings.size(), 20u);

  request_interrupt(SIGTERM);
  EXPECT_TRUE(interrupted());
  EXPECT_EQ(interrupt_signal(), SIGTERM);
  const auto partial = test::scan_paths(token_db(), {}, {dir.str()});
  reset_interrupt();
  EXPECT_FALSE(partial.summary.complete);
  EXPECT_EQ(partial.summary.files_scanned, 0u) << "nothing is read after the signal";
}

TEST(Interrupt, HandlerRecordsTheFirstSignalAndRestoresTheDefault) {
  struct sigaction before {};
  ::sigaction(SIGHUP, nullptr, &before);
  if (before.sa_handler == SIG_IGN) GTEST_SKIP() << "started with SIGHUP ignored (nohup)";
  reset_interrupt();
  install_interrupt_handlers();
  std::raise(SIGHUP);
  EXPECT_TRUE(interrupted());
  EXPECT_EQ(interrupt_signal(), SIGHUP);
  struct sigaction now {};
  ::sigaction(SIGHUP, nullptr, &now);
  EXPECT_EQ(now.sa_handler, SIG_DFL) << "a second SIGHUP ends the process";
  reset_interrupt();
}

}  // namespace
}  // namespace reachscan
