#include "landing/hive_types.h"

#include <gtest/gtest.h>

namespace snaplake::landing {
namespace {

using parquet::SchemaNode;

SchemaNode leaf(int physical, int logical = 0, int converted = -1) {
  SchemaNode n;
  n.name = "c";
  n.physical = physical;
  n.logical = logical;
  n.converted = converted;
  return n;
}

TEST(HiveTypes, Scalars) {
  EXPECT_EQ(hive_type(leaf(0)), "boolean");
  EXPECT_EQ(hive_type(leaf(4)), "float");
  EXPECT_EQ(hive_type(leaf(5)), "double");
  EXPECT_EQ(hive_type(leaf(3)), "timestamp");  // INT96
  EXPECT_EQ(hive_type(leaf(1)), "int");
  EXPECT_EQ(hive_type(leaf(2)), "bigint");
  EXPECT_EQ(hive_type(leaf(6)), "binary");
  EXPECT_EQ(hive_type(leaf(7)), "binary");
  EXPECT_EQ(hive_type(leaf(6, 1, 0)), "string");   // STRING / UTF8
  EXPECT_EQ(hive_type(leaf(6, 0, 0)), "string");   // UTF8 only (an older writer)
  EXPECT_EQ(hive_type(leaf(6, 4, 4)), "string");   // ENUM
  EXPECT_EQ(hive_type(leaf(6, 12, 19)), "string");  // JSON
  EXPECT_EQ(hive_type(leaf(7, 14)), "binary");     // UUID: no Hive type; Athena reads bytes
  EXPECT_EQ(hive_type(leaf(1, 6, 6)), "date");
  EXPECT_EQ(hive_type(leaf(2, 8)), "timestamp");   // TIMESTAMP(MICROS), either UTC flag
  EXPECT_EQ(hive_type(leaf(2, 0, 9)), "timestamp");  // TIMESTAMP_MILLIS
  EXPECT_EQ(hive_type(leaf(2, 7, 8)), "bigint");   // TIME(MICROS): Hive has no time
}

TEST(HiveTypes, IntegersByWidthAndSign) {
  auto integer = [](int physical, int bits, bool is_signed) {
    SchemaNode n = leaf(physical, 10);
    n.bit_width = bits;
    n.is_signed = is_signed;
    return n;
  };
  EXPECT_EQ(hive_type(integer(1, 8, true)), "tinyint");
  EXPECT_EQ(hive_type(integer(1, 16, true)), "smallint");
  EXPECT_EQ(hive_type(integer(1, 32, true)), "int");
  EXPECT_EQ(hive_type(integer(1, 8, false)), "smallint");
  EXPECT_EQ(hive_type(integer(1, 16, false)), "int");
  EXPECT_EQ(hive_type(integer(1, 32, false)), "bigint");
  EXPECT_EQ(hive_type(integer(2, 64, true)), "bigint");
  EXPECT_EQ(hive_type(leaf(1, 0, 16)), "smallint");  // INT_16, converted only
}

TEST(HiveTypes, DecimalsOnEveryPhysicalType) {
  for (int physical : {1, 2, 6, 7}) {
    SchemaNode n = leaf(physical, 5, 5);
    n.precision = 18;
    n.scale = 4;
    EXPECT_EQ(hive_type(n), "decimal(18,4)") << physical;
  }
}

TEST(HiveTypes, ListsMapsAndStructs) {
  // list (LIST) { repeated group list { optional int32 element } }
  SchemaNode element = leaf(1);
  element.name = "element";
  SchemaNode repeated;
  repeated.name = "list";
  repeated.repetition = 2;
  repeated.children = {element};
  SchemaNode list;
  list.name = "ints";
  list.converted = 3;
  list.logical = 3;
  list.children = {repeated};
  EXPECT_EQ(hive_type(list), "array<int>");
  // A list of lists.
  SchemaNode outer_repeated = repeated;
  outer_repeated.children = {list};
  SchemaNode outer = list;
  outer.children = {outer_repeated};
  EXPECT_EQ(hive_type(outer), "array<array<int>>");
  // map (MAP) { repeated group key_value { required binary key (STRING); optional double value } }
  SchemaNode key = leaf(6, 1, 0);
  key.name = "key";
  SchemaNode value = leaf(5);
  value.name = "value";
  SchemaNode kv;
  kv.name = "key_value";
  kv.repetition = 2;
  kv.children = {key, value};
  SchemaNode map;
  map.name = "m";
  map.converted = 1;
  map.children = {kv};
  EXPECT_EQ(hive_type(map), "map<string,double>");
  SchemaNode st;
  st.name = "s";
  SchemaNode a = leaf(6, 1, 0);
  a.name = "a";
  SchemaNode b = leaf(2);
  b.name = "b";
  st.children = {a, b};
  EXPECT_EQ(hive_type(st), "struct<a:string,b:bigint>");
}

}  // namespace
}  // namespace snaplake::landing
