#include "pg/copy_binary.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/error.h"

namespace snaplake::pg {
namespace {

// Builds a binary COPY stream by hand, following the documented layout.
struct Bytes {
  std::vector<uint8_t> data;
  Bytes& raw(std::initializer_list<uint8_t> b) {
    data.insert(data.end(), b);
    return *this;
  }
  Bytes& i16(int16_t v) { return raw({uint8_t(uint16_t(v) >> 8), uint8_t(v)}); }
  Bytes& i32(int32_t v) {
    uint32_t u = uint32_t(v);
    return raw({uint8_t(u >> 24), uint8_t(u >> 16), uint8_t(u >> 8), uint8_t(u)});
  }
  Bytes& str(std::string_view s) {
    data.insert(data.end(), s.begin(), s.end());
    return *this;
  }
  Bytes& header(int32_t extension = 0) {
    raw({'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0}).i32(0).i32(extension);
    for (int i = 0; i < extension; ++i) raw({0xaa});
    return *this;
  }
};

using Row = std::vector<std::string>;  // "NULL" for NULL

std::vector<Row> decode_in_chunks(const std::vector<uint8_t>& stream, size_t columns,
                                  size_t chunk) {
  CopyBinaryDecoder decoder(columns);
  std::vector<Row> rows;
  for (size_t at = 0; at < stream.size(); at += chunk) {
    size_t n = std::min(chunk, stream.size() - at);
    decoder.feed(std::span<const uint8_t>(stream.data() + at, n),
                 [&](std::span<const CopyField> fields) {
                   Row row;
                   for (const auto& f : fields) {
                     row.push_back(f.is_null() ? "NULL" : std::string(f.view()));
                   }
                   rows.push_back(row);
                 });
  }
  decoder.finish();
  return rows;
}

std::vector<uint8_t> sample() {
  Bytes b;
  b.header(3);
  b.i16(2).i32(3).str("abc").i32(-1);        // ("abc", NULL)
  b.i16(2).i32(0).i32(4).raw({0, 1, 2, 3});  // ("", "\0\1\2\3")
  b.i16(-1);                                 // trailer
  return b.data;
}

TEST(CopyBinaryDecoder, DecodesTuplesNullsAndEmptyValues) {
  auto rows = decode_in_chunks(sample(), 2, 1 << 20);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (Row{"abc", "NULL"}));
  EXPECT_EQ(rows[1][0], "");
  EXPECT_EQ(rows[1][1], std::string("\0\1\2\3", 4));
}

TEST(CopyBinaryDecoder, AnyChunkingGivesTheSameRows) {
  auto whole = decode_in_chunks(sample(), 2, 1 << 20);
  for (size_t chunk : {1, 2, 3, 5, 7, 19, 20, 23}) {
    EXPECT_EQ(decode_in_chunks(sample(), 2, chunk), whole) << "chunk " << chunk;
  }
}

TEST(CopyBinaryDecoder, FramedTuplesDecodeAgainWithoutHeader) {
  // The exporter's reading thread keeps each tuple's wire bytes; an encoding thread decodes a
  // batch of them with tuples_only(), whatever chunking the reader saw.
  for (size_t chunk : {1, 3, 1 << 20}) {
    CopyBinaryDecoder framer(2);
    std::vector<uint8_t> batch;
    auto stream = sample();
    for (size_t at = 0; at < stream.size(); at += chunk) {
      size_t n = std::min(chunk, stream.size() - at);
      framer.feed(std::span<const uint8_t>(stream.data() + at, n),
                  [&](std::span<const CopyField>, std::span<const uint8_t> tuple) {
                    batch.insert(batch.end(), tuple.begin(), tuple.end());
                  });
    }
    framer.finish();
    auto again = CopyBinaryDecoder::tuples_only(2);
    std::vector<Row> rows;
    again.feed(batch, [&](std::span<const CopyField> fields) {
      Row row;
      for (const auto& f : fields) row.push_back(f.is_null() ? "NULL" : std::string(f.view()));
      rows.push_back(row);
    });
    EXPECT_EQ(rows, decode_in_chunks(sample(), 2, 1 << 20)) << "chunk " << chunk;
    EXPECT_EQ(again.rows(), 2u);
  }
}

TEST(CopyBinaryDecoder, EmptyTableIsHeaderAndTrailer) {
  Bytes b;
  b.header().i16(-1);
  EXPECT_TRUE(decode_in_chunks(b.data, 5, 4).empty());
}

TEST(CopyBinaryDecoder, RejectsABadSignature) {
  Bytes b;
  b.str("PGCOPX\n\xff\r\n").raw({0}).i32(0).i32(0).i16(-1);
  EXPECT_THROW(decode_in_chunks(b.data, 1, 64), Error);
}

TEST(CopyBinaryDecoder, RejectsOidsAndReservedFlags) {
  for (int32_t flags : {1 << 16, 1}) {
    Bytes b;
    b.raw({'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0}).i32(flags).i32(0).i16(-1);
    EXPECT_THROW(decode_in_chunks(b.data, 1, 64), Error) << flags;
  }
}

TEST(CopyBinaryDecoder, RejectsAWrongFieldCount) {
  Bytes b;
  b.header().i16(3).i32(-1).i32(-1).i32(-1).i16(-1);
  EXPECT_THROW(decode_in_chunks(b.data, 2, 64), Error);
}

TEST(CopyBinaryDecoder, RejectsATruncatedStream) {
  Bytes b;
  b.header().i16(1).i32(10).str("short");
  EXPECT_THROW(decode_in_chunks(b.data, 1, 64), Error);
  Bytes no_trailer;
  no_trailer.header().i16(1).i32(1).str("x");
  EXPECT_THROW(decode_in_chunks(no_trailer.data, 1, 64), Error);
}

TEST(CopyBinaryDecoder, RejectsDataAfterTheTrailer) {
  Bytes b;
  b.header().i16(-1).i16(1).i32(-1);
  EXPECT_THROW(decode_in_chunks(b.data, 1, 64), Error);
}

}  // namespace
}  // namespace snaplake::pg
