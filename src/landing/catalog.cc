#include "landing/catalog.h"

#include <cctype>

#include "aws/glue_client.h"
#include "common/error.h"
#include "common/log.h"
#include "landing/hive_types.h"

namespace snaplake::landing {
namespace {

// Column names are only lowercased (Hive's and Glue's columns are), never otherwise changed: the
// Parquet SerDe finds a column's data by its name.
std::string column_name(std::string_view name) {
  std::string out(name);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<aws::GlueColumn> columns_of(const LandedPartition& p) {
  std::vector<aws::GlueColumn> out;
  for (const auto& node : p.columns) {
    std::string comment;
    for (const auto& [column, type] : p.source_types) {
      if (column == node.name && !type.empty()) comment = "source type: " + type;
    }
    out.push_back({column_name(node.name), hive_type(node), comment});
  }
  return out;
}

const std::vector<aws::GlueColumn>& partition_keys() {
  static const std::vector<aws::GlueColumn> keys = {{"import_year", "string", ""},
                                                    {"import_month", "string", ""},
                                                    {"import_day", "string", ""},
                                                    {"import_date", "string", ""}};
  return keys;
}

// The table's columns after the rule of catalog.h: new columns are appended, columns the landing
// lacks stay, and the types are the landing's when it is of the newest snapshot yet.
std::vector<aws::GlueColumn> merged(const std::vector<aws::GlueColumn>& table,
                                    const std::vector<aws::GlueColumn>& landing, bool newest) {
  std::vector<aws::GlueColumn> out = table;
  for (const auto& column : landing) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const aws::GlueColumn& c) { return c.name == column.name; });
    if (it == out.end()) {
      out.push_back(column);
    } else if (newest) {
      it->type = column.type;
      it->comment = column.comment;
    }
  }
  return out;
}

constexpr std::string_view kColumnsFrom = "snaplake.columns_from";
constexpr int kUpdateRounds = 8;

}  // namespace

std::string glue_name(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    char lower = static_cast<char>(std::tolower(c));
    out += (std::isalnum(static_cast<unsigned char>(lower)) && c < 0x80) || c == '_' ? lower : '_';
  }
  return out;
}

std::string glue_table_name(std::string_view name_template, std::string_view database,
                            std::string_view schema, std::string_view table,
                            std::string_view folder) {
  std::string out;
  for (size_t i = 0; i < name_template.size();) {
    if (name_template[i] != '{') {
      out += name_template[i++];
      continue;
    }
    size_t close = name_template.find('}', i);
    if (close == std::string_view::npos) {
      fail(ErrorKind::InvalidInput, "Glue table name template '{}': '{{' without '}}'",
           name_template);
    }
    std::string_view field = name_template.substr(i + 1, close - i - 1);
    if (field == "database") {
      out += database;
    } else if (field == "schema") {
      out += schema;
    } else if (field == "table") {
      out += table;
    } else if (field == "folder") {
      out += folder;
    } else {
      fail(ErrorKind::InvalidInput,
           "Glue table name template '{}': unknown {{{}}} (use {{database}}, {{schema}}, "
           "{{table}} or {{folder}})",
           name_template, field);
    }
    i = close + 1;
  }
  std::string name = glue_name(out);
  if (name.empty())
    fail(ErrorKind::InvalidInput, "Glue table name template '{}' gives an empty name",
         name_template);
  return name;
}

std::string register_partition(aws::GlueClient& glue, const CatalogOptions& options,
                               const LandedPartition& p) {
  // The target is db.schema.table: the names before the landing layout made them safe.
  std::string_view target = p.target;
  size_t first = target.find('.');
  size_t second = target.find('.', first + 1);
  std::string schema(target.substr(first + 1, second - first - 1));
  std::string table_part(second == std::string_view::npos ? "" : target.substr(second + 1));
  std::string name = glue_table_name(options.table_name, p.database, schema, table_part, p.folder);
  const std::string& db = options.glue_database;

  std::vector<aws::GlueColumn> columns = columns_of(p);
  aws::GlueTable table;
  table.name = name;
  table.storage = {columns, p.table_location};
  table.partition_keys = partition_keys();
  const std::string order = p.order.key();
  auto parameters = [&](const std::string& columns_from) {
    return std::vector<std::pair<std::string, std::string>>{
        {"classification", "parquet"},
        {"EXTERNAL", "TRUE"},
        {"snaplake.target", p.target},
        {std::string(kColumnsFrom), columns_from}};
  };
  for (int round = 1;; ++round) {
    if (round > kUpdateRounds) {
      fail(ErrorKind::Conflict, "Glue table {}.{} kept changing under {} updates; try again", db,
           name, kUpdateRounds);
    }
    auto existing = glue.get_table(db, name);
    if (!existing) {
      table.parameters = parameters(order);
      if (glue.create_table(db, table)) {
        log::info("Glue table {}.{} created with {} column(s)", db, name, columns.size());
        break;
      }
      continue;  // created meanwhile by another landing: merge into it
    }
    std::string theirs = existing->parameter(kColumnsFrom);
    bool newest = order >= theirs;
    auto columns_now = merged(existing->storage.columns, columns, newest);
    std::string columns_from = newest ? order : theirs;
    if (columns_now == existing->storage.columns &&
        existing->storage.location == p.table_location &&
        existing->partition_keys == partition_keys() && columns_from == theirs) {
      break;  // already says all this landing would
    }
    table.storage.columns = std::move(columns_now);
    table.parameters = parameters(columns_from);
    if (glue.update_table(db, table, existing->version_id)) {
      log::info("Glue table {}.{} updated to {} column(s)", db, name, table.storage.columns.size());
      break;
    }
  }

  std::vector<std::string> values = {fmt::format("{:04}", p.date.year),
                                     fmt::format("{:02}", p.date.month),
                                     fmt::format("{:02}", p.date.day), p.date.yyyymmdd()};
  aws::GlueStorage storage{columns, p.location};
  auto existing = glue.batch_create_partition(db, name, {{values, storage}});
  for (const auto& v : existing) glue.update_partition(db, name, v, storage);
  log::info("Glue table {}.{}: partition import_date={} {}", db, name, p.date.yyyymmdd(),
            existing.empty() ? "added" : "updated");
  return name;
}

}  // namespace snaplake::landing
