// LIST columns (schema.h): the three-level schema, the levels of NULL lists, empty lists and
// NULL elements in golden bytes, statistics of the leaf, and pages cut at row boundaries only.
// Values are read back by DuckDB, hyparquet, parquet-wasm and polars in tests/parquet and
// tests/e2e.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/error.h"
#include "parquet/file_writer.h"
#include "parquet/thrift_test_reader.h"

namespace snaplake::parquet {
namespace {

using testing::TReader;
using testing::TValue;

class MemoryStream : public OutputStream {
 public:
  void write(std::span<const uint8_t> bytes) override {
    data.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  void commit() override {}
  void abort() noexcept override { data.clear(); }
  uint64_t position() const override { return data.size(); }
  std::string data;
};

Column list_of(std::string name, Physical p, Logical l = Logical::None) {
  Column c;
  c.name = std::move(name);
  c.physical = p;
  c.logical = l;
  c.list = true;
  return c;
}

// The pages of a chunk: header and (uncompressed) body each.
struct Page {
  TValue header;
  std::string body;
};
std::vector<Page> pages(const std::string& file, const TValue& meta_data) {
  int64_t pos = meta_data.has(11) ? meta_data[11].i : meta_data[9].i;
  const int64_t end = pos + meta_data[7].i;
  const auto* base = reinterpret_cast<const uint8_t*>(file.data());
  std::vector<Page> out;
  while (pos < end) {
    TReader r(base + pos, base + end);
    TValue h = r.read_struct();
    const int64_t body = r.position() - base;
    out.push_back({h, file.substr(static_cast<size_t>(body), static_cast<size_t>(h[3].i))});
    pos = body + h[3].i;
  }
  return out;
}

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s.push_back(static_cast<char>(x));
  return s;
}

// Rows [1, NULL, 3], [], NULL, [4] of an OPTIONAL LIST of INT32, written PLAIN and uncompressed.
std::string four_rows(WriterOptions options = {}) {
  options.codec = Codec::Uncompressed;
  options.dictionary = false;
  MemoryStream out;
  FileWriter w({list_of("xs", Physical::Int32)}, options, out);
  w.begin_list(0);
  w.append_int32(0, 1);
  w.append_null(0);
  w.append_int32(0, 3);
  w.end_list(0);
  w.end_row();
  w.begin_list(0);
  w.end_list(0);
  w.end_row();
  w.append_null(0);
  w.end_row();
  w.begin_list(0);
  w.append_int32(0, 4);
  w.end_list(0);
  w.end_row();
  EXPECT_EQ(w.close().rows, 4u);
  return out.data;
}

TEST(ListColumn, SchemaIsTheThreeLevelListOfTheSpec) {
  const std::string file = four_rows();
  TValue meta = testing::read_footer(file);
  const auto& schema = meta[2].list;
  ASSERT_EQ(schema.size(), 4u);  // root, the LIST group, the repeated group, the element
  EXPECT_EQ(schema[0][5].i, 1);  // root: num_children counts top-level columns
  // optional group xs (LIST)
  EXPECT_FALSE(schema[1].has(1));  // a group has no physical type
  EXPECT_EQ(schema[1][3].i, 1);    // OPTIONAL
  EXPECT_EQ(schema[1][4].bin, "xs");
  EXPECT_EQ(schema[1][5].i, 1);
  EXPECT_EQ(schema[1][6].i, 3);       // ConvertedType LIST
  EXPECT_TRUE(schema[1][10].has(3));  // LogicalType LIST
  // repeated group list
  EXPECT_EQ(schema[2][3].i, 2);  // REPEATED
  EXPECT_EQ(schema[2][4].bin, "list");
  EXPECT_EQ(schema[2][5].i, 1);
  // optional int32 element
  EXPECT_EQ(schema[3][1].i, 1);  // INT32
  EXPECT_EQ(schema[3][3].i, 1);  // OPTIONAL
  EXPECT_EQ(schema[3][4].bin, "element");
  EXPECT_FALSE(schema[3].has(5));
  EXPECT_EQ(meta[7].list.size(), 1u);  // column_orders: one per leaf
  EXPECT_EQ(meta[3].i, 4);             // num_rows counts rows, not elements
  const TValue& md = meta[4].list[0][1].list[0][3];
  std::vector<std::string> path;
  for (const auto& p : md[3].list) path.push_back(p.bin);
  EXPECT_EQ(path, (std::vector<std::string>{"xs", "list", "element"}));
  EXPECT_EQ(md[5].i, 6);  // num_values: level entries (3 + 1 empty + 1 NULL + 1)
}

TEST(ListColumn, LevelsInGoldenBytes) {
  const std::string file = four_rows();
  TValue meta = testing::read_footer(file);
  const TValue& md = meta[4].list[0][1].list[0][3];
  auto p = pages(file, md);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].header[5][1].i, 6);  // DataPageHeader.num_values
  // Repetition levels 0 1 1 | 0 | 0 | 0, bit width 1: one bit-packed group (header 0x03),
  // LSB first 0b00000110; behind their 4-byte length.
  // Definition levels 3 2 3 | 1 | 0 | 3, bit width 2: one group, 3|2<<2|3<<4|1<<6 = 0x7B, then
  // 0|3<<2 = 0x0C.
  // Values: PLAIN INT32 1, 3, 4.
  const std::string want = bytes({2, 0, 0, 0, 0x03, 0x06,        //
                                  3, 0, 0, 0, 0x03, 0x7B, 0x0C,  //
                                  1, 0, 0, 0, 3,    0,    0,    0, 4, 0, 0, 0});
  EXPECT_EQ(p[0].body, want);
}

TEST(ListColumn, StatisticsAreTheElements) {
  const std::string file = four_rows();
  TValue meta = testing::read_footer(file);
  const TValue& stats = meta[4].list[0][1].list[0][3][12];
  EXPECT_EQ(stats[3].i, 3);  // null_count: entries without a value (NULL element, empty, NULL)
  EXPECT_EQ(stats[6].bin, bytes({1, 0, 0, 0}));
  EXPECT_EQ(stats[5].bin, bytes({4, 0, 0, 0}));
}

TEST(ListColumn, DictionaryEncodedElementsAndFlatColumnsBeside) {
  WriterOptions options;
  options.codec = Codec::Uncompressed;
  MemoryStream out;
  Column id;
  id.name = "id";
  id.physical = Physical::Int64;
  FileWriter w({id, list_of("tags", Physical::ByteArray, Logical::String)}, options, out);
  for (int r = 0; r < 1000; ++r) {
    w.append_int64(0, r);
    w.begin_list(1);
    for (int e = 0; e < r % 4; ++e) w.append_bytes(1, e % 2 ? "odd" : "even");
    w.end_list(1);
    w.end_row();
  }
  w.close();
  TValue meta = testing::read_footer(out.data);
  EXPECT_EQ(meta[2].list.size(), 5u);
  EXPECT_EQ(meta[2].list[0][5].i, 2);
  const TValue& md = meta[4].list[0][1].list[1][3];
  EXPECT_TRUE(md.has(11)) << "dictionary page";
  EXPECT_EQ(md[5].i, 250 + 1500);  // 250 empty lists, 1500 elements
}

TEST(ListColumn, PagesStartAtRowBoundaries) {
  WriterOptions options;
  options.codec = Codec::Uncompressed;
  options.dictionary = false;
  options.page_bytes = 64;  // a page every few rows, each row 7 elements
  MemoryStream out;
  FileWriter w({list_of("xs", Physical::Int64)}, options, out);
  for (int r = 0; r < 50; ++r) {
    w.begin_list(0);
    for (int e = 0; e < 7; ++e) w.append_int64(0, r * 10 + e);
    w.end_list(0);
    w.end_row();
  }
  w.close();
  TValue meta = testing::read_footer(out.data);
  auto p = pages(out.data, meta[4].list[0][1].list[0][3]);
  ASSERT_GT(p.size(), 5u);
  int64_t entries = 0;
  for (const Page& page : p) {
    EXPECT_EQ(page.header[5][1].i % 7, 0) << "a page holds whole rows";
    // The first repetition level (bit-packed or RLE, after the 4-byte length) is 0.
    const auto header = static_cast<uint8_t>(page.body[4]);
    if (header & 1)
      EXPECT_EQ(static_cast<uint8_t>(page.body[5]) & 1, 0);
    else
      EXPECT_EQ(page.body[5], 0);
    entries += page.header[5][1].i;
  }
  EXPECT_EQ(entries, 350);
}

TEST(ListColumn, ElementsOnlyInsideAList) {
  MemoryStream out;
  Column flat;
  flat.name = "n";
  flat.physical = Physical::Int32;
  FileWriter w({list_of("xs", Physical::Int32), flat}, {}, out);
  auto refused = [](auto&& call, const char* why) {
    try {
      call();
      ADD_FAILURE() << "accepted: " << why;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
  };
  refused([&] { w.append_int32(0, 1); }, "outside begin_list/end_list");
  refused([&] { w.end_list(0); }, "end_list without begin_list");
  refused([&] { w.begin_list(1); }, "not a LIST");
  w.begin_list(0);
  refused([&] { w.begin_list(0); }, "inside an open list");
  w.append_int32(0, 1);
  w.append_int32(1, 5);
  refused([&] { w.end_row(); }, "still open");
  w.end_list(0);
  w.end_row();
  w.append_null(0);  // a NULL list
  refused([&] { w.append_null(0); }, "second value");
  w.append_int32(1, 6);
  w.end_row();
  EXPECT_EQ(w.close().rows, 2u);
}

TEST(ListColumn, ARequiredListHasNoNullListLevel) {
  Column c = list_of("xs", Physical::Int32);
  c.repetition = Repetition::Required;
  EXPECT_EQ(c.max_definition_level(), 2);
  MemoryStream out;
  FileWriter w({c}, {.codec = Codec::Uncompressed, .dictionary = false}, out);
  w.begin_list(0);
  w.append_null(0);
  w.end_list(0);
  w.end_row();
  w.begin_list(0);
  w.end_list(0);
  w.end_row();
  EXPECT_THROW(w.append_null(0), Error);  // a NULL list in a REQUIRED column
  w.close();
  TValue meta = testing::read_footer(out.data);
  auto p = pages(out.data, meta[4].list[0][1].list[0][3]);
  // Repetition 0 | 0; definition 1 (NULL element) | 0 (empty), bit width 2.
  EXPECT_EQ(p[0].body.substr(0, 13), bytes({2, 0, 0, 0, 0x03, 0x00, 3, 0, 0, 0, 0x03, 0x01, 0x00}));
}

}  // namespace
}  // namespace snaplake::parquet
