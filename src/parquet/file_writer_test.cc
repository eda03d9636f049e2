// FileWriter: file structure, footer contents, encodings chosen, row-group cuts and the errors
// for values that do not fit. Values are read back by independent readers in tests/parquet;
// here the footer and page headers are decoded with a test-only Thrift reader.
#include "parquet/file_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <limits>
#include <string>

#include "common/error.h"
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

Column column(std::string name, Physical p, Logical l = Logical::None,
              Repetition r = Repetition::Optional) {
  Column c;
  c.name = std::move(name);
  c.physical = p;
  c.logical = l;
  c.repetition = r;
  return c;
}

// Page headers of one column chunk, decoded by walking the chunk from its first page.
std::vector<TValue> page_headers(const std::string& file, const TValue& meta_data) {
  int64_t start = meta_data.has(11) ? meta_data[11].i : meta_data[9].i;
  int64_t end = start + meta_data[7].i;
  std::vector<TValue> headers;
  const auto* base = reinterpret_cast<const uint8_t*>(file.data());
  int64_t pos = start;
  while (pos < end) {
    TReader r(base + pos, base + end);
    TValue h = r.read_struct();
    pos = (r.position() - base) + h[3].i;  // compressed_page_size
    headers.push_back(h);
  }
  EXPECT_EQ(pos, end) << "pages overrun the chunk";
  return headers;
}

std::vector<int64_t> ints(const TValue& list) {
  std::vector<int64_t> out;
  for (const auto& v : list.list) out.push_back(v.i);
  return out;
}

TEST(FileWriter, SmokeEveryTypeToDisk) {
  Column uuid = column("uuid", Physical::FixedLenByteArray, Logical::Uuid);
  uuid.type_length = 16;
  Column dec9 = column("dec9", Physical::Int32, Logical::Decimal);
  dec9.precision = 9;
  dec9.scale = 2;
  Column dec18 = column("dec18", Physical::Int64, Logical::Decimal, Repetition::Required);
  dec18.precision = 18;
  dec18.scale = 4;
  Column dec38 = column("dec38", Physical::FixedLenByteArray, Logical::Decimal);
  dec38.precision = 38;
  dec38.scale = 10;
  dec38.type_length = decimal_byte_width(38);
  Column tstz = column("tstz", Physical::Int64, Logical::TimestampMicros);
  tstz.utc_adjusted = true;
  Column fixed = column("fixed3", Physical::FixedLenByteArray);
  fixed.type_length = 3;
  Schema schema = {column("b", Physical::Boolean),
                   column("i32", Physical::Int32, Logical::None, Repetition::Required),
                   column("i16", Physical::Int32, Logical::Int16),
                   column("date", Physical::Int32, Logical::Date),
                   dec9,
                   column("i64", Physical::Int64),
                   dec18,
                   column("time", Physical::Int64, Logical::TimeMicros),
                   column("ts", Physical::Int64, Logical::TimestampMicros),
                   tstz,
                   column("f", Physical::Float),
                   column("d", Physical::Double),
                   column("s", Physical::ByteArray, Logical::String),
                   column("json", Physical::ByteArray, Logical::Json),
                   column("enum", Physical::ByteArray, Logical::Enum),
                   column("bin", Physical::ByteArray),
                   uuid,
                   dec38,
                   fixed};
  WriterOptions options;
  options.key_value_metadata = {{"snaplake.test", "yes"}};
  options.row_group_rows = 300;
  MemoryStream out;
  FileWriter w(schema, options, out);
  const int rows = 1000;
  for (int r = 0; r < rows; ++r) {
    size_t c = 0;
    auto maybe_null = [&](auto&& append) {
      if (r % 7 == 3 && schema[c].nullable())
        w.append_null(c);
      else
        append();
      ++c;
    };
    maybe_null([&] { w.append_bool(c, r % 3 == 0); });
    maybe_null([&] { w.append_int32(c, r - 500); });
    maybe_null([&] { w.append_int32(c, static_cast<int16_t>(r * 97)); });
    maybe_null([&] { w.append_int32(c, -719162 + r); });
    maybe_null([&] { w.append_decimal(c, Int128(r) * 12345 - 999999); });
    maybe_null([&] { w.append_int64(c, int64_t(r) << 40); });
    maybe_null([&] { w.append_decimal(c, -Int128(r) * 1000000007); });
    maybe_null([&] { w.append_int64(c, int64_t(r) * 86399999999 / rows); });
    maybe_null([&] { w.append_int64(c, -int64_t(r) * 1000000); });
    maybe_null([&] { w.append_int64(c, int64_t(r) * 1000000); });
    maybe_null([&] { w.append_float(c, r == 5 ? std::nanf("") : float(r) / 3); });
    maybe_null([&] { w.append_double(c, r == 6 ? -0.0 : double(r) * 1e300); });
    maybe_null([&] { w.append_bytes(c, "text-" + std::to_string(r % 50) + "-\xC3\xA9"); });
    maybe_null([&] { w.append_bytes(c, "{\"k\":" + std::to_string(r) + "}"); });
    maybe_null([&] { w.append_bytes(c, r % 2 ? "red" : "green"); });
    maybe_null([&] { w.append_bytes(c, std::string(r % 5, '\0')); });
    maybe_null([&] { w.append_bytes(c, std::string(16, static_cast<char>(r))); });
    maybe_null([&] {
      Int128 big = 1;
      for (int i = 0; i < 37; ++i) big *= 10;
      w.append_decimal(c, r % 2 ? big * 9 + r : -big * 9 - r);
    });
    maybe_null([&] { w.append_bytes(c, std::string("ab") + static_cast<char>('a' + r % 26)); });
    w.end_row();
  }
  FileStats stats = w.close();
  EXPECT_EQ(stats.rows, 1000u);
  EXPECT_EQ(stats.row_groups, 4u);
  EXPECT_EQ(stats.bytes, out.data.size());

  const char* path = "/tmp/snaplake-parquet-smoke.parquet";
  std::ofstream(path, std::ios::binary) << out.data;
  std::ifstream in(path, std::ios::binary);
  std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(file, out.data);

  TValue meta = testing::read_footer(file);
  EXPECT_EQ(meta[1].i, 1);     // version
  EXPECT_EQ(meta[3].i, 1000);  // num_rows
  ASSERT_EQ(meta[2].list.size(), schema.size() + 1);
  EXPECT_EQ(meta[2].list[0][4].bin, "schema");
  EXPECT_EQ(meta[2].list[0][5].i, static_cast<int64_t>(schema.size()));
  for (size_t i = 0; i < schema.size(); ++i) {
    const TValue& e = meta[2].list[i + 1];
    EXPECT_EQ(e[4].bin, schema[i].name);
    EXPECT_EQ(e[1].i, static_cast<int64_t>(schema[i].physical));
    EXPECT_EQ(e[3].i, static_cast<int64_t>(schema[i].repetition));
    EXPECT_EQ(e.has(10), schema[i].logical != Logical::None) << schema[i].name;
  }
  // Spot checks of the annotations: ConvertedType (6) and the LogicalType union (10).
  EXPECT_EQ(meta[2].list[3][6].i, 16);             // INT_16
  EXPECT_EQ(meta[2].list[3][10][10][1].i, 16);     // IntType.bitWidth
  EXPECT_EQ(meta[2].list[3][10][10][2].i, 1);      // isSigned
  EXPECT_EQ(meta[2].list[9][6].i, 10);             // TIMESTAMP_MICROS, local too
  EXPECT_EQ(meta[2].list[9][10][8][1].i, 0);       // isAdjustedToUTC = false
  EXPECT_EQ(meta[2].list[10][10][8][1].i, 1);      // tstz: isAdjustedToUTC = true
  EXPECT_TRUE(meta[2].list[10][10][8][2].has(2));  // unit MICROS
  EXPECT_EQ(meta[2].list[8][10][7][1].i, 0);       // TIME not adjusted
  EXPECT_EQ(meta[2].list[17][2].i, 16);            // UUID type_length
  EXPECT_FALSE(meta[2].list[17].has(6));           // UUID has no ConvertedType
  EXPECT_TRUE(meta[2].list[17][10].has(14));
  EXPECT_EQ(meta[2].list[18][10][5][2].i, 38);  // DecimalType.precision
  EXPECT_EQ(meta[2].list[18][8].i, 38);
  EXPECT_EQ(meta[2].list[18][7].i, 10);
  EXPECT_EQ(meta[6].bin, options.created_by);
  ASSERT_EQ(meta[5].list.size(), 1u);
  EXPECT_EQ(meta[5].list[0][1].bin, "snaplake.test");
  EXPECT_EQ(meta[5].list[0][2].bin, "yes");
  ASSERT_EQ(meta[7].list.size(), schema.size());  // column_orders
  EXPECT_TRUE(meta[7].list[0].has(1));

  // Row groups tile the file between the leading magic and the footer.
  ASSERT_EQ(meta[4].list.size(), 4u);
  int64_t expected_offset = 4, total_rows = 0;
  for (const TValue& rg : meta[4].list) {
    EXPECT_EQ(rg[5].i, expected_offset);
    ASSERT_EQ(rg[1].list.size(), schema.size());
    int64_t compressed = 0;
    for (size_t c = 0; c < schema.size(); ++c) {
      const TValue& md = rg[1].list[c][3];
      EXPECT_EQ(rg[1].list[c][2].i, expected_offset);  // file_offset: the chunk's first page
      EXPECT_EQ(md[1].i, static_cast<int64_t>(schema[c].physical));
      EXPECT_EQ(md[3].list[0].bin, schema[c].name);
      EXPECT_EQ(md[4].i, 1);  // SNAPPY
      EXPECT_EQ(md[5].i, rg[3].i);
      int64_t values = 0;
      for (const TValue& h : page_headers(file, md))
        if (h[1].i == 0) values += h[5][1].i;
      EXPECT_EQ(values, rg[3].i) << schema[c].name;
      expected_offset += md[7].i;
      compressed += md[7].i;
    }
    EXPECT_EQ(rg[6].i, compressed);
    total_rows += rg[3].i;
  }
  EXPECT_EQ(total_rows, 1000);
  uint32_t footer_length;
  std::memcpy(&footer_length, file.data() + file.size() - 8, 4);
  EXPECT_EQ(static_cast<uint64_t>(expected_offset) + footer_length + 8, file.size());

  // Statistics of the first row group (rows 0..299).
  const TValue& rg0 = meta[4].list[0][1];
  auto stat = [&](size_t c) { return rg0.list[c][3][12]; };
  auto le32 = [](int32_t v) { return std::string(reinterpret_cast<char*>(&v), 4); };
  EXPECT_EQ(stat(1)[6].bin, le32(-500));  // i32 min
  EXPECT_EQ(stat(1)[5].bin, le32(-201));  // i32 max
  EXPECT_EQ(stat(0)[3].i, 43);            // nulls among rows 0..299 with r % 7 == 3
  EXPECT_EQ(stat(12)[6].bin, "text-0-\xC3\xA9");
  EXPECT_EQ(stat(12)[5].bin, "text-9-\xC3\xA9");
  std::string minus_9e37(16, '\0');
  EXPECT_EQ(static_cast<uint8_t>(stat(17)[6].bin[0]) & 0x80, 0x80);  // decimal min negative
  EXPECT_EQ(static_cast<uint8_t>(stat(17)[5].bin[0]) & 0x80, 0);     // decimal max positive
}

TEST(FileWriter, EveryCodecWritesAValidFooter) {
  for (Codec codec : {Codec::Uncompressed, Codec::Snappy, Codec::Gzip, Codec::Zstd}) {
    WriterOptions options;
    options.codec = codec;
    options.compression_level = codec == Codec::Zstd ? 9 : 0;
    MemoryStream out;
    FileWriter w({column("s", Physical::ByteArray, Logical::String)}, options, out);
    for (int r = 0; r < 5000; ++r) {
      w.append_bytes(0, "value " + std::to_string(r));
      w.end_row();
    }
    w.close();
    TValue meta = testing::read_footer(out.data);
    const TValue& md = meta[4].list[0][1].list[0][3];
    EXPECT_EQ(md[4].i, static_cast<int64_t>(codec));
    for (const TValue& h : page_headers(out.data, md)) {
      if (codec == Codec::Uncompressed)
        EXPECT_EQ(h[2].i, h[3].i);
      else
        EXPECT_LT(h[3].i, h[2].i);
    }
    if (codec == Codec::Gzip) {
      // A gzip member (RFC 1952) starts with 1f 8b, not raw deflate.
      int64_t first = md[9].i;
      TReader r(reinterpret_cast<const uint8_t*>(out.data.data()) + first,
                reinterpret_cast<const uint8_t*>(out.data.data()) + out.data.size());
      r.read_struct();
      const uint8_t* body = r.position();
      EXPECT_EQ(body[0], 0x1F);
      EXPECT_EQ(body[1], 0x8B);
    }
  }
}

std::vector<int64_t> encodings(const TValue& md) {
  return ints(md[2]);
}

TEST(FileWriter, RepeatedValuesAreDictionaryEncoded) {
  MemoryStream out;
  FileWriter w({column("s", Physical::ByteArray, Logical::String)}, WriterOptions{}, out);
  for (int r = 0; r < 10000; ++r) {
    if (r % 10 == 0)
      w.append_null(0);
    else
      w.append_bytes(0, "category-" + std::to_string(r % 20));
    w.end_row();
  }
  w.close();
  const TValue md = testing::read_footer(out.data)[4].list[0][1].list[0][3];
  EXPECT_EQ(encodings(md), (std::vector<int64_t>{0, 3, 8}));  // PLAIN, RLE, RLE_DICTIONARY
  ASSERT_TRUE(md.has(11));
  auto pages = page_headers(out.data, md);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0][1].i, 2);      // DICTIONARY_PAGE
  EXPECT_EQ(pages[0][7][1].i, 18);  // r % 20 for r % 10 != 0: 18 entries
  EXPECT_EQ(pages[0][7][2].i, 0);   // PLAIN
  EXPECT_EQ(pages[1][5][2].i, 8);   // data page RLE_DICTIONARY
  EXPECT_EQ(pages[1][5][1].i, 10000);
  ASSERT_EQ(md[13].list.size(), 2u);  // encoding_stats: dictionary page, data pages
  EXPECT_EQ(md[13].list[0][1].i, 2);
  EXPECT_EQ(md[13].list[1][2].i, 8);
  EXPECT_EQ(md[13].list[1][3].i, 1);
  EXPECT_EQ(md[12][3].i, 1000);  // null_count
}

TEST(FileWriter, DictionaryOverflowFallsBackToPlain) {
  WriterOptions options;
  options.dictionary_bytes = 4000;
  options.page_bytes = 2000;
  MemoryStream out;
  FileWriter w({column("s", Physical::ByteArray, Logical::String, Repetition::Required)}, options,
               out);
  // Each value repeats 10 times in a row: the dictionary pays, but 1000 distinct values of
  // ~14 bytes outgrow 4000 bytes after about 250 entries.
  for (int r = 0; r < 10000; ++r) {
    w.append_bytes(0, "value-" + std::to_string(1000000 + r / 10));
    w.end_row();
  }
  w.close();
  const TValue md = testing::read_footer(out.data)[4].list[0][1].list[0][3];
  EXPECT_EQ(encodings(md), (std::vector<int64_t>{0, 3, 8}));
  auto pages = page_headers(out.data, md);
  ASSERT_GE(pages.size(), 3u);
  EXPECT_EQ(pages[0][1].i, 2);
  EXPECT_LE(pages[0][3].i, 4100);
  int64_t dict_values = 0, plain_values = 0, dict_pages = 0, plain_pages = 0;
  for (size_t i = 1; i < pages.size(); ++i) {
    EXPECT_EQ(pages[i][1].i, 0);
    if (pages[i][5][2].i == 8) {
      EXPECT_EQ(plain_pages, 0) << "dictionary pages must precede the PLAIN fallback";
      dict_values += pages[i][5][1].i;
      ++dict_pages;
    } else {
      EXPECT_EQ(pages[i][5][2].i, 0);
      plain_values += pages[i][5][1].i;
      ++plain_pages;
    }
  }
  EXPECT_GT(dict_values, 0);
  EXPECT_GT(plain_values, 0);
  EXPECT_EQ(dict_values + plain_values, 10000);
  // encoding_stats counts both kinds of data page.
  ASSERT_EQ(md[13].list.size(), 3u);
  EXPECT_EQ(md[13].list[1][3].i, dict_pages);
  EXPECT_EQ(md[13].list[2][3].i, plain_pages);
  // Statistics cover the values of both parts.
  EXPECT_EQ(md[12][6].bin, "value-1000000");
  EXPECT_EQ(md[12][5].bin, "value-1000999");
}

TEST(FileWriter, TheDictionaryChoiceDoesNotDependOnThePageSize) {
  // 20000 distinct values, each 10 times: the first small page is all distinct, the chunk is not.
  WriterOptions options;
  options.page_bytes = 4096;
  MemoryStream out;
  FileWriter w({column("x", Physical::Int64, Logical::None, Repetition::Required)}, options, out);
  for (int r = 0; r < 200000; ++r) {
    w.append_int64(0, (int64_t(r) * 7919) % 20000);
    w.end_row();
  }
  w.close();
  const TValue md = testing::read_footer(out.data)[4].list[0][1].list[0][3];
  EXPECT_EQ(encodings(md), (std::vector<int64_t>{0, 3, 8}));
  auto pages = page_headers(out.data, md);
  EXPECT_GT(pages.size(), 10u);
  EXPECT_EQ(pages[0][7][1].i, 20000);
}

TEST(FileWriter, UniqueValuesAbandonTheDictionary) {
  MemoryStream out;
  FileWriter w({column("id", Physical::Int64)}, WriterOptions{}, out);
  for (int r = 0; r < 100000; ++r) {
    if (r % 100 == 0)
      w.append_null(0);
    else
      w.append_int64(0, r * 3);
    w.end_row();
  }
  w.close();
  const TValue md = testing::read_footer(out.data)[4].list[0][1].list[0][3];
  EXPECT_EQ(encodings(md), (std::vector<int64_t>{0, 3}));
  EXPECT_FALSE(md.has(11));
  int64_t values = 0;
  for (const TValue& h : page_headers(out.data, md)) {
    EXPECT_EQ(h[5][2].i, 0);
    values += h[5][1].i;
  }
  EXPECT_EQ(values, 100000);
  EXPECT_EQ(md[12][3].i, 1000);
  int64_t min, max;
  std::memcpy(&min, md[12][6].bin.data(), 8);
  std::memcpy(&max, md[12][5].bin.data(), 8);
  EXPECT_EQ(min, 3);
  EXPECT_EQ(max, 99999 * 3);
}

TEST(FileWriter, FixedLenByteArraysOfWordWidthAreDictionaryEncoded) {
  for (int width : {4, 8, 16}) {
    Column c = column("f", Physical::FixedLenByteArray);
    c.type_length = width;
    MemoryStream out;
    FileWriter w({c}, WriterOptions{}, out);
    for (int r = 0; r < 1000; ++r) {
      w.append_bytes(0, std::string(width, static_cast<char>('a' + r % 3)));
      w.end_row();
    }
    w.close();
    const TValue md = testing::read_footer(out.data)[4].list[0][1].list[0][3];
    EXPECT_EQ(encodings(md), (std::vector<int64_t>{0, 3, 8})) << width;
    EXPECT_EQ(page_headers(out.data, md)[0][7][1].i, 3) << width;
    EXPECT_EQ(md[12][5].bin, std::string(width, 'c'));
  }
}

TEST(FileWriter, PagesOfTinyIndicesAreCutByValueCount) {
  WriterOptions options;
  options.row_group_rows = 3'000'000;
  MemoryStream out;
  FileWriter w({column("x", Physical::Int32, Logical::None, Repetition::Required)}, options, out);
  for (int r = 0; r < 2'500'000; ++r) {
    w.append_int32(0, 7);
    w.end_row();
  }
  w.close();
  const TValue md = testing::read_footer(out.data)[4].list[0][1].list[0][3];
  std::vector<int64_t> counts;
  for (const TValue& h : page_headers(out.data, md))
    if (h[1].i == 0) counts.push_back(h[5][1].i);
  EXPECT_EQ(counts, (std::vector<int64_t>{1 << 20, 1 << 20, 2'500'000 - 2 * (1 << 20)}));
}

TEST(FileWriter, BooleansAreNeverDictionaryEncoded) {
  MemoryStream out;
  FileWriter w({column("b", Physical::Boolean)}, WriterOptions{}, out);
  for (int r = 0; r < 1000; ++r) {
    w.append_bool(0, true);
    w.end_row();
  }
  w.close();
  const TValue md = testing::read_footer(out.data)[4].list[0][1].list[0][3];
  EXPECT_EQ(encodings(md), (std::vector<int64_t>{0, 3}));
}

TEST(FileWriter, RowGroupsCutByRowsAndBytes) {
  WriterOptions by_rows;
  by_rows.row_group_rows = 100;
  MemoryStream a;
  FileWriter wa({column("x", Physical::Int32)}, by_rows, a);
  for (int r = 0; r < 250; ++r) {
    wa.append_int32(0, r);
    wa.end_row();
  }
  EXPECT_EQ(wa.close().row_groups, 3u);
  std::vector<int64_t> rows;
  // The footer outlives the loop (a range-for over a member of a temporary would not).
  const TValue footer = testing::read_footer(a.data);
  for (const TValue& rg : footer[4].list) rows.push_back(rg[3].i);
  EXPECT_EQ(rows, (std::vector<int64_t>{100, 100, 50}));

  WriterOptions by_bytes;
  by_bytes.row_group_bytes = 100000;
  by_bytes.codec = Codec::Uncompressed;
  MemoryStream b;
  FileWriter wb({column("s", Physical::ByteArray)}, by_bytes, b);
  std::string big(1000, 'x');
  for (int r = 0; r < 1000; ++r) {
    big[r % 1000] = 'y';
    wb.append_bytes(0, big);
    wb.end_row();
  }
  FileStats s = wb.close();
  EXPECT_GE(s.row_groups, 9u);
  EXPECT_LE(s.row_groups, 12u);
  EXPECT_EQ(testing::read_footer(b.data)[3].i, 1000);
}

TEST(FileWriter, EmptyFileHasAFooterAndNoRowGroups) {
  MemoryStream out;
  FileWriter w({column("x", Physical::Int32)}, WriterOptions{}, out);
  FileStats s = w.close();
  EXPECT_EQ(s.rows, 0u);
  EXPECT_EQ(s.row_groups, 0u);
  TValue meta = testing::read_footer(out.data);
  EXPECT_EQ(meta[3].i, 0);
  EXPECT_TRUE(meta[4].list.empty());
}

void expect_invalid(const std::function<void()>& f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one mentioning " << needle;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(FileWriter, RejectsValuesThatDoNotFitAndStaysUsable) {
  Column uuid = column("u", Physical::FixedLenByteArray, Logical::Uuid);
  uuid.type_length = 16;
  Column dec = column("price", Physical::Int32, Logical::Decimal);
  dec.precision = 5;
  dec.scale = 2;
  Column wide = column("big", Physical::FixedLenByteArray, Logical::Decimal);
  wide.precision = 38;
  wide.type_length = 16;
  Schema schema = {column("id", Physical::Int64, Logical::None, Repetition::Required), uuid, dec,
                   column("small", Physical::Int32, Logical::Int16), wide};
  MemoryStream out;
  FileWriter w(schema, WriterOptions{}, out);
  expect_invalid([&] { w.append_int32(0, 1); }, "'id'");
  expect_invalid([&] { w.append_null(0); }, "REQUIRED");
  w.append_int64(0, 1);
  expect_invalid([&] { w.append_int64(0, 2); }, "second value");
  expect_invalid([&] { w.append_bytes(1, "short"); }, "'u'");
  w.append_bytes(1, std::string(16, 'u'));
  expect_invalid([&] { w.append_decimal(2, 100000); }, "DECIMAL(5,2)");
  expect_invalid([&] { w.append_int32(2, -100000); }, "'price'");
  w.append_decimal(2, -99999);
  expect_invalid([&] { w.append_int32(3, 40000); }, "'small'");
  w.append_int32(3, -32768);
  Int128 ten38 = 1;
  for (int i = 0; i < 38; ++i) ten38 *= 10;
  expect_invalid([&] { w.append_decimal(4, ten38); }, "'big'");
  w.append_decimal(4, ten38 - 1);
  expect_invalid([&] { w.append_double(9, 1.0); }, "column 9");
  w.end_row();
  w.append_int64(0, 2);
  expect_invalid([&] { w.end_row(); }, "'u'");
  for (size_t c = 1; c < schema.size(); ++c) w.append_null(c);
  w.end_row();
  FileStats s = w.close();
  EXPECT_EQ(s.rows, 2u);
  EXPECT_EQ(testing::read_footer(out.data)[3].i, 2);
  expect_invalid([&] { w.append_int64(0, 3); }, "closed");
  expect_invalid([&] { w.close(); }, "closed");
}

TEST(FileWriter, ColumnMajorBatchesWriteTheSameFileAsRows) {
  // begin_rows/end_rows with prefetch hints must not change a byte of the file: same pages,
  // same dictionary decisions, same row groups (cut at a batch end here, as rows are 250 each).
  Schema schema = {column("id", Physical::Int64),
                   column("cat", Physical::ByteArray, Logical::String),
                   column("n", Physical::Int32)};
  WriterOptions options;
  options.row_group_rows = 1000;
  auto value = [](size_t c, int r) -> std::string {
    if (c == 1) return r % 7 == 0 ? "" : "category-" + std::to_string(r % 30);
    return std::to_string(c == 0 ? r * 7919 : r % 100);
  };
  auto append = [&](FileWriter& w, size_t c, int r) {
    if (static_cast<size_t>(r % 11) == c) return w.append_null(c);
    if (c == 0) return w.append_int64(0, int64_t{r} * 7919);
    if (c == 1) return w.append_bytes(1, value(1, r));
    w.append_int32(2, r % 100);
  };
  MemoryStream rows, batches;
  {
    FileWriter w(schema, options, rows);
    for (int r = 0; r < 5000; ++r) {
      for (size_t c = 0; c < schema.size(); ++c) append(w, c, r);
      w.end_row();
    }
    w.close();
  }
  {
    FileWriter w(schema, options, batches);
    for (int first = 0; first < 5000; first += 250) {
      w.begin_rows(250);
      for (size_t c = 0; c < schema.size(); ++c) {
        for (int r = first; r < first + 250; ++r) {
          if (r + 8 < first + 250) {
            if (c == 0) w.prefetch_int64(0, int64_t{r + 8} * 7919);
            if (c == 1) w.prefetch_bytes(1, value(1, r + 8));
            if (c == 2) w.prefetch_int32(2, (r + 8) % 100);
          }
          append(w, c, r);
        }
      }
      w.end_rows();
    }
    EXPECT_EQ(w.close().row_groups, 5u);
  }
  EXPECT_EQ(batches.data, rows.data);
}

TEST(FileWriter, ColumnMajorBatchesCheckTheirCounts) {
  MemoryStream out;
  FileWriter w({column("a", Physical::Int32), column("b", Physical::Int32)}, WriterOptions{}, out);
  expect_invalid([&] { w.begin_rows(0); }, "0 rows");
  w.begin_rows(2);
  w.append_int32(0, 1);
  w.append_int32(0, 2);
  expect_invalid([&] { w.append_int32(0, 3); }, "one value more than the 2 rows begun");
  w.append_int32(1, 1);
  expect_invalid([&] { w.end_rows(); }, "row 2 of column 'b'");  // b has 1 of its 2 values
  w.append_int32(1, 2);
  w.end_rows();
  w.append_int32(0, 3);
  expect_invalid([&] { w.begin_rows(4); }, "rows begun inside a row");
  w.append_int32(1, 3);
  w.end_row();
  EXPECT_EQ(w.close().rows, 3u);
}

TEST(FileWriter, AFailedStreamLeavesTheWriterRefusingEverything) {
  class FailingStream : public MemoryStream {
   public:
    void write(std::span<const uint8_t>) override {
      throw Error(ErrorKind::Io, "cannot write 'x': No space left on device");
    }
  };
  WriterOptions options;
  options.row_group_rows = 2;
  FailingStream out;
  FileWriter w({column("x", Physical::Int32)}, options, out);
  w.append_int32(0, 1);
  w.end_row();
  w.append_int32(0, 2);
  try {
    w.end_row();  // the row group is due: the stream throws
    ADD_FAILURE() << "no error from the stream";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Io);
  }
  expect_invalid([&] { w.append_int32(0, 3); }, "broken");
  expect_invalid([&] { w.close(); }, "broken");
}

TEST(FileWriter, RejectsInvalidSchemas) {
  MemoryStream out;
  Column uuid = column("u", Physical::FixedLenByteArray, Logical::Uuid);
  uuid.type_length = 15;
  expect_invalid([&] { FileWriter({uuid}, WriterOptions{}, out); }, "UUID");
  Column dec = column("d", Physical::Int64, Logical::Decimal);
  dec.precision = 19;
  expect_invalid([&] { FileWriter({dec}, WriterOptions{}, out); }, "'d'");
  Column narrow = column("n", Physical::FixedLenByteArray, Logical::Decimal);
  narrow.precision = 10;
  narrow.type_length = 4;
  expect_invalid([&] { FileWriter({narrow}, WriterOptions{}, out); }, "too narrow");
  expect_invalid(
      [&] {
        FileWriter({column("a", Physical::Int32), column("a", Physical::Int32)}, WriterOptions{},
                   out);
      },
      "twice");
  expect_invalid([&] { FileWriter(Schema{}, WriterOptions{}, out); }, "without columns");
  EXPECT_TRUE(out.data.empty());  // nothing written by a constructor
}

TEST(Schema, DecimalByteWidth) {
  EXPECT_EQ(decimal_byte_width(1), 1);
  EXPECT_EQ(decimal_byte_width(2), 1);  // 99 < 127
  EXPECT_EQ(decimal_byte_width(3), 2);  // 999 > 127
  EXPECT_EQ(decimal_byte_width(9), 4);
  EXPECT_EQ(decimal_byte_width(10), 5);
  EXPECT_EQ(decimal_byte_width(18), 8);
  EXPECT_EQ(decimal_byte_width(19), 9);
  EXPECT_EQ(decimal_byte_width(38), 16);
}

TEST(Options, ParseCodec) {
  EXPECT_EQ(parse_codec("snappy"), Codec::Snappy);
  EXPECT_EQ(parse_codec("gzip"), Codec::Gzip);
  EXPECT_EQ(parse_codec("zstd"), Codec::Zstd);
  EXPECT_EQ(parse_codec("none"), Codec::Uncompressed);
  EXPECT_STREQ(codec_file_infix(Codec::Gzip), "gz");
  EXPECT_STREQ(codec_file_infix(Codec::Uncompressed), "");
  expect_invalid([] { parse_codec("lz4"); }, "lz4");
  expect_invalid([] { parse_codec("uncompressed"); }, "expected snappy, gzip, zstd or none");
}

// One name per codec, and the name reads back as its codec.
TEST(Options, EveryCodecHasOneName) {
  for (Codec c : {Codec::Uncompressed, Codec::Snappy, Codec::Gzip, Codec::Zstd}) {
    EXPECT_NE(to_string(c), "?");
    EXPECT_EQ(parse_codec(to_string(c)), c);
  }
  EXPECT_EQ(kCodecNames.names(), (std::vector<std::string>{"snappy", "gzip", "zstd", "none"}));
}

}  // namespace
}  // namespace snaplake::parquet
