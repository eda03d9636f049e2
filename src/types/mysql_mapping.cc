#include "types/mysql_mapping.h"

#include <fmt/format.h>

#include <string_view>

namespace snaplake::types {
namespace {

using parquet::Logical;
using parquet::Physical;

bool is_one_of(std::string_view t, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    if (t == n) return true;
  }
  return false;
}

MysqlColumnMapping native(const MysqlColumn& c, Physical physical, Logical logical,
                          MysqlDecode decode, std::string expected) {
  MysqlColumnMapping m;
  m.column.name = c.name;
  m.column.physical = physical;
  m.column.logical = logical;
  m.column.repetition = parquet::Repetition::Optional;
  m.decode = decode;
  m.original_type = c.is_unsigned ? c.data_type + " unsigned" : c.data_type;
  m.expected_exported_type = std::move(expected);
  return m;
}

MysqlColumnMapping string(const MysqlColumn& c, Logical logical = Logical::String,
                          std::string expected = "binary (UTF8)") {
  return native(c, Physical::ByteArray, logical, MysqlDecode::Text, std::move(expected));
}

MysqlColumnMapping bytes(const MysqlColumn& c) {
  return native(c, Physical::ByteArray, Logical::None, MysqlDecode::Bytes, "binary");
}

MysqlColumnMapping decimal(const MysqlColumn& c, int32_t precision, int32_t scale) {
  Physical physical = precision <= 9    ? Physical::Int32
                      : precision <= 18 ? Physical::Int64
                                        : Physical::FixedLenByteArray;
  std::string name = precision <= 9 ? "int32" : precision <= 18 ? "int64" : "fixed_len_byte_array";
  MysqlColumnMapping m = native(c, physical, Logical::Decimal, MysqlDecode::Decimal,
                                fmt::format("{} (DECIMAL({},{}))", name, precision, scale));
  m.column.precision = precision;
  m.column.scale = scale;
  if (physical == Physical::FixedLenByteArray) {
    m.column.type_length = parquet::decimal_byte_width(precision);
  }
  return m;
}

MysqlColumnMapping timestamp(const MysqlColumn& c, bool utc, TimestampUnit unit) {
  const bool millis = unit == TimestampUnit::Millis;
  MysqlColumnMapping m =
      native(c, Physical::Int64, millis ? Logical::TimestampMillis : Logical::TimestampMicros,
             millis ? MysqlDecode::TimestampMillis : MysqlDecode::Timestamp,
             timestamp_exported_type(unit, utc));
  m.column.utc_adjusted = utc;
  return m;
}

bool is_geometry(std::string_view t) {
  return is_one_of(t, {"geometry", "point", "linestring", "polygon", "multipoint",
                       "multilinestring", "multipolygon", "geometrycollection", "geomcollection"});
}

}  // namespace

MysqlColumnMapping map_mysql_column(const MysqlColumn& c, Profile profile,
                                    const TypeOverrides& overrides) {
  const std::string& t = c.data_type;
  const bool typed = profile == Profile::Typed;
  // The rds profile is AWS's table, whatever the overrides (the export options refuse any but
  // the defaults with it).
  const TypeOverrides o = typed ? overrides : TypeOverrides{};

  // Integers (AWS's table; INT(16, true) on TINYINT UNSIGNED is the table's own choice).
  if (t == "tinyint" || t == "smallint" || t == "mediumint" || t == "int" || t == "integer") {
    if (c.is_unsigned && t == "tinyint") {
      return native(c, Physical::Int32, Logical::Int16, MysqlDecode::Int32, "int32 (INT 16)");
    }
    if (c.is_unsigned && (t == "mediumint" || t == "int" || t == "integer")) {
      return native(c, Physical::Int64, Logical::None, MysqlDecode::Int64, "int64");
    }
    return native(c, Physical::Int32, Logical::None, MysqlDecode::Int32, "int32");
  }
  if (t == "bigint") {
    if (!c.is_unsigned)
      return native(c, Physical::Int64, Logical::None, MysqlDecode::Int64, "int64");
    // Up to 18446744073709551615: 20 digits in 9 bytes (8 plus a sign byte), as AWS writes it.
    return decimal(c, 20, 0);
  }
  if (t == "decimal" || t == "numeric") {
    int32_t precision = c.numeric_precision.value_or(10);  // DECIMAL means DECIMAL(10,0)
    int32_t scale = c.numeric_scale.value_or(0);
    if (precision >= 1 && precision <= 38 && scale >= 0 && scale <= precision) {
      return decimal(c, precision, scale);
    }
    return string(
        c);  // DECIMAL(39..65, s): the server's text, e.g. "-1.500000000000000000000000000000"
  }
  if (t == "float" || t == "double" || t == "real") {
    MysqlColumnMapping m =
        native(c, Physical::Double, Logical::None, MysqlDecode::Double, "double");
    if (t == "float") m.select = MysqlSelect::AsDouble;
    return m;
  }
  if (t == "bit") {
    if (typed && c.numeric_precision.value_or(1) == 1) {
      return native(c, Physical::Boolean, Logical::None, MysqlDecode::Bool, "boolean");
    }
    return bytes(c);  // ceil(n/8) bytes, big-endian, as the server sends BIT(n)
  }
  if (t == "year") return native(c, Physical::Int32, Logical::None, MysqlDecode::Int32, "int32");

  // Date and time.
  if (t == "datetime") return timestamp(c, false, o.timestamp);
  if (t == "timestamp") return timestamp(c, true, o.timestamp);
  if (t == "date") {
    if (typed) return native(c, Physical::Int32, Logical::Date, MysqlDecode::Date, "int32 (DATE)");
    return string(c);
  }
  if (t == "time") {
    if (!typed) return string(c);
    switch (o.time) {
      case TimeAs::String:  // Spark 3 and Hive have no TIME type (docs/type-mapping.md)
        return string(c);
      case TimeAs::Micros:
        return native(c, Physical::Int64, Logical::None, MysqlDecode::TimeDuration, "int64");
      case TimeAs::Time:
        return native(c, Physical::Int64, Logical::TimeMicros, MysqlDecode::Time,
                      "int64 (TIME_MICROS)");
    }
  }
  if (t == "uuid" && typed && o.uuid == UuidAs::Uuid) {  // MariaDB 10.7+
    MysqlColumnMapping m = native(c, Physical::FixedLenByteArray, Logical::Uuid,
                                  MysqlDecode::UuidBytes, "fixed_len_byte_array(16) (UUID)");
    m.column.type_length = 16;
    return m;
  }

  // Strings, binary strings, JSON.
  if (c.is_json || t == "json") {
    if (typed) return string(c, Logical::Json, "binary (JSON)");
    return string(c);
  }
  if (t == "enum") {
    if (typed) return string(c, Logical::Enum, "binary (ENUM)");
    return string(c);
  }
  if (t == "char") {
    if (typed) return string(c);
    // AWS's table leaves CHAR without the STRING annotation; the bytes are its UTF-8 text.
    return native(c, Physical::ByteArray, Logical::None, MysqlDecode::Text, "binary");
  }
  if (is_one_of(t, {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"})) {
    return bytes(c);
  }
  if (is_geometry(t)) {
    MysqlColumnMapping m = bytes(c);
    m.select = MysqlSelect::AsWkb;
    return m;
  }
  // VARCHAR, the TEXTs, SET, and types AWS's table does not list (MariaDB's UUID, INET4,
  // INET6, MySQL's VECTOR…): the server's text as a STRING.
  return string(c);
}

}  // namespace snaplake::types
