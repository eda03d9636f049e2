#include "parquet/footer_reader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "common/error.h"
#include "common/output_stream.h"
#include "parquet/file_writer.h"

namespace snaplake::parquet {
namespace {

// Files by name, read by ranges as the landing reads objects.
struct Files {
  std::map<std::string, std::string> files;
  void put(const std::string& name, std::string bytes) { files[name] = std::move(bytes); }
};
uint64_t read_parquet_row_count(Files& files, const std::string& name, uint64_t size) {
  return read_row_count(
      size,
      [&](uint64_t offset, uint64_t length) { return files.files.at(name).substr(offset, length); },
      name);
}

std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(SNAPLAKE_LANDING_FIXTURES) + "/footer/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::span<const uint8_t> bytes_of(const std::vector<uint8_t>& v) {
  return {v.data(), v.size()};
}

// A whole file around a footer: "PAR1" + footer + LE length + "PAR1".
std::string file_with_footer(const std::vector<uint8_t>& footer) {
  std::string f = "PAR1";
  f.append(footer.begin(), footer.end());
  uint32_t n = static_cast<uint32_t>(footer.size());
  for (int i = 0; i < 4; ++i) f += static_cast<char>((n >> (8 * i)) & 0xff);
  return f + "PAR1";
}

ErrorKind kind_of(auto&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.kind();
  }
  return ErrorKind::Internal;
}

// Files written by DuckDB (tests/e2e/fixtures/rds_export/make_rds_export.mjs); DuckDB's own
// parquet_file_metadata() reports 2500 rows in 2 row groups and 0 rows in 0 row groups.
TEST(ParquetFooter, ReadsRowCountOfDuckDBFiles) {
  Files files;
  auto* store = &files;
  std::string file = read_fixture("ids_2500_rows_2_groups.gz.parquet");
  store->put("a.parquet", file);
  EXPECT_EQ(read_parquet_row_count(*store, "a.parquet", file.size()), 2500u);

  std::string tail = file.substr(file.size() - 8);
  uint32_t length =
      footer_length(std::span(reinterpret_cast<const uint8_t*>(tail.data()), tail.size()), "a");
  std::string footer = file.substr(file.size() - 8 - length, length);
  FooterRows rows = decode_file_metadata(
      std::span(reinterpret_cast<const uint8_t*>(footer.data()), footer.size()), "a");
  EXPECT_EQ(rows.num_rows, 2500);
  EXPECT_EQ(rows.row_groups, 2);
  EXPECT_EQ(rows.row_group_rows, 2500);

  std::string empty = read_fixture("ids_0_rows.snappy.parquet");
  store->put("e.parquet", empty);
  EXPECT_EQ(read_parquet_row_count(*store, "e.parquet", empty.size()), 0u);
}

// Hand-encoded compact protocol: every type the skipper must step over, long-form field ids,
// booleans inside a list, a map, nested structs, and two row groups.
TEST(ParquetFooter, DecodesHandEncodedMetadata) {
  const std::vector<uint8_t> footer = {
      0x15, 0x04,                               // 1: version i32 2 (zigzag 4)
      0x19, 0x2c,                               // 2: schema list of 2 structs
      0x48, 0x01, 'r',  0x15, 0x02, 0x00,       //    { 4: name "r", 5: num_children 1 }
      0x48, 0x01, 'x',  0x11, 0x00,             //    { 4: name "x", 5: bool true (in the header; not an i32, so skipped) }
      0x16, 0xc8, 0x01,                         // 3: num_rows i64 100 (zigzag 200)
      0x19, 0x2c,                               // 4: row_groups list of 2 structs
      0x19, 0x1c, 0x00,                         //    { 1: columns [ {} ],
      0x16, 0x10, 0x16, 0x50, 0x00,             //      2: total_byte_size 8, 3: num_rows 40 }
      0x36, 0x78, 0x00,                         //    { 3: num_rows 60 (field delta 3) }
      0x1b, 0x01, 0x88, 0x01, 'k',  0x01, 'v',  // 5: map<binary,binary> {"k": "v"}
      0x18, 0x03, 'd',  'u',  'k',              // 6: created_by "duk"
      0x09, 0x32, 0x21, 0x01, 0x02,  // 25 (long form, zigzag 50): list<bool> [true, false]
      0x17, 0,    0,    0,    0,    0,    0,   0xf0, 0x3f,  // 26: double 1.0
      0x14, 0x02,                                           // 27: i16 1
      0x13, 0x7f,                                           // 28: byte
      0x1a, 0x15, 0x04,                                     // 29: set<i32> {2}
      0x00,                                                 // stop
  };
  FooterRows rows = decode_file_metadata(bytes_of(footer), "hand");
  EXPECT_EQ(rows.num_rows, 100);
  EXPECT_EQ(rows.row_groups, 2);
  EXPECT_EQ(rows.row_group_rows, 100);
}

TEST(ParquetFooter, RejectsTruncatedAndMalformed) {
  std::vector<uint8_t> truncated = {0x15, 0x04, 0x16};
  EXPECT_EQ(kind_of([&] { decode_file_metadata(bytes_of(truncated), "t"); }),
            ErrorKind::InvalidInput);
  std::vector<uint8_t> no_rows = {0x15, 0x04, 0x00};
  EXPECT_EQ(kind_of([&] { decode_file_metadata(bytes_of(no_rows), "t"); }),
            ErrorKind::InvalidInput);
  std::vector<uint8_t> huge_list = {0x19, 0xfc, 0xff, 0xff, 0xff, 0xff, 0x0f};
  EXPECT_EQ(kind_of([&] { decode_file_metadata(bytes_of(huge_list), "t"); }),
            ErrorKind::InvalidInput);
  std::vector<uint8_t> bad_type = {0x1d, 0x00};
  EXPECT_EQ(kind_of([&] { decode_file_metadata(bytes_of(bad_type), "t"); }),
            ErrorKind::InvalidInput);
  // Structs nested beyond any real footer: refused, not a stack overflow.
  std::vector<uint8_t> deep;
  for (int i = 0; i < 10000; ++i) deep.push_back(0x1c);
  EXPECT_EQ(kind_of([&] { decode_file_metadata(bytes_of(deep), "t"); }), ErrorKind::InvalidInput);
}

TEST(ParquetFooter, ChecksMagicAndLength) {
  Files files;
  auto* store = &files;
  store->put("csv", "a,b\n1,2\n3,4\n5,6\n");
  EXPECT_EQ(kind_of([&] { read_parquet_row_count(*store, "csv", 16); }), ErrorKind::InvalidInput);
  store->put("enc", std::string("PAR1xxxxxxxx\x04\x00\x00\x00PARE", 20));
  EXPECT_EQ(kind_of([&] { read_parquet_row_count(*store, "enc", 20); }), ErrorKind::Unsupported);
  store->put("long", std::string("PAR1xxxx\xff\x00\x00\x00PAR1", 16));
  EXPECT_EQ(kind_of([&] { read_parquet_row_count(*store, "long", 16); }), ErrorKind::InvalidInput);
}

TEST(ParquetFooter, RowGroupsMustAddUpToNumRows) {
  Files files;
  auto* store = &files;
  // num_rows 100 but one row group of 40.
  std::string file = file_with_footer({0x36, 0xc8, 0x01, 0x19, 0x1c, 0x36, 0x50, 0x00, 0x00});
  store->put("f", file);
  EXPECT_EQ(kind_of([&] { read_parquet_row_count(*store, "f", file.size()); }),
            ErrorKind::InvalidInput);
}

TEST(ParquetFooter, ReadsFootersLargerThanOneRangedRead) {
  Files files;
  auto* store = &files;
  // 5: a 100 000-byte binary, then num_rows 7 in one row group.
  std::vector<uint8_t> footer = {0x58};
  uint32_t n = 100000;
  while (n >= 0x80) {
    footer.push_back(static_cast<uint8_t>(n | 0x80));
    n >>= 7;
  }
  footer.push_back(static_cast<uint8_t>(n));
  footer.insert(footer.end(), 100000, 'z');
  // Field 3 after field 5 needs the long form: type i64 (6), zigzag id 3 -> 6; then
  // 4: row_groups [{3: num_rows 7}].
  for (uint8_t b : {0x06, 0x06, 0x0e, 0x19, 0x1c, 0x36, 0x0e, 0x00, 0x00}) footer.push_back(b);
  std::string file = std::string(1000, '\0') + file_with_footer(footer);
  store->put("big", file);
  EXPECT_EQ(read_parquet_row_count(*store, "big", file.size()), 7u);
}


class BytesStream : public OutputStream {
 public:
  void write(std::span<const uint8_t> bytes) override {
    data.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  void commit() override {}
  void abort() noexcept override {}
  uint64_t position() const override { return data.size(); }
  std::string data;
};

TEST(FooterReader, DecodesTheSchemaOurWriterWrites) {
  auto col = [](std::string name, Physical p, Logical l, Repetition r = Repetition::Optional) {
    Column c;
    c.name = std::move(name);
    c.physical = p;
    c.logical = l;
    c.repetition = r;
    return c;
  };
  Schema schema = {col("id", Physical::Int64, Logical::None, Repetition::Required),
                   col("name", Physical::ByteArray, Logical::String),
                   col("small", Physical::Int32, Logical::Int16),
                   col("born", Physical::Int32, Logical::Date),
                   col("at", Physical::Int64, Logical::TimestampMicros),
                   col("price", Physical::FixedLenByteArray, Logical::Decimal),
                   col("key", Physical::FixedLenByteArray, Logical::Uuid),
                   col("doc", Physical::ByteArray, Logical::Json)};
  schema[4].utc_adjusted = true;
  schema[5].precision = 20;
  schema[5].scale = 4;
  schema[5].type_length = decimal_byte_width(20);
  schema[6].type_length = 16;
  BytesStream out;
  FileWriter w(schema, WriterOptions{}, out);
  w.close();
  Files files;
  files.put("f", out.data);
  FooterRows footer = read_footer(
      out.data.size(), [&](uint64_t o, uint64_t n) { return out.data.substr(o, n); }, "f");
  ASSERT_EQ(footer.columns.size(), schema.size());
  const auto& c = footer.columns;
  EXPECT_EQ(c[0].name, "id");
  EXPECT_EQ(c[0].physical, 2);
  EXPECT_EQ(c[0].repetition, 0);
  EXPECT_EQ(c[1].logical, 1);     // STRING
  EXPECT_EQ(c[1].converted, 0);   // UTF8
  EXPECT_EQ(c[2].logical, 10);    // INTEGER
  EXPECT_EQ(c[2].bit_width, 16);
  EXPECT_TRUE(c[2].is_signed);
  EXPECT_EQ(c[3].logical, 6);     // DATE
  EXPECT_EQ(c[4].logical, 8);     // TIMESTAMP
  EXPECT_TRUE(c[4].utc_adjusted);
  EXPECT_EQ(c[4].time_unit, 2);   // MICROS
  EXPECT_EQ(c[5].logical, 5);     // DECIMAL
  EXPECT_EQ(c[5].precision, 20);
  EXPECT_EQ(c[5].scale, 4);
  EXPECT_EQ(c[5].type_length, decimal_byte_width(20));
  EXPECT_EQ(c[6].logical, 14);    // UUID
  EXPECT_EQ(c[7].logical, 12);    // JSON
  for (const auto& node : c) EXPECT_TRUE(node.children.empty()) << node.name;
}

TEST(FooterReader, DecodesNestedSchemasOfOtherWriters) {
  // DuckDB wrote it: SELECT 1::INTEGER id, [1, 2, NULL]::INTEGER[] ints,
  // {'a': 'x', 'b': 2.5::DOUBLE} s, MAP {'k': 1} m.
  std::string file = read_fixture("nested_duckdb.parquet");
  FooterRows footer = read_footer(
      file.size(), [&](uint64_t o, uint64_t n) { return file.substr(o, n); }, "duckdb");
  ASSERT_EQ(footer.columns.size(), 4u);
  EXPECT_EQ(footer.columns[0].name, "id");
  EXPECT_EQ(footer.columns[0].physical, 1);
  // The three-level LIST: ints (LIST) { repeated list { element } }.
  const SchemaNode& ints = footer.columns[1];
  EXPECT_EQ(ints.converted, 3);  // LIST
  ASSERT_EQ(ints.children.size(), 1u);
  EXPECT_EQ(ints.children[0].repetition, 2);  // REPEATED
  ASSERT_EQ(ints.children[0].children.size(), 1u);
  EXPECT_EQ(ints.children[0].children[0].physical, 1);
  // A struct of two fields, and a MAP of key_value { key, value }.
  const SchemaNode& st = footer.columns[2];
  EXPECT_EQ(st.physical, -1);
  ASSERT_EQ(st.children.size(), 2u);
  EXPECT_EQ(st.children[1].physical, 5);  // DOUBLE
  const SchemaNode& map = footer.columns[3];
  EXPECT_EQ(map.converted, 1);  // MAP
  ASSERT_EQ(map.children.size(), 1u);
  EXPECT_EQ(map.children[0].children.size(), 2u);
}

}  // namespace
}  // namespace snaplake::parquet
