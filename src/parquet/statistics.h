// Column-chunk statistics (parquet.thrift `Statistics`): null count and min/max in the sort
// order of the column's type, so engines can skip row groups:
//   - INT32/INT64 (incl. DATE, TIME, TIMESTAMP, INT16, DECIMAL on ints): signed;
//   - FLOAT/DOUBLE: NaN never counts; all-NaN means no min/max; a zero bound is written as
//     -0.0 for min and +0.0 for max (parquet.thrift, ColumnOrder notes);
//   - BOOLEAN: false < true;
//   - BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY (strings, JSON, ENUM, UUID): unsigned byte-wise;
//   - DECIMAL on FIXED_LEN_BYTE_ARRAY: signed two's complement, big-endian.
// Long BYTE_ARRAY bounds are truncated: min to a prefix, max to a prefix whose last character
// (or byte) is incremented, both marked inexact; a max that cannot be incremented is omitted.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "parquet/metadata.h"
#include "parquet/schema.h"

namespace snaplake::parquet {

class StatisticsCollector {
 public:
  StatisticsCollector(const Column& column, uint32_t max_bytes);

  void reset();

  void add_null() { ++null_count_; }
  void add_bool(bool v) {
    if (v)
      seen_true_ = true;
    else
      seen_false_ = true;
  }
  void add_int32(int32_t v) { add_int64(v); }
  void add_int64(int64_t v) {
    if (!has_value_) {
      min_i_ = max_i_ = v;
      has_value_ = true;
      return;
    }
    if (v < min_i_) min_i_ = v;
    if (v > max_i_) max_i_ = v;
  }
  void add_float(float v) { add_double(v); }
  void add_double(double v) {
    if (std::isnan(v)) return;
    if (!has_value_) {
      min_d_ = max_d_ = v;
      has_value_ = true;
      return;
    }
    if (v < min_d_) min_d_ = v;
    if (v > max_d_) max_d_ = v;
  }
  // BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY values (as stored, i.e. big-endian for decimals).
  void add_bytes(std::string_view v) {
    if (!has_value_) {
      min_s_.assign(v);
      max_s_.assign(v);
      has_value_ = true;
      return;
    }
    if (less(v, min_s_))
      min_s_.assign(v);
    else if (less(max_s_, v))
      max_s_.assign(v);
  }

  uint64_t null_count() const { return null_count_; }
  Statistics finish() const;

 private:
  bool less(std::string_view a, std::string_view b) const {
    if (signed_bytes_ && !a.empty() && !b.empty() && a[0] != b[0])
      return static_cast<int8_t>(a[0]) < static_cast<int8_t>(b[0]);
    return a < b;  // char_traits<char>::compare is memcmp: unsigned bytes
  }

  Physical physical_;
  bool signed_bytes_;  // DECIMAL on FIXED_LEN_BYTE_ARRAY
  bool utf8_;          // STRING/JSON/ENUM: truncate at character boundaries
  uint32_t max_bytes_;

  uint64_t null_count_ = 0;
  bool has_value_ = false;
  bool seen_true_ = false, seen_false_ = false;
  int64_t min_i_ = 0, max_i_ = 0;
  double min_d_ = 0, max_d_ = 0;
  std::string min_s_, max_s_;
};

// Exposed for tests: the truncated bounds of a long value ("" / nullopt-free forms).
std::string truncate_min(std::string_view value, uint32_t max_bytes, bool utf8);
// Returns false when no upper bound of at most about max_bytes exists (all 0xFF bytes).
bool truncate_max(std::string_view value, uint32_t max_bytes, bool utf8, std::string& out);

}  // namespace snaplake::parquet
