// sources::estimate_export_bytes, against the servers of the test run: what each server says the
// databases an export would read take.
#include <gtest/gtest.h>

#include "mysql/connection.h"
#include "mysql/test_server.h"
#include "pg/connection.h"
#include "pg/test_server.h"
#include "sources/open_source.h"

namespace snaplake::sources {
namespace {

// The estimate is the server's own size of the databases the export would read: PostgreSQL's
// pg_database_size.
TEST(EstimateExportBytes, PostgresIsPgDatabaseSizeOfTheDatabasesAnExportReads) {
  SNAPLAKE_PG_URI_OR_SKIP(uri);
  pg::Connection admin = pg::Connection::open(uri, "postgres");
  admin.exec("DROP DATABASE IF EXISTS budget_a", "reset");
  admin.exec("CREATE DATABASE budget_a", "create");
  {
    pg::Connection a = pg::Connection::open(uri, "budget_a");
    a.exec("CREATE TABLE t AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 50000) g",
           "fill");
  }
  auto size_of = [&](const std::string& db) {
    std::vector<std::string> params{db};
    return static_cast<uint64_t>(
        admin.exec("SELECT pg_database_size($1) AS bytes", params, "size").integer(0, "bytes"));
  };
  exporter::ExportOptions options;
  options.source_uri = uri;
  options.all_databases = true;
  options.only = {"budget_a.public.t"};
  uint64_t a = estimate_export_bytes(options);
  EXPECT_EQ(a, size_of("budget_a"));
  EXPECT_GT(a, uint64_t{10'000'000});  // the 50,000 rows of 200 bytes are in it
  options.only = {"budget_a", "postgres"};
  EXPECT_EQ(estimate_export_bytes(options), size_of("budget_a") + size_of("postgres"));
  admin.exec("DROP DATABASE budget_a", "drop");
}

// MySQL's: the data and index lengths of the database's base tables (not its views).
TEST(EstimateExportBytes, MysqlIsTheDataAndIndexLengthsOfTheBaseTables) {
  SNAPLAKE_MYSQL_URI_OR_SKIP(uri);
  mysql::Connection admin = mysql::Connection::open(mysql::parse_uri(uri));
  admin.exec("DROP DATABASE IF EXISTS budget_m", "reset");
  admin.exec("CREATE DATABASE budget_m", "create");
  admin.exec("CREATE TABLE budget_m.t (id INT PRIMARY KEY, pad VARCHAR(255)) ENGINE=InnoDB",
             "create");
  mysql::Connection::open(mysql::parse_uri(uri), "budget_m")
      .exec("INSERT INTO t SELECT seq, REPEAT('x', 200) FROM seq_1_to_50000", "fill");
  admin.exec("CREATE VIEW budget_m.v AS SELECT * FROM budget_m.t", "view");
  admin.exec("ANALYZE TABLE budget_m.t", "analyze");
  auto server_size = [&] {
    return static_cast<uint64_t>(
        admin
            .query("SELECT SUM(DATA_LENGTH + INDEX_LENGTH) AS b FROM information_schema.TABLES "
                   "WHERE TABLE_SCHEMA = 'budget_m' AND TABLE_NAME = 't'",
                   "size")
            .integer(0, "b"));
  };
  exporter::ExportOptions options;
  options.source_uri = mysql::parse_uri(uri).text() + "budget_m";
  uint64_t estimated = estimate_export_bytes(options);
  EXPECT_EQ(estimated, server_size());
  EXPECT_GT(estimated, uint64_t{10'000'000});  // the 50,000 rows of 200 bytes are in it
  options.only = {"budget_m.t"};
  EXPECT_EQ(estimate_export_bytes(options), server_size());
  admin.exec("DROP DATABASE budget_m", "drop");
}

}  // namespace
}  // namespace snaplake::sources
