#include <gtest/gtest.h>

#include "common/error.h"
#include "rds_export/documents.h"

namespace snaplake::rds_export {
namespace {

// As RDS writes it (fields of the DescribeExportTasks ExportTask, camelCase).
constexpr std::string_view kRdsInfo = R"({
  "exportTaskIdentifier": "rds-export-1",
  "sourceArn": "arn:aws:rds:eu-west-2:123456789012:snapshot:rds:db-2026-11-24-23-59",
  "exportOnly": [], "snapshotTime": "Nov 24, 2026 11:59:58 PM",
  "taskStartTime": "Nov 25, 2026 12:05:00 AM", "taskEndTime": "Nov 25, 2026 12:58:00 AM",
  "s3Bucket": "export-bucket", "s3Prefix": "", "exportedFilesPath": "rds-export-1",
  "iamRoleArn": "arn:aws:iam::123456789012:role/x", "kmsKeyId": "arn:aws:kms:eu-west-2:1:key/k",
  "status": "COMPLETE", "percentProgress": 100, "totalExportedDataInGB": 0.0001})";

// RDS's perTableStatus: no row counts, no files.
constexpr std::string_view kRdsTables = R"({"perTableStatus": [
  {"tableStatistics": {"extractionJobId": "job-1",
     "partitioningInfo": {"numberOfPartitions": 2, "numberOfCompletedPartitions": 2}},
   "schemaMetadata": {"originalTypeMappings": [{"columnName": "id", "originalType": "bigint",
     "expectedExportedType": "int64", "originalCharMaxLength": 0, "originalNumPrecision": 64,
     "originalDateTimePrecision": 0}]},
   "status": "COMPLETE", "sizeGB": 0.001, "target": "db.public.people"},
  {"status": "FAILED", "warningMessage": "table skipped: unsupported name", "target": "db.x.y/z"}
]})";

// snaplake's: the row count and every file.
constexpr std::string_view kSnaplakeTables = R"({"perTableStatus": [
  {"target": "db.public.people", "status": "COMPLETE", "sizeGB": 0,
   "tableStatistics": {"rowCount": 3000, "files": [
     {"key": "db/public.people/1/part-00000-a.snappy.parquet", "bytes": 1234, "rows": 1000},
     {"key": "db/public.people/1/part-00001-a.snappy.parquet", "bytes": 4321, "rows": 2000}]}}
]})";

ErrorKind kind_of(auto&& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.kind();
  }
  return ErrorKind::Internal;
}

TEST(ExportMetadata, ParsesRdsExportInfo) {
  ExportInfo info = parse_export_info(kRdsInfo, "info");
  EXPECT_EQ(info.export_id, "rds-export-1");
  EXPECT_EQ(info.status, ExportStatus::Complete);
  EXPECT_EQ(info.snapshot_time, *parse_timestamp("2026-11-24T23:59:58Z"));
  EXPECT_NO_THROW(require_complete(info));
}

TEST(ExportMetadata, ParsesRdsTablesInfoWithoutStatistics) {
  auto tables = parse_tables_info(kRdsTables, "tables");
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0].target, "db.public.people");
  EXPECT_EQ(tables[0].status, "COMPLETE");
  EXPECT_FALSE(tables[0].rows);
  EXPECT_TRUE(tables[0].files.empty());
  ASSERT_EQ(tables[0].original_types.size(), 1u);
  EXPECT_EQ(tables[0].original_types[0].column, "id");
  EXPECT_EQ(tables[0].original_types[0].type, "bigint");
  EXPECT_EQ(tables[1].status, "FAILED");
  EXPECT_EQ(tables[1].warning, "table skipped: unsupported name");
}

TEST(ExportMetadata, ParsesSnaplakeTablesInfoWithFiles) {
  auto tables = parse_tables_info(kSnaplakeTables, "tables");
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].rows, 3000u);
  ASSERT_EQ(tables[0].files.size(), 2u);
  EXPECT_EQ(tables[0].files[1].key, "db/public.people/1/part-00001-a.snappy.parquet");
  EXPECT_EQ(tables[0].files[1].bytes, 4321u);
  EXPECT_EQ(tables[0].files[1].rows, 2000u);
}

ExportInfo with_status(std::string status, std::string cause = "") {
  std::string json = R"({"exportTaskIdentifier": "e1", "status": ")" + status +
                     R"(", "snapshotTime": "2026-11-25T00:00:00Z")";
  if (!cause.empty()) json += R"(, "failureCause": ")" + cause + "\"";
  return parse_export_info(json + "}", "info");
}

TEST(ExportMetadata, StatusDecidesWhetherToLand) {
  std::string message;
  EXPECT_EQ(kind_of([] { require_complete(with_status("IN_PROGRESS")); }, &message),
            ErrorKind::Conflict);
  EXPECT_EQ(message, "export e1 is not complete yet (IN_PROGRESS)");
  EXPECT_EQ(kind_of([] { require_complete(with_status("STARTING")); }), ErrorKind::Conflict);
  EXPECT_EQ(kind_of([] { require_complete(with_status("FAILED", "S3 access denied")); }, &message),
            ErrorKind::Source);
  EXPECT_EQ(message, "export e1 is FAILED: S3 access denied");
  EXPECT_EQ(kind_of([] { require_complete(with_status("CANCELED")); }, &message),
            ErrorKind::Source);
  EXPECT_EQ(message, "export e1 is CANCELED: no failure cause recorded");
  EXPECT_EQ(kind_of([] { require_complete(with_status("CANCELING")); }), ErrorKind::Source);
  EXPECT_EQ(kind_of([] { require_complete(with_status("WEIRD")); }), ErrorKind::InvalidInput);
  EXPECT_NO_THROW(require_complete(with_status("COMPLETE")));
}

TEST(ExportMetadata, RejectsBrokenFiles) {
  EXPECT_EQ(kind_of([] { parse_export_info("{", "i"); }), ErrorKind::InvalidInput);
  EXPECT_EQ(kind_of([] { parse_export_info("[]", "i"); }), ErrorKind::InvalidInput);
  EXPECT_EQ(kind_of([] { parse_export_info(R"({"status": "COMPLETE"})", "i"); }),
            ErrorKind::InvalidInput);  // a complete export needs its snapshot time
  EXPECT_EQ(kind_of([] { parse_tables_info(R"({"tables": []})", "t"); }), ErrorKind::InvalidInput);
  EXPECT_EQ(
      kind_of([] { parse_tables_info(R"({"perTableStatus": [{"status": "COMPLETE"}]})", "t"); }),
      ErrorKind::InvalidInput);
}

// Numbers no count can be (beyond a double, beyond 2^64, fractions) are the file's fault.
TEST(ExportMetadata, NumbersThatAreNoCountAreInvalidInput) {
  std::string message;
  EXPECT_EQ(
      kind_of([] { parse_export_info(R"({"status": "STARTING", "percentProgress": 1e999})", "i"); },
              &message),
      ErrorKind::InvalidInput);
  EXPECT_NE(message.find("number overflow"), std::string::npos) << message;
  for (std::string_view count : {"1e300", "2.5", "18446744073709551616.0"}) {
    std::string text = fmt::format(
        R"({{"perTableStatus": [{{"target": "d.s.t", "status": "COMPLETE",
            "tableStatistics": {{"rowCount": {}}}}}]}})",
        count);
    EXPECT_EQ(kind_of([&] { parse_tables_info(text, "t.json"); }, &message),
              ErrorKind::InvalidInput)
        << count;
    EXPECT_NE(message.find("'t.json': \"rowCount\" is"), std::string::npos) << message;
  }
  auto tables = parse_tables_info(
      R"({"perTableStatus": [{"target": "d.s.t", "tableStatistics": {"rowCount": 3.0}}]})", "t");
  EXPECT_EQ(tables.at(0).rows, 3u);
}

}  // namespace
}  // namespace snaplake::rds_export
