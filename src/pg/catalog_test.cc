#include "pg/catalog.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "pg/test_server.h"

namespace snaplake::pg {
namespace {

TEST(OnlyFilter, ParsesTheThreeForms) {
  auto db = parse_only_filter("sales");
  EXPECT_EQ(db.database, "sales");
  EXPECT_FALSE(db.schema);
  auto schema = parse_only_filter("sales.public");
  EXPECT_EQ(*schema.schema, "public");
  EXPECT_FALSE(schema.table);
  auto table = parse_only_filter("sales.\"My.Schema\".\"t\"\"q\"");
  EXPECT_EQ(*table.schema, "My.Schema");
  EXPECT_EQ(*table.table, "t\"q");
  EXPECT_TRUE(table.matches("sales", "My.Schema", "t\"q"));
  EXPECT_FALSE(table.matches("sales", "my.schema", "t\"q"));
}

TEST(OnlyFilter, RejectsMalformedFilters) {
  for (const char* bad : {"", ".", "a..b", "a.b.c.d", "a.", "\"open", ".a"}) {
    EXPECT_THROW(parse_only_filter(bad), Error) << bad;
  }
}

TEST(Catalog, FindsTablesPartitionsAndResolvesDomains) {
  SNAPLAKE_PG_URI_OR_SKIP(uri);
  Connection admin = Connection::open(uri);
  admin.exec("DROP DATABASE IF EXISTS snaplake_catalog_test WITH (FORCE)");
  admin.exec("CREATE DATABASE snaplake_catalog_test");
  Connection conn = Connection::open(uri, "snaplake_catalog_test");
  conn.exec(R"(
    CREATE DOMAIN money2 AS numeric(10,2);
    CREATE DOMAIN money3 AS money2;
    CREATE TABLE plain (id int, amount money3, note varchar(12), doc xml, addr inet, t text);
    CREATE UNLOGGED TABLE quick (id bigint);
    CREATE TABLE parent (id int);
    CREATE TABLE child (extra text) INHERITS (parent);
    CREATE TABLE events (at date, v int) PARTITION BY RANGE (at);
    CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
    CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')
      PARTITION BY RANGE (at);
    CREATE TABLE events_2026_h1 PARTITION OF events_2026 FOR VALUES FROM ('2026-01-01') TO ('2026-07-01');
    CREATE VIEW v AS SELECT 1;
    CREATE MATERIALIZED VIEW mv AS SELECT 1;
    CREATE SEQUENCE s;
  )");
  auto tables = list_tables(conn);
  std::vector<std::string> names;
  for (const auto& t : tables) names.push_back(t.schema + "." + t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"public.child", "public.events", "public.parent",
                                             "public.plain", "public.quick"}));
  const Table& events = tables[1];
  EXPECT_EQ(events.kind, 'p');
  ASSERT_EQ(events.parts.size(), 2u);
  EXPECT_EQ(events.parts[0].name, "events_2025");
  EXPECT_EQ(events.parts[1].name, "events_2026_h1");
  const Table& plain = tables[3];
  ASSERT_EQ(plain.columns.size(), 6u);
  EXPECT_EQ(plain.columns[1].original_type, "money3");
  EXPECT_EQ(plain.columns[1].base_type, "numeric");
  EXPECT_EQ(plain.columns[1].numeric_precision, 10);
  EXPECT_EQ(plain.columns[1].numeric_scale, 2);
  EXPECT_EQ(plain.columns[2].char_max_length, 12);
  // ::text is the output function of text and numeric; of xml (binary-coercible: the stored
  // bytes, declaration and all) and inet (a cast function showing the netmask) it is not.
  EXPECT_TRUE(plain.columns[1].text_cast_is_output);
  EXPECT_FALSE(plain.columns[3].text_cast_is_output);
  EXPECT_FALSE(plain.columns[4].text_cast_is_output);
  EXPECT_TRUE(plain.columns[5].text_cast_is_output);
  EXPECT_TRUE(tables[4].unlogged);
  EXPECT_EQ(tables[0].columns.size(), 2u);  // child: id (inherited) + extra
}

}  // namespace
}  // namespace snaplake::pg
