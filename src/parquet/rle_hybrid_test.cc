// Golden bytes for the RLE / bit-packing hybrid (parquet-format Encodings.md), plus a
// round trip through a small decoder written from the same grammar.
#include "parquet/rle_hybrid.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace snaplake::parquet {
namespace {

using V = std::vector<uint8_t>;
V bytes(const ByteBuffer& b) {
  return {b.data(), b.data() + b.size()};
}

// Decodes `count` values of the hybrid encoding (test oracle, independent of the encoder).
std::vector<uint32_t> decode(const V& in, int bit_width, size_t count) {
  std::vector<uint32_t> out;
  size_t pos = 0;
  auto varint = [&] {
    uint64_t v = 0;
    int shift = 0;
    while (true) {
      uint8_t b = in.at(pos++);
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
      shift += 7;
    }
  };
  while (out.size() < count) {
    uint64_t header = varint();
    if (header & 1) {
      size_t n = (header >> 1) * 8;
      uint64_t bitpos = 0;
      size_t start = pos;
      for (size_t i = 0; i < n; ++i) {
        uint32_t v = 0;
        for (int b = 0; b < bit_width; ++b, ++bitpos)
          v |= ((in.at(start + bitpos / 8) >> (bitpos % 8)) & 1u) << b;
        if (out.size() < count) out.push_back(v);
      }
      pos = start + n * bit_width / 8;
    } else {
      uint32_t v = 0;
      for (int b = 0; b < (bit_width + 7) / 8; ++b)
        v |= static_cast<uint32_t>(in.at(pos++)) << (8 * b);
      out.insert(out.end(), header >> 1, v);
    }
  }
  EXPECT_EQ(pos, in.size()) << "trailing bytes";
  return out;
}

TEST(RleHybrid, BitPackingExampleFromEncodingsMd) {
  // Encodings.md: the values 0..7 with bit width 3 pack to 10001000 11000110 11111010.
  std::vector<uint32_t> v{0, 1, 2, 3, 4, 5, 6, 7};
  ByteBuffer packed;
  bit_pack(v, 3, packed);
  EXPECT_EQ(bytes(packed), (V{0x88, 0xC6, 0xFA}));

  ByteBuffer hybrid;
  encode_rle_hybrid(std::span<const uint32_t>(v), 3, hybrid);
  // One bit-packed run of one group: header (1 << 1) | 1.
  EXPECT_EQ(bytes(hybrid), (V{0x03, 0x88, 0xC6, 0xFA}));
}

TEST(RleHybrid, RepeatedValuesBecomeAnRleRun) {
  std::vector<uint8_t> ones(10, 1);
  ByteBuffer b;
  encode_rle_hybrid(ones, 1, b);
  EXPECT_EQ(bytes(b), (V{0x14, 0x01}));  // header 10 << 1, value in one byte

  std::vector<uint32_t> wide(300, 0x12345);
  ByteBuffer w;
  encode_rle_hybrid(std::span<const uint32_t>(wide), 17, w);
  // header 600 = varint d8 04; value in ceil(17/8) = 3 little-endian bytes
  EXPECT_EQ(bytes(w), (V{0xD8, 0x04, 0x45, 0x23, 0x01}));
}

TEST(RleHybrid, LiteralsArePaddedToAGroupFromTheFollowingRun) {
  // 1,0,1 then twenty 2s, width 2: the literal group takes five 2s ([1,0,1,2,2,2,2,2]), the
  // remaining fifteen 2s form an RLE run.
  std::vector<uint32_t> v{1, 0, 1};
  v.insert(v.end(), 20, 2);
  ByteBuffer b;
  encode_rle_hybrid(std::span<const uint32_t>(v), 2, b);
  // 0x91 = 01 | 00<<2 | 01<<4 | 10<<6; 0xAA = 10 10 10 10; RLE header 15 << 1 = 0x1E, value 2
  EXPECT_EQ(bytes(b), (V{0x03, 0x91, 0xAA, 0x1E, 0x02}));
}

TEST(RleHybrid, LastGroupIsZeroPadded) {
  std::vector<uint8_t> v{1, 0, 1};
  ByteBuffer b;
  encode_rle_hybrid(v, 1, b);
  EXPECT_EQ(bytes(b), (V{0x03, 0x05}));
}

TEST(RleHybrid, RoundTripsRandomRunsAtEveryWidth) {
  std::mt19937 rng(42);
  for (int width = 1; width <= 32; ++width) {
    std::vector<uint32_t> v;
    const uint64_t limit = width == 32 ? 0xFFFFFFFFull : (1ull << width) - 1;
    while (v.size() < 5000) {
      auto value = static_cast<uint32_t>(rng() % (limit + 1));
      size_t run = rng() % 3 == 0 ? rng() % 40 : 1;
      v.insert(v.end(), run, value);
    }
    ByteBuffer b;
    encode_rle_hybrid(std::span<const uint32_t>(v), width, b);
    EXPECT_EQ(decode(bytes(b), width, v.size()), v) << "width " << width;
  }
}

TEST(RleHybrid, BitWidthFor) {
  EXPECT_EQ(bit_width_for(0), 1);
  EXPECT_EQ(bit_width_for(1), 1);
  EXPECT_EQ(bit_width_for(2), 2);
  EXPECT_EQ(bit_width_for(255), 8);
  EXPECT_EQ(bit_width_for(256), 9);
  EXPECT_EQ(bit_width_for(0xFFFFFFFFu), 32);
}

}  // namespace
}  // namespace snaplake::parquet
