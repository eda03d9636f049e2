#include "landing/landing_layout.h"

#include <fmt/format.h>

#include <cctype>
#include <string>

namespace snaplake::landing {

std::string ImportDate::yyyymmdd() const {
  return fmt::format("{:04}{:02}{:02}", year, month, day);
}

ImportDate import_date(std::chrono::sys_time<std::chrono::milliseconds> snapshot_time) {
  // floor, not truncation: a snapshot before 1970 still falls on its own UTC day.
  std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(snapshot_time)};
  return ImportDate{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                    static_cast<unsigned>(ymd.day())};
}

std::optional<ImportDate> parse_import_date(std::string_view t) {
  if (t.size() != 8 || t.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  int y = std::stoi(std::string(t.substr(0, 4)));
  unsigned m = static_cast<unsigned>(std::stoi(std::string(t.substr(4, 2))));
  unsigned d = static_cast<unsigned>(std::stoi(std::string(t.substr(6, 2))));
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return ImportDate{y, m, d};
}

std::optional<ImportDate> import_date_from_snapshot_id(std::string_view id) {
  auto digits = [&](size_t at, size_t n) {
    if (at + n > id.size()) return false;
    for (size_t i = at; i < at + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(id[i]))) return false;
    }
    return true;
  };
  for (size_t i = 0; i < id.size(); ++i) {
    if (i > 0 && std::isdigit(static_cast<unsigned char>(id[i - 1]))) continue;  // starts a number
    for (size_t year_digits : {4u, 2u}) {
      size_t month = i + year_digits + 1, day = month + 3;
      if (!digits(i, year_digits) || month - 1 >= id.size() || id[month - 1] != '-' ||
          !digits(month, 2) || day - 1 >= id.size() || id[day - 1] != '-' || !digits(day, 2) ||
          (day + 2 < id.size() && std::isdigit(static_cast<unsigned char>(id[day + 2])))) {
        continue;
      }
      int year = std::stoi(std::string(id.substr(i, year_digits)));
      if (year_digits == 2) year += 2000;
      std::string yyyymmdd = fmt::format("{:04}{}{}", year, id.substr(month, 2), id.substr(day, 2));
      if (auto date = parse_import_date(yyyymmdd)) return date;
    }
  }
  return std::nullopt;
}

std::string safe_segment(std::string_view name) {
  if (name.empty()) return "_";
  if (name == "." || name == "..") return "_" + std::string(name);
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    bool hostile = c == '/' || c == '\\' || c == '=' || u < 0x20 || u == 0x7f;
    out += hostile ? '_' : c;
  }
  return out;
}

std::string table_prefix(std::string_view service_area, std::string_view database,
                         std::string_view table_folder) {
  return fmt::format("{}/{}/{}/", safe_segment(service_area), safe_segment(database),
                     safe_segment(table_folder));
}

std::string partition_prefix(std::string_view service_area, std::string_view database,
                             std::string_view table_folder, const ImportDate& date) {
  return fmt::format("{}import_year={:04}/import_month={:02}/import_day={:02}/import_date={}/",
                     table_prefix(service_area, database, table_folder), date.year, date.month,
                     date.day, date.yyyymmdd());
}

std::string landed_file_name(std::string_view relative, std::string_view export_id) {
  std::string out;
  size_t start = 0;
  while (true) {
    size_t slash = relative.find('/', start);
    std::string_view part = relative.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (!part.empty()) {
      if (!out.empty()) out += '-';
      out += safe_segment(part);
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (out.empty()) out = "_";
  std::string id = safe_segment(export_id);
  if (out.find(id) == std::string::npos) out = id + "-" + out;
  return out;
}

}  // namespace snaplake::landing
