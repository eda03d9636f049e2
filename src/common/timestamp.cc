#include "common/timestamp.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>

namespace snaplake {

using namespace std::chrono;

namespace {

bool parse_int(std::string_view s, int& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

WallTime wall_now() {
  return floor<milliseconds>(system_clock::now());
}

std::string iso8601(WallTime t) {
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss hms{t - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count(),
                     hms.subseconds().count());
}

std::optional<sys_seconds> civil_time(int y, int mo, int d, int h, int mi, int s) {
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return std::nullopt;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) return std::nullopt;
  return sys_days{ymd} + hours{h} + minutes{mi} + seconds{s};
}

std::optional<WallTime> parse_iso8601(std::string_view t) {
  if (t.size() < 19 || t[4] != '-' || t[7] != '-' ||
      (t[10] != 'T' && t[10] != ' ' && t[10] != 't') || t[13] != ':' || t[16] != ':') {
    return std::nullopt;
  }
  int y, mo, d, h, mi, s;
  if (!parse_int(t.substr(0, 4), y) || !parse_int(t.substr(5, 2), mo) ||
      !parse_int(t.substr(8, 2), d) || !parse_int(t.substr(11, 2), h) ||
      !parse_int(t.substr(14, 2), mi) || !parse_int(t.substr(17, 2), s)) {
    return std::nullopt;
  }
  auto whole = civil_time(y, mo, d, h, mi, s);
  if (!whole) return std::nullopt;
  WallTime time = *whole;
  std::string_view rest = t.substr(19);
  if (!rest.empty() && rest[0] == '.') {
    size_t i = 1;
    int ms = 0, digits = 0;
    while (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i]))) {
      if (digits < 3) {
        ms = ms * 10 + (rest[i] - '0');
        ++digits;
      }
      ++i;
    }
    if (i == 1) return std::nullopt;
    while (digits < 3) {
      ms *= 10;
      ++digits;
    }
    time += milliseconds{ms};
    rest.remove_prefix(i);
  }
  if (rest.empty() || rest == "Z" || rest == "z") return time;
  if (rest[0] != '+' && rest[0] != '-') return std::nullopt;
  int sign = rest[0] == '+' ? 1 : -1;
  rest.remove_prefix(1);
  int oh, om = 0;
  if (rest.size() == 5 && rest[2] == ':') {
    if (!parse_int(rest.substr(0, 2), oh) || !parse_int(rest.substr(3, 2), om)) return std::nullopt;
  } else if (rest.size() == 4) {
    if (!parse_int(rest.substr(0, 2), oh) || !parse_int(rest.substr(2, 2), om)) return std::nullopt;
  } else if (rest.size() == 2) {
    if (!parse_int(rest, oh)) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (oh > 23 || om > 59) return std::nullopt;
  // Local time = UTC + offset, so UTC = local - offset.
  return time - sign * (hours{oh} + minutes{om});
}

}  // namespace snaplake
