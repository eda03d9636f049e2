// Registering landed tables in the AWS Glue Data Catalog (docs/catalog.md), opt-in: after a table's
// _SUCCESS, its Glue table is created or brought up to date and its partition added (or updated),
// so that Athena and Glue jobs see the landing at once, with the types the files have, without a
// crawler run. Idempotent: a landing run again registers the same again.
//
// - The table: the files' columns (landing/hive_types.h), the Parquet SerDe, the table folder as
//   its location, the partition keys import_year, import_month, import_day, import_date (strings,
//   as the reference system's jobs compare import_date as 'yyyyMMdd' text).
// - Its name: a template over {database}, {schema}, {table} and {folder} (the table's folder in the
//   landing layout, "<schema>.<table>"), normalised as Glue's crawler does (lowercase; anything but
//   a-z, 0-9 and '_' becomes '_'). The default "{folder}" gives the crawler's own names:
//   <schema>_<table> for PostgreSQL, <database>_<table> for MySQL.
// - Schema evolution, one rule: every partition carries exactly its files' columns, so no
//   partition ever disagrees with its files; the table's columns follow the newest snapshot (the
//   landing order of success_marker.h, kept in the table's parameter snaplake.columns_from) — an
//   added column is appended, a column whose type changed takes the newest snapshot's type, and a
//   column the newest files no longer have stays (older partitions still hold it). A landing of an
//   older snapshot than the table's (a backdated run, a late one) only appends columns the table
//   lacks. So the table is the same whatever order landings register in.
// - Concurrent landings: the table is read, merged and written back with GetTable's VersionId,
//   and read again when another writer changed it in between (ConcurrentModificationException).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "landing/landing_layout.h"
#include "landing/success_marker.h"
#include "parquet/footer_reader.h"

namespace snaplake::aws {
class GlueClient;
}

namespace snaplake::landing {

struct CatalogOptions {
  std::string glue_database;            // "" = no registration
  std::string table_name = "{folder}";  // {database} {schema} {table} {folder}
};

// Glue's crawler's normalisation of a name: lowercase, anything but [a-z0-9_] -> '_'.
std::string glue_name(std::string_view text);
// The table's name by the template. Throws Error(InvalidInput) for an unknown placeholder.
std::string glue_table_name(std::string_view name_template, std::string_view database,
                            std::string_view schema, std::string_view table,
                            std::string_view folder);

struct LandedPartition {
  std::string target;          // db.schema.table
  std::string database;        // the landing layout's folder names
  std::string folder;          // <schema>.<table>
  std::string table_location;  // where the table's partitions are, ending in '/'
  std::string location;        // the partition folder, ending in '/'
  ImportDate date;
  std::vector<parquet::SchemaNode> columns;  // the landed files' schema
  // The source's type of each column by its name in the files (export_tables_info's
  // originalTypeMappings: exportedColumnName where the export renamed a column, else columnName),
  // kept as the Glue column's comment ("source type: numeric"); a column without one has none.
  std::vector<std::pair<std::string, std::string>> source_types;
  std::string export_id;
  LandingOrder order;  // the landing's snapshot time and export id (success_marker.h)
};

// Creates or updates the table and adds or updates the partition; returns the table's name.
std::string register_partition(aws::GlueClient& glue, const CatalogOptions& options,
                               const LandedPartition& partition);

}  // namespace snaplake::landing
