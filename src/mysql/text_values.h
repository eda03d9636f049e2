// Parsers of the values MySQL/MariaDB send in the text protocol (the session is in UTC with an
// empty sql_mode, connection.h), into what the Parquet columns hold. Pure and allocation-free;
// tested against the server's own output (text_values_test.cc).
//
// The server's text forms (MySQL manual, "Date and Time Data Type Syntax"; MariaDB KB):
//   integers       "-128", "18446744073709551615"
//   DECIMAL(p,s)   "-123.450" — exactly s digits after the point, no exponent
//   DOUBLE         "0.30000000000000004", "1e308", "-2.2250738585072014e-308": the shortest text
//                  that reads back as the same double (FLOAT is selected CAST AS DOUBLE)
//   DATE           "2024-02-29"; zero dates "0000-00-00" and zero parts "2024-00-15" may be stored
//   DATETIME(n), TIMESTAMP(n)  "2024-02-29 13:14:15" plus "." and n digits when n > 0
//   TIME(n)        "-838:59:59.000000" .. "838:59:59.000000": a duration, hours beyond 24
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "parquet/schema.h"

namespace snaplake::mysql::text {

std::optional<int64_t> parse_int64(std::string_view s);
// Up to 38 digits; the unscaled value at `scale` (fewer fraction digits are padded, more are an
// error). nullopt when malformed or too long.
std::optional<parquet::Int128> parse_decimal(std::string_view s, int32_t scale);
std::optional<double> parse_double(std::string_view s);

// Days since 1970-01-01 of a proleptic Gregorian date; nullopt for a zero date, a date with a
// zero month or day, an impossible date ("2023-02-29", which ALLOW_INVALID_DATES lets in), or
// malformed text.
std::optional<int32_t> parse_date(std::string_view s);
// Microseconds since 1970-01-01 00:00:00 (UTC for TIMESTAMP in a UTC session); nullopt as for
// parse_date, and for a time of day out of range.
std::optional<int64_t> parse_datetime(std::string_view s);
// Signed microseconds of a TIME value, e.g. -3020399000000 for "-838:59:59"; nullopt when
// malformed. The caller decides whether it fits a time of day.
std::optional<int64_t> parse_time(std::string_view s);

constexpr int64_t kMicrosPerDay = 86'400'000'000;

// The 16 bytes of a UUID's text, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (either case, as
// MariaDB's UUID type prints it); nullopt when malformed.
std::optional<std::array<uint8_t, 16>> parse_uuid(std::string_view s);

// Whether `s` is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, at most U+10FFFF).
bool is_valid_utf8(std::string_view s);

}  // namespace snaplake::mysql::text
