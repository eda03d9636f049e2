#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rds_export/documents.h"

namespace snaplake::rds_export {
namespace {

TEST(Metadata, ExportInfoHasRdsFields) {
  ExportInfoDoc d;
  d.export_id = "e1";
  d.status = "FAILED";
  d.failure_cause = "connection lost";
  d.snapshot_time = "2026-11-25T14:15:02.000001Z";
  d.total_bytes = 1ull << 30;
  auto j = nlohmann::json::parse(export_info_json(d));
  for (const char* field :
       {"exportTaskIdentifier", "sourceArn", "exportOnly", "snapshotTime", "taskStartTime",
        "taskEndTime", "s3Bucket", "s3Prefix", "exportedFilesPath", "iamRoleArn", "kmsKeyId",
        "status", "percentProgress", "totalExportedDataInGB"}) {
    EXPECT_TRUE(j.contains(field)) << field;
  }
  EXPECT_EQ(j["status"], "FAILED");
  EXPECT_EQ(j["failureCause"], "connection lost");
  EXPECT_DOUBLE_EQ(j["totalExportedDataInGB"].get<double>(), 1.0);
}

TEST(Metadata, TablesInfoCarriesMappingsRowsAndFiles) {
  TableDoc t;
  t.target = "db.public.t";
  t.status = "COMPLETE";
  types::SourceColumn c;
  c.name = "amount";
  c.original_type = "numeric";
  c.numeric_precision = 12;
  t.columns = {c};
  t.expected_types = {"binary (UTF8)"};
  t.rows = 3;
  t.bytes = 100;
  t.files = {{"e1/db/public.t/1/part-00000-e1-c000.snappy.parquet", 100, 3}};
  auto j = nlohmann::json::parse(tables_info_json({t}));
  const auto& entry = j["perTableStatus"][0];
  EXPECT_EQ(entry["target"], "db.public.t");
  const auto& m = entry["schemaMetadata"]["originalTypeMappings"][0];
  EXPECT_EQ(m["columnName"], "amount");
  EXPECT_EQ(m["originalNumPrecision"], 12);
  EXPECT_EQ(m["originalCharMaxLength"], 0);
  EXPECT_EQ(m["expectedExportedType"], "binary (UTF8)");
  EXPECT_EQ(entry["tableStatistics"]["rowCount"], 3);
  EXPECT_EQ(entry["tableStatistics"]["files"][0]["rows"], 3);
  EXPECT_EQ(entry["tableStatistics"]["files"][0]["bytes"], 100);
}

}  // namespace
}  // namespace snaplake::rds_export
