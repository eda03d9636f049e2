#include "mysql/text_values.h"

#include <charconv>
#include <cstring>

namespace snaplake::mysql::text {
namespace {

bool digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads exactly n digits at s[pos…].
bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (!digit(c)) return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

// Days from 1970-01-01 to y-m-d (Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms",
// days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

// "YYYY-MM-DD" at the start of s: days, or nullopt (zero parts, impossible, malformed).
std::optional<int64_t> date_prefix(std::string_view s) {
  int y, m, d;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-' || !digits(s, 0, 4, y) || !digits(s, 5, 2, m) ||
      !digits(s, 8, 2, d)) {
    return std::nullopt;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y == 0 || m < 1 || m > 12 || d < 1) return std::nullopt;
  int month_days = kDays[m - 1] + (m == 2 && leap(y) ? 1 : 0);
  if (d > month_days) return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

// ".ffffff" (1 to 6 digits) at s[pos…] to the end: microseconds.
bool fraction(std::string_view s, size_t pos, int64_t& micros) {
  micros = 0;
  if (pos == s.size()) return true;
  if (s[pos] != '.' || pos + 1 == s.size() || s.size() - pos - 1 > 6) return false;
  int64_t scale = 100000;
  for (size_t i = pos + 1; i < s.size(); ++i) {
    if (!digit(s[i])) return false;
    micros += (s[i] - '0') * scale;
    scale /= 10;
  }
  return true;
}

}  // namespace

std::optional<int64_t> parse_int64(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<parquet::Int128> parse_decimal(std::string_view s, int32_t scale) {
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  parquet::Int128 v = 0;
  int digits_seen = 0, fraction_digits = 0;
  bool point = false, any = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (!digit(c)) return std::nullopt;
    any = true;
    if (point && ++fraction_digits > scale) return std::nullopt;
    if (v != 0 || c != '0') ++digits_seen;
    if (digits_seen > 38) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (!any) return std::nullopt;
  for (; fraction_digits < scale; ++fraction_digits) {
    v *= 10;
    if (++digits_seen > 38 && v != 0) return std::nullopt;
  }
  return negative ? -v : v;
}

std::optional<double> parse_double(std::string_view s) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<int32_t> parse_date(std::string_view s) {
  if (s.size() != 10) return std::nullopt;
  auto days = date_prefix(s);
  if (!days) return std::nullopt;
  return static_cast<int32_t>(*days);
}

std::optional<int64_t> parse_datetime(std::string_view s) {
  if (s.size() < 19 || s[10] != ' ' || s[13] != ':' || s[16] != ':') return std::nullopt;
  auto days = date_prefix(s);
  int h, mi, se;
  int64_t micros;
  if (!days || !digits(s, 11, 2, h) || !digits(s, 14, 2, mi) || !digits(s, 17, 2, se) ||
      !fraction(s, 19, micros) || h > 23 || mi > 59 || se > 59) {
    return std::nullopt;
  }
  return *days * kMicrosPerDay + ((h * 60 + mi) * 60 + se) * int64_t{1'000'000} + micros;
}

std::optional<std::array<uint8_t, 16>> parse_uuid(std::string_view s) {
  if (s.size() != 36) return std::nullopt;
  std::array<uint8_t, 16> out{};
  size_t n = 0;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    int hi = nibble(s[i]), lo = nibble(s[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[n++] = static_cast<uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return out;
}

std::optional<int64_t> parse_time(std::string_view s) {
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && s[i] == '-') {
    negative = true;
    ++i;
  }
  int64_t hours = 0;
  size_t start = i;
  while (i < s.size() && digit(s[i])) hours = hours * 10 + (s[i++] - '0');
  int mi, se;
  int64_t micros;
  if (i == start || i - start > 3 || i + 6 > s.size() || s[i] != ':' || s[i + 3] != ':' ||
      !digits(s, i + 1, 2, mi) || !digits(s, i + 4, 2, se) || !fraction(s, i + 6, micros) ||
      mi > 59 || se > 59) {
    return std::nullopt;
  }
  int64_t value = ((hours * 60 + mi) * 60 + se) * 1'000'000 + micros;
  return negative ? -value : value;
}

bool is_valid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // ASCII runs, eight bytes at a time.
    while (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, s + i, 8);
      if (word & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;  // a continuation byte, an overlong lead (C0, C1) or beyond F4
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

}  // namespace snaplake::mysql::text
