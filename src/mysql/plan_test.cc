#include "mysql/plan.h"

#include <gtest/gtest.h>

#include "mysql/test_server.h"

namespace snaplake::mysql {
namespace {

using parquet::Int128;

TEST(MysqlPlan, Int128Text) {
  EXPECT_EQ(int128_text(0), "0");
  EXPECT_EQ(int128_text(-42), "-42");
  EXPECT_EQ(int128_text(Int128{18446744073709551615ull}), "18446744073709551615");
  EXPECT_EQ(int128_text(Int128{INT64_MIN}), "-9223372036854775808");
}

TEST(MysqlPlan, KeyRangesAreOpenAtBothEndsAndCoverEverything) {
  EXPECT_EQ(key_range_conditions("`id`", 1, 100, 1), (std::vector<std::string>{""}));
  EXPECT_EQ(key_range_conditions("`id`", 1, 2, 3), (std::vector<std::string>{""}));
  EXPECT_EQ(key_range_conditions("`id`", 1, 100, 2),
            (std::vector<std::string>{"`id` < 51", "`id` >= 51"}));
  EXPECT_EQ(key_range_conditions("`id`", -10, 19, 3),
            (std::vector<std::string>{"`id` < 0", "`id` >= 0 AND `id` < 10", "`id` >= 10"}));
  auto wide = key_range_conditions("`k`", 0, Int128{18446744073709551615ull}, 2);
  EXPECT_EQ(wide,
            (std::vector<std::string>{"`k` < 9223372036854775808", "`k` >= 9223372036854775808"}));
}

TEST(MysqlPlan, SelectsColumnsByNameWithHostileNamesQuoted) {
  Table t;
  t.database = "d`b";
  t.name = "t.a/b";
  types::MysqlColumnMapping plain, floaty, shape;
  plain.column.name = "a`b";
  floaty.column.name = "f";
  floaty.select = types::MysqlSelect::AsDouble;
  shape.column.name = "g";
  shape.select = types::MysqlSelect::AsWkb;
  EXPECT_EQ(select_sql(t, {plain, floaty, shape}, Slice{}),
            "SELECT `a``b`, CAST(`f` AS DOUBLE), ST_AsBinary(`g`) FROM `d``b`.`t.a/b`");
  EXPECT_EQ(select_sql(t, {plain}, Slice{"p`1", "`id` < 5"}),
            "SELECT `a``b` FROM `d``b`.`t.a/b` PARTITION (`p``1`) WHERE `id` < 5");
}

TEST(MysqlPlan, SlicesPartitionsAndSplitsIntegerKeysOnTheServer) {
  SNAPLAKE_MYSQL_URI_OR_SKIP(uri);
  Connection conn = Connection::open(parse_uri(uri));
  conn.exec("DROP DATABASE IF EXISTS snaplake_plan_test", "drop");
  conn.exec("CREATE DATABASE snaplake_plan_test", "create");
  conn.exec("USE snaplake_plan_test", "use");
  conn.exec("CREATE TABLE keyed (id BIGINT PRIMARY KEY, v INT)", "create");
  conn.exec("INSERT INTO keyed SELECT CAST(seq AS SIGNED) * 37 - 5000, seq FROM seq_0_to_999",
            "fill");
  conn.exec("CREATE TABLE unsigned_key (id BIGINT UNSIGNED PRIMARY KEY)", "create");
  conn.exec(
      "INSERT INTO unsigned_key VALUES (0), (1), (9223372036854775808), (18446744073709551615)",
      "fill");
  conn.exec("CREATE TABLE parted (id INT, PRIMARY KEY (id)) PARTITION BY HASH (id) PARTITIONS 3",
            "create");
  conn.exec("INSERT INTO parted SELECT seq FROM seq_1_to_30", "fill");
  conn.exec(
      "CREATE TABLE sub (id INT, at DATE) PARTITION BY RANGE (YEAR(at)) SUBPARTITION BY "
      "HASH (id) SUBPARTITIONS 2 (PARTITION a VALUES LESS THAN (2024), PARTITION b VALUES "
      "LESS THAN MAXVALUE)",
      "create");
  conn.exec("INSERT INTO sub SELECT seq, '2020-01-01' + INTERVAL seq YEAR FROM seq_1_to_9", "fill");
  auto tables = list_tables(conn, "snaplake_plan_test");
  ASSERT_EQ(tables.size(), 4u);
  const SplitPolicy always{0, 0};
  auto count_rows = [&](const Table& t, const Slice& s) {
    std::string sql =
        "SELECT COUNT(*) AS n FROM `snaplake_plan_test`." + Connection::quote_identifier(t.name);
    if (!s.partition.empty())
      sql += " PARTITION (" + Connection::quote_identifier(s.partition) + ")";
    if (!s.condition.empty()) sql += " WHERE " + s.condition;
    return conn.query(sql, "count a slice").integer(0, "n");
  };
  for (const Table& t : tables) {
    auto slices = plan_slices(conn, t, 3, always);
    int64_t total = 0;
    for (const auto& s : slices) total += count_rows(t, s);
    EXPECT_EQ(total, count_rows(t, Slice{})) << t.name;  // every row once
    if (t.name == "keyed") {
      ASSERT_EQ(slices.size(), 3u);
      for (const auto& s : slices) EXPECT_GT(count_rows(t, s), 300) << s.condition;
    }
    if (t.name == "unsigned_key") {
      EXPECT_EQ(slices.size(), 3u);
    }
    if (t.name == "sub") {
      ASSERT_EQ(slices.size(), 4u);  // each subpartition is read on its own
      EXPECT_EQ(slices[0].partition, "asp0");
    }
    if (t.name == "parted") {
      ASSERT_EQ(slices.size(), 3u);
      EXPECT_EQ(slices[0].partition, "p0");
      EXPECT_EQ(count_rows(t, slices[0]), 10);
    }
  }
  // Small tables stay whole with the default policy, and one reader never splits.
  for (const Table& t : tables) {
    if (t.partitions.empty()) {
      EXPECT_EQ(plan_slices(conn, t, 3).size(), 1u) << t.name;
      EXPECT_EQ(plan_slices(conn, t, 1, always).size(), 1u) << t.name;
    }
  }
}

}  // namespace
}  // namespace snaplake::mysql
