// Where an exported file lands (docs/layouts.md, "Landing zone"):
//   <service-area>/<database>/<schema>.<table>/import_year=YYYY/import_month=MM/import_day=DD/
//   import_date=YYYYMMDD/<file>
// Pure functions: the mapping is the contract crawlers and downstream jobs rely on, so it is
// table-tested (landing_layout_test.cc) and lives nowhere else.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/name_table.h"

namespace snaplake::landing {

struct ImportDate {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  std::string yyyymmdd() const;
};

// The date of the snapshot in UTC.
ImportDate import_date(std::chrono::sys_time<std::chrono::milliseconds> snapshot_time);

// An import date given as "YYYYMMDD" (a backdated run's override, as the reference system's
// IMPORT_DATE_OVERRIDE); nullopt unless it is a real calendar date.
std::optional<ImportDate> parse_import_date(std::string_view yyyymmdd);

// The date a snapshot identifier carries, as the reference system names the snapshots of its
// dump restores: "sql-to-parquet-YY-MM-DD-HHMMSS" (24-03-15 is 2024-03-15) and, for backdated
// runs, "sql-to-parquet-YYYY-MM-DD-backdated". The first YYYY-MM-DD or YY-MM-DD in the id counts;
// nullopt when there is none (or it is no calendar date).
std::optional<ImportDate> import_date_from_snapshot_id(std::string_view snapshot_id);

// Where a landing's import date comes from (docs/layouts.md, "Landing zone").
enum class ImportDateRule {
  SnapshotTime,  // the snapshot's time in UTC (the default)
  SnapshotId,    // the date in the snapshot's identifier, else its time
};
inline constexpr auto kImportDateRuleNames = name_table<ImportDateRule>(
    {{ImportDateRule::SnapshotTime, "snapshot_time"}, {ImportDateRule::SnapshotId, "snapshot_id"}});

// One key segment that cannot escape or reshape the layout: '/', '\', control characters and
// '=' (a crawler reads "a=b" folders as partitions) become '_'; "", "." and ".." become "_",
// "_." and "_..". Anything else, including non-ASCII UTF-8, is kept.
std::string safe_segment(std::string_view name);

// The key prefix (ending in '/') of a table's folder in the landing root, above its partitions.
std::string table_prefix(std::string_view service_area, std::string_view database,
                         std::string_view table_folder);

// The key prefix (ending in '/') of a table's partition folder in the landing root.
std::string partition_prefix(std::string_view service_area, std::string_view database,
                             std::string_view table_folder, const ImportDate& date);

// The landed file name for a file at `relative` below its table folder in the export: batch
// folders are flattened into the name ("1/part-00000-x.gz.parquet" -> "1-part-00000-x.gz.parquet";
// the flat RDS layout's "part-00000-x.gz.parquet" stays as it is), so names stay unique within
// the partition folder and are the same on every run. A name that does not contain the export id
// (RDS names its files by UUIDs) gets it in front ("<id>-1-part-00000-<uuid>.gz.parquet"): two
// exports landing in one partition folder must never write the same key (docs/commit-protocol.md).
std::string landed_file_name(std::string_view relative, std::string_view export_id);

}  // namespace snaplake::landing
