#include "landing/landing_layout.h"

#include <gtest/gtest.h>

#include "rds_export/documents.h"

namespace snaplake::landing {
namespace {

std::string date_of(std::string_view timestamp) {
  auto t = rds_export::parse_timestamp(timestamp);
  EXPECT_TRUE(t) << timestamp;
  return t ? import_date(*t).yyyymmdd() : "";
}

// The import date is the snapshot's UTC date, whatever offset the timestamp is written with.
TEST(LandingLayout, ImportDateIsTheUtcDateAroundMidnight) {
  EXPECT_EQ(date_of("2026-11-24T23:59:59Z"), "20261124");
  EXPECT_EQ(date_of("2026-11-24T23:59:59.999999Z"), "20261124");
  EXPECT_EQ(date_of("2026-11-25T00:00:00Z"), "20261125");
  EXPECT_EQ(date_of("2026-11-25T00:30:00+01:00"), "20261124");  // 23:30 UTC the day before
  EXPECT_EQ(date_of("2026-11-24T23:30:00-01:00"), "20261125");  // 00:30 UTC the day after
  EXPECT_EQ(date_of("2026-11-25T00:30:00+0100"), "20261124");
  EXPECT_EQ(date_of("2026-11-25 00:00:01"), "20261125");
  EXPECT_EQ(date_of("2024-02-29T12:00:00Z"), "20240229");
  EXPECT_EQ(date_of("2026-12-31T23:59:59-00:30"), "20270101");
  EXPECT_EQ(date_of("1969-12-31T23:59:59Z"), "19691231");
  EXPECT_EQ(date_of("1795564799"), "20261124");     // epoch seconds: 2026-11-24T23:59:59Z
  EXPECT_EQ(date_of("1795564800000"), "20261125");  // epoch milliseconds: midnight
  // Java's default date format (Gson), read as UTC.
  EXPECT_EQ(date_of("Nov 24, 2026 11:59:59 PM"), "20261124");
  EXPECT_EQ(date_of("Nov 25, 2026 12:00:00 AM"), "20261125");
  EXPECT_EQ(date_of("Nov 25, 2026 12:30:00 PM"), "20261125");
}

TEST(LandingLayout, UnreadableTimestamps) {
  for (std::string_view bad :
       {"", "yesterday", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-25T25:00:00Z",
        "2026-11-25T00:00:00+5", "Foo 1, 2026 1:00:00 AM", "Nov 25, 2026 13:00:00 PM",
        "2026-11-25T00:00:00.Z"}) {
    EXPECT_FALSE(rds_export::parse_timestamp(bad)) << bad;
  }
}

TEST(LandingLayout, PartitionPrefix) {
  ImportDate date{2026, 3, 7};
  EXPECT_EQ(partition_prefix("unrestricted", "socialcare", "public.people", date),
            "unrestricted/socialcare/public.people/import_year=2026/import_month=03/"
            "import_day=07/import_date=20260307/");
}

TEST(LandingLayout, HostileNamesNeverEscapeOrReshape) {
  EXPECT_EQ(safe_segment("public.people"), "public.people");
  EXPECT_EQ(safe_segment(".."), "_..");
  EXPECT_EQ(safe_segment("."), "_.");
  EXPECT_EQ(safe_segment(""), "_");
  EXPECT_EQ(safe_segment("a/b"), "a_b");
  EXPECT_EQ(safe_segment("a\\b"), "a_b");
  EXPECT_EQ(safe_segment("x=1"), "x_1");
  EXPECT_EQ(safe_segment(std::string("tab\there\nnul\0x\x7f", 15)), "tab_here_nul_x_");
  EXPECT_EQ(safe_segment("schéma.tåble"), "schéma.tåble");
  EXPECT_EQ(
      partition_prefix("../..", "..", "a/../b", ImportDate{2026, 1, 2}),
      ".._../_../a_.._b/import_year=2026/import_month=01/import_day=02/import_date=20260102/");
}

TEST(LandingLayout, BatchFoldersAreFlattenedDeterministically) {
  EXPECT_EQ(landed_file_name("part-00000-abc.gz.parquet", "abc"), "part-00000-abc.gz.parquet");
  EXPECT_EQ(landed_file_name("1/part-00000-abc.gz.parquet", "abc"), "1-part-00000-abc.gz.parquet");
  EXPECT_EQ(landed_file_name("12/part-00003-abc-c000.snappy.parquet", "abc"),
            "12-part-00003-abc-c000.snappy.parquet");
  EXPECT_EQ(landed_file_name("a/b/c.parquet", "c"), "a-b-c.parquet");
  EXPECT_EQ(landed_file_name("../x=1/c.parquet", "x_1"), "_..-x_1-c.parquet");
  // Two batches with the same part name land under different names.
  EXPECT_NE(landed_file_name("1/part-00000-u.parquet", "u"),
            landed_file_name("2/part-00000-u.parquet", "u"));
}

TEST(LandingLayout, LandedNamesCarryTheExportId) {
  // RDS names files by UUIDs, which two exports could share (a copied fixture, a reused
  // layout): the export id goes in front, so two exports never write one key.
  EXPECT_EQ(landed_file_name("1/part-00000-u.gz.parquet", "exp-1"),
            "exp-1-1-part-00000-u.gz.parquet");
  EXPECT_NE(landed_file_name("1/part-00000-u.gz.parquet", "exp-1"),
            landed_file_name("1/part-00000-u.gz.parquet", "exp-2"));
  // snaplake's own part names have it already.
  EXPECT_EQ(landed_file_name("1/part-00000-exp-1-c000.snappy.parquet", "exp-1"),
            "1-part-00000-exp-1-c000.snappy.parquet");
}

}  // namespace
}  // namespace snaplake::landing

namespace snaplake::landing {
namespace {

TEST(LandingLayout, ImportDateOverrides) {
  EXPECT_EQ(parse_import_date("20220601")->yyyymmdd(), "20220601");
  EXPECT_EQ(parse_import_date("20240229")->yyyymmdd(), "20240229");
  for (const char* bad : {"2022-06-01", "20230229", "20221301", "2022061", "202206011", "abcdefgh", ""}) {
    EXPECT_FALSE(parse_import_date(bad)) << bad;
  }
}

TEST(LandingLayout, ImportDateFromTheReferenceSystemsSnapshotIds) {
  EXPECT_EQ(import_date_from_snapshot_id("sql-to-parquet-24-03-15-120000")->yyyymmdd(), "20240315");
  EXPECT_EQ(import_date_from_snapshot_id("sql-to-parquet-2022-06-01-backdated")->yyyymmdd(),
            "20220601");
  EXPECT_EQ(import_date_from_snapshot_id("rds:parking-db-2026-11-30-23-10")->yyyymmdd(), "20261130");
  EXPECT_FALSE(import_date_from_snapshot_id("manual-snapshot"));
  EXPECT_FALSE(import_date_from_snapshot_id("sql-to-parquet-24-13-15-120000"));  // no month 13
  EXPECT_FALSE(import_date_from_snapshot_id("build-123-45-678"));
}

}  // namespace
}  // namespace snaplake::landing
