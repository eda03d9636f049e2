// Test-only: a generic Thrift compact-protocol decoder (from the compact protocol spec) that
// turns a struct into a tree of field id -> value, so tests can check the footer and page
// headers the writer produced without trusting the writer's own code.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace snaplake::parquet::testing {

struct TValue {
  int type = 0;
  int64_t i = 0;  // bool, i8, i16, i32, i64
  double d = 0;
  std::string bin;
  std::vector<TValue> list;
  std::map<int16_t, TValue> fields;

  bool has(int16_t id) const { return fields.count(id) != 0; }
  const TValue& operator[](int16_t id) const {
    auto it = fields.find(id);
    if (it == fields.end()) throw std::runtime_error("no field " + std::to_string(id));
    return it->second;
  }
};

class TReader {
 public:
  TReader(const uint8_t* p, const uint8_t* end) : p_(p), end_(end) {}
  const uint8_t* position() const { return p_; }

  TValue read_struct() {
    TValue s;
    s.type = 12;
    int16_t last = 0;
    while (true) {
      uint8_t b = byte();
      if (b == 0) return s;
      int type = b & 0x0F;
      int16_t id = (b >> 4) != 0 ? static_cast<int16_t>(last + (b >> 4))
                                 : static_cast<int16_t>(unzigzag(varint()));
      last = id;
      if (type == 1 || type == 2) {
        TValue v;
        v.type = 1;
        v.i = type == 1;
        s.fields[id] = v;
      } else {
        s.fields[id] = read_value(type);
      }
    }
  }

 private:
  uint8_t byte() {
    if (p_ >= end_) throw std::runtime_error("thrift: read past the end");
    return *p_++;
  }
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      uint8_t b = byte();
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
  }
  static int64_t unzigzag(uint64_t n) {
    return static_cast<int64_t>(n >> 1) ^ -static_cast<int64_t>(n & 1);
  }

  TValue read_value(int type) {
    TValue v;
    v.type = type;
    switch (type) {
      case 1:
      case 2:
        v.i = byte() == 1;  // bool list element
        break;
      case 3:
        v.i = static_cast<int8_t>(byte());
        break;
      case 4:
      case 5:
      case 6:
        v.i = unzigzag(varint());
        break;
      case 7:
        for (int k = 0; k < 8; ++k) byte();
        break;
      case 8: {
        uint64_t n = varint();
        if (static_cast<uint64_t>(end_ - p_) < n) throw std::runtime_error("thrift: short binary");
        v.bin.assign(reinterpret_cast<const char*>(p_), n);
        p_ += n;
        break;
      }
      case 9:
      case 10: {
        uint8_t h = byte();
        uint64_t n = h >> 4;
        if (n == 15) n = varint();
        for (uint64_t k = 0; k < n; ++k) v.list.push_back(read_value(h & 0x0F));
        break;
      }
      case 12:
        v = read_struct();
        break;
      default:
        throw std::runtime_error("thrift: unexpected type " + std::to_string(type));
    }
    return v;
  }

  const uint8_t* p_;
  const uint8_t* end_;
};

// Checks "PAR1" at both ends and returns the decoded FileMetaData.
inline TValue read_footer(const std::string& file) {
  if (file.size() < 12 || file.compare(0, 4, "PAR1") != 0 ||
      file.compare(file.size() - 4, 4, "PAR1") != 0)
    throw std::runtime_error("not a Parquet file: magic missing");
  uint32_t length;
  std::memcpy(&length, file.data() + file.size() - 8, 4);
  if (length + 12 > file.size()) throw std::runtime_error("footer length out of range");
  const auto* start = reinterpret_cast<const uint8_t*>(file.data()) + file.size() - 8 - length;
  TReader r(start, start + length);
  TValue meta = r.read_struct();
  if (r.position() != start + length) throw std::runtime_error("footer has trailing bytes");
  return meta;
}

}  // namespace snaplake::parquet::testing
