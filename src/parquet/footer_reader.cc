#include "parquet/footer_reader.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>

#include "common/error.h"

namespace snaplake::parquet {
namespace {

// Thrift compact protocol type ids (thrift/doc/specs/thrift-compact-protocol.md).
enum CompactType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

// Nesting deeper than this is not a Parquet footer (its deepest path is a handful of levels) and
// would only serve to exhaust the stack.
constexpr int kMaxDepth = 32;

// A bounds-checked cursor over Thrift compact bytes: just enough of a decoder to find two
// integers in FileMetaData and skip everything else.
class CompactReader {
 public:
  CompactReader(std::span<const uint8_t> bytes, std::string_view name)
      : bytes_(bytes), name_(name) {}

  uint8_t byte() {
    if (pos_ >= bytes_.size()) malformed("truncated");
    return bytes_[pos_++];
  }

  uint64_t varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = byte();
      value |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return value;
    }
    malformed("varint longer than 10 bytes");
  }

  int64_t zigzag() {
    uint64_t v = varint();
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }

  void skip_bytes(uint64_t n) {
    if (n > bytes_.size() - pos_) malformed("truncated");
    pos_ += n;
  }

  // A field header: returns the type (kStop at the end of a struct) and updates field_id.
  // Short form: high nibble = delta to the previous field id; long form: zigzag i16 id follows.
  uint8_t field_header(int16_t& field_id) {
    uint8_t header = byte();
    uint8_t type = header & 0x0f;
    if (type == kStop) return kStop;
    uint8_t delta = header >> 4;
    if (delta != 0) {
      field_id = static_cast<int16_t>(field_id + delta);
    } else {
      field_id = static_cast<int16_t>(zigzag());
    }
    return type;
  }

  // A list/set header: size in the high nibble, or 15 and a varint size; element type below.
  std::pair<uint64_t, uint8_t> list_header() {
    uint8_t header = byte();
    uint64_t size = header >> 4;
    if (size == 15) size = varint();
    // Every element takes at least one byte, so a larger count is a lie about the length.
    if (size > bytes_.size() - pos_) malformed("list longer than the footer");
    return {size, static_cast<uint8_t>(header & 0x0f)};
  }

  void skip(uint8_t type, int depth) {
    if (depth > kMaxDepth) malformed("nested too deeply");
    switch (type) {
      case kBoolTrue:
      case kBoolFalse:
        return;  // the value is in the field header's type
      case kByte:
        skip_bytes(1);
        return;
      case kI16:
      case kI32:
      case kI64:
        varint();
        return;
      case kDouble:
        skip_bytes(8);
        return;
      case kBinary:
        skip_bytes(varint());
        return;
      case kList:
      case kSet: {
        auto [size, element] = list_header();
        for (uint64_t i = 0; i < size; ++i) skip_element(element, depth + 1);
        return;
      }
      case kMap: {
        uint64_t size = varint();
        if (size == 0) return;
        if (size > bytes_.size() - pos_) malformed("map longer than the footer");
        uint8_t kinds = byte();
        for (uint64_t i = 0; i < size; ++i) {
          skip_element(kinds >> 4, depth + 1);
          skip_element(kinds & 0x0f, depth + 1);
        }
        return;
      }
      case kStruct: {
        int16_t id = 0;
        for (uint8_t t; (t = field_header(id)) != kStop;) skip(t, depth + 1);
        return;
      }
      default:
        malformed(fmt::format("unknown compact type {}", type));
    }
  }

  // Inside a list, booleans are one byte each rather than folded into a header.
  void skip_element(uint8_t type, int depth) {
    if (type == kBoolTrue || type == kBoolFalse) {
      skip_bytes(1);
    } else {
      skip(type, depth);
    }
  }

  [[noreturn]] void malformed(std::string_view why) const {
    fail(ErrorKind::InvalidInput, "cannot read the Parquet footer of '{}': {} at byte {}", name_,
         why, pos_);
  }

 private:
  std::span<const uint8_t> bytes_;
  std::string_view name_;
  size_t pos_ = 0;
};

// RowGroup (parquet.thrift): 1 columns list<ColumnChunk>, 2 total_byte_size i64, 3 num_rows i64.
int64_t decode_row_group_rows(CompactReader& in) {
  std::optional<int64_t> rows;
  int16_t id = 0;
  for (uint8_t type; (type = in.field_header(id)) != kStop;) {
    if (id == 3 && type == kI64) {
      rows = in.zigzag();
    } else {
      in.skip(type, 2);
    }
  }
  if (!rows) in.malformed("row group without num_rows");
  return *rows;
}

}  // namespace

FooterRows decode_file_metadata(std::span<const uint8_t> bytes, std::string_view name) {
  CompactReader in(bytes, name);
  FooterRows result;
  bool has_num_rows = false;
  int16_t id = 0;
  // FileMetaData (parquet.thrift): 1 version i32, 2 schema list, 3 num_rows i64,
  // 4 row_groups list<RowGroup>, 5 key_value_metadata, 6 created_by, …
  for (uint8_t type; (type = in.field_header(id)) != kStop;) {
    if (id == 3 && type == kI64) {
      result.num_rows = in.zigzag();
      has_num_rows = true;
    } else if (id == 4 && type == kList) {
      auto [size, element] = in.list_header();
      if (element != kStruct) in.malformed("row_groups is not a list of structs");
      for (uint64_t i = 0; i < size; ++i) {
        result.row_group_rows += decode_row_group_rows(in);
        ++result.row_groups;
      }
    } else {
      in.skip(type, 1);
    }
  }
  if (!has_num_rows) in.malformed("FileMetaData without num_rows");
  if (result.num_rows < 0) in.malformed("negative num_rows");
  return result;
}

uint32_t footer_length(std::span<const uint8_t> tail8, std::string_view name) {
  if (tail8.size() != 8) {
    fail(ErrorKind::InvalidInput, "'{}' is not a Parquet file: shorter than its footer", name);
  }
  if (std::memcmp(tail8.data() + 4, "PARE", 4) == 0) {
    fail(ErrorKind::Unsupported, "'{}' has an encrypted Parquet footer, which snaplake cannot read",
         name);
  }
  if (std::memcmp(tail8.data() + 4, "PAR1", 4) != 0) {
    fail(ErrorKind::InvalidInput, "'{}' is not a Parquet file: it does not end in \"PAR1\"", name);
  }
  return static_cast<uint32_t>(tail8[0]) | static_cast<uint32_t>(tail8[1]) << 8 |
         static_cast<uint32_t>(tail8[2]) << 16 | static_cast<uint32_t>(tail8[3]) << 24;
}

uint64_t read_row_count(uint64_t size, const ReadRange& read, std::string_view name) {
  // "PAR1" + footer + length + "PAR1": a file shorter than 12 bytes cannot be Parquet.
  if (size < 12) fail(ErrorKind::InvalidInput, "'{}' is not a Parquet file: {} bytes", name, size);
  // One ranged read of the tail usually holds the whole footer; a second read fetches the rest.
  constexpr uint64_t kGuess = 64 * 1024;
  uint64_t tail_size = std::min(size, kGuess);
  std::string tail = read(size - tail_size, tail_size);
  if (tail.size() != tail_size) {
    fail(ErrorKind::Io, "cannot read the footer of '{}': got {} of {} bytes", name, tail.size(),
         tail_size);
  }
  auto as_bytes = [](const std::string& s) {
    return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  uint32_t length = footer_length(as_bytes(tail).last(8), name);
  if (uint64_t{length} + 12 > size) {
    fail(ErrorKind::InvalidInput,
         "cannot read the Parquet footer of '{}': length {} exceeds the file", name, length);
  }
  std::string footer;
  if (uint64_t{length} + 8 <= tail_size) {
    footer = tail.substr(tail_size - 8 - length, length);
  } else {
    footer = read(size - 8 - length, length);
  }
  FooterRows rows = decode_file_metadata(as_bytes(footer), name);
  if (rows.num_rows != rows.row_group_rows) {
    fail(ErrorKind::InvalidInput,
         "the Parquet footer of '{}' says {} rows but its {} row groups hold {}", name,
         rows.num_rows, rows.row_groups, rows.row_group_rows);
  }
  return static_cast<uint64_t>(rows.num_rows);
}

}  // namespace snaplake::parquet
