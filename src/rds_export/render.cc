#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

#include "common/timestamp.h"
#include "rds_export/documents.h"

namespace snaplake::rds_export {

using nlohmann::json;

double to_gb(uint64_t bytes) {
  return static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0);
}

std::string now_iso8601() {
  return iso8601(wall_now());
}

namespace {
json nullable(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
}
}  // namespace

std::string export_info_json(const ExportInfoDoc& d) {
  json j;
  j["exportTaskIdentifier"] = d.export_id;
  j["sourceArn"] = d.source_arn;
  j["exportOnly"] = d.export_only;
  j["snapshotTime"] = nullable(d.snapshot_time);
  j["taskStartTime"] = nullable(d.task_start_time);
  j["taskEndTime"] = nullable(d.task_end_time);
  j["s3Bucket"] = d.s3_bucket;
  j["s3Prefix"] = d.s3_prefix;
  j["exportedFilesPath"] = d.exported_files_path;
  j["iamRoleArn"] = "";
  j["kmsKeyId"] = "";
  j["status"] = d.status;
  j["percentProgress"] = d.percent_progress;
  j["totalExportedDataInGB"] = to_gb(d.total_bytes);
  if (!d.failure_cause.empty()) j["failureCause"] = d.failure_cause;
  if (!d.warning_message.empty()) j["warningMessage"] = d.warning_message;
  json databases = json::array();
  for (const auto& db : d.databases) {
    databases.push_back({{"name", db.name},
                         {"folder", db.folder},
                         {"snapshotId", db.snapshot_id},
                         {"snapshotTime", db.snapshot_time}});
    if (!db.consistency.is_null()) databases.back()["consistency"] = db.consistency;
  }
  j["snaplake"] = {{"engine", "native"},
                   {"source", d.source_engine.empty() ? "postgresql" : d.source_engine},
                   {"typeProfile", to_string(d.type_profile)},
                   {"compression", to_string(d.compression)},
                   {"databases", databases},
                   {"tableCount", d.tables},
                   {"rowCount", d.rows},
                   {"totalExportedBytes", d.total_bytes}};
  if (!d.source_snapshot.empty()) {
    j["snaplake"]["sourceSnapshot"] = {{"snapshotId", d.source_snapshot.snapshot_id},
                                       {"eventTime", d.source_snapshot.event_time}};
  }
  if (d.type_profile == types::Profile::Typed) {
    json overrides = json::object();
    for (std::string_view key : types::kOverrideKeys)
      overrides[std::string(key)] = types::override_value(d.type_overrides, key);
    j["snaplake"]["typeOverrides"] = overrides;
  }
  if (!d.attempt.is_null()) j["snaplake"]["attempt"] = d.attempt;
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string tables_info_json(const std::vector<TableDoc>& tables) {
  json list = json::array();
  for (const auto& t : tables) {
    json mappings = json::array();
    for (size_t i = 0; i < t.columns.size(); ++i) {
      const auto& c = t.columns[i];
      mappings.push_back(
          {{"columnName", c.name},
           {"originalType", c.original_type},
           {"expectedExportedType", i < t.expected_types.size() ? t.expected_types[i] : ""},
           {"originalCharMaxLength", c.char_max_length.value_or(0)},
           {"originalNumPrecision", c.numeric_precision.value_or(0)},
           {"originalDateTimePrecision", c.datetime_precision.value_or(0)}});
      if (i < t.exported_names.size() && t.exported_names[i] != c.name)
        mappings.back()["exportedColumnName"] = t.exported_names[i];
    }
    json entry;
    entry["target"] = t.target;
    entry["status"] = t.status;
    entry["sizeGB"] = to_gb(t.bytes);
    if (!t.warning_message.empty()) entry["warningMessage"] = t.warning_message;
    entry["schemaMetadata"] = {{"originalTypeMappings", mappings}};
    json files = json::array();
    for (const auto& f : t.files)
      files.push_back({{"key", f.key}, {"bytes", f.bytes}, {"rows", f.rows}});
    json stats;
    if (t.rows) stats["rowCount"] = *t.rows;
    stats["sizeBytes"] = t.bytes;
    stats["files"] = files;
    stats["extractionStartTime"] = nullable(t.start_time);
    stats["extractionEndTime"] = nullable(t.end_time);
    stats["partitioningInfo"] = {
        {"numberOfPartitions", t.partitions},
        {"numberOfCompletedPartitions", t.status == "COMPLETE" ? t.partitions : 0}};
    entry["tableStatistics"] = stats;
    entry["snaplake"] = {{"folder", t.folder}};
    list.push_back(entry);
  }
  json j;
  j["perTableStatus"] = list;
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace snaplake::rds_export
