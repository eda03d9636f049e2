#include "mysql/catalog.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/error.h"
#include "mysql/test_server.h"

namespace snaplake::mysql {
namespace {

TEST(MysqlCatalog, ParsesEnumAndSetMembers) {
  EXPECT_EQ(parse_members("enum('a','b''c','d\\\\e','f,g','')"),
            (std::vector<std::string>{"a", "b'c", "d\\e", "f,g", ""}));
  EXPECT_EQ(parse_members("set('x','y''z')"), (std::vector<std::string>{"x", "y'z"}));
  EXPECT_EQ(parse_members("enum('😀')"), (std::vector<std::string>{"😀"}));
  EXPECT_TRUE(parse_members("int(11)").empty());
}

TEST(MysqlCatalog, ParsesOnlyFiltersAsRdsExportOnlyForMysql) {
  OnlyFilter db = parse_only_filter("shop");
  EXPECT_EQ(db.database, "shop");
  EXPECT_FALSE(db.table);
  EXPECT_TRUE(db.matches("shop", "anything"));
  EXPECT_FALSE(db.matches("shop2", "anything"));
  OnlyFilter t = parse_only_filter("shop.orders");
  EXPECT_EQ(t.database, "shop");
  EXPECT_EQ(*t.table, "orders");
  EXPECT_TRUE(t.matches("shop", "orders"));
  EXPECT_FALSE(t.matches("shop", "Orders"));
  OnlyFilter quoted = parse_only_filter("`my.db`.`t``1.x`");
  EXPECT_EQ(quoted.database, "my.db");
  EXPECT_EQ(*quoted.table, "t`1.x");
  for (const char* bad : {"", "a.b.c", "a.", ".b", "`a", "a..b"}) {
    try {
      parse_only_filter(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::InvalidInput) << e.what();
    }
  }
}

const Table* find(const std::vector<Table>& tables, const std::string& name) {
  auto it =
      std::find_if(tables.begin(), tables.end(), [&](const Table& t) { return t.name == name; });
  return it == tables.end() ? nullptr : &*it;
}

const char* kHostileDatabase = "snaplake cat`a.log/ü";
// Identifiers may hold any BMP character (MySQL/MariaDB: U+0001..U+FFFF), not 4-byte UTF-8.
const char* kHostileTable = "we`ird.na/me ü€";

class MysqlCatalogServer : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* uri = std::getenv("SNAPLAKE_TEST_MYSQL_URI");
    if (uri == nullptr) GTEST_SKIP() << "SNAPLAKE_TEST_MYSQL_URI is not set";
    uri_ = uri;
    Connection admin = Connection::open(parse_uri(uri_));
    std::string db = Connection::quote_identifier(kHostileDatabase);
    admin.exec("DROP DATABASE IF EXISTS " + db, "drop");
    admin.exec("CREATE DATABASE " + db, "create");
    admin.exec("USE " + db, "use");
    for (const std::string& sql : std::vector<std::string>{
             "CREATE TABLE plain (id INT PRIMARY KEY, note VARCHAR(20) CHARACTER SET latin1)",
             "CREATE TABLE " + Connection::quote_identifier(kHostileTable) +
                 " (`co``l.1` BIGINT UNSIGNED PRIMARY KEY, `ü` TEXT)",
             "CREATE TABLE composite (a INT, b INT, PRIMARY KEY (a, b))",
             "CREATE TABLE text_key (k VARCHAR(10) PRIMARY KEY)",
             "CREATE TABLE generated (a INT, v INT AS (a * 2) VIRTUAL, s INT AS (a + 1) STORED, "
             "j JSON, e ENUM('x','y''z'), d DECIMAL(65,30) UNSIGNED)",
             "CREATE TABLE old_style (id INT PRIMARY KEY, body TEXT, FULLTEXT (body)) "
             "ENGINE=MyISAM",
             "CREATE TABLE aria (id INT) ENGINE=Aria",
             "CREATE TABLE ranged (id INT, at DATE, PRIMARY KEY (id, at)) "
             "PARTITION BY RANGE (YEAR(at)) (PARTITION `p.2023` VALUES LESS THAN (2024), "
             "PARTITION p2024 VALUES LESS THAN (2025), PARTITION pmax VALUES LESS THAN MAXVALUE)",
             "CREATE TABLE sub (id INT, at DATE) PARTITION BY RANGE (YEAR(at)) SUBPARTITION BY "
             "HASH (id) SUBPARTITIONS 2 (PARTITION a VALUES LESS THAN (2024), PARTITION b VALUES "
             "LESS THAN MAXVALUE)",
             "CREATE TABLE secret (id INT, pin INT)",
             "CREATE TABLE half (id INT, pin INT)",
             "CREATE VIEW a_view AS SELECT id FROM plain",
             "CREATE SEQUENCE a_sequence",
             "CREATE TRIGGER a_trigger BEFORE INSERT ON plain FOR EACH ROW SET NEW.note = 'x'",
             "CREATE PROCEDURE a_routine() SELECT 1",
         }) {
      admin.exec(sql, "set up the catalog test");
    }
    testing::recreate_user(
        admin, "snaplake_catalog_reader",
        {"GRANT SELECT ON " + db + ".plain TO {u}", "GRANT SELECT ON " + db + ".ranged TO {u}",
         "GRANT INSERT ON " + db + ".secret TO {u}",
         "GRANT SELECT (id) ON " + db + ".half TO {u}"});
  }
  std::string uri_;
};

TEST_F(MysqlCatalogServer, ListsBaseTablesWithColumnsPartitionsAndKeys) {
  Connection conn = Connection::open(parse_uri(uri_));
  auto databases = list_databases(conn);
  EXPECT_NE(std::find(databases.begin(), databases.end(), kHostileDatabase), databases.end());
  for (const char* system : {"mysql", "information_schema", "performance_schema", "sys"}) {
    EXPECT_EQ(std::find(databases.begin(), databases.end(), system), databases.end()) << system;
  }

  auto tables = list_tables(conn, kHostileDatabase);
  std::vector<std::string> names;
  for (const auto& t : tables) names.push_back(t.name);
  // Base tables only, in byte order: no view, no sequence (triggers and routines are no tables).
  EXPECT_EQ(names, (std::vector<std::string>{"aria", "composite", "generated", "half", "old_style",
                                             "plain", "ranged", "secret", "sub", "text_key",
                                             kHostileTable}));

  const Table* plain = find(tables, "plain");
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(plain->database, kHostileDatabase);
  EXPECT_EQ(plain->engine, "InnoDB");
  EXPECT_TRUE(plain->transactional);
  EXPECT_TRUE(plain->readable);
  EXPECT_TRUE(plain->partitions.empty());
  ASSERT_EQ(plain->columns.size(), 2u);
  EXPECT_EQ(plain->columns[1].name, "note");
  EXPECT_EQ(plain->columns[1].data_type, "varchar");
  EXPECT_EQ(plain->columns[1].charset, "latin1");
  EXPECT_EQ(plain->columns[1].char_max_length, 20);
  EXPECT_EQ(plain->integer_key, 0u);

  const Table* hostile = find(tables, kHostileTable);
  ASSERT_NE(hostile, nullptr);
  ASSERT_EQ(hostile->columns.size(), 2u);
  EXPECT_EQ(hostile->columns[0].name, "co`l.1");
  EXPECT_TRUE(hostile->columns[0].is_unsigned);
  EXPECT_EQ(hostile->columns[1].name, "ü");
  EXPECT_EQ(hostile->integer_key, 0u);  // BIGINT UNSIGNED is an integer key too
  EXPECT_TRUE(hostile->readable);

  EXPECT_FALSE(find(tables, "composite")->integer_key);
  EXPECT_FALSE(find(tables, "text_key")->integer_key);

  const Table* generated = find(tables, "generated");
  ASSERT_EQ(generated->columns.size(), 6u);
  EXPECT_FALSE(generated->columns[0].generated);
  EXPECT_TRUE(generated->columns[1].generated);  // VIRTUAL
  EXPECT_TRUE(generated->columns[2].generated);  // STORED
  EXPECT_TRUE(generated->columns[3].is_json);    // MariaDB: LONGTEXT + json_valid
  EXPECT_EQ(generated->columns[3].data_type, "longtext");
  EXPECT_FALSE(generated->columns[1].is_json);
  EXPECT_EQ(generated->columns[4].members, (std::vector<std::string>{"x", "y'z"}));
  EXPECT_EQ(generated->columns[5].numeric_precision, 65);
  EXPECT_EQ(generated->columns[5].numeric_scale, 30);

  EXPECT_FALSE(find(tables, "old_style")->transactional);
  EXPECT_EQ(find(tables, "old_style")->engine, "MyISAM");
  EXPECT_FALSE(find(tables, "aria")->transactional);

  const Table* ranged = find(tables, "ranged");
  ASSERT_EQ(ranged->partitions.size(), 3u);
  EXPECT_EQ(ranged->partitions[0].name, "p.2023");
  EXPECT_EQ(ranged->partitions[1].name, "p2024");
  EXPECT_EQ(ranged->partitions[2].name, "pmax");
  const Table* sub = find(tables, "sub");
  ASSERT_EQ(sub->partitions.size(), 4u);  // leaves: 2 partitions × 2 subpartitions
  EXPECT_EQ(sub->partitions[0].name, "asp0");
}

TEST_F(MysqlCatalogServer, ReportsTablesTheUserMayNotReadAsUnreadable) {
  Connection conn = Connection::open(testing::uri_with_password(uri_, "snaplake_catalog_reader"));
  auto tables = list_tables(conn, kHostileDatabase);
  std::vector<std::string> names;
  for (const auto& t : tables) names.push_back(t.name);
  // information_schema shows only the tables the user has some privilege on.
  EXPECT_EQ(names, (std::vector<std::string>{"half", "plain", "ranged", "secret"}));
  EXPECT_TRUE(find(tables, "plain")->readable);
  EXPECT_TRUE(find(tables, "ranged")->readable);
  EXPECT_FALSE(find(tables, "secret")->readable);  // INSERT only
  EXPECT_FALSE(find(tables, "half")->readable);    // SELECT on one column of two
}

}  // namespace
}  // namespace snaplake::mysql
