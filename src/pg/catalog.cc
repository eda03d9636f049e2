#include "pg/catalog.h"

#include <map>

#include "common/error.h"
#include "pg/sql_queries.h"

namespace snaplake::pg {
namespace {

std::optional<int32_t> optional_int(const Result& r, int row, std::string_view name) {
  int column = r.column(name);
  if (r.is_null(row, column)) return std::nullopt;
  return static_cast<int32_t>(r.integer(row, name));
}

}  // namespace

std::vector<std::string> list_databases(Connection& conn) {
  Result r = conn.exec(sql::databases, "list the databases");
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, "name"));
  return out;
}

std::vector<Table> list_tables(Connection& conn) {
  std::vector<Table> tables;
  std::map<uint32_t, size_t> by_oid;
  Result t = conn.exec(sql::tables, "list the tables");
  for (int i = 0; i < t.rows(); ++i) {
    Table table;
    table.oid = static_cast<uint32_t>(t.integer(i, "oid"));
    table.schema = t.text(i, "schema");
    table.name = t.text(i, "name");
    table.kind = t.text(i, "kind").at(0);
    table.unlogged = t.text(i, "persistence") == "u";
    table.readable = t.boolean(i, "readable");
    table.pages = static_cast<uint64_t>(t.integer(i, "pages"));
    if (table.kind == 'r') {
      table.parts.push_back({table.schema, table.name, table.pages, table.readable,
                             static_cast<uint64_t>(t.integer(i, "rows_estimate"))});
    }
    by_oid[table.oid] = tables.size();
    tables.push_back(std::move(table));
  }
  Result p = conn.exec(sql::partitions, "list the partitions");
  for (int i = 0; i < p.rows(); ++i) {
    auto it = by_oid.find(static_cast<uint32_t>(p.integer(i, "parent")));
    if (it == by_oid.end()) continue;
    tables[it->second].parts.push_back(
        {p.text(i, "schema"), p.text(i, "name"), static_cast<uint64_t>(p.integer(i, "pages")),
         p.boolean(i, "readable"), static_cast<uint64_t>(p.integer(i, "rows_estimate"))});
  }
  Result c = conn.exec(sql::columns, "list the columns");
  for (int i = 0; i < c.rows(); ++i) {
    auto it = by_oid.find(static_cast<uint32_t>(c.integer(i, "table_oid")));
    if (it == by_oid.end()) continue;
    types::SourceColumn col;
    col.name = c.text(i, "name");
    col.original_type = c.text(i, "original_type");
    col.base_type = c.text(i, "base_type");
    col.base_kind = c.text(i, "base_kind").at(0);
    col.typmod = static_cast<int32_t>(c.integer(i, "typmod"));
    col.char_max_length = optional_int(c, i, "char_max_length");
    col.numeric_precision = optional_int(c, i, "numeric_precision");
    col.numeric_scale = optional_int(c, i, "numeric_scale");
    col.datetime_precision = optional_int(c, i, "datetime_precision");
    col.text_cast_is_output = c.boolean(i, "text_cast_is_output");
    col.element_type = c.text(i, "element_type");
    col.element_kind = c.text(i, "element_kind").at(0);
    col.element_typmod = static_cast<int32_t>(c.integer(i, "element_typmod"));
    col.element_text_cast_is_output = c.boolean(i, "element_text_cast_is_output");
    tables[it->second].columns.push_back(std::move(col));
  }
  return tables;
}

OnlyFilter parse_only_filter(const std::string& text) {
  auto invalid = [&] {
    fail(ErrorKind::InvalidInput, "invalid filter '{}': expected db, db.schema or db.schema.table",
         text);
  };
  // Split on unquoted dots; "" inside quotes is a literal quote (SQL identifier syntax).
  std::vector<std::string> parts(1);
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (quoted && ch == '"' && i + 1 < text.size() && text[i + 1] == '"') {
      parts.back() += '"';
      ++i;
    } else if (ch == '"') {
      quoted = !quoted;
    } else if (ch == '.' && !quoted) {
      parts.emplace_back();
    } else {
      parts.back() += ch;
    }
  }
  if (quoted || parts.size() > 3) invalid();
  for (const auto& part : parts) {
    if (part.empty()) invalid();
  }
  OnlyFilter f;
  f.text = text;
  f.database = parts[0];
  if (parts.size() > 1) f.schema = parts[1];
  if (parts.size() > 2) f.table = parts[2];
  return f;
}

}  // namespace snaplake::pg
