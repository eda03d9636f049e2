// The schema of a Parquet file as snaplake writes it: a list of top-level columns under one
// root, each REQUIRED or OPTIONAL, each either a leaf or a LIST of leaves. A LIST column is the
// three-level structure of LogicalTypes.md ("Lists"):
//
//   <optional|required> group <name> (LIST) {
//     repeated group list {
//       optional <element type> element;
//     }
//   }
//
// (the list may be NULL, empty, or hold NULL elements); its element's physical and logical type
// are the Column's own fields. Enum values are the Thrift ones from parquet.thrift so they can be
// written as they are.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace snaplake::parquet {

// A 128-bit signed integer for DECIMAL unscaled values (up to 38 digits). `__extension__` keeps
// -Wpedantic quiet about the GCC/Clang builtin; use Int128 rather than spelling __int128.
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

// parquet.thrift `enum Type` (INT96 = 3 is deprecated and never written).
enum class Physical : int32_t {
  Boolean = 0,
  Int32 = 1,
  Int64 = 2,
  Float = 4,
  Double = 5,
  ByteArray = 6,
  FixedLenByteArray = 7,
};

// The logical annotation of a column. Each maps to a parquet.thrift `LogicalType` union member
// and, for older readers, a `ConvertedType`.
enum class Logical : int32_t {
  None,             // plain physical type (BYTE_ARRAY without annotation = BINARY)
  String,           // BYTE_ARRAY, UTF8
  Json,             // BYTE_ARRAY, JSON
  Enum,             // BYTE_ARRAY, ENUM
  Uuid,             // FIXED_LEN_BYTE_ARRAY(16), UUID (no converted type exists)
  Decimal,          // INT32 (p<=9), INT64 (p<=18) or FIXED_LEN_BYTE_ARRAY; DECIMAL(p,s)
  Date,             // INT32 days since 1970-01-01, DATE
  TimeMicros,       // INT64 micros since midnight, TIME(MICROS, isAdjustedToUTC=false), TIME_MICROS
  TimestampMicros,  // INT64 micros since the epoch, TIMESTAMP(MICROS, utc_adjusted)
  TimestampMillis,  // INT64 millis since the epoch, TIMESTAMP(MILLIS, utc_adjusted)
  Int16,            // INT32, INTEGER(16, signed), INT_16
};

enum class Repetition : int32_t { Required = 0, Optional = 1, Repeated = 2 };

struct Column {
  std::string name;
  Physical physical = Physical::ByteArray;
  Logical logical = Logical::None;
  Repetition repetition = Repetition::Optional;
  int32_t type_length = 0;    // FIXED_LEN_BYTE_ARRAY: bytes per value
  int32_t precision = 0;      // DECIMAL: total digits (1..38)
  int32_t scale = 0;          // DECIMAL: digits after the point (0..precision)
  bool utc_adjusted = false;  // TIMESTAMP: isAdjustedToUTC
  // A LIST of OPTIONAL elements of the type above; `repetition` is the list's own.
  bool list = false;

  bool nullable() const { return repetition == Repetition::Optional; }
  // Definition and repetition levels of the leaf (Parquet's Dremel encoding): a flat OPTIONAL
  // column 1 / 0; a LIST 1 (list NULL or not) + 1 (repeated: empty or not) + 1 (element NULL or
  // not) / 1.
  int max_definition_level() const { return (nullable() ? 1 : 0) + (list ? 2 : 0); }
  int max_repetition_level() const { return list ? 1 : 0; }
};

// The names of the LIST structure's inner nodes (LogicalTypes.md's recommended names).
inline constexpr const char* kListGroupName = "list";
inline constexpr const char* kListElementName = "element";

using Schema = std::vector<Column>;

// Smallest FIXED_LEN_BYTE_ARRAY width that holds every DECIMAL of this precision
// (two's complement, big-endian), as the Parquet LogicalTypes spec recommends.
int32_t decimal_byte_width(int32_t precision);

// Throws Error(InvalidInput) naming the column when a column's settings do not fit together
// (e.g. DECIMAL(20) on INT32, UUID not 16 bytes wide).
void validate(const Schema& schema);

}  // namespace snaplake::parquet
