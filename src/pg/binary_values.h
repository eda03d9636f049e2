// Decoding of single values in PostgreSQL's binary send/recv formats (src/backend/utils/adt/
// *_send functions): network byte order integers and IEEE floats; date as int32 days since
// 2000-01-01; time, timestamp and timestamptz as int64 microseconds (since midnight, resp. since
// 2000-01-01 00:00 UTC); ±infinity as INT32/INT64 min/max; uuid as 16 raw bytes; numeric as
// base-10000 digits (numeric_send: ndigits, weight, sign, dscale, digits[], all 16-bit); arrays
// as array_send writes them (ArrayReader below).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>

#include "parquet/schema.h"

namespace snaplake::pg::binary {

inline uint16_t be16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
inline uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
inline uint64_t be64(const uint8_t* p) {
  return (uint64_t{be32(p)} << 32) | be32(p + 4);
}

inline int16_t int2(const uint8_t* p) {
  return static_cast<int16_t>(be16(p));
}
inline int32_t int4(const uint8_t* p) {
  return static_cast<int32_t>(be32(p));
}
inline int64_t int8(const uint8_t* p) {
  return static_cast<int64_t>(be64(p));
}
inline float float4(const uint8_t* p) {
  return std::bit_cast<float>(be32(p));
}
inline double float8(const uint8_t* p) {
  return std::bit_cast<double>(be64(p));
}
inline bool boolean(const uint8_t* p) {
  return p[0] != 0;
}

// Days between 1970-01-01 (Parquet's epoch) and 2000-01-01 (PostgreSQL's).
constexpr int32_t kEpochShiftDays = 10957;
constexpr int64_t kEpochShiftMicros = int64_t{kEpochShiftDays} * 86'400'000'000;

// A date as days since 1970-01-01; nullopt for ±infinity (DATEVAL_NOBEGIN/NOEND).
inline std::optional<int32_t> date_unix_days(const uint8_t* p) {
  int32_t days = int4(p);
  if (days == std::numeric_limits<int32_t>::min() || days == std::numeric_limits<int32_t>::max()) {
    return std::nullopt;
  }
  return days + kEpochShiftDays;
}

// A timestamp[tz] as microseconds since 1970-01-01; nullopt for ±infinity (DT_NOBEGIN/NOEND)
// and for the last 30 years PostgreSQL allows (after 294247-01-10T04:00:54.775807Z), which
// overflow int64 once moved to the 1970 epoch.
inline std::optional<int64_t> timestamp_unix_micros(const uint8_t* p) {
  int64_t micros = int8(p);
  if (micros == std::numeric_limits<int64_t>::min() ||
      micros > std::numeric_limits<int64_t>::max() - kEpochShiftMicros) {
    return std::nullopt;
  }
  return micros + kEpochShiftMicros;
}

enum class NumericKind { Finite, NaN, PosInfinity, NegInfinity, TooLarge };

struct Numeric {
  NumericKind kind = NumericKind::Finite;
  parquet::Int128 unscaled = 0;  // value * 10^scale, when Finite
};

// Decodes a numeric into an unscaled integer at `scale` digits after the point (digits beyond
// the scale are truncated; a column's typmod guarantees there are none). TooLarge when the
// value needs more than 38 digits.
Numeric numeric_unscaled(const uint8_t* p, int32_t length, int32_t scale);

// An array in array_send's layout (src/backend/utils/adt/arrayfuncs.c):
//   int32 ndim | int32 flags (1: has NULLs) | uint32 element type oid |
//   ndim × (int32 dimension size, int32 lower bound) |
//   the elements in row-major order, each int32 length (-1: NULL) and that many bytes.
// An empty array has ndim 0 and nothing after the oid. open() checks the header (and that the
// element count fits the value); next() checks each element's bounds; both throw Error(Source)
// for a malformed value.
class ArrayReader {
 public:
  struct Element {
    const uint8_t* data = nullptr;
    int32_t length = -1;  // -1: NULL
    bool is_null() const { return length < 0; }
  };

  ArrayReader(const uint8_t* p, int32_t length);

  int32_t dimensions() const { return ndim_; }
  uint64_t size() const { return count_; }
  // The next element; false after the last one (then checks nothing is left over).
  bool next(Element& element);

 private:
  const uint8_t* p_;
  const uint8_t* end_;
  int32_t ndim_ = 0;
  uint64_t count_ = 0;
  uint64_t read_ = 0;
};

}  // namespace snaplake::pg::binary
