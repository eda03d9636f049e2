#include "rds_export/keys.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <set>

#include "common/error.h"

namespace snaplake::rds_export {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::string sanitize_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char ch : name) {
    auto u = static_cast<unsigned char>(ch);
    bool unsafe = ch == '/' || ch == '\\' || u < 0x20 || u == 0x7f;
    out += unsafe ? '_' : ch;
  }
  // ".." anywhere (and a lone "." segment) could be read as a parent folder by a careless
  // consumer; replace every run of two or more dots.
  for (size_t at = out.find(".."); at != std::string::npos; at = out.find("..", at)) {
    size_t end = at;
    while (end < out.size() && out[end] == '.') ++end;
    std::fill(out.begin() + static_cast<std::ptrdiff_t>(at),
              out.begin() + static_cast<std::ptrdiff_t>(end), '_');
    at = end;
  }
  if (out.empty() || out == ".") out = "_";
  return out;
}

std::string table_folder(std::string_view schema, std::string_view table) {
  std::string folder = sanitize_name(schema) + "." + sanitize_name(table);
  // The join itself may create ".." ("a." + "." + "b"): sanitize once more.
  return sanitize_name(folder);
}

std::vector<std::string> unique_folders(const std::vector<FolderName>& names) {
  std::vector<size_t> order(names.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return names[a].identity < names[b].identity; });
  std::map<std::string, int> count;
  for (const auto& n : names) ++count[lower(n.safe)];
  std::vector<std::string> out(names.size());
  std::set<std::string> taken;  // lowercase
  // Names nobody shares keep their plain form, so a new twin never renames an existing folder.
  for (size_t i : order) {
    if (count[lower(names[i].safe)] == 1) {
      out[i] = names[i].safe;
      taken.insert(lower(out[i]));
    }
  }
  for (size_t i : order) {
    if (!out[i].empty()) continue;
    std::string candidate = names[i].safe;
    for (int n = 2; taken.contains(lower(candidate)); ++n) {
      candidate = fmt::format("{}~{}", names[i].safe, n);
    }
    out[i] = candidate;
    taken.insert(lower(candidate));
  }
  return out;
}

std::vector<std::string> unique_column_names(const std::vector<std::string>& names) {
  std::vector<FolderName> folders;
  for (const auto& n : names) folders.push_back({n, n});
  return unique_folders(folders);
}

std::string data_key(std::string_view export_id, std::string_view database_folder,
                     std::string_view table_folder, int batch, int part, parquet::Codec codec) {
  std::string infix = parquet::codec_file_infix(codec);
  return fmt::format("{}/{}/{}/{}/part-{:05}-{}-c000{}{}.parquet", export_id, database_folder,
                     table_folder, batch, part, export_id, infix.empty() ? "" : ".", infix);
}

std::string export_info_key(std::string_view export_id) {
  return fmt::format("{}/export_info_{}.json", export_id, export_id);
}

std::string tables_info_key(std::string_view export_id, size_t first, size_t last) {
  return fmt::format("{}/export_tables_info_{}_from_{}_to_{}.json", export_id, export_id, first,
                     last);
}

void validate_export_id(std::string_view id) {
  bool ok = !id.empty() && id.size() <= 255 && id.front() != '.';
  for (char ch : id) {
    ok = ok && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                ch == '-' || ch == '_' || ch == '.');
  }
  if (!ok) {
    fail(ErrorKind::InvalidInput,
         "invalid export id '{}': use 1 to 255 letters, digits, '-', '_' or '.', not starting "
         "with '.'",
         id);
  }
}

std::string default_export_id(std::string_view database, std::chrono::system_clock::time_point now,
                              uint32_t random) {
  std::string base;
  for (char ch : lower(database)) {
    bool keep = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
    if (keep) {
      base += ch;
    } else if (!base.empty() && base.back() != '-') {
      base += '-';
    }
    if (base.size() >= 40) break;
  }
  while (!base.empty() && base.back() == '-') base.pop_back();
  if (base.empty()) base = "export";
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{}-{:04}{:02}{:02}t{:02}{:02}{:02}z-{:04x}", base, tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, random & 0xffff);
}

std::optional<std::string> export_id_of_info_key(std::string_view key) {
  constexpr std::string_view kSuffix = ".json";
  if (!key.starts_with(kExportInfoPrefix) || !key.ends_with(kSuffix) ||
      key.find('/') != std::string_view::npos) {
    return std::nullopt;
  }
  return std::string(
      key.substr(kExportInfoPrefix.size(), key.size() - kExportInfoPrefix.size() - kSuffix.size()));
}

bool is_tables_info_key(std::string_view key) {
  return key.starts_with(kTablesInfoPrefix) && key.ends_with(".json") &&
         key.find('/') == std::string_view::npos;
}

}  // namespace snaplake::rds_export
