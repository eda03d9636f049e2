#include "types/mapping.h"

#include <gtest/gtest.h>

namespace snaplake::types {
namespace {

using parquet::Logical;
using parquet::Physical;

SourceColumn col(std::string base, int32_t typmod = -1, char kind = 'b') {
  SourceColumn c;
  c.name = "c";
  c.original_type = base;
  c.base_type = std::move(base);
  c.typmod = typmod;
  c.base_kind = kind;
  return c;
}

int32_t numeric_typmod(int precision, int scale) {
  return ((precision << 16) | (scale & 0x7ff)) + 4;
}

struct Row {
  SourceColumn column;
  Physical physical;
  Logical logical;
  Decode decode;
  bool cast;
  const char* expected;
};

void check(const Row& row, Profile profile) {
  ColumnMapping m = map_column(row.column, profile);
  std::string what = row.column.base_type + " typmod " + std::to_string(row.column.typmod) +
                     (profile == Profile::Rds ? " (rds)" : " (typed)");
  EXPECT_EQ(m.column.physical, row.physical) << what;
  EXPECT_EQ(m.column.logical, row.logical) << what;
  EXPECT_EQ(m.decode, row.decode) << what;
  EXPECT_EQ(m.cast_to_text, row.cast) << what;
  EXPECT_EQ(m.expected_exported_type, row.expected) << what;
  EXPECT_EQ(m.column.repetition, parquet::Repetition::Optional) << what;
  EXPECT_EQ(m.column.name, "c");
}

const Row kShared[] = {
    {col("int8"), Physical::Int64, Logical::None, Decode::Int64, false, "int64"},
    {col("int4"), Physical::Int32, Logical::None, Decode::Int32, false, "int32"},
    {col("int2"), Physical::Int32, Logical::Int16, Decode::Int16, false, "int32 (INT 16)"},
    {col("float4"), Physical::Float, Logical::None, Decode::Float32, false, "float"},
    {col("float8"), Physical::Double, Logical::None, Decode::Float64, false, "double"},
    {col("bool"), Physical::Boolean, Logical::None, Decode::Bool, false, "boolean"},
    {col("bytea"), Physical::ByteArray, Logical::None, Decode::Bytes, false, "binary"},
    {col("text"), Physical::ByteArray, Logical::String, Decode::Text, false, "binary (UTF8)"},
    {col("varchar", 14), Physical::ByteArray, Logical::String, Decode::Text, false,
     "binary (UTF8)"},
    {col("bpchar", 9), Physical::ByteArray, Logical::String, Decode::Text, false, "binary (UTF8)"},
    {col("name"), Physical::ByteArray, Logical::String, Decode::Text, false, "binary (UTF8)"},
    {col("money"), Physical::ByteArray, Logical::String, Decode::Text, true, "binary (UTF8)"},
    {col("interval"), Physical::ByteArray, Logical::String, Decode::Text, true, "binary (UTF8)"},
    {col("_int4"), Physical::ByteArray, Logical::String, Decode::Text, true, "binary (UTF8)"},
    {col("inet"), Physical::ByteArray, Logical::String, Decode::Text, true, "binary (UTF8)"},
    {col("int4range", -1, 'r'), Physical::ByteArray, Logical::String, Decode::Text, true,
     "binary (UTF8)"},
    {col("mytype", -1, 'c'), Physical::ByteArray, Logical::String, Decode::Text, true,
     "binary (UTF8)"},
    {col("xml"), Physical::ByteArray, Logical::String, Decode::Text, true, "binary (UTF8)"},
    {col("timetz"), Physical::ByteArray, Logical::String, Decode::Text, true, "binary (UTF8)"},
};

TEST(Profile, EveryProfileHasOneName) {
  for (Profile p : {Profile::Rds, Profile::Typed}) {
    EXPECT_NE(to_string(p), "?");
    EXPECT_EQ(kProfileNames.find(to_string(p)), p);
  }
  EXPECT_EQ(kProfileNames.names(), (std::vector<std::string>{"rds", "typed"}));
}

TEST(Mapping, SharedByBothProfiles) {
  for (const Row& row : kShared) {
    check(row, Profile::Rds);
    check(row, Profile::Typed);
  }
}

TEST(Mapping, RdsRendersEverythingElseAsText) {
  const Row rows[] = {
      // Rendered on the client from the binary value (pg/text_render.h), not cast ::text.
      {col("numeric", numeric_typmod(12, 2)), Physical::ByteArray, Logical::String,
       Decode::NumericText, false, "binary (UTF8)"},
      {col("numeric"), Physical::ByteArray, Logical::String, Decode::NumericText, false,
       "binary (UTF8)"},
      {col("date"), Physical::ByteArray, Logical::String, Decode::DateText, false, "binary (UTF8)"},
      {col("time"), Physical::ByteArray, Logical::String, Decode::TimeText, false, "binary (UTF8)"},
      {col("timestamp"), Physical::ByteArray, Logical::String, Decode::TimestampText, false,
       "binary (UTF8)"},
      {col("timestamptz"), Physical::ByteArray, Logical::String, Decode::TimestampTzText, false,
       "binary (UTF8)"},
      {col("uuid"), Physical::ByteArray, Logical::String, Decode::UuidText, false, "binary (UTF8)"},
      {col("json"), Physical::ByteArray, Logical::String, Decode::Text, true, "binary (UTF8)"},
      {col("jsonb"), Physical::ByteArray, Logical::String, Decode::Text, true, "binary (UTF8)"},
      {col("mood", -1, 'e'), Physical::ByteArray, Logical::String, Decode::Text, true,
       "binary (UTF8)"},
  };
  for (const Row& row : rows) check(row, Profile::Rds);
}

TEST(Mapping, TypedKeepsWhatParquetCanExpress) {
  const Row rows[] = {
      {col("numeric", numeric_typmod(9, 2)), Physical::Int32, Logical::Decimal, Decode::Decimal,
       false, "int32 (DECIMAL(9,2))"},
      {col("numeric", numeric_typmod(18, 0)), Physical::Int64, Logical::Decimal, Decode::Decimal,
       false, "int64 (DECIMAL(18,0))"},
      {col("numeric", numeric_typmod(38, 10)), Physical::FixedLenByteArray, Logical::Decimal,
       Decode::Decimal, false, "fixed_len_byte_array (DECIMAL(38,10))"},
      // Beyond Parquet's DECIMAL: more than 38 digits, a negative scale, scale > precision.
      {col("numeric", numeric_typmod(39, 2)), Physical::ByteArray, Logical::String, Decode::Text,
       true, "binary (UTF8)"},
      {col("numeric", numeric_typmod(5, -2)), Physical::ByteArray, Logical::String, Decode::Text,
       true, "binary (UTF8)"},
      {col("numeric", numeric_typmod(3, 5)), Physical::ByteArray, Logical::String, Decode::Text,
       true, "binary (UTF8)"},
      {col("numeric"), Physical::ByteArray, Logical::String, Decode::Text, true, "binary (UTF8)"},
      {col("date"), Physical::Int32, Logical::Date, Decode::Date, false, "int32 (DATE)"},
      // Defaults every engine reads (docs/type-mapping.md, "Overrides"): time and uuid as text.
      {col("time", 3), Physical::ByteArray, Logical::String, Decode::TimeText, false,
       "binary (UTF8)"},
      {col("timestamp"), Physical::Int64, Logical::TimestampMicros, Decode::Timestamp, false,
       "int64 (TIMESTAMP_MICROS)"},
      {col("timestamptz"), Physical::Int64, Logical::TimestampMicros, Decode::Timestamp, false,
       "int64 (TIMESTAMP_MICROS, UTC)"},
      {col("uuid"), Physical::ByteArray, Logical::String, Decode::UuidText, false, "binary (UTF8)"},
      {col("json"), Physical::ByteArray, Logical::Json, Decode::Text, true, "binary (JSON)"},
      {col("jsonb"), Physical::ByteArray, Logical::Json, Decode::Text, true, "binary (JSON)"},
      {col("mood", -1, 'e'), Physical::ByteArray, Logical::Enum, Decode::Text, true,
       "binary (ENUM)"},
  };
  for (const Row& row : rows) check(row, Profile::Typed);
}

TEST(Mapping, TypesWithACastFunctionToTextAreRenderedWithFormat) {
  SourceColumn inet = col("inet");
  inet.text_cast_is_output = false;
  for (Profile p : {Profile::Rds, Profile::Typed}) {
    auto m = map_column(inet, p);
    EXPECT_TRUE(m.cast_to_text);
    EXPECT_TRUE(m.render_with_format);
  }
  EXPECT_FALSE(map_column(col("inet"), Profile::Rds).render_with_format);
  SourceColumn xml = col("xml");
  xml.text_cast_is_output = false;  // binary-coercible: ::text keeps the XML declaration
  EXPECT_TRUE(map_column(xml, Profile::Rds).render_with_format);
  SourceColumn bpchar = col("bpchar");
  bpchar.text_cast_is_output = false;  // bpchar::text strips blanks; its binary form does not
  EXPECT_FALSE(map_column(bpchar, Profile::Rds).render_with_format);
  EXPECT_FALSE(map_column(bpchar, Profile::Rds).cast_to_text);
}

TEST(Mapping, DecimalDetails) {
  auto m = map_column(col("numeric", numeric_typmod(38, 10)), Profile::Typed);
  EXPECT_EQ(m.column.precision, 38);
  EXPECT_EQ(m.column.scale, 10);
  EXPECT_EQ(m.column.type_length, 16);
  EXPECT_EQ(map_column(col("numeric", numeric_typmod(19, 0)), Profile::Typed).column.type_length,
            9);
  auto ts = map_column(col("timestamptz"), Profile::Typed);
  EXPECT_TRUE(ts.column.utc_adjusted);
  EXPECT_FALSE(map_column(col("timestamp"), Profile::Typed).column.utc_adjusted);
  TypeOverrides as_uuid;
  as_uuid.uuid = UuidAs::Uuid;
  EXPECT_EQ(map_column(col("uuid"), Profile::Typed, as_uuid).column.type_length, 16);
}

TEST(Mapping, OverridesChangeTheTypedProfileOnly) {
  TypeOverrides o;
  o.uuid = UuidAs::Uuid;
  o.time = TimeAs::Micros;
  o.timestamp = TimestampUnit::Millis;
  const Row typed[] = {
      {col("uuid"), Physical::FixedLenByteArray, Logical::Uuid, Decode::Bytes, false,
       "fixed_len_byte_array(16) (UUID)"},
      {col("time"), Physical::Int64, Logical::None, Decode::Time, false, "int64"},
      {col("timestamp"), Physical::Int64, Logical::TimestampMillis, Decode::TimestampMillis, false,
       "int64 (TIMESTAMP_MILLIS)"},
      {col("timestamptz"), Physical::Int64, Logical::TimestampMillis, Decode::TimestampMillis,
       false, "int64 (TIMESTAMP_MILLIS, UTC)"},
  };
  for (const Row& row : typed) {
    ColumnMapping m = map_column(row.column, Profile::Typed, o);
    EXPECT_EQ(m.column.physical, row.physical) << row.column.base_type;
    EXPECT_EQ(m.column.logical, row.logical) << row.column.base_type;
    EXPECT_EQ(m.decode, row.decode) << row.column.base_type;
    EXPECT_EQ(m.expected_exported_type, row.expected) << row.column.base_type;
  }
  EXPECT_TRUE(map_column(col("timestamptz"), Profile::Typed, o).column.utc_adjusted);
  o.time = TimeAs::Time;
  ColumnMapping t = map_column(col("time"), Profile::Typed, o);
  EXPECT_EQ(t.column.logical, Logical::TimeMicros);
  EXPECT_EQ(t.expected_exported_type, "int64 (TIME_MICROS)");
  // The rds profile is AWS's mapping whatever the overrides say.
  for (const char* type : {"uuid", "time", "timestamp", "timestamptz"}) {
    ColumnMapping rds = map_column(col(type), Profile::Rds, o);
    EXPECT_EQ(rds.column.logical, Logical::String) << type;
    EXPECT_EQ(rds.expected_exported_type, "binary (UTF8)") << type;
  }
}

SourceColumn array(std::string element, int32_t typmod = -1, char kind = 'b') {
  SourceColumn c = col("_" + element, typmod);
  c.element_type = std::move(element);
  c.element_kind = kind;
  c.element_typmod = typmod;
  return c;
}

TEST(Mapping, TypedArraysAreListsOfTheElementsMapping) {
  struct ArrayRow {
    SourceColumn column;
    Physical physical;
    Logical logical;
    Decode element;
    bool cast_elements;
    const char* expected;
  };
  const ArrayRow rows[] = {
      {array("int4"), Physical::Int32, Logical::None, Decode::Int32, false, "list<int32>"},
      {array("int2"), Physical::Int32, Logical::Int16, Decode::Int16, false,
       "list<int32 (INT 16)>"},
      {array("text"), Physical::ByteArray, Logical::String, Decode::Text, false,
       "list<binary (UTF8)>"},
      {array("numeric", numeric_typmod(12, 2)), Physical::Int64, Logical::Decimal, Decode::Decimal,
       false, "list<int64 (DECIMAL(12,2))>"},
      // numeric without typmod: text elements, cast by the server.
      {array("numeric"), Physical::ByteArray, Logical::String, Decode::Text, true,
       "list<binary (UTF8)>"},
      {array("date"), Physical::Int32, Logical::Date, Decode::Date, false, "list<int32 (DATE)>"},
      {array("timestamptz"), Physical::Int64, Logical::TimestampMicros, Decode::Timestamp, false,
       "list<int64 (TIMESTAMP_MICROS, UTC)>"},
      {array("uuid"), Physical::ByteArray, Logical::String, Decode::UuidText, false,
       "list<binary (UTF8)>"},
      {array("time"), Physical::ByteArray, Logical::String, Decode::TimeText, false,
       "list<binary (UTF8)>"},
      {array("bytea"), Physical::ByteArray, Logical::None, Decode::Bytes, false, "list<binary>"},
      {array("jsonb"), Physical::ByteArray, Logical::Json, Decode::Text, true,
       "list<binary (JSON)>"},
      {array("mood", -1, 'e'), Physical::ByteArray, Logical::Enum, Decode::Text, true,
       "list<binary (ENUM)>"},
      {array("interval"), Physical::ByteArray, Logical::String, Decode::Text, true,
       "list<binary (UTF8)>"},
  };
  for (const ArrayRow& row : rows) {
    ColumnMapping m = map_column(row.column, Profile::Typed);
    const std::string& what = row.column.element_type;
    EXPECT_TRUE(m.column.list) << what;
    EXPECT_EQ(m.column.physical, row.physical) << what;
    EXPECT_EQ(m.column.logical, row.logical) << what;
    EXPECT_EQ(m.decode, Decode::Array) << what;
    EXPECT_EQ(m.element_decode, row.element) << what;
    EXPECT_EQ(m.cast_elements_to_text, row.cast_elements) << what;
    EXPECT_FALSE(m.cast_to_text) << what;
    EXPECT_EQ(m.expected_exported_type, row.expected) << what;
    EXPECT_EQ(m.column.repetition, parquet::Repetition::Optional) << what;
    // rds: PostgreSQL's text of the whole array.
    ColumnMapping rds = map_column(row.column, Profile::Rds);
    EXPECT_FALSE(rds.column.list) << what;
    EXPECT_TRUE(rds.cast_to_text) << what;
    EXPECT_EQ(rds.expected_exported_type, "binary (UTF8)") << what;
  }
  TypeOverrides o;
  o.uuid = UuidAs::Uuid;
  EXPECT_EQ(map_column(array("uuid"), Profile::Typed, o).element_decode, Decode::Bytes);
  EXPECT_EQ(map_column(array("uuid"), Profile::Typed, o).column.type_length, 16);
  // An element type whose ::text is not its output function keeps the array as text.
  SourceColumn inets = array("inet");
  inets.element_text_cast_is_output = false;
  ColumnMapping m = map_column(inets, Profile::Typed);
  EXPECT_FALSE(m.column.list);
  EXPECT_TRUE(m.cast_to_text);
  EXPECT_EQ(m.expected_exported_type, "binary (UTF8)");
}

}  // namespace
}  // namespace snaplake::types
