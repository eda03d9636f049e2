#include "mysql/batch_decoder.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "common/output_stream.h"

namespace snaplake::mysql {
namespace {

// Frames rows given as optional strings (nullopt = NULL).
std::vector<uint8_t> frame(const std::vector<std::vector<std::optional<std::string>>>& rows) {
  std::vector<uint8_t> out;
  for (const auto& row : rows) {
    std::vector<char*> fields;
    std::vector<unsigned long> lengths;
    for (const auto& f : row) {
      fields.push_back(f ? const_cast<char*>(f->data()) : nullptr);
      lengths.push_back(f ? f->size() : 0);
    }
    frame_row(out, fields.data(), lengths.data(), row.size());
  }
  return out;
}

TEST(MysqlRowFrames, KeepNullAndEmptyApart) {
  auto batch = frame({{std::string("ab"), std::nullopt, std::string("")},
                      {std::string("\0x", 2), std::string("z"), std::nullopt}});
  std::vector<Field> cells;
  ASSERT_EQ(unframe_rows(batch, 3, cells), 2u);
  ASSERT_EQ(cells.size(), 6u);
  EXPECT_EQ(cells[0].view(), "ab");
  EXPECT_TRUE(cells[1].is_null());
  EXPECT_FALSE(cells[2].is_null());
  EXPECT_EQ(cells[2].length, 0);
  EXPECT_EQ(cells[3].view(), std::string_view("\0x", 2));
  EXPECT_TRUE(cells[5].is_null());
  batch.pop_back();
  EXPECT_THROW(unframe_rows(batch, 3, cells), Error);
}

types::MysqlColumnMapping mapped(const char* name, const char* data_type, types::Profile profile,
                                 bool is_unsigned = false,
                                 const types::TypeOverrides& overrides = {}) {
  types::MysqlColumn c;
  c.name = name;
  c.data_type = data_type;
  c.is_unsigned = is_unsigned;
  return types::map_mysql_column(c, profile, overrides);
}

// The typed overrides that make TIME a time of day (TIME(MICROS)), where it is text by default.
types::TypeOverrides time_of_day() {
  types::TypeOverrides o;
  o.time = types::TimeAs::Time;
  return o;
}

TEST(MysqlBatchDecoder, CountsWhatATypedColumnCannotHoldAndRejectsWhatIsNotItsType) {
  BatchDecoder d({mapped("d", "date", types::Profile::Typed),
                  mapped("ts", "datetime", types::Profile::Typed),
                  mapped("t", "time", types::Profile::Typed, false, time_of_day()),
                  mapped("s", "varchar", types::Profile::Typed),
                  mapped("u", "bigint", types::Profile::Typed, true)});
  DiscardingStream out;
  parquet::FileWriter w(d.schema(), {}, out);
  auto batch = frame({
      {std::string("2024-02-29"), std::string("2024-02-29 01:02:03.5"), std::string("12:00:00"),
       std::string("ok"), std::string("18446744073709551615")},
      {std::string("0000-00-00"), std::string("0000-00-00 00:00:00"), std::string("-01:00:00"),
       std::string("caf\xE9"), std::nullopt},
      {std::string("2024-00-10"), std::nullopt, std::string("838:59:59"), std::string(""),
       std::string("0")},
  });
  std::vector<uint64_t> unrepresentable;
  EXPECT_EQ(d.append(w, batch, unrepresentable), 3u);
  EXPECT_EQ(unrepresentable, (std::vector<uint64_t>{2, 1, 2, 1, 0}));
  EXPECT_EQ(w.close().rows, 3u);

  BatchDecoder ints({mapped("i", "int", types::Profile::Rds)});
  DiscardingStream out2;
  parquet::FileWriter w2(ints.schema(), {}, out2);
  try {
    ints.append(w2, frame({{std::string("12x")}}), unrepresentable);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Source);
    EXPECT_NE(std::string(e.what()).find("column 'i'"), std::string::npos) << e.what();
  }
}

TEST(MysqlBatchDecoder, RdsKeepsZeroDatesAndNegativeTimesAsText) {
  BatchDecoder d({mapped("d", "date", types::Profile::Rds),
                  mapped("t", "time", types::Profile::Rds),
                  mapped("ts", "timestamp", types::Profile::Rds)});
  DiscardingStream out;
  parquet::FileWriter w(d.schema(), {}, out);
  std::vector<uint64_t> unrepresentable;
  d.append(w,
           frame({{std::string("0000-00-00"), std::string("-838:59:59.000000"),
                   std::string("0000-00-00 00:00:00")}}),
           unrepresentable);
  // DATE and TIME are strings in rds; TIMESTAMP is TIMESTAMP_MICROS there too.
  EXPECT_EQ(unrepresentable, (std::vector<uint64_t>{0, 0, 1}));
}

}  // namespace
}  // namespace snaplake::mysql
