#include "sources/pg_plan.h"

#include <gtest/gtest.h>

namespace snaplake::sources {
namespace {

TEST(Plan, SmallRelationsAreReadWhole) {
  EXPECT_EQ(split_pages(0, 4), (std::vector<PageRange>{{0, std::nullopt}}));
  EXPECT_EQ(split_pages(2047, 4), (std::vector<PageRange>{{0, std::nullopt}}));
}

TEST(Plan, LargeRelationsGiveEveryReaderARange) {
  auto ranges = split_pages(10000, 4);
  ASSERT_EQ(ranges.size(), 4u);
  EXPECT_EQ(ranges[0], (PageRange{0, 2500}));
  EXPECT_EQ(ranges[1], (PageRange{2500, 5000}));
  EXPECT_EQ(ranges[3], (PageRange{7500, std::nullopt}));  // open-ended: later blocks included
}

TEST(Plan, OneReaderNeverSplits) {
  // A TID range scan would only cost the server more; the encoders bound the file sizes.
  EXPECT_EQ(split_pages(10'000'000, 1), (std::vector<PageRange>{{0, std::nullopt}}));
}

TEST(Plan, RangesCoverEveryPageOnce) {
  for (uint64_t pages : {2048ull, 5000ull, 16385ull, 100000ull, 1000003ull}) {
    for (int readers : {2, 3, 8}) {
      auto ranges = split_pages(pages, readers);
      ASSERT_EQ(ranges.size(), static_cast<size_t>(readers)) << pages;
      EXPECT_EQ(ranges.front().begin, 0u);
      EXPECT_FALSE(ranges.back().end.has_value());
      for (size_t i = 0; i + 1 < ranges.size(); ++i) {
        ASSERT_TRUE(ranges[i].end.has_value());
        EXPECT_EQ(*ranges[i].end, ranges[i + 1].begin);
        // Equal to within a page.
        EXPECT_LE(*ranges[i].end - ranges[i].begin, pages / static_cast<uint64_t>(readers) + 1);
        EXPECT_GE(*ranges[i].end - ranges[i].begin, pages / static_cast<uint64_t>(readers));
      }
    }
  }
}

TEST(Plan, CtidConditions) {
  EXPECT_EQ(ctid_condition({0, std::nullopt}), "");
  EXPECT_EQ(ctid_condition({0, 100}), "ctid < '(100,0)'::tid");
  EXPECT_EQ(ctid_condition({100, 200}), "ctid >= '(100,0)'::tid AND ctid < '(200,0)'::tid");
  EXPECT_EQ(ctid_condition({200, std::nullopt}), "ctid >= '(200,0)'::tid");
}

}  // namespace
}  // namespace snaplake::sources
