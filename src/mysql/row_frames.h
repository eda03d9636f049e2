// Whole rows of a MySQL result in a batch of bytes, as the reading thread hands them to the
// encoding threads (like PostgreSQL's binary-COPY tuples in exporter/tuple_batches.h): per
// row, per field, a 4-byte little-endian length then that many bytes; the length 0xFFFFFFFF
// is NULL, so an empty string and NULL stay apart. A field is at most max_allowed_packet bytes
// (at most 1 GiB), far below that mark. No row objects: a batch is one vector of bytes, reused.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace snaplake::mysql {

struct Field {
  const uint8_t* data = nullptr;
  int64_t length = -1;  // -1 = NULL
  bool is_null() const { return length < 0; }
  std::string_view view() const {
    return {reinterpret_cast<const char*>(data), static_cast<size_t>(length < 0 ? 0 : length)};
  }
};

inline constexpr uint32_t kNullLength = 0xFFFFFFFFu;

// Appends one row of `count` fields (fields[i] == nullptr is NULL) to `out`.
inline void frame_row(std::vector<uint8_t>& out, char* const* fields, const unsigned long* lengths,
                      size_t count) {
  size_t need = 4 * count;
  for (size_t i = 0; i < count; ++i) {
    if (fields[i] != nullptr) need += lengths[i];
  }
  size_t at = out.size();
  out.resize(at + need);
  uint8_t* p = out.data() + at;
  for (size_t i = 0; i < count; ++i) {
    uint32_t length = fields[i] == nullptr ? kNullLength : static_cast<uint32_t>(lengths[i]);
    std::memcpy(p, &length, 4);  // little-endian hosts only (x86-64, arm64)
    p += 4;
    if (fields[i] != nullptr) {
      std::memcpy(p, fields[i], lengths[i]);
      p += lengths[i];
    }
  }
}

// Splits a batch into its fields, row after row, into `cells` (rows × count); returns the rows.
// Throws Error(Internal) on a batch that does not end on a row boundary.
inline size_t unframe_rows(std::span<const uint8_t> batch, size_t count,
                           std::vector<Field>& cells) {
  cells.clear();
  if (count == 0) return 0;
  size_t pos = 0, rows = 0;
  while (pos < batch.size()) {
    for (size_t i = 0; i < count; ++i) {
      if (batch.size() - pos < 4) fail(ErrorKind::Internal, "row batch ends inside a length");
      uint32_t length;
      std::memcpy(&length, batch.data() + pos, 4);
      pos += 4;
      if (length == kNullLength) {
        cells.push_back(Field{});
        continue;
      }
      if (batch.size() - pos < length) fail(ErrorKind::Internal, "row batch ends inside a field");
      cells.push_back(Field{batch.data() + pos, static_cast<int64_t>(length)});
      pos += length;
    }
    ++rows;
  }
  return rows;
}

}  // namespace snaplake::mysql
