// The RLE / bit-packing hybrid of Encodings.md ("Run Length Encoding / Bit-Packing Hybrid
// (RLE = 3)"), used for definition levels and dictionary indices:
//
//   run            := bit-packed-run | rle-run
//   bit-packed-run := varint((groups << 1) | 1), groups * bit_width bytes (8 values a group,
//                     packed LSB first)
//   rle-run        := varint(count << 1), the value in ceil(bit_width / 8) little-endian bytes
//
// The caller adds the framing of the context: a 4-byte length in front of v1 data-page levels,
// a bit-width byte in front of dictionary indices.
#pragma once

#include <cstdint>
#include <span>

#include "parquet/byte_buffer.h"

namespace snaplake::parquet {

// Appends the hybrid encoding of values (each < 2^bit_width, 1 <= bit_width <= 32) to out.
// Runs of 8 or more equal values become RLE runs; the rest is bit-packed, the last group
// padded with zeros.
void encode_rle_hybrid(std::span<const uint8_t> values, int bit_width, ByteBuffer& out);
void encode_rle_hybrid(std::span<const uint32_t> values, int bit_width, ByteBuffer& out);

// Appends values LSB-first, bit_width bits each (the bit-packed run body, and PLAIN booleans
// with bit_width 1). Pads the last byte with zero bits.
void bit_pack(std::span<const uint32_t> values, int bit_width, ByteBuffer& out);

// Bits needed to store every value in 0..max_value, at least 1.
int bit_width_for(uint32_t max_value);

}  // namespace snaplake::parquet
