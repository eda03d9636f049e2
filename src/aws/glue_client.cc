#include "aws/glue_client.h"

#include <nlohmann/json.hpp>

namespace snaplake::aws {
namespace {

using nlohmann::json;

// The Hive Parquet SerDe, as the Glue crawler writes it for Parquet folders.
constexpr const char* kInputFormat =
    "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat";
constexpr const char* kOutputFormat =
    "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat";
constexpr const char* kSerde = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe";

json columns_json(const std::vector<GlueColumn>& columns) {
  json out = json::array();
  for (const auto& c : columns) {
    json column = {{"Name", c.name}, {"Type", c.type}};
    if (!c.comment.empty()) column["Comment"] = c.comment;
    out.push_back(std::move(column));
  }
  return out;
}

json storage_json(const GlueStorage& s) {
  return {{"Columns", columns_json(s.columns)},
          {"Location", s.location},
          {"InputFormat", kInputFormat},
          {"OutputFormat", kOutputFormat},
          {"Compressed", false},
          {"SerdeInfo",
           {{"SerializationLibrary", kSerde}, {"Parameters", {{"serialization.format", "1"}}}}},
          {"StoredAsSubDirectories", false}};
}

json table_json(const GlueTable& t) {
  json parameters = json::object();
  for (const auto& [k, v] : t.parameters) parameters[k] = v;
  return {{"Name", t.name},
          {"TableType", "EXTERNAL_TABLE"},
          {"StorageDescriptor", storage_json(t.storage)},
          {"PartitionKeys", columns_json(t.partition_keys)},
          {"Parameters", parameters}};
}

std::vector<GlueColumn> columns_of(const json& list) {
  std::vector<GlueColumn> out;
  if (!list.is_array()) return out;
  for (const auto& c : list) {
    if (!c.is_object()) continue;
    out.push_back({c.value("Name", ""), c.value("Type", ""), c.value("Comment", "")});
  }
  return out;
}

}  // namespace

std::string GlueClient::call(std::string_view operation, const std::string& body,
                             std::string_view what) {
  return client_->json_call("glue", endpoint_, fmt::format("AWSGlue.{}", operation), body, what,
                            "1.1");
}

std::optional<GlueTable> GlueClient::get_table(const std::string& database,
                                               const std::string& name) {
  std::string answer;
  try {
    answer = call("GetTable", json{{"DatabaseName", database}, {"Name", name}}.dump(),
                  fmt::format("read the Glue table {}.{}", database, name));
  } catch (const AwsError& e) {
    // The same code says the database is missing ("Database x not found."): that is an error.
    if (e.code() == "EntityNotFoundException" &&
        std::string_view(e.what()).find("EntityNotFoundException: Database") ==
            std::string_view::npos) {
      return std::nullopt;
    }
    throw;
  }
  json j = json::parse(answer, nullptr, false);
  if (!j.is_object() || !j.contains("Table") || !j["Table"].is_object()) {
    fail(ErrorKind::Network, "cannot read the Glue table {}.{}: an answer without Table", database,
         name);
  }
  const json& t = j["Table"];
  GlueTable table;
  table.name = t.value("Name", name);
  if (t.contains("StorageDescriptor") && t["StorageDescriptor"].is_object()) {
    table.storage.columns = columns_of(t["StorageDescriptor"].value("Columns", json::array()));
    table.storage.location = t["StorageDescriptor"].value("Location", "");
  }
  table.partition_keys = columns_of(t.value("PartitionKeys", json::array()));
  if (t.contains("VersionId") && t["VersionId"].is_string()) table.version_id = t["VersionId"];
  if (t.contains("Parameters") && t["Parameters"].is_object()) {
    for (const auto& [k, v] : t["Parameters"].items()) {
      if (v.is_string()) table.parameters.emplace_back(k, v.get<std::string>());
    }
  }
  return table;
}

bool GlueClient::create_table(const std::string& database, const GlueTable& table) {
  try {
    call("CreateTable", json{{"DatabaseName", database}, {"TableInput", table_json(table)}}.dump(),
         fmt::format("create the Glue table {}.{}", database, table.name));
    return true;
  } catch (const AwsError& e) {
    if (e.code() == "AlreadyExistsException") return false;
    throw;
  }
}

bool GlueClient::update_table(const std::string& database, const GlueTable& table,
                              const std::string& version_id) {
  json request = {{"DatabaseName", database}, {"TableInput", table_json(table)}};
  if (!version_id.empty()) request["VersionId"] = version_id;
  try {
    call("UpdateTable", request.dump(),
         fmt::format("update the Glue table {}.{}", database, table.name));
    return true;
  } catch (const AwsError& e) {
    if (e.code() == "ConcurrentModificationException") return false;
    throw;
  }
}

std::string GlueTable::parameter(std::string_view key) const {
  for (const auto& [k, v] : parameters) {
    if (k == key) return v;
  }
  return "";
}

std::vector<std::vector<std::string>> GlueClient::batch_create_partition(
    const std::string& database, const std::string& table,
    const std::vector<std::pair<std::vector<std::string>, GlueStorage>>& partitions) {
  json inputs = json::array();
  for (const auto& [values, storage] : partitions) {
    inputs.push_back({{"Values", values}, {"StorageDescriptor", storage_json(storage)}});
  }
  std::string what = fmt::format("add {} partition(s) to the Glue table {}.{}", partitions.size(),
                                 database, table);
  json answer = json::parse(
      call("BatchCreatePartition",
           json{{"DatabaseName", database}, {"TableName", table}, {"PartitionInputList", inputs}}
               .dump(),
           what),
      nullptr, false);
  std::vector<std::vector<std::string>> existing;
  if (!answer.is_object() || !answer.contains("Errors")) return existing;
  for (const auto& e : answer["Errors"]) {
    std::string code = e.contains("ErrorDetail") ? e["ErrorDetail"].value("ErrorCode", "") : "";
    std::string message =
        e.contains("ErrorDetail") ? e["ErrorDetail"].value("ErrorMessage", "") : "";
    std::vector<std::string> values = e.value("PartitionValues", std::vector<std::string>{});
    if (code == "AlreadyExistsException") {
      existing.push_back(std::move(values));
      continue;
    }
    fail(code == "AccessDeniedException" ? ErrorKind::Auth : ErrorKind::Network,
         "cannot {}: partition {}: {}: {}", what, fmt::join(values, "/"), code, message);
  }
  return existing;
}

void GlueClient::update_partition(const std::string& database, const std::string& table,
                                  const std::vector<std::string>& values,
                                  const GlueStorage& storage) {
  call("UpdatePartition",
       json{{"DatabaseName", database},
            {"TableName", table},
            {"PartitionValueList", values},
            {"PartitionInput", {{"Values", values}, {"StorageDescriptor", storage_json(storage)}}}}
           .dump(),
       fmt::format("update the partition {} of the Glue table {}.{}", fmt::join(values, "/"),
                   database, table));
}

}  // namespace snaplake::aws
