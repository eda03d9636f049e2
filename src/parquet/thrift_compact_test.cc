// Golden bytes for the Thrift compact protocol encoder, derived by hand from the compact
// protocol spec (thrift/doc/specs/thrift-compact-protocol.md).
#include "parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include <climits>
#include <vector>

#include "parquet/metadata.h"

namespace snaplake::parquet {
namespace {

std::vector<uint8_t> bytes(const ByteBuffer& b) {
  return {b.data(), b.data() + b.size()};
}
using V = std::vector<uint8_t>;

TEST(ThriftCompact, ZigzagMapsSignedToUnsigned) {
  EXPECT_EQ(ThriftWriter::zigzag32(0), 0u);
  EXPECT_EQ(ThriftWriter::zigzag32(-1), 1u);
  EXPECT_EQ(ThriftWriter::zigzag32(1), 2u);
  EXPECT_EQ(ThriftWriter::zigzag32(-2), 3u);
  EXPECT_EQ(ThriftWriter::zigzag32(INT32_MAX), 0xFFFFFFFEu);
  EXPECT_EQ(ThriftWriter::zigzag32(INT32_MIN), 0xFFFFFFFFu);
  EXPECT_EQ(ThriftWriter::zigzag64(INT64_MIN), UINT64_MAX);
}

TEST(ThriftCompact, ShortFieldHeadersCarryTheDelta) {
  ByteBuffer b;
  ThriftWriter w(b);
  w.begin_struct();
  w.field_i32(1, 1);        // (1 << 4) | 5, zigzag(1) = 2
  w.field_i32(2, -1);       // (1 << 4) | 5, zigzag(-1) = 1
  w.field_i64(4, 300);      // (2 << 4) | 6, zigzag(300) = 600 = varint d8 04
  w.field_binary(5, "ab");  // (1 << 4) | 8, length 2, bytes
  w.end_struct();           // stop
  EXPECT_EQ(bytes(b), (V{0x15, 0x02, 0x15, 0x01, 0x26, 0xD8, 0x04, 0x18, 0x02, 'a', 'b', 0x00}));
}

TEST(ThriftCompact, LongFieldHeaderWhenDeltaExceeds15) {
  ByteBuffer b;
  ThriftWriter w(b);
  w.begin_struct();
  w.field_i32(1, 0);
  w.field_i32(20, 7);  // delta 19: type byte 0x05, then zigzag i16 id 20 = 40 = 0x28
  w.end_struct();
  EXPECT_EQ(bytes(b), (V{0x15, 0x00, 0x05, 0x28, 0x0E, 0x00}));
}

TEST(ThriftCompact, BoolsLiveInTheFieldHeaderAndI8IsARawByte) {
  ByteBuffer b;
  ThriftWriter w(b);
  w.begin_struct();
  w.field_bool(1, true);   // type 1 = BOOLEAN_TRUE
  w.field_bool(2, false);  // type 2 = BOOLEAN_FALSE
  w.field_i8(3, 16);       // type 3, raw byte
  w.field_i8(4, -1);
  w.field_i16(5, -3);  // type 4, zigzag 5
  w.end_struct();
  EXPECT_EQ(bytes(b), (V{0x11, 0x12, 0x13, 0x10, 0x13, 0xFF, 0x14, 0x05, 0x00}));
}

TEST(ThriftCompact, ListHeadersShortAndLong) {
  ByteBuffer b;
  ThriftWriter w(b);
  w.begin_struct();
  w.begin_field_list(1, ThriftType::I32, 3);  // field 0x19, list (3 << 4) | 5
  w.element_i32(1);
  w.element_i32(2);
  w.element_i32(-3);
  w.begin_field_list(2, ThriftType::Binary, 15);  // 0xF8 then varint 15
  for (int i = 0; i < 15; ++i) w.element_binary("");
  w.end_struct();
  V expected{0x19, 0x35, 0x02, 0x04, 0x05, 0x19, 0xF8, 0x0F};
  expected.insert(expected.end(), 15, 0x00);
  expected.push_back(0x00);
  EXPECT_EQ(bytes(b), expected);
}

TEST(ThriftCompact, NestedStructsRestoreTheEnclosingFieldId) {
  ByteBuffer b;
  ThriftWriter w(b);
  w.begin_struct();
  w.field_i32(1, 1);
  w.begin_field_struct(2);  // (1 << 4) | 12
  w.field_i32(1, 2);        // ids restart inside the nested struct
  w.end_struct();
  w.field_i32(3, 3);  // delta 1 from field 2 again
  w.begin_field_list(4, ThriftType::Struct, 1);
  w.begin_struct();
  w.field_i32(16, 4);  // delta 16 from 0: long form
  w.end_struct();
  w.end_struct();
  EXPECT_EQ(bytes(b), (V{0x15, 0x02, 0x1C, 0x15, 0x04, 0x00, 0x15, 0x06, 0x19, 0x1C, 0x05, 0x20,
                         0x08, 0x00, 0x00}));
}

TEST(ThriftCompact, DataPageHeaderGoldenBytes) {
  PageHeader h;
  h.type = PageType::DataPage;
  h.uncompressed_page_size = 100;
  h.compressed_page_size = 50;
  h.data_page = DataPageHeader{10, Encoding::RleDictionary, Encoding::Rle, Encoding::Rle};
  ByteBuffer b;
  write_page_header(b, h);
  // 1: type 0; 2: 100 -> zigzag 200 = c8 01; 3: 50 -> 100 = 0x64; 5 (delta 2): struct
  //   { 1: 10 -> 20; 2: 8 -> 16; 3: 3 -> 6; 4: 3 -> 6 } stop; stop
  EXPECT_EQ(bytes(b), (V{0x15, 0x00, 0x15, 0xC8, 0x01, 0x15, 0x64, 0x2C, 0x15, 0x14, 0x15, 0x10,
                         0x15, 0x06, 0x15, 0x06, 0x00, 0x00}));
}

TEST(ThriftCompact, DictionaryPageHeaderGoldenBytes) {
  PageHeader h;
  h.type = PageType::DictionaryPage;
  h.uncompressed_page_size = 8;
  h.compressed_page_size = 8;
  h.dictionary_page = DictionaryPageHeader{2, Encoding::Plain};
  ByteBuffer b;
  write_page_header(b, h);
  // 1: 2 -> 4; 2: 8 -> 16; 3: 16; 7 (delta 4): struct { 1: 2 -> 4; 2: PLAIN 0 } stop; stop
  EXPECT_EQ(bytes(b),
            (V{0x15, 0x04, 0x15, 0x10, 0x15, 0x10, 0x4C, 0x15, 0x04, 0x15, 0x00, 0x00, 0x00}));
}

TEST(ThriftCompact, SchemaElementForTimestampAndDecimal) {
  Column ts{.name = "t",
            .physical = Physical::Int64,
            .logical = Logical::TimestampMicros,
            .repetition = Repetition::Optional,
            .utc_adjusted = true};
  ByteBuffer b;
  ThriftWriter w(b);
  w.begin_struct();
  write_schema_element(w, ts);
  w.end_struct();
  // 1: INT64 (2 -> 4); 3 (delta 2): OPTIONAL (1 -> 2); 4: "t"; 6 (delta 2): TIMESTAMP_MICROS
  // (10 -> 20); 10 (delta 4): LogicalType { 8: TimestampType { 1: true, 2: TimeUnit
  // { 2: MicroSeconds {} } } }
  EXPECT_EQ(bytes(b), (V{0x15, 0x04, 0x25, 0x02, 0x18, 0x01, 't', 0x25, 0x14, 0x4C, 0x8C, 0x11,
                         0x1C, 0x2C, 0x00, 0x00, 0x00, 0x00, 0x00}));

  Column dec{.name = "d",
             .physical = Physical::FixedLenByteArray,
             .logical = Logical::Decimal,
             .repetition = Repetition::Required,
             .type_length = 16,
             .precision = 38,
             .scale = 9};
  ByteBuffer b2;
  ThriftWriter w2(b2);
  w2.begin_struct();
  write_schema_element(w2, dec);
  w2.end_struct();
  // 1: FLBA 7 -> 14; 2: 16 -> 32; 3: REQUIRED 0; 4: "d"; 6: DECIMAL 5 -> 10; 7: scale 9 -> 18;
  // 8: precision 38 -> 76; 10 (delta 2): { 5: DecimalType { 1: 9, 2: 38 } }
  EXPECT_EQ(bytes(b2), (V{0x15, 0x0E, 0x15, 0x20, 0x15, 0x00, 0x18, 0x01, 'd',  0x25, 0x0A, 0x15,
                          0x12, 0x15, 0x4C, 0x2C, 0x5C, 0x15, 0x12, 0x15, 0x4C, 0x00, 0x00, 0x00}));
}

}  // namespace
}  // namespace snaplake::parquet
