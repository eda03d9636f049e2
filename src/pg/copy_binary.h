// Decoder of PostgreSQL's binary COPY format (PostgreSQL docs, "COPY", section "File Formats",
// "Binary Format"): an 11-byte signature "PGCOPY\n\377\r\n\0", a 32-bit flags field, a 32-bit
// header-extension length and that many bytes; then tuples, each a 16-bit field count followed
// by, per field, a 32-bit length (-1 = NULL) and that many bytes; then a trailer, the field
// count -1. All integers are in network byte order.
//
// libpq hands a COPY over as CopyData messages, one row each (the header arrives with the first
// row, the trailer alone), but the decoder accepts any chunking: a partial tuple is carried over.
//
// The exporter frames the stream on its reading thread and hands whole tuples, in their wire
// form, to encoding threads (exporter/tuple_batches.h); those decode them again with a
// decoder made by tuples_only(), which expects no header and no trailer.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace snaplake::pg {

struct CopyField {
  const uint8_t* data = nullptr;
  int32_t length = -1;  // -1 = NULL
  bool is_null() const { return length < 0; }
  std::string_view view() const {
    return {reinterpret_cast<const char*>(data), static_cast<size_t>(length < 0 ? 0 : length)};
  }
};

class CopyBinaryDecoder {
 public:
  // `columns`: the number of fields every tuple must have.
  explicit CopyBinaryDecoder(size_t columns) : columns_(columns), fields_(columns) {}

  // A decoder of bare tuples (no header, no trailer), e.g. of tuples framed by another decoder.
  static CopyBinaryDecoder tuples_only(size_t columns) {
    CopyBinaryDecoder d(columns);
    d.header_seen_ = true;
    return d;
  }

  // Decodes one chunk, calling on_row(std::span<const CopyField>) for each complete tuple, or
  // on_row(fields, std::span<const uint8_t> tuple) when it takes the tuple's wire bytes (field
  // count included) too. Fields and bytes point into the chunk (or an internal buffer) and are
  // valid only during the call. Throws Error(Source) on a malformed stream.
  template <typename OnRow>
  void feed(std::span<const uint8_t> chunk, OnRow&& on_row) {
    if (carry_.empty()) {
      size_t used = parse(chunk, on_row);
      if (used < chunk.size()) carry_.assign(chunk.begin() + used, chunk.end());
      return;
    }
    carry_.insert(carry_.end(), chunk.begin(), chunk.end());
    size_t used = parse(carry_, on_row);
    carry_.erase(carry_.begin(), carry_.begin() + static_cast<std::ptrdiff_t>(used));
  }

  // Checks the stream ended cleanly: header seen, trailer seen, nothing left over.
  void finish() const;

  bool done() const { return trailer_seen_; }
  uint64_t rows() const { return rows_; }

 private:
  template <typename OnRow>
  size_t parse(std::span<const uint8_t> buf, OnRow& on_row) {
    size_t pos = 0;
    if (!header_seen_) {
      size_t header = parse_header(buf);
      if (header == 0) return 0;
      pos = header;
    }
    while (pos < buf.size()) {
      if (trailer_seen_) fail_malformed("data after the trailer");
      if (buf.size() - pos < 2) break;
      int16_t count = static_cast<int16_t>(be16(buf.data() + pos));
      if (count == -1) {
        trailer_seen_ = true;
        pos += 2;
        continue;
      }
      if (static_cast<size_t>(count) != columns_) fail_field_count(count);
      size_t p = pos + 2;
      bool complete = true;
      for (size_t i = 0; i < columns_; ++i) {
        if (buf.size() - p < 4) {
          complete = false;
          break;
        }
        int32_t length = static_cast<int32_t>(be32(buf.data() + p));
        p += 4;
        if (length < -1) fail_malformed("negative field length");
        if (length > 0 && buf.size() - p < static_cast<size_t>(length)) {
          complete = false;
          break;
        }
        fields_[i] = CopyField{buf.data() + p, length};
        if (length > 0) p += static_cast<size_t>(length);
      }
      if (!complete) break;
      if constexpr (std::is_invocable_v<OnRow&, std::span<const CopyField>,
                                        std::span<const uint8_t>>) {
        on_row(std::span<const CopyField>(fields_), buf.subspan(pos, p - pos));
      } else {
        on_row(std::span<const CopyField>(fields_));
      }
      ++rows_;
      pos = p;
    }
    return pos;
  }

  // Returns the header's size, or 0 when the buffer does not hold all of it yet.
  size_t parse_header(std::span<const uint8_t> buf);
  [[noreturn]] static void fail_malformed(const char* what);
  [[noreturn]] void fail_field_count(int count) const;

  static uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
  static uint32_t be32(const uint8_t* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
  }

  size_t columns_;
  std::vector<CopyField> fields_;
  std::vector<uint8_t> carry_;
  bool header_seen_ = false;
  bool trailer_seen_ = false;
  uint64_t rows_ = 0;
};

}  // namespace snaplake::pg
