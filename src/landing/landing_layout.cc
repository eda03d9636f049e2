#include "landing/landing_layout.h"

#include <fmt/format.h>

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

std::string partition_prefix(std::string_view service_area, std::string_view database,
                             std::string_view table_folder, const ImportDate& date) {
  return fmt::format(
      "{}/{}/{}/import_year={:04}/import_month={:02}/import_day={:02}/import_date={}/",
      safe_segment(service_area), safe_segment(database), safe_segment(table_folder), date.year,
      date.month, date.day, date.yyyymmdd());
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
