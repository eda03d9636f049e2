#include "pg/text_render.h"

#include <gtest/gtest.h>

#include <array>
#include <limits>
#include <string>
#include <vector>

#include "common/error.h"
#include "pg/binary_values.h"
#include "pg/connection.h"
#include "pg/numeric_send_test_util.h"
#include "pg/test_server.h"

namespace snaplake::pg::text {
namespace {

constexpr int32_t kDateMin = std::numeric_limits<int32_t>::min();
constexpr int32_t kDateMax = std::numeric_limits<int32_t>::max();
constexpr int64_t kTsMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kTsMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kDay = 86'400'000'000;

std::string render_date(int32_t days) {
  std::array<char, kMaxDateChars> buf{};
  return {buf.data(), date(days, buf.data())};
}
std::string render_ts(int64_t micros, bool tz = false) {
  std::array<char, kMaxTimestampChars> buf{};
  return {buf.data(), timestamp(micros, tz, buf.data())};
}
std::string render_time(int64_t micros) {
  std::array<char, kMaxTimeChars> buf{};
  return {buf.data(), time(micros, buf.data())};
}

std::vector<uint8_t> numeric_bytes(int16_t weight, uint16_t sign, int16_t dscale,
                                   std::vector<int16_t> digits) {
  return testing::numeric_send(weight, sign, dscale, std::move(digits));
}
std::string render_numeric(int16_t weight, uint16_t sign, int16_t dscale,
                           std::vector<int16_t> digits) {
  auto bytes = numeric_bytes(weight, sign, dscale, std::move(digits));
  std::vector<char> buffer;
  return std::string(numeric(bytes.data(), int32_t(bytes.size()), buffer));
}

TEST(TextRender, NumericGoldenStrings) {
  EXPECT_EQ(render_numeric(0, 0xC000, 0, {}), "NaN");
  EXPECT_EQ(render_numeric(0, 0xD000, 0, {}), "Infinity");
  EXPECT_EQ(render_numeric(0, 0xF000, 0, {}), "-Infinity");
  EXPECT_EQ(render_numeric(0, 0x0000, 0, {}), "0");
  EXPECT_EQ(render_numeric(0, 0x0000, 2, {}), "0.00");
  EXPECT_EQ(render_numeric(1, 0x0000, 2, {1, 2345, 6700}), "12345.67");
  EXPECT_EQ(render_numeric(1, 0x4000, 2, {1, 2345, 6700}), "-12345.67");
  EXPECT_EQ(render_numeric(-1, 0x4000, 2, {500}), "-0.05");
  EXPECT_EQ(render_numeric(-2, 0x0000, 8, {1}), "0.00000001");
  EXPECT_EQ(render_numeric(-2, 0x0000, 10, {1}), "0.0000000100");
  EXPECT_EQ(render_numeric(1, 0x0000, 0, {1}), "10000");  // trailing zero digits stripped
  EXPECT_EQ(render_numeric(2, 0x0000, 1, {12, 0, 5}), "1200000005.0");
  EXPECT_EQ(render_numeric(0, 0x0000, 3, {9999, 9999}), "9999.999");  // dscale cuts the digit
  EXPECT_EQ(render_numeric(0, 0x0000, 0, {7}), "7");
}

TEST(TextRender, NumericRejectsMalformedValues) {
  auto bad_digit = numeric_bytes(0, 0, 0, {10000});
  std::vector<char> buffer;
  EXPECT_THROW(numeric(bad_digit.data(), int32_t(bad_digit.size()), buffer), Error);
  auto short_value = numeric_bytes(0, 0, 0, {1, 2});
  EXPECT_THROW(numeric(short_value.data(), int32_t(short_value.size()) - 2, buffer), Error);
  auto bad_sign = numeric_bytes(0, 0x8000, 0, {1});
  EXPECT_THROW(numeric(bad_sign.data(), int32_t(bad_sign.size()), buffer), Error);
}

TEST(TextRender, DateGoldenStrings) {
  EXPECT_EQ(render_date(0), "2000-01-01");
  EXPECT_EQ(render_date(-1), "1999-12-31");
  EXPECT_EQ(render_date(-10957), "1970-01-01");
  EXPECT_EQ(render_date(kDateMin), "-infinity");
  EXPECT_EQ(render_date(kDateMax), "infinity");
  // 0001-01-01 is JD 1721426; the day before is 1 BC (year 0) Dec 31.
  EXPECT_EQ(render_date(1721426 - 2451545), "0001-01-01");
  EXPECT_EQ(render_date(1721425 - 2451545), "0001-12-31 BC");
  EXPECT_EQ(render_date(-2451545), "4714-11-24 BC");              // Julian day 0, the smallest date
  EXPECT_EQ(render_date(2147483493 - 2451545), "5874897-12-31");  // the largest date
}

TEST(TextRender, TimestampGoldenStrings) {
  EXPECT_EQ(render_ts(0), "2000-01-01 00:00:00");
  EXPECT_EQ(render_ts(0, true), "2000-01-01 00:00:00+00");
  EXPECT_EQ(render_ts(-1), "1999-12-31 23:59:59.999999");
  EXPECT_EQ(render_ts(1'500'000), "2000-01-01 00:00:01.5");
  EXPECT_EQ(render_ts(10, true), "2000-01-01 00:00:00.00001+00");
  EXPECT_EQ(render_ts(kTsMin), "-infinity");
  EXPECT_EQ(render_ts(kTsMax, true), "infinity");
  int64_t bc = int64_t(1721425 - 2451545) * kDay + 12 * 3'600'000'000 + 120'000;
  EXPECT_EQ(render_ts(bc), "0001-12-31 12:00:00.12 BC");
  EXPECT_EQ(render_ts(bc, true), "0001-12-31 12:00:00.12+00 BC");
}

TEST(TextRender, TimeAndUuidGoldenStrings) {
  EXPECT_EQ(render_time(0), "00:00:00");
  EXPECT_EQ(render_time(24 * 3'600'000'000), "24:00:00");
  EXPECT_EQ(render_time(86'399'999'999), "23:59:59.999999");
  EXPECT_EQ(render_time(3'723'040'000), "01:02:03.04");
  const uint8_t bytes[16] = {0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8,
                             0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11};
  char buf[kUuidChars];
  EXPECT_EQ(std::string(buf, uuid(bytes, buf)), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
}

// Asks PostgreSQL for the binary and the text form of many generated values and renders every
// binary value: the text must be byte for byte the server's.
class TextRenderAgainstServer : public ::testing::Test {
 protected:
  // Rows of (text, binary) for `sql` returning the columns (v::text, v), in binary results.
  void compare(const std::string& uri, const std::string& sql, const std::string& type) {
    auto conn = Connection::open(uri);
    conn.exec(
        "SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'; SET TimeZone = 'UTC'; "
        "SELECT setseed(0.25)");
    Result r(PQexecParams(conn.raw(), sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 1));
    ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << PQerrorMessage(conn.raw()) << sql;
    ASSERT_GT(r.rows(), 100) << sql;
    std::vector<char> buffer(64);
    int mismatches = 0;
    for (int row = 0; row < r.rows(); ++row) {
      if (r.is_null(row, 1)) continue;
      auto expected = r.value(row, 0);
      auto bin = r.value(row, 1);
      const auto* p = reinterpret_cast<const uint8_t*>(bin.data());
      std::string got;
      if (type == "numeric") {
        got = std::string(numeric(p, int32_t(bin.size()), buffer));
      } else if (type == "date") {
        got = render_date(binary::int4(p));
      } else if (type == "timestamp" || type == "timestamptz") {
        got = render_ts(binary::int8(p), type == "timestamptz");
      } else if (type == "time") {
        got = render_time(binary::int8(p));
      } else {
        char buf[kUuidChars];
        got = std::string(buf, uuid(p, buf));
      }
      if (got != expected && ++mismatches <= 10) {
        ADD_FAILURE() << type << " row " << row << ": rendered '" << got << "', PostgreSQL '"
                      << expected << "'";
      }
    }
    EXPECT_EQ(mismatches, 0) << type;
  }
};

TEST_F(TextRenderAgainstServer, Numeric) {
  SNAPLAKE_PG_URI_OR_SKIP(uri);
  compare(uri, R"sql(
    WITH v(v) AS (
      SELECT unnest(ARRAY['NaN', 'Infinity', '-Infinity', '0', '0.00', '-0.000', '1e-30',
        '-1e100', '123456789012345678901234567890.123456789', '10000', '9999.9999', '0.0001',
        '0.00010', '1e131071', '-1.5e-16382', '99999999.99999999']::numeric[])
      UNION ALL SELECT trunc(((random() - 0.5) * 10 ^ (random() * 60 - 30))::numeric, s)
        FROM generate_series(1, 400), generate_series(0, 24) s
      UNION ALL SELECT round((g::numeric / 7), s) FROM generate_series(-300, 300) g,
        generate_series(0, 21, 3) s
      UNION ALL SELECT (random() * 1e15)::bigint::numeric * 10::numeric ^ e
        FROM generate_series(1, 200), generate_series(-40, 40, 7) e
      UNION ALL SELECT round(g::numeric, 2) * 0.01 FROM generate_series(-2000, 2000, 13) g
      UNION ALL SELECT NULL)
    SELECT v::text, v FROM v)sql",
          "numeric");
}

TEST_F(TextRenderAgainstServer, Date) {
  SNAPLAKE_PG_URI_OR_SKIP(uri);
  compare(uri, R"sql(
    WITH v(v) AS (
      SELECT unnest(ARRAY['infinity', '-infinity', '4714-11-24 BC', '5874897-12-31',
        '0001-01-01', '0001-12-31 BC', '0044-03-15 BC', '1582-10-15', '1900-02-28', '2000-02-29',
        '9999-12-31', '10000-01-01']::date[])
      UNION ALL SELECT date '4714-11-24 BC' + g FROM generate_series(0, 2147483494 - 1, 1999993) g
      UNION ALL SELECT date '4714-11-24 BC' + (random() * 4000000)::int FROM generate_series(1, 3000)
      UNION ALL SELECT date '1995-01-01' + g FROM generate_series(0, 4000, 3) g
      UNION ALL SELECT date '0001-01-01' - g FROM generate_series(0, 1000) g)
    SELECT v::text, v FROM v)sql",
          "date");
}

TEST_F(TextRenderAgainstServer, Timestamp) {
  SNAPLAKE_PG_URI_OR_SKIP(uri);
  for (const char* type : {"timestamp", "timestamptz"}) {
    std::string t = type;
    compare(uri,
            R"sql(
      WITH v(v) AS (
        SELECT unnest(ARRAY['infinity', '-infinity', '4714-11-24 00:00:00 BC',
          '294276-12-31 23:59:59.999999', '0001-01-01 00:00:00', '0001-12-31 23:59:59.5 BC',
          '1999-12-31 23:59:59.999999', '2000-01-01 00:00:00.000001', '1969-12-31 23:59:59.99',
          '0044-03-15 12:00:00.1 BC']::)sql" +
                t + R"sql([])
        UNION ALL SELECT )sql" +
                t + R"sql( '4714-11-24 00:00:00 BC' + random() * 107000000 * interval '1 day'
          FROM generate_series(1, 3000)
        UNION ALL SELECT )sql" +
                t + R"sql( '1900-01-01' + random() * 80000 * interval '1 day'
          FROM generate_series(1, 2000)
        UNION ALL SELECT )sql" +
                t + R"sql( '2020-02-28 23:59:58' + g * interval '1.000007 sec'
          FROM generate_series(0, 500) g
        UNION ALL SELECT )sql" +
                t + R"sql( '0001-01-01' - g * interval '1 day 1.03 sec'
          FROM generate_series(0, 800) g)
      SELECT v::text, v FROM v)sql",
            t);
  }
}

TEST_F(TextRenderAgainstServer, TimeAndUuid) {
  SNAPLAKE_PG_URI_OR_SKIP(uri);
  compare(uri, R"sql(
    WITH v(v) AS (
      SELECT unnest(ARRAY['00:00', '24:00:00', '23:59:59.999999', '12:00:00.1']::time[])
      UNION ALL SELECT time '00:00' + random() * interval '24 hours' FROM generate_series(1, 2000)
      UNION ALL SELECT time '00:00' + g * interval '17.000003 sec' FROM generate_series(0, 5000) g)
    SELECT v::text, v FROM v)sql",
          "time");
  compare(uri,
          "SELECT v::text, v FROM (SELECT gen_random_uuid() FROM generate_series(1, 2000) "
          "UNION ALL SELECT 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid "
          "UNION ALL SELECT '00000000-0000-0000-0000-000000000000'::uuid) v(v)",
          "uuid");
}

}  // namespace
}  // namespace snaplake::pg::text
