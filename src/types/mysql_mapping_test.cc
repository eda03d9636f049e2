#include "types/mysql_mapping.h"

#include <gtest/gtest.h>

namespace snaplake::types {
namespace {

using parquet::Logical;
using parquet::Physical;
using D = MysqlDecode;
using S = MysqlSelect;

MysqlColumn col(std::string data_type, bool is_unsigned = false) {
  MysqlColumn c;
  c.name = "c";
  c.data_type = std::move(data_type);
  c.is_unsigned = is_unsigned;
  return c;
}
MysqlColumn dec(int precision, int scale) {
  MysqlColumn c = col("decimal");
  c.numeric_precision = precision;
  c.numeric_scale = scale;
  return c;
}
MysqlColumn bit(int n) {
  MysqlColumn c = col("bit");
  c.numeric_precision = n;
  return c;
}
MysqlColumn mariadb_json() {
  MysqlColumn c = col("longtext");
  c.is_json = true;
  return c;
}

struct Row {
  MysqlColumn column;
  Physical physical;
  Logical logical;
  D decode;
  S select;
  const char* expected;
  int32_t type_length = 0;
  int32_t precision = 0;
  int32_t scale = 0;
  bool utc = false;
};

void check(const Row& row, Profile profile, const TypeOverrides& overrides = {}) {
  MysqlColumnMapping m = map_mysql_column(row.column, profile, overrides);
  std::string what =
      row.column.data_type + (row.column.is_unsigned ? " unsigned" : "") +
      (row.column.numeric_precision ? "(" + std::to_string(*row.column.numeric_precision) + ")"
                                    : "") +
      (profile == Profile::Rds ? " (rds)" : " (typed)");
  EXPECT_EQ(m.column.physical, row.physical) << what;
  EXPECT_EQ(m.column.logical, row.logical) << what;
  EXPECT_EQ(m.decode, row.decode) << what;
  EXPECT_EQ(m.select, row.select) << what;
  EXPECT_EQ(m.expected_exported_type, row.expected) << what;
  EXPECT_EQ(m.column.type_length, row.type_length) << what;
  EXPECT_EQ(m.column.precision, row.precision) << what;
  EXPECT_EQ(m.column.scale, row.scale) << what;
  EXPECT_EQ(m.column.utc_adjusted, row.utc) << what;
  EXPECT_EQ(m.column.repetition, parquet::Repetition::Optional) << what;
  EXPECT_EQ(m.column.name, "c");
  parquet::validate({m.column});  // every mapping is a column the writer accepts
}

// Both profiles: AWS's "MySQL and MariaDB data type mapping to Parquet", row by row.
const Row kShared[] = {
    {col("tinyint"), Physical::Int32, Logical::None, D::Int32, S::Column, "int32"},
    {col("tinyint", true), Physical::Int32, Logical::Int16, D::Int32, S::Column, "int32 (INT 16)"},
    {col("smallint"), Physical::Int32, Logical::None, D::Int32, S::Column, "int32"},
    {col("smallint", true), Physical::Int32, Logical::None, D::Int32, S::Column, "int32"},
    {col("mediumint"), Physical::Int32, Logical::None, D::Int32, S::Column, "int32"},
    {col("mediumint", true), Physical::Int64, Logical::None, D::Int64, S::Column, "int64"},
    {col("int"), Physical::Int32, Logical::None, D::Int32, S::Column, "int32"},
    {col("int", true), Physical::Int64, Logical::None, D::Int64, S::Column, "int64"},
    {col("bigint"), Physical::Int64, Logical::None, D::Int64, S::Column, "int64"},
    {col("bigint", true), Physical::FixedLenByteArray, Logical::Decimal, D::Decimal, S::Column,
     "fixed_len_byte_array (DECIMAL(20,0))", 9, 20, 0},
    {dec(9, 2), Physical::Int32, Logical::Decimal, D::Decimal, S::Column, "int32 (DECIMAL(9,2))", 0,
     9, 2},
    {dec(10, 0), Physical::Int64, Logical::Decimal, D::Decimal, S::Column, "int64 (DECIMAL(10,0))",
     0, 10, 0},
    {dec(18, 18), Physical::Int64, Logical::Decimal, D::Decimal, S::Column,
     "int64 (DECIMAL(18,18))", 0, 18, 18},
    {dec(19, 4), Physical::FixedLenByteArray, Logical::Decimal, D::Decimal, S::Column,
     "fixed_len_byte_array (DECIMAL(19,4))", 9, 19, 4},
    {dec(38, 10), Physical::FixedLenByteArray, Logical::Decimal, D::Decimal, S::Column,
     "fixed_len_byte_array (DECIMAL(38,10))", 16, 38, 10},
    {dec(39, 0), Physical::ByteArray, Logical::String, D::Text, S::Column, "binary (UTF8)"},
    {dec(65, 30), Physical::ByteArray, Logical::String, D::Text, S::Column, "binary (UTF8)"},
    {col("float"), Physical::Double, Logical::None, D::Double, S::AsDouble, "double"},
    {col("double"), Physical::Double, Logical::None, D::Double, S::Column, "double"},
    {bit(10), Physical::ByteArray, Logical::None, D::Bytes, S::Column, "binary"},
    {bit(64), Physical::ByteArray, Logical::None, D::Bytes, S::Column, "binary"},
    {col("year"), Physical::Int32, Logical::None, D::Int32, S::Column, "int32"},
    {col("datetime"), Physical::Int64, Logical::TimestampMicros, D::Timestamp, S::Column,
     "int64 (TIMESTAMP_MICROS)"},
    {col("timestamp"), Physical::Int64, Logical::TimestampMicros, D::Timestamp, S::Column,
     "int64 (TIMESTAMP_MICROS, UTC)", 0, 0, 0, true},
    {col("varchar"), Physical::ByteArray, Logical::String, D::Text, S::Column, "binary (UTF8)"},
    {col("tinytext"), Physical::ByteArray, Logical::String, D::Text, S::Column, "binary (UTF8)"},
    {col("text"), Physical::ByteArray, Logical::String, D::Text, S::Column, "binary (UTF8)"},
    {col("mediumtext"), Physical::ByteArray, Logical::String, D::Text, S::Column, "binary (UTF8)"},
    {col("longtext"), Physical::ByteArray, Logical::String, D::Text, S::Column, "binary (UTF8)"},
    {col("set"), Physical::ByteArray, Logical::String, D::Text, S::Column, "binary (UTF8)"},
    {col("binary"), Physical::ByteArray, Logical::None, D::Bytes, S::Column, "binary"},
    {col("varbinary"), Physical::ByteArray, Logical::None, D::Bytes, S::Column, "binary"},
    {col("tinyblob"), Physical::ByteArray, Logical::None, D::Bytes, S::Column, "binary"},
    {col("blob"), Physical::ByteArray, Logical::None, D::Bytes, S::Column, "binary"},
    {col("mediumblob"), Physical::ByteArray, Logical::None, D::Bytes, S::Column, "binary"},
    {col("longblob"), Physical::ByteArray, Logical::None, D::Bytes, S::Column, "binary"},
    {col("geometry"), Physical::ByteArray, Logical::None, D::Bytes, S::AsWkb, "binary"},
    {col("point"), Physical::ByteArray, Logical::None, D::Bytes, S::AsWkb, "binary"},
    {col("linestring"), Physical::ByteArray, Logical::None, D::Bytes, S::AsWkb, "binary"},
    {col("polygon"), Physical::ByteArray, Logical::None, D::Bytes, S::AsWkb, "binary"},
    {col("multipoint"), Physical::ByteArray, Logical::None, D::Bytes, S::AsWkb, "binary"},
    {col("multilinestring"), Physical::ByteArray, Logical::None, D::Bytes, S::AsWkb, "binary"},
    {col("multipolygon"), Physical::ByteArray, Logical::None, D::Bytes, S::AsWkb, "binary"},
    {col("geometrycollection"), Physical::ByteArray, Logical::None, D::Bytes, S::AsWkb, "binary"},
    {col("geomcollection"), Physical::ByteArray, Logical::None, D::Bytes, S::AsWkb, "binary"},
    {col("uuid"), Physical::ByteArray, Logical::String, D::Text, S::Column, "binary (UTF8)"},
    {col("inet6"), Physical::ByteArray, Logical::String, D::Text, S::Column, "binary (UTF8)"},
};

TEST(MysqlMapping, SharedByBothProfiles) {
  for (const Row& row : kShared) {
    check(row, Profile::Rds);
    check(row, Profile::Typed);
  }
}

TEST(MysqlMapping, RdsLeavesDatesTimesJsonEnumAsStringsAndCharUnannotated) {
  const Row rows[] = {
      {col("date"), Physical::ByteArray, Logical::String, D::Text, S::Column, "binary (UTF8)"},
      {col("time"), Physical::ByteArray, Logical::String, D::Text, S::Column, "binary (UTF8)"},
      {col("json"), Physical::ByteArray, Logical::String, D::Text, S::Column, "binary (UTF8)"},
      {mariadb_json(), Physical::ByteArray, Logical::String, D::Text, S::Column, "binary (UTF8)"},
      {col("enum"), Physical::ByteArray, Logical::String, D::Text, S::Column, "binary (UTF8)"},
      {col("char"), Physical::ByteArray, Logical::None, D::Text, S::Column, "binary"},
      {bit(1), Physical::ByteArray, Logical::None, D::Bytes, S::Column, "binary"},
  };
  for (const Row& row : rows) check(row, Profile::Rds);
}

TEST(MysqlMapping, TypedAddsDateTimeJsonEnumStringAndBoolean) {
  const Row rows[] = {
      {col("date"), Physical::Int32, Logical::Date, D::Date, S::Column, "int32 (DATE)"},
      // TIME stays the server's text by default: Spark 3 and Hive cannot read TIME(MICROS).
      {col("time"), Physical::ByteArray, Logical::String, D::Text, S::Column, "binary (UTF8)"},
      {col("uuid"), Physical::ByteArray, Logical::String, D::Text, S::Column, "binary (UTF8)"},
      {col("json"), Physical::ByteArray, Logical::Json, D::Text, S::Column, "binary (JSON)"},
      {mariadb_json(), Physical::ByteArray, Logical::Json, D::Text, S::Column, "binary (JSON)"},
      {col("enum"), Physical::ByteArray, Logical::Enum, D::Text, S::Column, "binary (ENUM)"},
      {col("char"), Physical::ByteArray, Logical::String, D::Text, S::Column, "binary (UTF8)"},
      {bit(1), Physical::Boolean, Logical::None, D::Bool, S::Column, "boolean"},
  };
  for (const Row& row : rows) check(row, Profile::Typed);
}

TEST(MysqlMapping, TypedFollowsTheOverridesAndRdsIgnoresThem) {
  TypeOverrides o;
  o.time = TimeAs::Micros;
  o.timestamp = TimestampUnit::Millis;
  o.uuid = UuidAs::Uuid;
  const Row typed[] = {
      {col("time"), Physical::Int64, Logical::None, D::TimeDuration, S::Column, "int64"},
      {col("datetime"), Physical::Int64, Logical::TimestampMillis, D::TimestampMillis, S::Column,
       "int64 (TIMESTAMP_MILLIS)"},
      {col("timestamp"), Physical::Int64, Logical::TimestampMillis, D::TimestampMillis, S::Column,
       "int64 (TIMESTAMP_MILLIS, UTC)", 0, 0, 0, true},
      {col("uuid"), Physical::FixedLenByteArray, Logical::Uuid, D::UuidBytes, S::Column,
       "fixed_len_byte_array(16) (UUID)", 16},
  };
  for (const Row& row : typed) check(row, Profile::Typed, o);
  o.time = TimeAs::Time;
  check({col("time"), Physical::Int64, Logical::TimeMicros, D::Time, S::Column,
         "int64 (TIME_MICROS)"},
        Profile::Typed, o);
  // rds is AWS's table whatever is asked.
  check({col("time"), Physical::ByteArray, Logical::String, D::Text, S::Column, "binary (UTF8)"},
        Profile::Rds, o);
  check({col("datetime"), Physical::Int64, Logical::TimestampMicros, D::Timestamp, S::Column,
         "int64 (TIMESTAMP_MICROS)"},
        Profile::Rds, o);
}

TEST(MysqlMapping, OriginalTypeIsTheDataTypeWithItsSign) {
  EXPECT_EQ(map_mysql_column(col("bigint", true), Profile::Rds).original_type, "bigint unsigned");
  EXPECT_EQ(map_mysql_column(col("varchar"), Profile::Rds).original_type, "varchar");
  EXPECT_EQ(map_mysql_column(mariadb_json(), Profile::Typed).original_type, "longtext");
  EXPECT_EQ(map_mysql_column(dec(65, 30), Profile::Typed).original_type, "decimal");
}

}  // namespace
}  // namespace snaplake::types
