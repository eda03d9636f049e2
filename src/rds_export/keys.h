// Object keys of an export (docs/layouts.md, "Export"):
//   <id>/export_info_<id>.json
//   <id>/export_tables_info_<id>_from_<first>_to_<last>.json
//   <id>/<database>/<schema>.<table>/<batch>/part-<NNNNN>-<id>-c000.<codec>.parquet
// Keys are deterministic for an export id. Database, schema and table names are made safe for
// a key segment ('/', '\', control characters and ".." replaced by '_'); names that collide
// afterwards — also when they differ only in case, since Glue and Athena fold case — are told
// apart by a "~2", "~3"… suffix given in sorted order of the original names.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parquet/options.h"

namespace snaplake::rds_export {

// One name made safe for a key segment (not unique yet).
std::string sanitize_name(std::string_view name);

struct FolderName {
  std::string identity;  // the original name(s), distinct per object: e.g. schema + '\0' + table
  std::string safe;      // the sanitized folder name, possibly shared with others
};
// Makes the folder names unique (case-insensitively) and returns them in the input's order.
// Deterministic: a folder name only one object has stays as it is; among objects sharing one,
// the first by identity (byte order) keeps it and the others get "~2", "~3"…
std::vector<std::string> unique_folders(const std::vector<FolderName>& names);

// The names of a table's columns made unique case-insensitively by the same rule (a Parquet
// file's columns, for engines that fold case): in the input's order.
std::vector<std::string> unique_column_names(const std::vector<std::string>& names);

// "<schema>.<table>" with each part sanitized (not unique yet).
std::string table_folder(std::string_view schema, std::string_view table);

std::string data_key(std::string_view export_id, std::string_view database_folder,
                     std::string_view table_folder, int batch, int part, parquet::Codec codec);
std::string export_info_key(std::string_view export_id);
std::string tables_info_key(std::string_view export_id, size_t first, size_t last);

// Reading an export folder's listing (keys relative to the folder, where the two documents sit
// directly): the export id an "export_info_<id>.json" names, and whether a key is one of the
// "export_tables_info_<id>_from_<a>_to_<b>.json" files. RDS writes the same names.
inline constexpr std::string_view kExportInfoPrefix = "export_info_";
inline constexpr std::string_view kTablesInfoPrefix = "export_tables_info_";
std::optional<std::string> export_id_of_info_key(std::string_view key);
bool is_tables_info_key(std::string_view key);

// Throws Error(InvalidInput) unless the id is 1..255 characters of [A-Za-z0-9._-] and does not
// start with '.' (it is a key segment and a file name).
void validate_export_id(std::string_view id);

// "<database>-20261125t141502z-<4 hex>": readable, sortable by time, unique enough; the
// database part is lowercased and reduced to [a-z0-9-] (empty → "export").
std::string default_export_id(std::string_view database, std::chrono::system_clock::time_point now,
                              uint32_t random);

}  // namespace snaplake::rds_export
