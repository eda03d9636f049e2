#include "landing/land_progress.h"

#include <gtest/gtest.h>

namespace snaplake::landing {
namespace {

using namespace std::chrono_literals;

TEST(LandProgress, PerTableLinesWithPercentRowsAndEtaThenTheTotal) {
  LandProgress p(
      {{"care/public.people", 2, 4'000'000, 1200}, {"care/public.visits", 1, 1'000'000, 0}},
      nullptr);
  p.file_done(0, 1'000'000, 600);
  // 1 MB in 2 s: 0.5 MB/s; people has 3 MB left (6 s), visits 1 MB (2 s), all 4 MB (8 s).
  EXPECT_EQ(p.render(2s), (std::vector<std::string>{
                              "  care/public.people  25%  1.0/4.0 MB  600/1200 rows  ETA 0:06",
                              "  care/public.visits   0%  0.0/1.0 MB  0 rows  ETA 0:02",
                              "landing 1/3 files, 1.0/5.0 MB, 600/1200 rows, 0.5 MB/s, ETA 0:08",
                          }));
  p.file_done(0, 3'000'000, 600);
  p.file_done(1, 1'000'000, 0);
  EXPECT_EQ(p.render(10s), (std::vector<std::string>{
                               "  care/public.people 100%  4.0/4.0 MB  1200/1200 rows  done",
                               "  care/public.visits 100%  1.0/1.0 MB  0 rows  done",
                               "landing 3/3 files, 5.0/5.0 MB, 1200/1200 rows, 0.5 MB/s, done",
                           }));
}

TEST(LandProgress, NoEtaBeforeAnyByteAndNamesAreEscaped) {
  LandProgress p({{"db/s.new\nline", 1, 10, 0}}, nullptr);
  auto lines = p.render(1s);
  EXPECT_EQ(lines[0], "  db/s.new\\nline   0%  0.0/0.0 MB  0 rows  ETA -:--");
}

TEST(LandProgress, EtaText) {
  EXPECT_EQ(eta_text(7s), "0:07");
  EXPECT_EQ(eta_text(723s), "12:03");
  EXPECT_EQ(eta_text(3723s), "1:02:03");
}

}  // namespace
}  // namespace snaplake::landing
