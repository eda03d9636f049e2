// The PostgreSQL column → Parquet column mapping of the two type profiles (docs/type-mapping.md). A
// pure function of the column's catalog description: tested as a table (mapping_test.cc). The
// exporter builds its COPY query and its decoders from the result.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "parquet/schema.h"
#include "types/overrides.h"
#include "types/profile.h"

namespace snaplake::types {

// A column as the catalog describes it; domains are already resolved to their base type.
struct SourceColumn {
  std::string name;
  std::string
      original_type;      // format_type(atttypid, NULL): "integer", "character varying", a domain
  std::string base_type;  // pg_type.typname of the (domain-resolved) base type: "int4", "_text"
  char base_kind = 'b';  // pg_type.typtype of the base type: b(ase), e(num), c(omposite), r(ange)…
  int32_t typmod = -1;   // the base type's modifier (the domain's when a domain sets one)
  // As information_schema.columns reports them (NULL → nullopt).
  std::optional<int64_t> char_max_length;  // int64: MySQL's LONGTEXT holds 4294967295
  std::optional<int32_t> numeric_precision;
  std::optional<int32_t> numeric_scale;
  std::optional<int32_t> datetime_precision;
  // Whether "::text" renders the type's output function. When a cast function to text exists
  // (inet, cidr, "char"…) or a binary-coercible cast does (xml, whose output function drops the
  // <?xml version="1.0"?> declaration the cast keeps), the column is rendered with
  // format('%s', …) instead.
  bool text_cast_is_output = true;
  // An array type (pg_type.typelem set, typlen -1): its element, domain-resolved, as above.
  // The column's typmod is the element's (numeric(10,2)[]), or the element domain's.
  std::string element_type;  // "" when the column is no array
  char element_kind = 'b';
  int32_t element_typmod = -1;
  bool element_text_cast_is_output = true;
};

// How a value arrives in the binary COPY and is appended to the Parquet column.
enum class Decode {
  Text,             // the server sends the text form (a text type, or cast ::text in the SELECT)
  Int16,            // int2
  Int32,            // int4
  Int64,            // int8
  Float32,          // float4
  Float64,          // float8
  Bool,             // bool
  Bytes,            // bytea, uuid: raw bytes
  Decimal,          // numeric → unscaled integer at the column's scale
  Date,             // int32 days since 2000-01-01
  Time,             // int64 microseconds since midnight
  Timestamp,        // int64 microseconds since 2000-01-01 (timestamp and timestamptz)
  TimestampMillis,  // the same, written as milliseconds (floored)
  // typed profile: an array (array_send) written as a LIST, each element decoded by
  // ColumnMapping::element_decode; multi-dimensional arrays flattened in row-major order.
  Array,
  // rds profile: the binary value, rendered on the client as PostgreSQL's text would be
  // (pg/text_render.h), so the server need not cast it ::text.
  NumericText,
  DateText,
  TimeText,
  TimestampText,
  TimestampTzText,
  UuidText,
};

struct ColumnMapping {
  // name, physical and logical type; always OPTIONAL. For an array in the typed profile a LIST
  // (column.list) whose element type is the physical and logical type.
  parquet::Column column;
  // The column's name in PostgreSQL, for the COPY's SELECT. column.name is the name in the
  // file, which the exporter may change (docs/type-mapping.md, "Column names").
  std::string source_name;
  Decode decode = Decode::Text;
  Decode element_decode = Decode::Text;  // Decode::Array: how each element arrives
  // Select the column as "col"::text so the server renders it; with render_with_format, as
  // format('%s', "col") (the output function even where a cast to text exists).
  bool cast_to_text = false;
  bool render_with_format = false;
  // Decode::Array of elements that arrive as text: select "col"::text[] (each element cast).
  bool cast_elements_to_text = false;
  // For originalTypeMappings.expectedExportedType: "int32", "binary (UTF8)", "int32 (DATE)"…
  std::string expected_exported_type;
};

// `overrides` shape the typed profile (types/overrides.h); the rds profile ignores them.
ColumnMapping map_column(const SourceColumn& column, Profile profile,
                         const TypeOverrides& overrides = {});

// In the typed profile, the rule for a value its Parquet type cannot hold (numeric NaN/±Infinity,
// ±infinity dates and timestamps): it is written as NULL and counted per column; the count goes
// into the table's warningMessage. Decimal/date/timestamp decoders report such values with this.
constexpr const char* kUnrepresentableRule =
    "values the Parquet type cannot hold (numeric NaN, infinite dates and timestamps, timestamps "
    "after 294247-01-10T04:00:54.775807Z) are written as NULL";

// In the typed profile, the rule for multi-dimensional arrays: a LIST is one-dimensional, so the
// elements are written in row-major order (PostgreSQL's storage order: '{{1,2},{3,4}}' becomes
// [1, 2, 3, 4]); dimensions and lower bounds are not kept. Counted per column and named in the
// table's warningMessage.
constexpr const char* kFlattenRule =
    "multi-dimensional arrays are flattened to one LIST in row-major order";

}  // namespace snaplake::types
