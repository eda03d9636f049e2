#include "landing/hive_types.h"

#include <fmt/format.h>

namespace snaplake::landing {
namespace {

// parquet.thrift: Type, ConvertedType and the LogicalType union's field ids.
enum Physical { kBoolean = 0, kInt32 = 1, kInt64 = 2, kInt96 = 3, kFloat = 4, kDouble = 5,
                kByteArray = 6, kFixed = 7 };
enum Converted { kUtf8 = 0, kMap = 1, kMapKeyValue = 2, kList = 3, kEnumC = 4, kDecimalC = 5,
                 kDateC = 6, kTimeMillis = 7, kTimestampMillis = 9, kTimestampMicros = 10,
                 kUint8 = 11, kUint16 = 12, kUint32 = 13, kUint64 = 14, kInt8 = 15, kInt16 = 16,
                 kJsonC = 19 };
enum LogicalId { kString = 1, kMapL = 2, kListL = 3, kEnumL = 4, kDecimalL = 5, kDateL = 6,
                 kTimeL = 7, kTimestampL = 8, kIntegerL = 10, kJsonL = 12 };

bool is(const parquet::SchemaNode& c, int logical, int converted) {
  return c.logical == logical || (c.logical == 0 && c.converted == converted);
}

std::string decimal(const parquet::SchemaNode& c) {
  return fmt::format("decimal({},{})", c.precision, c.scale);
}

// The element of a LIST: list (LIST) { repeated group list { element } }, or the two-level
// legacy forms (repeated element directly; repeated group of one field named array/<name>_tuple).
std::string list_element(const parquet::SchemaNode& c) {
  if (c.children.size() != 1) return "string";
  const parquet::SchemaNode& repeated = c.children[0];
  if (repeated.physical >= 0) return hive_type(repeated);
  if (repeated.children.size() == 1 && repeated.name != "array" &&
      repeated.name != c.name + "_tuple") {
    return hive_type(repeated.children[0]);
  }
  return hive_type(repeated);  // a repeated group is itself the element
}

std::string group(const parquet::SchemaNode& c) {
  if (is(c, kListL, kList)) return fmt::format("array<{}>", list_element(c));
  if ((is(c, kMapL, kMap) || c.converted == kMapKeyValue) && c.children.size() == 1 &&
      c.children[0].children.size() == 2) {
    const auto& kv = c.children[0].children;
    return fmt::format("map<{},{}>", hive_type(kv[0]), hive_type(kv[1]));
  }
  std::string fields;
  for (const auto& child : c.children) {
    if (!fields.empty()) fields += ",";
    fields += child.name + ":" + hive_type(child);
  }
  return "struct<" + fields + ">";
}

}  // namespace

std::string hive_type(const parquet::SchemaNode& c) {
  switch (c.physical) {
    case -1:
      return group(c);
    case kBoolean:
      return "boolean";
    case kFloat:
      return "float";
    case kDouble:
      return "double";
    case kInt96:
      return "timestamp";
    case kInt32:
      if (is(c, kDecimalL, kDecimalC)) return decimal(c);
      if (is(c, kDateL, kDateC)) return "date";
      if (c.logical == kIntegerL) {
        if (!c.is_signed && c.bit_width >= 32) return "bigint";
        if (c.bit_width == 8) return c.is_signed ? "tinyint" : "smallint";
        if (c.bit_width == 16) return c.is_signed ? "smallint" : "int";
        return "int";
      }
      if (c.logical == 0 && (c.converted == kInt8)) return "tinyint";
      if (c.logical == 0 && (c.converted == kInt16 || c.converted == kUint8)) return "smallint";
      if (c.logical == 0 && c.converted == kUint16) return "int";
      if (c.logical == 0 && c.converted == kUint32) return "bigint";
      return "int";  // plain, INTEGER(32), TIME(MILLIS)
    case kInt64:
      if (is(c, kDecimalL, kDecimalC)) return decimal(c);
      if (c.logical == kTimestampL ||
          (c.logical == 0 && (c.converted == kTimestampMillis || c.converted == kTimestampMicros)))
        return "timestamp";
      return "bigint";  // plain, INTEGER(64), TIME(MICROS), unsigned 64 (no Hive type holds it)
    case kByteArray:
      if (is(c, kDecimalL, kDecimalC)) return decimal(c);
      if (is(c, kString, kUtf8) || is(c, kEnumL, kEnumC) || is(c, kJsonL, kJsonC)) return "string";
      return "binary";
    case kFixed:
      if (is(c, kDecimalL, kDecimalC)) return decimal(c);
      return "binary";
    default:
      return "binary";
  }
}

}  // namespace snaplake::landing
