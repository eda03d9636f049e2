#include "parquet/schema.h"

#include <set>

#include "common/error.h"

namespace snaplake::parquet {

int32_t decimal_byte_width(int32_t precision) {
  if (precision < 1 || precision > 38)
    fail(ErrorKind::InvalidInput, "cannot size DECIMAL({}): precision must be 1..38", precision);
  Int128 largest = 1;
  for (int i = 0; i < precision; ++i) largest *= 10;
  largest -= 1;  // 10^p - 1 must fit in n bytes of two's complement: < 2^(8n-1)
  for (int32_t n = 1; n < 16; ++n) {
    Int128 limit = static_cast<Int128>(1) << (8 * n - 1);
    if (largest < limit) return n;
  }
  return 16;
}

void validate(const Schema& schema) {
  if (schema.empty()) fail(ErrorKind::InvalidInput, "cannot write a Parquet file without columns");
  std::set<std::string> names;
  for (const Column& c : schema) {
    if (c.name.empty())
      fail(ErrorKind::InvalidInput, "cannot write a Parquet column without a name");
    if (!names.insert(c.name).second)
      fail(ErrorKind::InvalidInput, "cannot write column '{}': the name is used twice", c.name);
    auto bad = [&](std::string_view why) {
      fail(ErrorKind::InvalidInput, "cannot write column '{}': {}", c.name, why);
    };
    if (c.repetition != Repetition::Required && c.repetition != Repetition::Optional)
      bad("repetition must be REQUIRED or OPTIONAL");
    if (c.logical == Logical::Decimal) {
      if (c.precision < 1 || c.precision > 38) bad("DECIMAL precision must be 1..38");
      if (c.scale < 0 || c.scale > c.precision) bad("DECIMAL scale must be 0..precision");
    }
    switch (c.physical) {
      case Physical::Boolean:
      case Physical::Float:
      case Physical::Double:
        if (c.logical != Logical::None) bad("this physical type takes no logical type");
        break;
      case Physical::Int32:
        if (c.logical != Logical::None && c.logical != Logical::Date &&
            c.logical != Logical::Int16 && c.logical != Logical::Decimal)
          bad("INT32 takes only DATE, INTEGER(16) or DECIMAL");
        if (c.logical == Logical::Decimal && c.precision > 9)
          bad("DECIMAL on INT32 needs precision <= 9");
        break;
      case Physical::Int64:
        if (c.logical != Logical::None && c.logical != Logical::TimeMicros &&
            c.logical != Logical::TimestampMicros && c.logical != Logical::TimestampMillis &&
            c.logical != Logical::Decimal)
          bad("INT64 takes only TIME, TIMESTAMP or DECIMAL");
        if (c.logical == Logical::Decimal && c.precision > 18)
          bad("DECIMAL on INT64 needs precision <= 18");
        break;
      case Physical::ByteArray:
        if (c.logical != Logical::None && c.logical != Logical::String &&
            c.logical != Logical::Json && c.logical != Logical::Enum)
          bad("BYTE_ARRAY takes only STRING, JSON or ENUM");
        break;
      case Physical::FixedLenByteArray:
        if (c.type_length < 1) bad("FIXED_LEN_BYTE_ARRAY needs a type_length of at least 1");
        if (c.logical == Logical::Uuid && c.type_length != 16) bad("UUID must be 16 bytes wide");
        if (c.logical == Logical::Decimal && c.type_length < decimal_byte_width(c.precision))
          bad("the FIXED_LEN_BYTE_ARRAY is too narrow for the DECIMAL precision");
        if (c.logical != Logical::None && c.logical != Logical::Uuid &&
            c.logical != Logical::Decimal)
          bad("FIXED_LEN_BYTE_ARRAY takes only UUID or DECIMAL");
        break;
      default:
        bad("unknown physical type");
    }
  }
}

}  // namespace snaplake::parquet
