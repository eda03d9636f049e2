#include "mysql/text_values.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>

#include "mysql/connection.h"
#include "mysql/test_server.h"

namespace snaplake::mysql::text {
namespace {

using parquet::Int128;

TEST(MysqlText, Integers) {
  EXPECT_EQ(parse_int64("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(parse_int64("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(parse_int64("0"), 0);
  EXPECT_FALSE(parse_int64("9223372036854775808"));
  EXPECT_FALSE(parse_int64(""));
  EXPECT_FALSE(parse_int64("12a"));
}

TEST(MysqlText, Decimals) {
  EXPECT_EQ(parse_decimal("-123.450", 3), Int128{-123450});
  EXPECT_EQ(parse_decimal("0.000", 3), Int128{0});
  EXPECT_EQ(parse_decimal("7", 2), Int128{700});
  EXPECT_EQ(parse_decimal("18446744073709551615", 0), Int128{18446744073709551615ull});
  Int128 max38 = 0;
  for (int i = 0; i < 38; ++i) max38 = max38 * 10 + 9;
  EXPECT_EQ(parse_decimal("9999999999999999999999999999.9999999999", 10), max38);
  EXPECT_EQ(parse_decimal("-9999999999999999999999999999.9999999999", 10), -max38);
  EXPECT_FALSE(parse_decimal("1.2345", 3));  // more digits than the scale
  EXPECT_FALSE(parse_decimal("100000000000000000000000000000000000000", 0));  // 39 digits
  EXPECT_FALSE(parse_decimal("", 0));
  EXPECT_FALSE(parse_decimal("1e5", 0));
}

TEST(MysqlText, Doubles) {
  EXPECT_EQ(parse_double("0.30000000000000004"), 0.1 + 0.2);
  EXPECT_EQ(parse_double("-2.2250738585072014e-308"), -2.2250738585072014e-308);
  EXPECT_EQ(parse_double("1.7976931348623157e308"), 1.7976931348623157e308);
  EXPECT_TRUE(std::signbit(*parse_double("-0")));
  EXPECT_FALSE(parse_double("x"));
}

TEST(MysqlText, DatesAndTheirZeroForms) {
  EXPECT_EQ(parse_date("1970-01-01"), 0);
  EXPECT_EQ(parse_date("1969-12-31"), -1);
  EXPECT_EQ(parse_date("2024-02-29"), 19782);
  EXPECT_EQ(parse_date("1000-01-01"), -354285);
  EXPECT_EQ(parse_date("9999-12-31"), 2932896);
  EXPECT_EQ(parse_date("0001-01-01"), -719162);
  EXPECT_FALSE(parse_date("0000-00-00"));  // the zero date
  EXPECT_FALSE(parse_date("2024-00-15"));  // zero month
  EXPECT_FALSE(parse_date("2024-05-00"));  // zero day
  EXPECT_FALSE(parse_date("0000-05-15"));  // year zero (no such year in the Gregorian calendar)
  EXPECT_FALSE(parse_date("2023-02-29"));  // ALLOW_INVALID_DATES lets this in
  EXPECT_FALSE(parse_date("2024-04-31"));
  EXPECT_FALSE(parse_date("2024-1-01"));
}

TEST(MysqlText, Datetimes) {
  EXPECT_EQ(parse_datetime("1970-01-01 00:00:00"), 0);
  EXPECT_EQ(parse_datetime("1970-01-01 00:00:01.5"), 1'500'000);
  EXPECT_EQ(parse_datetime("1969-12-31 23:59:59.999999"), -1);
  EXPECT_EQ(parse_datetime("2038-01-19 03:14:07.000000"), int64_t{2147483647} * 1'000'000);
  EXPECT_EQ(parse_datetime("9999-12-31 23:59:59.999999"), int64_t{253402300799999999});
  EXPECT_FALSE(parse_datetime("0000-00-00 00:00:00"));
  EXPECT_FALSE(parse_datetime("2024-00-01 10:00:00"));
  EXPECT_FALSE(parse_datetime("2024-01-01 24:00:00"));
  EXPECT_FALSE(parse_datetime("2024-01-01 10:00:00."));
  EXPECT_FALSE(parse_datetime("2024-01-01 10:00:00.1234567"));
}

TEST(MysqlText, TimesAreSignedDurations) {
  EXPECT_EQ(parse_time("00:00:00"), 0);
  EXPECT_EQ(parse_time("23:59:59.999999"), kMicrosPerDay - 1);
  EXPECT_EQ(parse_time("838:59:59.000000"), int64_t{3020399} * 1'000'000);
  EXPECT_EQ(parse_time("-838:59:59"), int64_t{-3020399} * 1'000'000);
  EXPECT_EQ(parse_time("-00:00:01.5"), -1'500'000);
  EXPECT_EQ(parse_time("24:00:00"), kMicrosPerDay);
  EXPECT_FALSE(parse_time("1:2:3"));
  EXPECT_FALSE(parse_time(""));
}

TEST(MysqlText, UuidsAreTheirSixteenBytes) {
  auto u = parse_uuid("0123abcd-45EF-6789-abcd-ef0123456789");
  ASSERT_TRUE(u);
  EXPECT_EQ(*u, (std::array<uint8_t, 16>{0x01, 0x23, 0xab, 0xcd, 0x45, 0xef, 0x67, 0x89, 0xab, 0xcd,
                                         0xef, 0x01, 0x23, 0x45, 0x67, 0x89}));
  EXPECT_FALSE(parse_uuid("0123abcd45ef6789abcdef0123456789"));      // no dashes
  EXPECT_FALSE(parse_uuid("0123abcd-45ef-6789-abcd-ef012345678g"));  // not hex
  EXPECT_FALSE(parse_uuid("0123abcd-45ef-6789-abcd-ef01234567"));    // short
  EXPECT_FALSE(parse_uuid("0123abcd-45ef-6789+abcd-ef0123456789"));  // a wrong separator
}

TEST(MysqlText, Utf8Validity) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii, long enough for the 8-byte path"));
  EXPECT_TRUE(is_valid_utf8("é € 😀 \xF4\x8F\xBF\xBF"));
  EXPECT_FALSE(is_valid_utf8("\xC3"));              // truncated
  EXPECT_FALSE(is_valid_utf8("ab\x80"));            // lone continuation
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(is_valid_utf8("latin1 caf\xE9!"));
}

// The parsers agree with the server's own arithmetic on its own text, over many values.
TEST(MysqlText, AgreeWithTheServer) {
  SNAPLAKE_MYSQL_URI_OR_SKIP(uri);
  Connection conn = Connection::open(parse_uri(uri), "mysql");
  Result dates = conn.query(
      "SELECT CAST(d AS CHAR) AS text, DATEDIFF(d, '1970-01-01') AS days FROM "
      "(SELECT '1000-01-01' + INTERVAL (seq * 7919) DAY AS d FROM seq_0_to_400) x",
      "render dates");
  ASSERT_EQ(dates.rows(), 401u);
  for (size_t i = 0; i < dates.rows(); ++i) {
    EXPECT_EQ(parse_date(dates.text(i, "text")), dates.integer(i, "days")) << dates.text(i, "text");
  }
  Result stamps = conn.query(
      "SELECT CAST(t AS CHAR) AS text, TIMESTAMPDIFF(MICROSECOND, '1970-01-01', t) AS micros FROM "
      "(SELECT CAST('1000-01-01 00:00:00' AS DATETIME(6)) + INTERVAL (seq * 700000000000123) "
      "MICROSECOND AS t FROM seq_0_to_400) x",
      "render datetimes");
  ASSERT_EQ(stamps.rows(), 401u);
  for (size_t i = 0; i < stamps.rows(); ++i) {
    EXPECT_EQ(parse_datetime(stamps.text(i, "text")), stamps.integer(i, "micros"))
        << stamps.text(i, "text");
  }
  Result times = conn.query(
      "SELECT CAST(SEC_TO_TIME(s + 0.25) AS CHAR) AS text, CAST((s + 0.25) * 1000000 AS SIGNED) "
      "AS micros FROM (SELECT CAST(seq AS SIGNED) * 15107 - 3020399 AS s FROM seq_0_to_399) x",
      "render times");
  ASSERT_EQ(times.rows(), 400u);
  EXPECT_EQ(times.text(0, "text"), "-838:59:58.75");
  for (size_t i = 0; i < times.rows(); ++i) {
    EXPECT_EQ(parse_time(times.text(i, "text")), times.integer(i, "micros"))
        << times.text(i, "text");
  }
}

// DOUBLE's text, and FLOAT's as DOUBLE, read back as the very bits the server stores: the same
// rows fetched in the binary protocol (raw IEEE values) agree with the text ones parsed.
TEST(MysqlText, DoubleTextRoundTripsTheStoredBits) {
  SNAPLAKE_MYSQL_URI_OR_SKIP(uri);
  Connection conn = Connection::open(parse_uri(uri), "mysql");
  conn.exec("CREATE DATABASE IF NOT EXISTS snaplake_text_test", "create");
  conn.exec("USE snaplake_text_test", "use");
  conn.exec("CREATE OR REPLACE TABLE r (id INT PRIMARY KEY, d DOUBLE, f FLOAT)", "create");
  conn.exec(
      "INSERT INTO r SELECT seq, (RAND(seq) - 0.5) * POW(10, CAST(seq % 600 AS SIGNED) - 300), "
      "(RAND(seq + 1) - 0.5) * POW(10, CAST(seq % 70 AS SIGNED) - 35) FROM seq_1_to_20000",
      "fill");
  Result text = conn.query("SELECT d, CAST(f AS DOUBLE) AS f FROM r ORDER BY id", "read as text");
  ASSERT_EQ(text.rows(), 20000u);

  MYSQL_STMT* stmt = mysql_stmt_init(conn.raw());
  const std::string sql = "SELECT d, f FROM r ORDER BY id";
  ASSERT_EQ(mysql_stmt_prepare(stmt, sql.data(), sql.size()), 0) << mysql_stmt_error(stmt);
  ASSERT_EQ(mysql_stmt_execute(stmt), 0) << mysql_stmt_error(stmt);
  double d = 0;
  float f = 0;
  MYSQL_BIND bind[2];
  std::memset(bind, 0, sizeof(bind));
  bind[0].buffer_type = MYSQL_TYPE_DOUBLE;
  bind[0].buffer = &d;
  bind[1].buffer_type = MYSQL_TYPE_FLOAT;
  bind[1].buffer = &f;
  ASSERT_EQ(mysql_stmt_bind_result(stmt, bind), 0);
  size_t row = 0;
  while (mysql_stmt_fetch(stmt) == 0) {
    auto dt = parse_double(text.text(row, "d"));
    auto ft = parse_double(text.text(row, "f"));
    ASSERT_TRUE(dt && ft) << text.text(row, "d") << " " << text.text(row, "f");
    EXPECT_EQ(std::bit_cast<uint64_t>(*dt), std::bit_cast<uint64_t>(d)) << text.text(row, "d");
    EXPECT_EQ(std::bit_cast<uint64_t>(*ft), std::bit_cast<uint64_t>(static_cast<double>(f)))
        << text.text(row, "f");
    ++row;
  }
  mysql_stmt_close(stmt);
  EXPECT_EQ(row, 20000u);
  conn.exec("DROP DATABASE snaplake_text_test", "drop");
}

}  // namespace
}  // namespace snaplake::mysql::text
