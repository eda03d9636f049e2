#include "pg/binary_values.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "common/error.h"
#include "pg/numeric_send_test_util.h"

namespace snaplake::pg::binary {
namespace {

std::vector<uint8_t> numeric(int16_t weight, uint16_t sign, int16_t dscale,
                             std::vector<int16_t> digits) {
  return testing::numeric_send(weight, sign, dscale, std::move(digits));
}

Numeric decode(const std::vector<uint8_t>& bytes, int scale) {
  return numeric_unscaled(bytes.data(), int32_t(bytes.size()), scale);
}

TEST(Numeric, FiniteValuesBecomeUnscaledIntegers) {
  // 12345.67 = 1|2345|6700 with weight 1 → unscaled 1234567 at scale 2.
  auto v = decode(numeric(1, 0x0000, 2, {1, 2345, 6700}), 2);
  EXPECT_EQ(v.kind, NumericKind::Finite);
  EXPECT_EQ(int64_t(v.unscaled), 1234567);
  // -0.05 = digit 500 at weight -1 → -5 at scale 2.
  v = decode(numeric(-1, 0x4000, 2, {500}), 2);
  EXPECT_EQ(int64_t(v.unscaled), -5);
  // 0 has no digits.
  v = decode(numeric(0, 0x0000, 0, {}), 3);
  EXPECT_EQ(int64_t(v.unscaled), 0);
  // 1e20 = digit 1 at weight 5 → 10^20 at scale 0.
  v = decode(numeric(5, 0x0000, 0, {1}), 0);
  parquet::Int128 expected = 1;
  for (int i = 0; i < 20; ++i) expected *= 10;
  EXPECT_TRUE(v.unscaled == expected);
}

TEST(Numeric, SpecialValuesAreReported) {
  EXPECT_EQ(decode(numeric(0, 0xC000, 0, {}), 2).kind, NumericKind::NaN);
  EXPECT_EQ(decode(numeric(0, 0xD000, 0, {}), 2).kind, NumericKind::PosInfinity);
  EXPECT_EQ(decode(numeric(0, 0xF000, 0, {}), 2).kind, NumericKind::NegInfinity);
  EXPECT_EQ(decode(numeric(10, 0x0000, 0, {1}), 0).kind, NumericKind::TooLarge);  // 10^40
}

TEST(Dates, ShiftToTheUnixEpochAndReportInfinity) {
  std::vector<uint8_t> zero = {0, 0, 0, 0};
  EXPECT_EQ(date_unix_days(zero.data()), 10957);  // 2000-01-01
  std::vector<uint8_t> inf = {0x7f, 0xff, 0xff, 0xff};
  EXPECT_FALSE(date_unix_days(inf.data()).has_value());
  std::vector<uint8_t> ts_zero(8, 0);
  EXPECT_EQ(timestamp_unix_micros(ts_zero.data()), int64_t{946684800} * 1000000);
  std::vector<uint8_t> ts_ninf = {0x80, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_FALSE(timestamp_unix_micros(ts_ninf.data()).has_value());
  // 294276-12-31 23:59:59.999999, PostgreSQL's last timestamp, does not fit int64 from 1970.
  std::vector<uint8_t> ts_max = {0x7f, 0xff, 0xff, 0x5b, 0xb3, 0xb2, 0x9f, 0xff};
  EXPECT_FALSE(timestamp_unix_micros(ts_max.data()).has_value());
}

TEST(Scalars, NetworkByteOrder) {
  std::vector<uint8_t> b = {0xff, 0xfe};
  EXPECT_EQ(int2(b.data()), -2);
  std::vector<uint8_t> f = {0x3f, 0xc0, 0, 0};  // 1.5f
  EXPECT_EQ(float4(f.data()), 1.5f);
  std::vector<uint8_t> d = {0xc0, 0x04, 0, 0, 0, 0, 0, 0};  // -2.5
  EXPECT_EQ(float8(d.data()), -2.5);
}

// array_send's bytes, as PostgreSQL 15 sends them:
// SELECT array_send('{1,NULL}'::int4[]), array_send('{}'::int4[]),
//        array_send('{{1,2},{3,4}}'::int4[]).
const std::vector<uint8_t> kOneNull = {0,    0,    0,    1,   0, 0, 0, 1,
                                       0,    0,    0,    23,               // ndim, flags, oid
                                       0,    0,    0,    2,   0, 0, 0, 1,  // dim 2, lbound 1
                                       0,    0,    0,    4,   0, 0, 0, 1,  // 1
                                       0xff, 0xff, 0xff, 0xff};            // NULL
const std::vector<uint8_t> kEmpty = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 23};
const std::vector<uint8_t> kSquare = {0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 23,              //
                                      0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2,  0, 0, 0, 1,  //
                                      0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 4,  0, 0, 0, 2,  //
                                      0, 0, 0, 4, 0, 0, 0, 3, 0, 0, 0, 4,  0, 0, 0, 4};

std::vector<std::optional<int32_t>> elements(const std::vector<uint8_t>& bytes, int32_t& ndim) {
  ArrayReader array(bytes.data(), static_cast<int32_t>(bytes.size()));
  ndim = array.dimensions();
  std::vector<std::optional<int32_t>> out;
  ArrayReader::Element e;
  while (array.next(e)) {
    if (e.is_null()) {
      out.push_back(std::nullopt);
    } else {
      EXPECT_EQ(e.length, 4);
      out.push_back(int4(e.data));
    }
  }
  EXPECT_EQ(out.size(), array.size());
  return out;
}

TEST(Arrays, ElementsInRowMajorOrderWithNulls) {
  int32_t ndim = -1;
  EXPECT_EQ(elements(kOneNull, ndim), (std::vector<std::optional<int32_t>>{1, std::nullopt}));
  EXPECT_EQ(ndim, 1);
  EXPECT_TRUE(elements(kEmpty, ndim).empty());
  EXPECT_EQ(ndim, 0);
  EXPECT_EQ(elements(kSquare, ndim), (std::vector<std::optional<int32_t>>{1, 2, 3, 4}));
  EXPECT_EQ(ndim, 2);
}

TEST(Arrays, MalformedValuesAreSourceErrors) {
  auto refused = [](std::vector<uint8_t> bytes) {
    try {
      int32_t ndim;
      elements(bytes, ndim);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Source);
      return true;
    }
    return false;
  };
  EXPECT_TRUE(refused({0, 0, 0, 1}));  // shorter than the header
  auto cut = kOneNull;
  cut.pop_back();
  EXPECT_TRUE(refused(cut));  // the last element's length cut
  auto extra = kEmpty;
  extra.push_back(0);
  EXPECT_TRUE(refused(extra));  // bytes after the elements
  auto huge = kOneNull;
  huge[12] = 0x7f;  // a dimension of ~2^31 elements in 32 bytes
  EXPECT_TRUE(refused(huge));
  auto dims = kEmpty;
  dims[3] = 7;  // more than MAXDIM (6)
  EXPECT_TRUE(refused(dims));
  auto overlong = kOneNull;
  overlong[23] = 9;  // an element longer than what is left
  EXPECT_TRUE(refused(overlong));
}

}  // namespace
}  // namespace snaplake::pg::binary
