// The metadata files of an export, in RDS's shape (docs/layouts.md, "Export"):
// export_info_<id>.json (the task) and export_tables_info_<id>_from_<a>_to_<b>.json
// (perTableStatus). Plain structs in, JSON text out; snaplake's additions (row counts, files, the
// snapshot) sit beside RDS's fields so RDS consumers keep working and the landing stage can verify
// what it copies.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "parquet/options.h"
#include "types/mapping.h"

namespace snaplake::exporter {

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
  types::Profile type_profile = types::Profile::Rds;
  parquet::Codec compression = parquet::Codec::Snappy;
  struct Database {
    std::string name;
    std::string folder;
    std::string snapshot_id;
    std::string snapshot_time;
  };
  std::vector<Database> databases;
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

// The current time as ISO-8601 UTC with milliseconds.
std::string now_iso8601();

}  // namespace snaplake::exporter
