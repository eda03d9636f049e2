// What the exporter writes, the landing reads back the same: the two sides of the format in one
// module, held to each other.
#include <gtest/gtest.h>

#include "rds_export/documents.h"
#include "rds_export/keys.h"

namespace snaplake::rds_export {
namespace {

TEST(RoundTrip, ExportInfoAsWrittenIsReadBack) {
  ExportInfoDoc d;
  d.export_id = "care-20261201t101500z-ab12";
  d.status = "COMPLETE";
  d.snapshot_time = "2026-12-01T10:15:00.250Z";
  d.source_arn = "arn:aws:rds:eu-west-2:1:snapshot:care";
  commit::Lease lease = commit::Lease::begin("export", std::chrono::seconds(60));
  d.attempt = lease.to_json();
  ExportInfo info = parse_export_info(export_info_json(d), "export_info");
  EXPECT_EQ(info.export_id, d.export_id);
  EXPECT_EQ(info.status, ExportStatus::Complete);
  EXPECT_EQ(info.source_arn, d.source_arn);
  EXPECT_EQ(info.snapshot_time, *parse_timestamp(d.snapshot_time));
  ASSERT_TRUE(info.lease);
  EXPECT_EQ(info.lease->attempt_id, lease.attempt_id);
  EXPECT_NO_THROW(require_complete(info));
  EXPECT_EQ(info.source_snapshot_id, "");

  // The snapshot the event named, beside the time the data was read (snapshotTime).
  d.source_snapshot = {.snapshot_id = "rds:care-2026-12-01-10-10",
                       .event_time = "2026-12-01T10:14:03.511Z"};
  info = parse_export_info(export_info_json(d), "export_info");
  EXPECT_EQ(info.source_snapshot_id, "rds:care-2026-12-01-10-10");
  EXPECT_EQ(info.snapshot_time, *parse_timestamp(d.snapshot_time));

  d.status = "FAILED";
  d.failure_cause = "interrupted";
  info = parse_export_info(export_info_json(d), "export_info");
  EXPECT_EQ(info.status, ExportStatus::Failed);
  EXPECT_EQ(info.failure_cause, "interrupted");
}

TEST(RoundTrip, TablesInfoAsWrittenIsReadBack) {
  TableDoc t;
  t.target = "care.public.people";
  t.status = "COMPLETE";
  t.rows = 42;
  t.bytes = 4096;
  t.files = {{"e1/care/public.people/1/part-00000-e1-c000.snappy.parquet", 4096, 42}};
  auto tables = parse_tables_info(tables_info_json({t}), "tables_info");
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].target, t.target);
  EXPECT_EQ(tables[0].status, "COMPLETE");
  EXPECT_EQ(tables[0].rows, 42u);
  ASSERT_EQ(tables[0].files.size(), 1u);
  EXPECT_EQ(tables[0].files[0].key, t.files[0].key);
  EXPECT_EQ(tables[0].files[0].bytes, 4096u);
  EXPECT_EQ(tables[0].files[0].rows, 42u);
}

TEST(RoundTrip, DocumentKeysAreRecognisedInAListing) {
  // The keys the exporter writes, relative to the export folder as the landing lists it.
  std::string info = export_info_key("e-1").substr(std::string("e-1/").size());
  std::string tables = tables_info_key("e-1", 1, 3).substr(std::string("e-1/").size());
  EXPECT_EQ(export_id_of_info_key(info), "e-1");
  EXPECT_TRUE(is_tables_info_key(tables));
  EXPECT_FALSE(is_tables_info_key(info));
  EXPECT_FALSE(export_id_of_info_key(tables));
  EXPECT_FALSE(export_id_of_info_key("db/export_info_x.json"));  // not at the top of the folder
  EXPECT_FALSE(export_id_of_info_key("export_info_x.json.tmp"));
}

}  // namespace
}  // namespace snaplake::rds_export
