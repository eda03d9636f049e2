#include "types/mapping.h"

#include <fmt/format.h>

#include <string_view>

namespace snaplake::types {
namespace {

using parquet::Logical;
using parquet::Physical;

// The text types whose binary send format is their text form byte for byte, so they need no
// cast (bpchar must not be cast: bpchar::text strips the trailing blanks psql shows).
bool sends_its_text(std::string_view base) {
  return base == "text" || base == "varchar" || base == "bpchar" || base == "name";
}

// Smallest two's-complement width for `precision` decimal digits (Parquet LogicalTypes.md).
int32_t decimal_width(int32_t precision) {
  int32_t bytes = 1;
  while (true) {
    // max value with `bytes` bytes: 2^(8*bytes-1) - 1 must reach 10^precision - 1.
    double digits = (8.0 * bytes - 1) * 0.30102999566398120;  // log10(2)
    if (digits >= precision) return bytes;
    ++bytes;
  }
}

ColumnMapping native(const SourceColumn& c, Physical physical, Logical logical, Decode decode,
                     std::string expected) {
  ColumnMapping m;
  m.column.name = c.name;
  m.source_name = c.name;
  m.column.physical = physical;
  m.column.logical = logical;
  m.column.repetition = parquet::Repetition::Optional;
  m.decode = decode;
  m.expected_exported_type = std::move(expected);
  return m;
}

ColumnMapping text(const SourceColumn& c, Logical logical = Logical::String,
                   std::string expected = "binary (UTF8)") {
  ColumnMapping m = native(c, Physical::ByteArray, logical, Decode::Text, std::move(expected));
  m.cast_to_text = !sends_its_text(c.base_type);
  m.render_with_format = m.cast_to_text && !c.text_cast_is_output;
  return m;
}

// The mapping both profiles share (AWS: "PostgreSQL to Parquet data type mapping").
std::optional<ColumnMapping> shared(const SourceColumn& c) {
  const std::string& t = c.base_type;
  if (t == "int8") return native(c, Physical::Int64, Logical::None, Decode::Int64, "int64");
  if (t == "int4") return native(c, Physical::Int32, Logical::None, Decode::Int32, "int32");
  if (t == "int2") {
    return native(c, Physical::Int32, Logical::Int16, Decode::Int16, "int32 (INT 16)");
  }
  if (t == "float4") return native(c, Physical::Float, Logical::None, Decode::Float32, "float");
  if (t == "float8") return native(c, Physical::Double, Logical::None, Decode::Float64, "double");
  if (t == "bool") return native(c, Physical::Boolean, Logical::None, Decode::Bool, "boolean");
  if (t == "bytea") return native(c, Physical::ByteArray, Logical::None, Decode::Bytes, "binary");
  return std::nullopt;
}

ColumnMapping timestamp(const SourceColumn& c, const TypeOverrides& o) {
  const bool utc = c.base_type == "timestamptz";
  const bool millis = o.timestamp == TimestampUnit::Millis;
  ColumnMapping m =
      native(c, Physical::Int64, millis ? Logical::TimestampMillis : Logical::TimestampMicros,
             millis ? Decode::TimestampMillis : Decode::Timestamp,
             timestamp_exported_type(o.timestamp, utc));
  m.column.utc_adjusted = utc;
  return m;
}

std::optional<ColumnMapping> typed_only(const SourceColumn& c, const TypeOverrides& o) {
  const std::string& t = c.base_type;
  if (t == "numeric") {
    // numeric(p,s): typmod = ((p << 16) | (s & 0x7ff)) + VARHDRSZ, the scale an 11-bit signed
    // field since PostgreSQL 15 (numeric.c, make_numeric_typmod). A numeric without typmod has
    // no fixed scale, and Parquet has no negative scale or scale > precision: those stay STRING.
    if (c.typmod < 4) return std::nullopt;
    int32_t precision = ((c.typmod - 4) >> 16) & 0xffff;
    int32_t scale = (((c.typmod - 4) & 0x7ff) ^ 1024) - 1024;
    if (precision < 1 || precision > 38 || scale < 0 || scale > precision) return std::nullopt;
    Physical physical = precision <= 9    ? Physical::Int32
                        : precision <= 18 ? Physical::Int64
                                          : Physical::FixedLenByteArray;
    std::string name = precision <= 9    ? "int32"
                       : precision <= 18 ? "int64"
                                         : "fixed_len_byte_array";
    ColumnMapping m = native(c, physical, Logical::Decimal, Decode::Decimal,
                             fmt::format("{} (DECIMAL({},{}))", name, precision, scale));
    m.column.precision = precision;
    m.column.scale = scale;
    if (physical == Physical::FixedLenByteArray) m.column.type_length = decimal_width(precision);
    return m;
  }
  if (t == "date") return native(c, Physical::Int32, Logical::Date, Decode::Date, "int32 (DATE)");
  if (t == "time") {
    switch (o.time) {
      case TimeAs::String:
        return native(c, Physical::ByteArray, Logical::String, Decode::TimeText, "binary (UTF8)");
      case TimeAs::Micros:
        return native(c, Physical::Int64, Logical::None, Decode::Time, "int64");
      case TimeAs::Time:
        return native(c, Physical::Int64, Logical::TimeMicros, Decode::Time, "int64 (TIME_MICROS)");
    }
  }
  if (t == "timestamp" || t == "timestamptz") return timestamp(c, o);
  if (t == "uuid") {
    if (o.uuid == UuidAs::String)
      return native(c, Physical::ByteArray, Logical::String, Decode::UuidText, "binary (UTF8)");
    ColumnMapping m = native(c, Physical::FixedLenByteArray, Logical::Uuid, Decode::Bytes,
                             "fixed_len_byte_array(16) (UUID)");
    m.column.type_length = 16;
    return m;
  }
  if (t == "json" || t == "jsonb") {
    ColumnMapping m = text(c, Logical::Json, "binary (JSON)");
    m.cast_to_text = true;  // jsonb's binary form has a version byte; its text is what we want
    return m;
  }
  if (c.base_kind == 'e') {
    ColumnMapping m = text(c, Logical::Enum, "binary (ENUM)");
    m.cast_to_text = true;
    return m;
  }
  return std::nullopt;
}

// The typed profile's array: a LIST of the element's typed mapping. The elements arrive in the
// array's binary form, each in its type's binary form, or each cast to text ("col"::text[]) when
// the element's mapping is a text one; an element type whose ::text is not its output function
// (inet, xml…) keeps the array as PostgreSQL's text (nullopt).
std::optional<ColumnMapping> typed_array(const SourceColumn& c, const TypeOverrides& o) {
  SourceColumn e = c;
  e.base_type = c.element_type;
  e.base_kind = c.element_kind;
  e.typmod = c.element_typmod;
  e.text_cast_is_output = c.element_text_cast_is_output;
  std::optional<ColumnMapping> element = shared(e);
  if (!element) element = typed_only(e, o);
  if (!element) element = text(e);
  ColumnMapping m = std::move(*element);
  if (m.render_with_format) return std::nullopt;
  m.element_decode = m.cast_to_text ? Decode::Text : m.decode;
  m.cast_elements_to_text = m.cast_to_text;
  m.cast_to_text = false;
  m.decode = Decode::Array;
  m.column.list = true;
  m.expected_exported_type = fmt::format("list<{}>", m.expected_exported_type);
  return m;
}

// The rds profile's STRING columns whose text the client renders from the binary value, byte
// for byte as the server's output function (pg/text_render.h; DateStyle ISO, TimeZone UTC).
std::optional<Decode> rendered_on_client(std::string_view base) {
  if (base == "numeric") return Decode::NumericText;
  if (base == "date") return Decode::DateText;
  if (base == "time") return Decode::TimeText;
  if (base == "timestamp") return Decode::TimestampText;
  if (base == "timestamptz") return Decode::TimestampTzText;
  if (base == "uuid") return Decode::UuidText;
  return std::nullopt;
}

}  // namespace

ColumnMapping map_column(const SourceColumn& c, Profile profile, const TypeOverrides& overrides) {
  const std::string& t = c.base_type;
  if (auto m = shared(c)) return *m;
  if (profile == Profile::Typed) {
    if (auto m = typed_only(c, overrides)) return *m;
    if (!c.element_type.empty()) {
      if (auto m = typed_array(c, overrides)) return *m;
    }
  } else if (auto decode = rendered_on_client(t)) {
    ColumnMapping m = text(c);
    m.decode = *decode;
    m.cast_to_text = m.render_with_format = false;
    return m;
  }
  return text(c);
}

}  // namespace snaplake::types
