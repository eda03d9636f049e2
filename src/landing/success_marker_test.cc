#include "landing/success_marker.h"

#include <gtest/gtest.h>

#include "rds_export/documents.h"

namespace snaplake::landing {
namespace {

SuccessMarker marker(std::string id, std::string time) {
  SuccessMarker m;
  m.export_id = std::move(id);
  m.snapshot_time = *rds_export::parse_timestamp(time);
  m.target = "db.public.t";
  m.import_date = "20261201";
  m.attempt_id = "land-1";
  m.rows = 3;
  m.bytes = 30;
  m.files = {{"a.parquet", "x/db/public.t/1/a.parquet", 10, 1},
             {"b.parquet", "x/db/public.t/1/b.parquet", 20, 2}};
  return m;
}

TEST(SuccessMarker, RoundTrip) {
  SuccessMarker m = marker("exp-1", "2026-12-01T10:00:00.250Z");
  auto back = parse_marker(render_marker(m));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->export_id, "exp-1");
  EXPECT_EQ(back->snapshot_time, m.snapshot_time);
  EXPECT_EQ(back->attempt_id, "land-1");
  ASSERT_EQ(back->files.size(), 2u);
  EXPECT_EQ(back->files[1].key, "b.parquet");
  EXPECT_EQ(back->files[1].bytes, 20u);
  EXPECT_EQ(back->files[1].rows, 2u);
}

TEST(SuccessMarker, ForeignMarkersAreNotOurs) {
  EXPECT_FALSE(parse_marker(""));  // Spark's and RDS's empty _SUCCESS
  EXPECT_FALSE(parse_marker("[]"));
  EXPECT_FALSE(parse_marker(R"({"exportId": "x"})"));  // no snapshot time to order by
  EXPECT_FALSE(parse_marker(R"({"exportId": "x", "snapshotTime": "never"})"));
}

TEST(SuccessMarker, OrderBySnapshotTimeThenExportId) {
  auto a = order_of(marker("b-export", "2026-12-01T10:00:00.250Z"));
  auto b = order_of(marker("a-export", "2026-12-01T10:00:00.251Z"));  // a millisecond later
  auto c = order_of(marker("c-export", "2026-12-01T10:00:00.251Z"));  // same time, later id
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_EQ(a, order_of(marker("b-export", "2026-12-01T10:00:00.250Z")));
}

}  // namespace
}  // namespace snaplake::landing
