// A minimal writer for the Thrift compact protocol, enough for the Parquet footer and page
// headers (the spec: thrift/doc/specs/thrift-compact-protocol.md). Structs are written field by
// field in increasing id order; the writer keeps the "last field id" of every open struct so
// field headers can carry the short delta form.
//
//   ThriftWriter w(buffer);
//   w.begin_struct();
//   w.field_i32(1, 42);
//   w.field_binary(4, "name");
//   w.end_struct();
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "parquet/byte_buffer.h"

namespace snaplake::parquet {

// Compact-protocol type ids, used in field headers and list headers.
enum class ThriftType : uint8_t {
  BoolTrue = 1,  // in a field header: a bool field whose value is true
  BoolFalse = 2,
  I8 = 3,
  I16 = 4,
  I32 = 5,
  I64 = 6,
  Double = 7,
  Binary = 8,
  List = 9,
  Set = 10,
  Map = 11,
  Struct = 12,
};

class ThriftWriter {
 public:
  explicit ThriftWriter(ByteBuffer& out) : out_(out) {}

  // A top-level struct or a struct element of a list.
  void begin_struct();
  // Writes the stop byte and returns to the enclosing struct.
  void end_struct();

  void field_bool(int16_t id, bool value);
  void field_i8(int16_t id, int8_t value);
  void field_i16(int16_t id, int16_t value);
  void field_i32(int16_t id, int32_t value);
  void field_i64(int16_t id, int64_t value);
  void field_binary(int16_t id, std::string_view value);
  // A struct-valued field: the header, then the caller writes the fields and calls end_struct().
  void begin_field_struct(int16_t id);
  // A list-valued field: the header; the caller then writes `size` elements with the element
  // writers below (or begin_struct()/end_struct() for struct elements).
  void begin_field_list(int16_t id, ThriftType element, uint32_t size);

  void element_i32(int32_t value) { write_varint(zigzag32(value)); }
  void element_i64(int64_t value) { write_varint(zigzag64(value)); }
  void element_binary(std::string_view value);

  static uint32_t zigzag32(int32_t n) {
    return (static_cast<uint32_t>(n) << 1) ^ static_cast<uint32_t>(n >> 31);
  }
  static uint64_t zigzag64(int64_t n) {
    return (static_cast<uint64_t>(n) << 1) ^ static_cast<uint64_t>(n >> 63);
  }

 private:
  void field_header(int16_t id, ThriftType type);
  void write_varint(uint64_t value) { out_.append_varint(value); }

  ByteBuffer& out_;
  int16_t last_id_ = 0;
  std::vector<int16_t> enclosing_ids_;
};

}  // namespace snaplake::parquet
