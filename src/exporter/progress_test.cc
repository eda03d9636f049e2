// progress_lines: what a person sees on a terminal while an export runs.
#include "exporter/progress.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace snaplake::exporter {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(Progress, EtaIsMinutesAndSecondsOrHours) {
  EXPECT_EQ(format_eta(0), "0:00");
  EXPECT_EQ(format_eta(7.4), "0:07");
  EXPECT_EQ(format_eta(750), "12:30");
  EXPECT_EQ(format_eta(3723), "1:02:03");
  EXPECT_EQ(format_eta(-1), "?");
}

TEST(Progress, EachTableBeingReadHasItsPercentageAndEta) {
  OverallProgress p;
  p.tables_done = 1;
  p.tables_total = 3;
  p.rows_done = 3000;
  p.rows_estimate = 6000;
  p.bytes_read = 12'000'000;
  p.seconds = 4;
  // A quarter of 4000 rows in 2 s: 6 s to go. An estimate short of the rows: 99% until done.
  p.reading = {{"shop.orders", 1000, 4000, 2}, {"shop.items", 5000, 1000, 5}};
  auto lines = progress_lines(p);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0],
            "exporting: 1/3 tables, 3000 rows of ~6000 (50%), 12.0 MB read, 3.0 MB/s, ETA 0:04");
  EXPECT_THAT(lines[1], HasSubstr("shop.orders"));
  EXPECT_THAT(lines[1], HasSubstr(" 25%  1000/~4000 rows  ETA 0:06"));
  EXPECT_THAT(lines[2], HasSubstr(" 99%  5000/~1000 rows  ETA 0:00"));
}

TEST(Progress, AnUnknownEstimateShowsRowsOnlyAndTablesBeyondTheLimitAreCounted) {
  OverallProgress p;
  p.tables_total = 4;
  p.rows_done = 20'000;
  p.reading = {{"a.t1", 12'000, 0, 1}, {"a.t2", 1, 10, 1}, {"a.t3", 1, 10, 1}};
  auto lines = progress_lines(p, 1);
  EXPECT_THAT(lines, ElementsAre(HasSubstr("0/4 tables, 20.0k rows, 0.0 MB read"),
                                 HasSubstr("?  12.0k rows"), "  … and 2 more tables being read"));
  EXPECT_THAT(lines[0], HasSubstr("ETA ?"));
}

}  // namespace
}  // namespace snaplake::exporter
