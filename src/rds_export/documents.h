// The RDS snapshot export format (docs/layouts.md, "Export"), said once for the exporter that
// writes it and the landing that reads it (snaplake's exports and RDS's own):
//   export_info_<id>.json                          the task: status, snapshotTime, failureCause
//   export_tables_info_<id>_from_<a>_to_<b>.json   perTableStatus[], possibly split in several
// The keys are in keys.h. Writing: plain structs in, JSON text out (render.cc); snaplake's
// additions (row counts, files, the snapshot, the attempt's lease) sit beside RDS's fields so RDS
// consumers keep working and the landing can verify what it copies. Reading (parse.cc): RDS's
// tables info has no per-file statistics (its tableStatistics holds extractionJobId and
// partitioningInfo); snaplake's has the row count and every file (key, bytes, rows). Both parse
// into the same structs; what is missing stays empty and the landing verifies it otherwise.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commit/lease.h"
#include "common/error.h"
#include "parquet/options.h"
#include "types/mapping.h"
#include "types/overrides.h"

namespace snaplake::rds_export {

// ---- Writing (the exporter) ----

struct ExportInfoDoc {
  std::string export_id;
  std::string source_arn;
  std::vector<std::string> export_only;
  std::string snapshot_time;  // ISO-8601 UTC; "" until taken
  std::string task_start_time;
  std::string task_end_time;  // "" while running
  std::string s3_bucket;      // "" for a folder
  std::string s3_prefix;      // the prefix (S3) or folder the export root is in
  std::string exported_files_path;
  std::string status;  // STARTING, IN_PROGRESS, COMPLETE, FAILED
  int percent_progress = 0;
  uint64_t total_bytes = 0;
  std::string failure_cause;
  std::string warning_message;
  // snaplake's own
  std::string source_engine;  // "postgresql", "mysql": snaplake.source
  types::Profile type_profile = types::Profile::Rds;
  types::TypeOverrides type_overrides;  // recorded as snaplake.typeOverrides (typed profile)
  parquet::Codec compression = parquet::Codec::Snappy;
  struct Database {
    std::string name;
    std::string folder;
    std::string snapshot_id;
    std::string snapshot_time;
    // How the point in time was taken, where the source says more than the snapshot id (MySQL:
    // the lock mode and the binary-log position), as databases[].consistency.
    nlohmann::json consistency;
  };
  std::vector<Database> databases;
  // The snapshot the event that started the export named (snaplake.sourceSnapshot): the native
  // engine reads the database as it is when the event is handled, so the time its data was read
  // (snapshotTime) is recorded beside the snapshot and event it stands for. Empty: none.
  struct SourceSnapshot {
    std::string snapshot_id;
    std::string event_time;  // ISO-8601 UTC, the event's
    bool empty() const { return snapshot_id.empty() && event_time.empty(); }
  };
  SourceSnapshot source_snapshot;
  uint64_t tables = 0;
  uint64_t rows = 0;
  // The attempt writing it and its lease (commit/lease.h), as snaplake.attempt: how another
  // process tells a live export from an abandoned one. Null: none recorded.
  nlohmann::json attempt;
};

struct FileDoc {
  std::string key;  // relative to the export root (starts with "<id>/")
  uint64_t bytes = 0;
  uint64_t rows = 0;
};

struct TableDoc {
  std::string target;  // db.schema.table, original names
  std::string folder;  // <db folder>/<schema.table folder>
  std::string status;  // COMPLETE, SKIPPED, FAILED
  std::string warning_message;
  std::vector<types::SourceColumn> columns;
  std::vector<std::string> expected_types;  // per column
  // Per column: its name in the Parquet files, where it differs from columnName (a column
  // renamed for case-insensitive engines) recorded as exportedColumnName.
  std::vector<std::string> exported_names;
  std::optional<uint64_t> rows;
  uint64_t bytes = 0;
  std::vector<FileDoc> files;
  uint64_t partitions = 1;
  std::string start_time;
  std::string end_time;
};

std::string export_info_json(const ExportInfoDoc& doc);
std::string tables_info_json(const std::vector<TableDoc>& tables);

// Bytes as RDS's GB fields count them (GiB, fractional).
double to_gb(uint64_t bytes);

// The current time in the one ISO-8601 format (common/timestamp.h: iso8601(wall_now())).
std::string now_iso8601();

// ---- Reading (the landing; RDS's documents too) ----

enum class ExportStatus { Starting, InProgress, Complete, Failed, Canceling, Canceled, Unknown };

struct ExportInfo {
  std::string export_id;    // exportTaskIdentifier
  std::string status_text;  // as written, e.g. "COMPLETE"
  ExportStatus status = ExportStatus::Unknown;
  std::string failure_cause;  // failureCause, where the export failed
  std::string source_arn;     // sourceArn
  std::chrono::sys_time<std::chrono::milliseconds> snapshot_time{};
  std::string snapshot_time_text;  // as written
  int percent_progress = 0;
  // snaplake's exports: the lease of the attempt writing it (snaplake.attempt), by which a
  // landing tells an export still being written from an abandoned one.
  std::optional<commit::Lease> lease;
  // snaplake's exports: the snapshot its event named (snaplake.sourceSnapshot.snapshotId), "" if
  // none.
  std::string source_snapshot_id;
};

struct ExportedFile {
  std::string key;  // as written: relative to the export root, or with more prefix before it
  std::optional<uint64_t> bytes;
  std::optional<uint64_t> rows;
};

struct ExportedTable {
  std::string target;               // db.schema.table, original names
  std::string status;               // per-table status, e.g. "COMPLETE"
  std::string warning;              // warningMessage
  double size_gb = 0;               // sizeGB
  std::optional<uint64_t> rows;     // tableStatistics row count, when the exporter wrote one
  std::vector<ExportedFile> files;  // tableStatistics files; empty for RDS-written exports
  // schemaMetadata.originalTypeMappings: each column's name and source type, as written
  struct OriginalType {
    std::string column;
    std::string type;  // originalType, e.g. "numeric", "uuid"
    // exportedColumnName: the file's name for the column when it differs (case collisions)
    std::string exported_column;
    const std::string& file_column() const {
      return exported_column.empty() ? column : exported_column;
    }
  };
  std::vector<OriginalType> original_types;
};

// Parses export_info_<id>.json; `name` is used in error messages. Throws Error(InvalidInput).
ExportInfo parse_export_info(std::string_view json, std::string_view name);

// Parses one export_tables_info_…json file. Throws Error(InvalidInput).
std::vector<ExportedTable> parse_tables_info(std::string_view json, std::string_view name);

// Throws unless the export can be landed: Error(Conflict) "not complete yet" for STARTING and
// IN_PROGRESS while its writer's lease lives (the caller may retry later), ExportAbandoned
// (Error(Source)) once that lease is gone, Error(Source) with the failure cause for FAILED,
// CANCELING and CANCELED, Error(InvalidInput) for a status snaplake does not know.
// An export that ended without anything to land: FAILED, CANCELED (RDS's or snaplake's), or
// abandoned by a writer that died. Error(Source); waiting or retrying cannot change it.
class ExportEnded : public Error {
 public:
  explicit ExportEnded(std::string message) : Error(ErrorKind::Source, std::move(message)) {}
};
class ExportAbandoned : public ExportEnded {
 public:
  explicit ExportAbandoned(std::string message) : ExportEnded(std::move(message)) {}
};
void require_complete(const ExportInfo& info);

// A timestamp as export_info carries it: ISO-8601 ("2026-11-25T00:30:00Z", fractions and
// offsets allowed, a space instead of 'T'), epoch seconds or milliseconds as a number, or the
// "Nov 25, 2026 12:30:00 AM" form of Java's default date format (read as UTC), to the
// millisecond. nullopt otherwise.
std::optional<std::chrono::sys_time<std::chrono::milliseconds>> parse_timestamp(
    std::string_view text);

}  // namespace snaplake::rds_export
