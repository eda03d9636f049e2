// The metadata files of a finished export, as RDS writes them and as snaplake's exporter writes
// them (docs/layouts.md, "Export"):
//   export_info_<id>.json                          the task: status, snapshotTime, failureCause
//   export_tables_info_<id>_from_<a>_to_<b>.json   perTableStatus[], possibly split in several
// RDS's tables info has no per-file statistics (its tableStatistics holds extractionJobId and
// partitioningInfo); snaplake's adds the row count and every file (key, bytes, rows). Both parse
// into the same structs; what is missing stays empty and the landing stage verifies it otherwise.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commit/lease.h"
#include "common/error.h"

namespace snaplake::landing {

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
};

// Parses export_info_<id>.json; `name` is used in error messages. Throws Error(InvalidInput).
ExportInfo parse_export_info(std::string_view json, std::string_view name);

// Parses one export_tables_info_…json file. Throws Error(InvalidInput).
std::vector<ExportedTable> parse_tables_info(std::string_view json, std::string_view name);

// Throws unless the export can be landed: Error(Conflict) "not complete yet" for STARTING and
// IN_PROGRESS while its writer's lease lives (the caller may retry later), ExportAbandoned
// (Error(Source)) once that lease is gone, Error(Source) with the failure cause for FAILED,
// CANCELING and CANCELED, Error(InvalidInput) for a status snaplake does not know.
class ExportAbandoned : public Error {
 public:
  explicit ExportAbandoned(std::string message) : Error(ErrorKind::Source, std::move(message)) {}
};
void require_complete(const ExportInfo& info);

// A timestamp as export_info carries it: ISO-8601 ("2026-11-25T00:30:00Z", fractions and
// offsets allowed, a space instead of 'T'), epoch seconds or milliseconds as a number, or the
// "Nov 25, 2026 12:30:00 AM" form of Java's default date format (read as UTC), to the
// millisecond. nullopt otherwise.
std::optional<std::chrono::sys_time<std::chrono::milliseconds>> parse_timestamp(
    std::string_view text);

}  // namespace snaplake::landing
