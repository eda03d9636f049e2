#include "parquet/rle_hybrid.h"

#include <bit>

namespace snaplake::parquet {
namespace {

template <typename T>
void pack_values(const T* values, size_t count, size_t padded_count, int bit_width,
                 ByteBuffer& out) {
  uint8_t* p = out.extend((padded_count * bit_width + 7) / 8);
  uint64_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < padded_count; ++i) {
    uint64_t v = i < count ? static_cast<uint64_t>(values[i]) : 0;
    acc |= v << bits;
    bits += bit_width;
    while (bits >= 8) {
      *p++ = static_cast<uint8_t>(acc);
      acc >>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) *p = static_cast<uint8_t>(acc);
}

template <typename T>
void emit_bit_packed(const T* values, size_t count, int bit_width, ByteBuffer& out) {
  if (count == 0) return;
  size_t groups = (count + 7) / 8;
  out.append_varint((static_cast<uint64_t>(groups) << 1) | 1);
  pack_values(values, count, groups * 8, bit_width, out);
}

void emit_rle(uint32_t value, size_t count, int bit_width, ByteBuffer& out) {
  out.append_varint(static_cast<uint64_t>(count) << 1);
  for (int b = 0; b < (bit_width + 7) / 8; ++b)
    out.push_back(static_cast<uint8_t>(value >> (8 * b)));
}

template <typename T>
void encode(std::span<const T> v, int bit_width, ByteBuffer& out) {
  const size_t n = v.size();
  size_t literal_start = 0;
  size_t i = 0;
  while (i < n) {
    size_t j = i + 1;
    while (j < n && v[j] == v[i]) ++j;
    size_t run = j - i;
    if (run >= 8) {
      // Bit-packed runs hold whole groups of 8, so the pending literals are topped up to a
      // multiple of 8 with values taken from the front of this run.
      size_t pad = (8 - (i - literal_start) % 8) % 8;
      if (run - pad >= 8) {
        emit_bit_packed(v.data() + literal_start, i + pad - literal_start, bit_width, out);
        emit_rle(v[i], run - pad, bit_width, out);
        literal_start = j;
      }
    }
    i = j;
  }
  emit_bit_packed(v.data() + literal_start, n - literal_start, bit_width, out);
}

}  // namespace

void encode_rle_hybrid(std::span<const uint8_t> values, int bit_width, ByteBuffer& out) {
  encode(values, bit_width, out);
}

void encode_rle_hybrid(std::span<const uint32_t> values, int bit_width, ByteBuffer& out) {
  encode(values, bit_width, out);
}

void bit_pack(std::span<const uint32_t> values, int bit_width, ByteBuffer& out) {
  pack_values(values.data(), values.size(), values.size(), bit_width, out);
}

int bit_width_for(uint32_t max_value) {
  return max_value == 0 ? 1 : static_cast<int>(std::bit_width(max_value));
}

}  // namespace snaplake::parquet
