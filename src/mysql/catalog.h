// Discovery of what an export of a MySQL/MariaDB database covers, from information_schema (the
// queries are in sql/*.sql), and the --only filters in RDS's ExportOnly form for MySQL
// ("database" or "database.table"). Pure helpers are separate so they can be unit-tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mysql/connection.h"
#include "types/mysql_mapping.h"

namespace snaplake::mysql {

// One partition (or subpartition) of a partitioned table: read with PARTITION (`name`), one
// batch of its table.
struct Partition {
  std::string name;
  uint64_t rows_estimate = 0;
  uint64_t bytes_estimate = 0;
};

struct Table {
  std::string database;
  std::string name;
  std::string engine;  // "InnoDB", "MyISAM", "Aria"…; "" when the server could not open it
  // Whether the engine takes part in a consistent snapshot; a table that does not must be read
  // while the snapshot's lock is held (snapshot.h).
  bool transactional = true;
  bool readable = true;  // the current user may SELECT every column
  uint64_t rows_estimate = 0;
  uint64_t bytes_estimate = 0;
  std::vector<types::MysqlColumn> columns;
  std::vector<Partition> partitions;  // empty: not partitioned
  // The primary key when it is one integer column (split into key ranges, plan.h).
  std::optional<size_t> integer_key;  // index into columns
};

// Every database but the server's own (sql/databases.sql), in byte order.
std::vector<std::string> list_databases(Connection& conn);

// Every base table of `database` with its columns, partitions and key, in byte order of name;
// `readable` is probed with SELECT * … LIMIT 0, which the server answers
// with the user's privileges however they were granted (global, database, table, column,
// roles, MySQL 8 partial revokes). Switches the connection to `database` (USE).
std::vector<Table> list_tables(Connection& conn, const std::string& database);

// The members of an ENUM or SET from its COLUMN_TYPE: "enum('a','b''c')" → {"a", "b'c"}
// (quotes doubled, backslashes escaped, as information_schema writes them).
std::vector<std::string> parse_members(std::string_view column_type);

// An --only filter, as RDS's ExportOnly for MySQL: "db" or "db.table". A name holding a dot (or
// any other character) is quoted with backticks, a backtick in it doubled: `my.db`.`t``1`.
// Names are compared exactly (as stored; table names are case-sensitive on Linux servers).
struct OnlyFilter {
  std::string text;  // as given
  std::string database;
  std::optional<std::string> table;

  bool matches_database(const std::string& db) const { return db == database; }
  bool matches(const std::string& db, const std::string& t) const {
    return db == database && (!table || *table == t);
  }
};
// Throws Error(InvalidInput) for an empty or malformed filter.
OnlyFilter parse_only_filter(const std::string& text);

}  // namespace snaplake::mysql
