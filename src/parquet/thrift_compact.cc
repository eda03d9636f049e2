#include "parquet/thrift_compact.h"

#include "common/error.h"

namespace snaplake::parquet {

void ThriftWriter::begin_struct() {
  enclosing_ids_.push_back(last_id_);
  last_id_ = 0;
}

void ThriftWriter::end_struct() {
  if (enclosing_ids_.empty()) fail(ErrorKind::Internal, "thrift: end_struct without begin_struct");
  out_.push_back(0);  // STOP
  last_id_ = enclosing_ids_.back();
  enclosing_ids_.pop_back();
}

// Compact protocol: a field whose id is 1..15 above the previous one is one byte,
// (delta << 4) | type; otherwise the type byte is followed by the id as a zigzag varint i16.
void ThriftWriter::field_header(int16_t id, ThriftType type) {
  int delta = id - last_id_;
  if (delta > 0 && delta <= 15) {
    out_.push_back(static_cast<uint8_t>((delta << 4) | static_cast<uint8_t>(type)));
  } else {
    out_.push_back(static_cast<uint8_t>(type));
    write_varint(zigzag32(id));
  }
  last_id_ = id;
}

// A bool field has no value bytes: the type nibble itself says true (1) or false (2).
void ThriftWriter::field_bool(int16_t id, bool value) {
  field_header(id, value ? ThriftType::BoolTrue : ThriftType::BoolFalse);
}

// i8 is the only integer written as a raw byte rather than a zigzag varint.
void ThriftWriter::field_i8(int16_t id, int8_t value) {
  field_header(id, ThriftType::I8);
  out_.push_back(static_cast<uint8_t>(value));
}

void ThriftWriter::field_i16(int16_t id, int16_t value) {
  field_header(id, ThriftType::I16);
  write_varint(zigzag32(value));
}

void ThriftWriter::field_i32(int16_t id, int32_t value) {
  field_header(id, ThriftType::I32);
  write_varint(zigzag32(value));
}

void ThriftWriter::field_i64(int16_t id, int64_t value) {
  field_header(id, ThriftType::I64);
  write_varint(zigzag64(value));
}

void ThriftWriter::field_binary(int16_t id, std::string_view value) {
  field_header(id, ThriftType::Binary);
  element_binary(value);
}

void ThriftWriter::element_binary(std::string_view value) {
  write_varint(value.size());
  out_.append(value);
}

void ThriftWriter::begin_field_struct(int16_t id) {
  field_header(id, ThriftType::Struct);
  begin_struct();
}

// List header: sizes 0..14 share a byte with the element type, (size << 4) | type; larger
// sizes write 0xF0 | type followed by the size as a varint.
void ThriftWriter::begin_field_list(int16_t id, ThriftType element, uint32_t size) {
  field_header(id, ThriftType::List);
  if (size < 15) {
    out_.push_back(static_cast<uint8_t>((size << 4) | static_cast<uint8_t>(element)));
  } else {
    out_.push_back(static_cast<uint8_t>(0xF0 | static_cast<uint8_t>(element)));
    write_varint(size);
  }
}

}  // namespace snaplake::parquet
