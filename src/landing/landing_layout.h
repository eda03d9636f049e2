// Where an exported file lands (docs/layouts.md, "Landing zone"):
//   <service-area>/<database>/<schema>.<table>/import_year=YYYY/import_month=MM/import_day=DD/
//   import_date=YYYYMMDD/<file>
// Pure functions: the mapping is the contract crawlers and downstream jobs rely on, so it is
// table-tested (landing_layout_test.cc) and lives nowhere else.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace snaplake::landing {

struct ImportDate {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  std::string yyyymmdd() const;
};

// The date of the snapshot in UTC.
ImportDate import_date(std::chrono::sys_time<std::chrono::milliseconds> snapshot_time);

// One key segment that cannot escape or reshape the layout: '/', '\', control characters and
// '=' (a crawler reads "a=b" folders as partitions) become '_'; "", "." and ".." become "_",
// "_." and "_..". Anything else, including non-ASCII UTF-8, is kept.
std::string safe_segment(std::string_view name);

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
