#include "pg/text_render.h"

#include <cstring>
#include <limits>

#include "common/error.h"
#include "pg/binary_values.h"

namespace snaplake::pg::text {
namespace {

constexpr int64_t kUsecsPerDay = 86'400'000'000;
constexpr int64_t kUsecsPerHour = 3'600'000'000;
constexpr int64_t kUsecsPerMinute = 60'000'000;
constexpr int64_t kUsecsPerSec = 1'000'000;
constexpr int32_t kPostgresEpochJdate = 2451545;  // date2j(2000, 1, 1)

size_t copy(const char* text, char* out) {
  size_t n = std::strlen(text);
  std::memcpy(out, text, n);
  return n;
}

// pg_ultostr_zeropad: `value` in decimal, left-padded with zeros to at least `width` digits.
char* zeropad(char* out, uint32_t value, int width) {
  char digits[10];
  int n = 0;
  do {
    digits[n++] = char('0' + value % 10);
    value /= 10;
  } while (value != 0);
  for (int i = n; i < width; ++i) *out++ = '0';
  while (n > 0) *out++ = digits[--n];
  return out;
}

char* two_digits(char* out, uint32_t value) {
  out[0] = char('0' + value / 10);
  out[1] = char('0' + value % 10);
  return out + 2;
}

// datetime.c j2date: Julian day number → proleptic Gregorian year (0 = 1 BC), month, day.
void j2date(int jd, int& year, int& month, int& day) {
  unsigned int julian = static_cast<unsigned int>(jd);
  julian += 32044;
  unsigned int quad = julian / 146097;
  unsigned int extra = (julian - quad * 146097) * 4 + 3;
  julian += 60 + quad * 3 + extra / 146097;
  quad = julian / 1461;
  julian -= quad * 1461;
  int y = static_cast<int>(julian * 4 / 1461);
  julian = ((y != 0) ? ((julian + 305) % 365) : ((julian + 306) % 366)) + 123;
  y += static_cast<int>(quad * 4);
  year = y - 4800;
  quad = julian * 2141 / 65536;
  day = static_cast<int>(julian - 7834 * quad / 256);
  month = static_cast<int>((quad + 10) % 12 + 1);
}

// EncodeDateOnly / EncodeDateTime with USE_ISO_DATES: "YYYY-MM-DD", the year at least 4 digits,
// years <= 0 printed as 1 - year with " BC" appended at the very end by the caller.
char* iso_date(char* out, int julian_day, bool& bc) {
  int year, month, day;
  j2date(julian_day, year, month, day);
  bc = year <= 0;
  out = zeropad(out, static_cast<uint32_t>(year > 0 ? year : -(year - 1)), 4);
  *out++ = '-';
  out = two_digits(out, static_cast<uint32_t>(month));
  *out++ = '-';
  return two_digits(out, static_cast<uint32_t>(day));
}

// AppendSeconds(…, precision 6, fillzeros): "SS" and, when there are microseconds, "." and up
// to six digits with the trailing zeros trimmed.
char* seconds(char* out, int sec, int fsec) {
  out = two_digits(out, static_cast<uint32_t>(sec));
  if (fsec == 0) return out;
  *out++ = '.';
  char digits[6];
  for (int i = 5; i >= 0; --i) {
    digits[i] = char('0' + fsec % 10);
    fsec /= 10;
  }
  int n = 6;
  while (digits[n - 1] == '0') --n;
  std::memcpy(out, digits, static_cast<size_t>(n));
  return out + n;
}

// dt2time / time2tm: microseconds within a day → "HH:MM:SS[.ffffff]".
char* clock(char* out, int64_t micros) {
  int64_t hour = micros / kUsecsPerHour;
  micros -= hour * kUsecsPerHour;
  int64_t minute = micros / kUsecsPerMinute;
  micros -= minute * kUsecsPerMinute;
  int64_t sec = micros / kUsecsPerSec;
  micros -= sec * kUsecsPerSec;
  out = two_digits(out, static_cast<uint32_t>(hour));
  *out++ = ':';
  out = two_digits(out, static_cast<uint32_t>(minute));
  *out++ = ':';
  return seconds(out, static_cast<int>(sec), static_cast<int>(micros));
}

}  // namespace

size_t date(int32_t days, char* out) {
  // date_out: DATE_NOT_FINITE → EncodeSpecialDate.
  if (days == std::numeric_limits<int32_t>::min()) return copy("-infinity", out);
  if (days == std::numeric_limits<int32_t>::max()) return copy("infinity", out);
  bool bc = false;
  char* end = iso_date(out, days + kPostgresEpochJdate, bc);
  if (bc) end += copy(" BC", end);
  return static_cast<size_t>(end - out);
}

size_t timestamp(int64_t micros, bool with_utc_offset, char* out) {
  // timestamp_out / timestamptz_out: TIMESTAMP_NOT_FINITE → EncodeSpecialTimestamp.
  if (micros == std::numeric_limits<int64_t>::min()) return copy("-infinity", out);
  if (micros == std::numeric_limits<int64_t>::max()) return copy("infinity", out);
  // timestamp2tm: TMODULO (truncating division), then borrow a day for a negative time.
  int64_t day = micros / kUsecsPerDay;
  int64_t time_of_day = micros - day * kUsecsPerDay;
  if (time_of_day < 0) {
    time_of_day += kUsecsPerDay;
    day -= 1;
  }
  bool bc = false;
  char* end = iso_date(out, static_cast<int>(day + kPostgresEpochJdate), bc);
  *end++ = ' ';
  end = clock(end, time_of_day);
  // EncodeTimezone with USE_ISO_DATES for a zero offset (TimeZone UTC): "+00".
  if (with_utc_offset) end += copy("+00", end);
  if (bc) end += copy(" BC", end);
  return static_cast<size_t>(end - out);
}

size_t time(int64_t micros, char* out) {
  return static_cast<size_t>(clock(out, micros) - out);
}

size_t uuid(const uint8_t* bytes, char* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  char* p = out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) *p++ = '-';
    *p++ = kHex[bytes[i] >> 4];
    *p++ = kHex[bytes[i] & 0xf];
  }
  return static_cast<size_t>(p - out);
}

std::string_view numeric(const uint8_t* p, int32_t length, std::vector<char>& buffer) {
  namespace b = pg::binary;
  if (length < 8) fail(ErrorKind::Source, "malformed binary numeric ({} bytes)", length);
  int ndigits = b::int2(p);
  int weight = b::int2(p + 2);
  uint16_t sign = b::be16(p + 4);
  int dscale = b::int2(p + 6);
  // numeric.c: NUMERIC_POS 0x0000, NUMERIC_NEG 0x4000, NUMERIC_NAN 0xC000, NUMERIC_PINF 0xD000,
  // NUMERIC_NINF 0xF000; numeric_out prints the special values by name.
  if (sign == 0xC000) return "NaN";
  if (sign == 0xD000) return "Infinity";
  if (sign == 0xF000) return "-Infinity";
  if ((sign != 0x0000 && sign != 0x4000) || ndigits < 0 || dscale < 0 || length < 8 + 2 * ndigits) {
    fail(ErrorKind::Source, "malformed binary numeric (sign {:#x}, {} digits, scale {}, {} bytes)",
         sign, ndigits, dscale, length);
  }
  auto digit = [&](int i) -> int {
    if (i < 0 || i >= ndigits) return 0;
    int d = b::int2(p + 8 + 2 * i);
    if (d < 0 || d > 9999) fail(ErrorKind::Source, "malformed binary numeric digit {}", d);
    return d;
  };
  // get_str_from_var: sign, the integer part (at least "0", the first base-10000 digit without
  // leading zeros), then exactly dscale fractional digits, written four at a time.
  size_t need = 1 + (weight >= 0 ? 4 * size_t(weight + 1) : 1) + 1 + size_t(dscale) + 4;
  if (buffer.size() < need) buffer.resize(need);
  char* out = buffer.data();
  char* cp = out;
  if (sign == 0x4000) *cp++ = '-';
  int d;
  if (weight < 0) {
    d = weight + 1;
    *cp++ = '0';
  } else {
    for (d = 0; d <= weight; ++d) {
      int dig = digit(d);
      if (d == 0) {
        int divisor = 1000;
        while (divisor > 1 && dig / divisor == 0) divisor /= 10;
        for (; divisor > 0; divisor /= 10) *cp++ = char('0' + dig / divisor % 10);
      } else {
        *cp++ = char('0' + dig / 1000);
        *cp++ = char('0' + dig / 100 % 10);
        *cp++ = char('0' + dig / 10 % 10);
        *cp++ = char('0' + dig % 10);
      }
    }
  }
  if (dscale > 0) {
    *cp++ = '.';
    char* end = cp + dscale;
    for (int i = 0; i < dscale; ++d, i += 4) {
      int dig = digit(d);
      *cp++ = char('0' + dig / 1000);
      *cp++ = char('0' + dig / 100 % 10);
      *cp++ = char('0' + dig / 10 % 10);
      *cp++ = char('0' + dig % 10);
    }
    cp = end;
  }
  return {out, static_cast<size_t>(cp - out)};
}

}  // namespace snaplake::pg::text
