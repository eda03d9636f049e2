// The landing stage's entry point: a finished export (ours or RDS's) copied into the raw zone
// in the data platform's partition layout, verified, each table marked with _SUCCESS
// (PRODUCT.md, "Landing zone"). Used by `snaplake land` and by the pipeline's land stage.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace snaplake::landing {

struct LandOptions {
  std::string export_location;   // <folder | s3://bucket/prefix>/<export-id>
  std::string to;                // landing root: folder, file://…, or s3://bucket[/prefix]
  std::string service_area = "unrestricted";
  std::string kms_key_id;        // SSE-KMS key for landed S3 objects
  std::string notify;            // "", sqs:<url>, sns:<arn>, glue:<workflow>
  int jobs = 4;                  // parallel copies
};

struct LandedTable {
  std::string target;          // db.schema.table
  std::string partition;       // the landing key prefix of the table's partition folder
  uint64_t files = 0;
  uint64_t rows = 0;
  uint64_t bytes = 0;
};

struct LandResult {
  std::string export_id;
  std::string import_date;  // YYYYMMDD
  std::vector<LandedTable> tables;
  uint64_t bytes = 0;
  double seconds = 0;
};

// Lands the export. Throws Error(Conflict) while the export is STARTING/IN_PROGRESS (try again
// later), Error(Source) with the export's cause when it FAILED or was CANCELED.
LandResult land(const LandOptions& options);

}  // namespace snaplake::landing
