// The landing stage's entry point: a finished export (ours or RDS's) copied into the raw zone
// in the data platform's partition layout, verified, each table marked with _SUCCESS
// (docs/layouts.md, "Landing zone"). Used by `snaplake land` and by the pipeline's land stage.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace snaplake::store {
class ObjectStore;
}

namespace snaplake::landing {

struct LandOptions {
  std::string export_location;  // <folder | s3://bucket/prefix>/<export-id>
  std::string to;               // landing root: folder, file://…, or s3://bucket[/prefix]
  std::string service_area = "unrestricted";
  std::string kms_key_id;      // SSE-KMS key for landed S3 objects
  std::string notify;          // "", sqs:<url>, sns:<arn>, glue:<workflow>
  int jobs = 4;                // parallel copies
  bool show_progress = false;  // progress lines on stderr (a terminal)
};

struct LandedTable {
  std::string target;     // db.schema.table
  std::string partition;  // the landing key prefix of the table's partition folder
  uint64_t files = 0;
  uint64_t rows = 0;
  uint64_t bytes = 0;
  bool already_landed = false;  // its _SUCCESS from this export was there: nothing was done
};

// A table of the export that was not landed because the export itself did not export it (RDS
// skips some tables and says so in export_tables_info).
struct SkippedTable {
  std::string target;
  std::string status;
  std::string warning;
};

struct LandResult {
  std::string export_id;
  std::string import_date;  // YYYYMMDD
  std::vector<LandedTable> tables;
  std::vector<SkippedTable> skipped;
  std::string manifest;  // where the landing manifest is, e.g. /lake/_snaplake/landings/x.json
  uint64_t rows = 0;
  uint64_t bytes = 0;
  uint64_t files_copied = 0;  // copied in this run
  uint64_t bytes_copied = 0;
  uint64_t files_present = 0;  // already landed by an earlier (interrupted) run, verified
  bool notified = false;
  double seconds = 0;
};

// Lands the export. Throws Error(Conflict) while the export is STARTING/IN_PROGRESS (try again
// later), Error(Source) with the export's cause when it FAILED or was CANCELED. Idempotent:
// landing the same export again changes nothing; a landing interrupted at any point completes
// when run again, without duplicates. The steps and their order are described in land.cc.
LandResult land(const LandOptions& options);

// The same with the stores already open: `export_store` rooted at the export's folder (where
// export_info_<id>.json is), `landing_store` at the landing root. options.export_location and
// options.to are only used in messages.
LandResult land(store::ObjectStore& export_store, store::ObjectStore& landing_store,
                const LandOptions& options);

}  // namespace snaplake::landing
