#include "mysql/catalog.h"

#include <mysqld_error.h>

#include <map>

#include "common/error.h"
#include "mysql/sql_queries.h"

namespace snaplake::mysql {
namespace {

bool is_integer_type(std::string_view t) {
  return t == "tinyint" || t == "smallint" || t == "mediumint" || t == "int" || t == "integer" ||
         t == "bigint";
}

std::optional<int32_t> optional_int32(const Result& r, size_t row, std::string_view name) {
  auto v = r.optional_integer(row, name);
  if (!v) return std::nullopt;
  return static_cast<int32_t>(*v);
}

}  // namespace

std::vector<std::string> list_databases(Connection& conn) {
  Result r = conn.query(sql::databases, "list the databases");
  std::vector<std::string> out;
  for (size_t i = 0; i < r.rows(); ++i) out.push_back(r.text(i, "name"));
  return out;
}

std::vector<Table> list_tables(Connection& conn, const std::string& database) {
  conn.exec("USE " + Connection::quote_identifier(database), "use database '" + database + "'");
  std::vector<Table> tables;
  std::map<std::string, size_t> by_name;
  Result t = conn.query(sql::tables, "list the tables");
  for (size_t i = 0; i < t.rows(); ++i) {
    Table table;
    table.database = database;
    table.name = t.text(i, "name");
    table.engine = t.optional_text(i, "engine").value_or("");
    table.transactional = t.integer(i, "transactional") != 0;
    table.rows_estimate = static_cast<uint64_t>(t.integer(i, "rows_estimate"));
    table.bytes_estimate = static_cast<uint64_t>(t.integer(i, "bytes_estimate"));
    by_name[table.name] = tables.size();
    tables.push_back(std::move(table));
  }

  Result c = conn.query(sql::columns, "list the columns");
  for (size_t i = 0; i < c.rows(); ++i) {
    auto it = by_name.find(c.text(i, "table_name"));
    if (it == by_name.end()) continue;  // a view's columns
    types::MysqlColumn col;
    col.name = c.text(i, "name");
    col.data_type = c.text(i, "data_type");
    col.column_type = c.text(i, "column_type");
    col.is_unsigned = c.integer(i, "is_unsigned") != 0;
    col.is_json = col.data_type == "json";
    col.charset = c.optional_text(i, "charset").value_or("");
    col.collation = c.optional_text(i, "collation").value_or("");
    col.char_max_length = c.optional_integer(i, "char_max_length");
    col.numeric_precision = optional_int32(c, i, "numeric_precision");
    col.numeric_scale = optional_int32(c, i, "numeric_scale");
    col.datetime_precision = optional_int32(c, i, "datetime_precision");
    col.generated = c.integer(i, "is_generated") != 0;
    if (col.data_type == "enum" || col.data_type == "set") {
      col.members = parse_members(col.column_type);
    }
    tables[it->second].columns.push_back(std::move(col));
  }
  if (conn.is_mariadb()) {
    Result j = conn.query(sql::mariadb_json_columns, "list the JSON columns");
    for (size_t i = 0; i < j.rows(); ++i) {
      auto it = by_name.find(j.text(i, "table_name"));
      if (it == by_name.end()) continue;
      for (auto& col : tables[it->second].columns) {
        if (col.name == j.text(i, "name")) col.is_json = true;
      }
    }
  }

  Result p = conn.query(sql::partitions, "list the partitions");
  for (size_t i = 0; i < p.rows(); ++i) {
    auto it = by_name.find(p.text(i, "table_name"));
    if (it == by_name.end()) continue;
    tables[it->second].partitions.push_back(
        {p.text(i, "name"), static_cast<uint64_t>(p.integer(i, "rows_estimate")),
         static_cast<uint64_t>(p.integer(i, "bytes_estimate"))});
  }

  Result k = conn.query(sql::primary_keys, "list the primary keys");
  std::map<std::string, std::vector<std::string>> keys;
  for (size_t i = 0; i < k.rows(); ++i) keys[k.text(i, "table_name")].push_back(k.text(i, "name"));
  for (auto& table : tables) {
    auto it = keys.find(table.name);
    if (it == keys.end() || it->second.size() != 1) continue;
    for (size_t i = 0; i < table.columns.size(); ++i) {
      if (table.columns[i].name == it->second[0] && is_integer_type(table.columns[i].data_type)) {
        table.integer_key = i;
      }
    }
  }

  // Whether each table can be read: the server's answer to a SELECT that reads no row. "*", not
  // the listed columns: information_schema lists only the columns the user has a privilege on.
  for (auto& table : tables) {
    try {
      conn.query("SELECT * FROM " + Connection::quote_identifier(table.name) + " LIMIT 0",
                 "probe the privileges on table '" + table.name + "'");
    } catch (const Error& e) {
      unsigned code = mysql_errno(conn.raw());
      if (code == ER_TABLEACCESS_DENIED_ERROR || code == ER_COLUMNACCESS_DENIED_ERROR) {
        table.readable = false;
        continue;
      }
      throw;
    }
  }
  return tables;
}

std::vector<std::string> parse_members(std::string_view type) {
  std::vector<std::string> out;
  size_t open = type.find('(');
  if (open == std::string_view::npos) return out;
  size_t i = open + 1;
  while (i < type.size() && type[i] == '\'') {
    std::string member;
    ++i;
    while (i < type.size()) {
      char ch = type[i];
      if (ch == '\'' && i + 1 < type.size() && type[i + 1] == '\'') {
        member += '\'';
        i += 2;
      } else if (ch == '\'') {
        ++i;
        break;
      } else if (ch == '\\' && i + 1 < type.size()) {
        char next = type[i + 1];
        member += next == 'n'   ? '\n'
                  : next == 't' ? '\t'
                  : next == 'r' ? '\r'
                  : next == '0' ? '\0'
                  : next == 'Z' ? '\x1a'
                                : next;
        i += 2;
      } else {
        member += ch;
        ++i;
      }
    }
    out.push_back(std::move(member));
    if (i < type.size() && type[i] == ',') ++i;
  }
  return out;
}

OnlyFilter parse_only_filter(const std::string& text) {
  auto invalid = [&] {
    fail(ErrorKind::InvalidInput,
         "invalid --only filter '{}': expected database or database.table (quote a name holding a "
         "dot with backticks: `my.db`.t)",
         text);
  };
  std::vector<std::string> parts(1);
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (quoted && ch == '`' && i + 1 < text.size() && text[i + 1] == '`') {
      parts.back() += '`';
      ++i;
    } else if (ch == '`') {
      quoted = !quoted;
    } else if (ch == '.' && !quoted) {
      parts.emplace_back();
    } else {
      parts.back() += ch;
    }
  }
  if (quoted || parts.size() > 2) invalid();
  for (const auto& part : parts) {
    if (part.empty()) invalid();
  }
  OnlyFilter f;
  f.text = text;
  f.database = parts[0];
  if (parts.size() > 1) f.table = parts[1];
  return f;
}

}  // namespace snaplake::mysql
