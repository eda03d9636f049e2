// The landing stage's entry point: a finished export (ours or RDS's) copied into the raw zone
// in the data platform's partition layout, verified, each table marked with _SUCCESS
// (docs/layouts.md, "Landing zone"). Used by `snaplake land` and by the pipeline's land stage.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace snaplake::store {
class ObjectStore;
}
namespace snaplake::aws {
struct AwsSession;
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
  // This attempt's record (commit/attempts.h) lasts this long without renewal: a landing that
  // crashed on another host is treated as dead after it (one on this host at once).
  std::chrono::milliseconds lease = std::chrono::seconds(60);
  // Set (by a signal handler) to stop: what was staged is discarded, Error(Interrupted) thrown.
  const std::atomic<bool>* interrupt = nullptr;
  // The AWS session of s3:// locations and of the notification (region, endpoints,
  // credentials); null: one from the AWS conventions (the command line), else the pipeline's.
  std::shared_ptr<const aws::AwsSession> aws;
};

// What became of a table's partition (docs/commit-protocol.md, "Landings").
enum class TableOutcome {
  Landed,         // this landing's files are the partition's now
  AlreadyLanded,  // they were already (an earlier or a concurrent landing of this export)
  Superseded,     // a newer snapshot holds the partition: nothing of this export was left there
};
std::string_view to_string(TableOutcome outcome);

struct LandedTable {
  std::string target;     // db.schema.table
  std::string partition;  // the landing key prefix of the table's partition folder
  uint64_t files = 0;
  uint64_t rows = 0;
  uint64_t bytes = 0;
  TableOutcome outcome = TableOutcome::Landed;
  std::string superseded_by;  // Superseded: the export id whose landing holds the partition
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
  // Landed when any table landed now; Superseded when every table was superseded; else
  // AlreadyLanded.
  TableOutcome outcome = TableOutcome::AlreadyLanded;
  std::string superseded_by;  // the newest export that superseded a table of this one
};

// Lands the export. Throws Error(Conflict) while the export is STARTING/IN_PROGRESS (try again
// later), rds_export::ExportAbandoned (Error(Source)) when its writer is gone, Error(Source) with
// the export's cause when it FAILED or was CANCELED. Safe side by side with any number of other
// landings into the same root (docs/commit-protocol.md): a partition moves only forward, to a newer
// snapshot; landing the same export again changes nothing; a landing killed at any point leaves
// nothing a marker-honouring reader can see, and its leftovers are removed by the next landing of
// the partition. The steps and their order are described in land.cc.
LandResult land(const LandOptions& options);

// The same with the stores already open: `export_store` rooted at the export's folder (where
// export_info_<id>.json is), `landing_store` at the landing root. options.export_location and
// options.to are only used in messages.
LandResult land(store::ObjectStore& export_store, store::ObjectStore& landing_store,
                const LandOptions& options);

}  // namespace snaplake::landing
