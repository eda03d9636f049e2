// Statistics per type and sort order (parquet.thrift ColumnOrder / LogicalTypes.md sort orders).
#include "parquet/statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace snaplake::parquet {
namespace {

template <typename T>
std::string le(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));
  return s;
}

Column col(Physical p, Logical l = Logical::None) {
  Column c;
  c.name = "c";
  c.physical = p;
  c.logical = l;
  return c;
}

TEST(Statistics, Int32IsSignedAndLegacyFieldsAgree) {
  StatisticsCollector s(col(Physical::Int32, Logical::Date), 256);
  s.add_int32(-5);
  s.add_int32(3);
  s.add_int32(-100);
  s.add_null();
  Statistics st = s.finish();
  EXPECT_EQ(st.min_value, le<int32_t>(-100));
  EXPECT_EQ(st.max_value, le<int32_t>(3));
  EXPECT_EQ(st.min, st.min_value);
  EXPECT_EQ(st.max, st.max_value);
  EXPECT_EQ(st.null_count, 1);
}

TEST(Statistics, Int64Extremes) {
  StatisticsCollector s(col(Physical::Int64, Logical::TimestampMicros), 256);
  s.add_int64(std::numeric_limits<int64_t>::max());
  s.add_int64(std::numeric_limits<int64_t>::min());
  s.add_int64(0);
  Statistics st = s.finish();
  EXPECT_EQ(st.min_value, le(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(st.max_value, le(std::numeric_limits<int64_t>::max()));
  EXPECT_EQ(st.null_count, 0);
}

TEST(Statistics, OnlyNullsGiveNoMinMax) {
  StatisticsCollector s(col(Physical::Int64), 256);
  s.add_null();
  s.add_null();
  Statistics st = s.finish();
  EXPECT_FALSE(st.min_value);
  EXPECT_FALSE(st.max_value);
  EXPECT_EQ(st.null_count, 2);
}

TEST(Statistics, DoubleExcludesNaN) {
  StatisticsCollector s(col(Physical::Double), 256);
  s.add_double(std::nan(""));
  s.add_double(2.5);
  s.add_double(-std::numeric_limits<double>::infinity());
  s.add_double(std::nan(""));
  Statistics st = s.finish();
  EXPECT_EQ(st.min_value, le(-std::numeric_limits<double>::infinity()));
  EXPECT_EQ(st.max_value, le(2.5));
}

TEST(Statistics, AllNaNGivesNoMinMax) {
  StatisticsCollector s(col(Physical::Float), 256);
  s.add_float(std::nanf(""));
  s.add_float(std::nanf(""));
  Statistics st = s.finish();
  EXPECT_FALSE(st.min_value);
  EXPECT_FALSE(st.max_value);
  EXPECT_FALSE(st.min);
}

TEST(Statistics, ZeroBoundsAreMinusZeroForMinAndPlusZeroForMax) {
  StatisticsCollector pos(col(Physical::Double), 256);
  pos.add_double(+0.0);
  pos.add_double(1.0);
  Statistics a = pos.finish();
  EXPECT_EQ(a.min_value, le(-0.0));  // a +0.0 minimum is written as -0.0
  EXPECT_EQ(a.max_value, le(1.0));

  StatisticsCollector neg(col(Physical::Float), 256);
  neg.add_float(-0.0f);
  neg.add_float(-1.0f);
  Statistics b = neg.finish();
  EXPECT_EQ(b.min_value, le(-1.0f));
  EXPECT_EQ(b.max_value, le(+0.0f));  // a -0.0 maximum is written as +0.0

  StatisticsCollector only(col(Physical::Double), 256);
  only.add_double(-0.0);
  Statistics c = only.finish();
  EXPECT_EQ(c.min_value, le(-0.0));
  EXPECT_EQ(c.max_value, le(+0.0));
}

TEST(Statistics, BooleanFalseBeforeTrue) {
  StatisticsCollector s(col(Physical::Boolean), 256);
  s.add_bool(true);
  Statistics only_true = s.finish();
  EXPECT_EQ(only_true.min_value, std::string(1, '\1'));
  EXPECT_EQ(only_true.max_value, std::string(1, '\1'));
  s.add_bool(false);
  Statistics both = s.finish();
  EXPECT_EQ(both.min_value, std::string(1, '\0'));
  EXPECT_EQ(both.max_value, std::string(1, '\1'));
}

TEST(Statistics, StringsCompareAsUnsignedBytes) {
  StatisticsCollector s(col(Physical::ByteArray, Logical::String), 256);
  s.add_bytes("z");
  s.add_bytes("\xC3\xA9t\xC3\xA9");  // "été": 0xC3 > 'z' unsigned (it is negative signed)
  s.add_bytes("");
  s.add_bytes("a");
  Statistics st = s.finish();
  EXPECT_EQ(st.min_value, "");
  EXPECT_EQ(st.max_value, "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(st.is_max_value_exact, true);
  // The deprecated fields used signed byte order; they are not written for byte arrays.
  EXPECT_FALSE(st.min);
  EXPECT_FALSE(st.max);
}

TEST(Statistics, UuidComparesAsUnsignedBytes) {
  StatisticsCollector s(col(Physical::FixedLenByteArray, Logical::Uuid), 256);
  std::string high(16, '\xFF'), low(16, '\x00'), mid(16, '\x7F');
  s.add_bytes(mid);
  s.add_bytes(high);
  s.add_bytes(low);
  Statistics st = s.finish();
  EXPECT_EQ(st.min_value, low);
  EXPECT_EQ(st.max_value, high);
}

TEST(Statistics, FixedDecimalComparesAsSignedBigEndian) {
  Column c = col(Physical::FixedLenByteArray, Logical::Decimal);
  c.type_length = 2;
  c.precision = 4;
  StatisticsCollector s(c, 256);
  s.add_bytes(std::string("\x00\x01", 2));  // 1
  s.add_bytes(std::string("\xFF\xFF", 2));  // -1
  s.add_bytes(std::string("\x80\x00", 2));  // -32768
  s.add_bytes(std::string("\x7F\xFF", 2));  // 32767
  s.add_bytes(std::string("\xFF\x00", 2));  // -256
  Statistics st = s.finish();
  EXPECT_EQ(st.min_value, std::string("\x80\x00", 2));
  EXPECT_EQ(st.max_value, std::string("\x7F\xFF", 2));
}

TEST(Statistics, LongStringsAreTruncatedAndMarkedInexact) {
  StatisticsCollector s(col(Physical::ByteArray, Logical::String), 16);
  s.add_bytes(std::string(1000, 'a'));
  s.add_bytes(std::string(1000, 'b'));
  Statistics st = s.finish();
  EXPECT_EQ(st.min_value, std::string(16, 'a'));
  EXPECT_EQ(st.is_min_value_exact, false);
  EXPECT_EQ(st.max_value, std::string(15, 'b') + "c");
  EXPECT_EQ(st.is_max_value_exact, false);
}

TEST(Statistics, TruncationKeepsUtf8CharactersWhole) {
  std::string e_acute = "\xC3\xA9";  // U+00E9
  std::string value;
  for (int i = 0; i < 20; ++i) value += e_acute;
  EXPECT_EQ(truncate_min(value, 5, true), e_acute + e_acute);  // cut at byte 4, not 5
  std::string max;
  ASSERT_TRUE(truncate_max(value, 5, true, max));
  EXPECT_EQ(max, e_acute + "\xC3\xAA");  // last character incremented to U+00EA
  // U+007F + 1 = U+0080 grows to two bytes and still sorts above the prefix.
  ASSERT_TRUE(truncate_max(std::string(10, '\x7F'), 3, true, max));
  EXPECT_EQ(max, "\x7F\x7F\xC2\x80");
  // The largest code point cannot be incremented: the previous character is.
  std::string top = "a\xF4\x8F\xBF\xBF\xF4\x8F\xBF\xBF";
  ASSERT_TRUE(truncate_max(top, 5, true, max));
  EXPECT_EQ(max, "b");
}

TEST(Statistics, UnboundedBinaryMaxIsOmitted) {
  StatisticsCollector s(col(Physical::ByteArray), 4);
  s.add_bytes(std::string(10, '\xFF'));
  Statistics st = s.finish();
  EXPECT_EQ(st.min_value, std::string(4, '\xFF'));
  EXPECT_FALSE(st.max_value);
  std::string max;
  ASSERT_TRUE(truncate_max(std::string("ab\xFF\xFF\xFF", 5), 4, false, max));
  EXPECT_EQ(max, "ac");
}

TEST(Statistics, ResetStartsANewChunk) {
  StatisticsCollector s(col(Physical::Int32), 256);
  s.add_int32(5);
  s.add_null();
  s.reset();
  s.add_int32(7);
  Statistics st = s.finish();
  EXPECT_EQ(st.min_value, le<int32_t>(7));
  EXPECT_EQ(st.null_count, 0);
}

}  // namespace
}  // namespace snaplake::parquet
