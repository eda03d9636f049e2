// Discovery of what an export covers, from the catalog of the snapshot being exported (the
// queries are in sql/*.sql). Pure filtering helpers are separate so they can be unit-tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pg/connection.h"
#include "types/mapping.h"

namespace snaplake::pg {

// A relation whose rows are read with FROM ONLY: a table, or one leaf partition of one.
struct Relation {
  std::string schema;
  std::string name;
  uint64_t pages = 0;  // current size in blocks
  bool readable = true;
  uint64_t rows_estimate = 0;  // pg_class.reltuples (0: never analyzed), for progress
};

struct Table {
  uint32_t oid = 0;
  std::string schema;
  std::string name;
  char kind = 'r';  // 'r' ordinary (or unlogged, or inheriting), 'p' partitioned
  bool unlogged = false;
  bool readable = true;  // the current user may SELECT it
  uint64_t pages = 0;
  std::vector<types::SourceColumn> columns;
  // The relations holding its rows: itself, or its leaf partitions (one batch each).
  std::vector<Relation> parts;
};

// Every non-template database that accepts connections (sql/databases.sql).
std::vector<std::string> list_databases(Connection& conn);

// Every table of the connected database, with columns and parts (sql/tables.sql, columns.sql,
// partitions.sql), sorted by schema and name (byte order).
std::vector<Table> list_tables(Connection& conn);

// An --only filter as RDS's ExportOnly: "db", "db.schema" or "db.schema.table". Names may be
// double-quoted to hold dots ("db"."my.schema"); unquoted names are taken as written (no case
// folding: PostgreSQL names are case-sensitive once created).
struct OnlyFilter {
  std::string text;  // as given
  std::string database;
  std::optional<std::string> schema;
  std::optional<std::string> table;

  bool matches_database(const std::string& db) const { return db == database; }
  bool matches(const std::string& db, const std::string& s, const std::string& t) const {
    return db == database && (!schema || *schema == s) && (!table || *table == t);
  }
};
// Throws Error(InvalidInput) for an empty or malformed filter.
OnlyFilter parse_only_filter(const std::string& text);

}  // namespace snaplake::pg
