// A realistic mixed table for the Parquet writer benchmark, generated deterministically (the
// same seed and row count give the same bytes on every machine), held in memory column by column
// so that generating it is not part of what is timed.
//
//   id          bigint         INT64                       REQUIRED  1..N (a primary key)
//   quantity    integer        INT32                       ~5% NULL  0..9999
//   name        text           BYTE_ARRAY STRING           ~5% NULL  20–60 characters of words
//   amount      numeric(12,2)  INT64 DECIMAL(12,2)         ~5% NULL  0.00..999999.99, some negative
//   created_at  timestamptz    INT64 TIMESTAMP(MICROS,UTC) ~5% NULL  rising from 2015 with jitter
//   birth_date  date           INT32 DATE                  ~5% NULL  1940..2009
//   active      boolean        BOOLEAN                     ~5% NULL
//   external_id uuid           FIXED_LEN_BYTE_ARRAY(16)    ~5% NULL  random version 4
//   attributes  json           BYTE_ARRAY JSON             ~5% NULL  small objects, 40–90 bytes
//
// This is the "typed" profile's schema (docs/type-mapping.md) for a typical table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parquet/schema.h"

namespace snaplake::bench {

// Variable-length values back to back, with offsets (one allocation, not one per value).
struct StringColumn {
  std::string bytes;
  std::vector<uint64_t> offsets{0};  // value i is bytes[offsets[i], offsets[i+1])

  void push(std::string_view value) {
    bytes.append(value);
    offsets.push_back(bytes.size());
  }
  std::string_view at(size_t i) const {
    return std::string_view(bytes).substr(offsets[i], offsets[i + 1] - offsets[i]);
  }
};

struct MixedTable {
  size_t rows = 0;
  std::vector<int64_t> id;
  std::vector<int32_t> quantity;
  StringColumn name;
  std::vector<int64_t> amount;  // unscaled, scale 2
  std::vector<int64_t> created_at;
  std::vector<int32_t> birth_date;
  std::vector<uint8_t> active;
  std::string external_id;  // 16 bytes per row
  StringColumn attributes;
  // valid[c][row] == 0 means NULL in column c (column 0, id, is never NULL).
  std::vector<std::vector<uint8_t>> valid;

  // Bytes of the values as a program holds them (8 per bigint, 4 per int, the text, …), NULLs
  // excluded: the "input" of the throughput figures.
  uint64_t value_bytes = 0;

  static MixedTable generate(size_t rows, uint64_t seed = 42);
};

parquet::Schema mixed_table_schema();

}  // namespace snaplake::bench
