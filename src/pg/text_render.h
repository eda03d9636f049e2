// PostgreSQL's own text form of values that arrive in the binary COPY format, rendered on the
// client so the server need not cast them ::text (the rds profile exports them as STRING). Byte
// for byte what PostgreSQL 15's output functions print with DateStyle ISO and TimeZone UTC:
// numeric_out (get_str_from_var), date_out / timestamp_out / timestamptz_out (EncodeDateOnly,
// EncodeDateTime with USE_ISO_DATES, AppendSeconds trimming trailing zeros, j2date), time_out
// (EncodeTimeOnly) and uuid_out. Checked against a live server in text_render_test.cc.
//
// Every function writes into a caller-owned buffer and returns the number of characters
// written, so a column's text needs no allocation per value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace snaplake::pg::text {

// Upper bounds of the fixed-size renderings ("-infinity", "5874897-12-31",
// "294276-12-31 23:59:59.999999+00", " BC" suffixes), with room to spare.
constexpr size_t kMaxDateChars = 24;
constexpr size_t kMaxTimestampChars = 48;
constexpr size_t kMaxTimeChars = 24;
constexpr size_t kUuidChars = 36;

// date: int32 days since 2000-01-01 (INT32_MIN/MAX are -infinity/infinity).
size_t date(int32_t days, char* out);
// timestamp: int64 microseconds since 2000-01-01 (INT64_MIN/MAX are ±infinity); with_utc_offset
// appends "+00" as timestamptz_out does under TimeZone UTC.
size_t timestamp(int64_t micros, bool with_utc_offset, char* out);
// time: int64 microseconds since midnight (0 … 24:00:00).
size_t time(int64_t micros, char* out);
// uuid: 16 raw bytes → lowercase 8-4-4-4-12.
size_t uuid(const uint8_t* bytes, char* out);

// numeric in numeric_send's layout (ndigits, weight, sign, dscale, base-10000 digits; all
// int16). Throws Error(Source) for a malformed value. The text goes into `buffer` (grown as
// needed, reused across calls); the view points into it until the next call.
std::string_view numeric(const uint8_t* p, int32_t length, std::vector<char>& buffer);

}  // namespace snaplake::pg::text
