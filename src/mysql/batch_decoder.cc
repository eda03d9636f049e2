#include "mysql/batch_decoder.h"

#include <algorithm>

#include "common/error.h"
#include "mysql/text_values.h"
#include "types/overrides.h"

namespace snaplake::mysql {

using types::MysqlDecode;

namespace {

[[noreturn]] void bad_value(const types::MysqlColumnMapping& c, const Field& f) {
  std::string_view v = f.view();
  fail(ErrorKind::Source, "column '{}': unexpected value '{}' for {}", c.column.name,
       v.substr(0, 64), c.original_type);
}

// Appends one field to column i; returns false when the value could not be held (NULL written).
bool append_field(parquet::FileWriter& w, size_t i, const types::MysqlColumnMapping& c,
                  const Field& f) {
  if (f.is_null()) {
    w.append_null(i);
    return true;
  }
  std::string_view v = f.view();
  switch (c.decode) {
    case MysqlDecode::Bytes:
      w.append_bytes(i, v);
      return true;
    case MysqlDecode::Text:
      if (!text::is_valid_utf8(v)) break;
      w.append_bytes(i, v);
      return true;
    case MysqlDecode::Int32: {
      auto n = text::parse_int64(v);
      if (!n || *n < INT32_MIN || *n > INT32_MAX) bad_value(c, f);
      w.append_int32(i, static_cast<int32_t>(*n));
      return true;
    }
    case MysqlDecode::Int64: {
      auto n = text::parse_int64(v);
      if (!n) bad_value(c, f);
      w.append_int64(i, *n);
      return true;
    }
    case MysqlDecode::Decimal: {
      auto n = text::parse_decimal(v, c.column.scale);
      if (!n) bad_value(c, f);
      w.append_decimal(i, *n);
      return true;
    }
    case MysqlDecode::Double: {
      auto d = text::parse_double(v);
      if (!d) bad_value(c, f);
      w.append_double(i, *d);
      return true;
    }
    case MysqlDecode::Bool:
      if (v.size() != 1) bad_value(c, f);
      w.append_bool(i, v[0] != 0);
      return true;
    case MysqlDecode::Date: {
      auto days = text::parse_date(v);
      if (!days) break;  // a zero date, a zero part, an impossible date
      w.append_int32(i, *days);
      return true;
    }
    case MysqlDecode::Timestamp: {
      auto micros = text::parse_datetime(v);
      if (!micros) break;
      w.append_int64(i, *micros);
      return true;
    }
    case MysqlDecode::TimestampMillis: {
      auto micros = text::parse_datetime(v);
      if (!micros) break;
      w.append_int64(i, types::floor_millis(*micros));  // 1969-12-31 23:59:59.9995 is …59.999
      return true;
    }
    case MysqlDecode::Time: {
      auto micros = text::parse_time(v);
      if (!micros) bad_value(c, f);
      if (*micros < 0 || *micros >= text::kMicrosPerDay) break;  // a duration, not a time of day
      w.append_int64(i, *micros);
      return true;
    }
    case MysqlDecode::TimeDuration: {
      auto micros = text::parse_time(v);
      if (!micros) bad_value(c, f);
      w.append_int64(i, *micros);
      return true;
    }
    case MysqlDecode::UuidBytes: {
      auto bytes = text::parse_uuid(v);
      if (!bytes) bad_value(c, f);
      w.append_bytes(i, {reinterpret_cast<const char*>(bytes->data()), bytes->size()});
      return true;
    }
  }
  w.append_null(i);
  return false;
}

}  // namespace

BatchDecoder::BatchDecoder(std::vector<types::MysqlColumnMapping> columns)
    : columns_(std::move(columns)) {}

parquet::Schema BatchDecoder::schema() const {
  parquet::Schema s;
  for (const auto& c : columns_) s.push_back(c.column);
  return s;
}

size_t BatchDecoder::append(parquet::FileWriter& w, std::span<const uint8_t> batch,
                            std::vector<uint64_t>& unrepresentable) {
  const size_t width = columns_.size();
  const size_t rows = unframe_rows(batch, width, cells_);
  if (rows == 0) return 0;
  unrepresentable.resize(width);
  constexpr size_t kAhead = 8;
  w.begin_rows(rows);
  for (size_t i = 0; i < width; ++i) {
    const types::MysqlColumnMapping& c = columns_[i];
    const bool bytes = c.decode == MysqlDecode::Text || c.decode == MysqlDecode::Bytes;
    if (!bytes || !w.dictionary_active(i)) {
      for (size_t r = 0; r < rows; ++r) {
        if (!append_field(w, i, c, cells_[r * width + i])) ++unrepresentable[i];
      }
      continue;
    }
    for (size_t r = 0; r < std::min(kAhead, rows); ++r) {
      const Field& f = cells_[r * width + i];
      if (!f.is_null()) w.prefetch_bytes(i, f.view());
    }
    for (size_t r = 0; r < rows; ++r) {
      if (r + kAhead < rows) {
        const Field& ahead = cells_[(r + kAhead) * width + i];
        if (!ahead.is_null()) w.prefetch_bytes(i, ahead.view());
      }
      if (!append_field(w, i, c, cells_[r * width + i])) ++unrepresentable[i];
    }
  }
  w.end_rows();
  return rows;
}

}  // namespace snaplake::mysql
