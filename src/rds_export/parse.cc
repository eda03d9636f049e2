#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/timestamp.h"
#include "rds_export/documents.h"

namespace snaplake::rds_export {
namespace {

using nlohmann::json;
using namespace std::chrono;

json parse_json(std::string_view text, std::string_view name) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    fail(ErrorKind::InvalidInput, "cannot parse '{}': {}", name, e.what());
  }
}

std::string string_field(const json& j, std::string_view key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

// Counts are written as numbers; tolerate strings of digits and floats holding whole numbers.
// A float that is no count (1e300, 2.5) is the file's fault: Error(InvalidInput) naming it.
std::optional<uint64_t> count_field(const json& j, std::initializer_list<std::string_view> keys,
                                    std::string_view name) {
  for (auto key : keys) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) continue;
    if (it->is_number_unsigned()) return it->get<uint64_t>();
    if (it->is_number_integer() && it->get<int64_t>() >= 0) return it->get<int64_t>();
    if (it->is_number_float() && it->get<double>() >= 0) {
      double value = it->get<double>();
      // 2^64 is exact in a double; everything below it converts without overflow.
      if (value >= 18446744073709551616.0 || value != std::floor(value)) {
        fail(ErrorKind::InvalidInput, "'{}': \"{}\" is {}, not a count", name, key, it->dump());
      }
      return static_cast<uint64_t>(value);
    }
    if (it->is_string()) {
      const std::string s = it->get<std::string>();
      uint64_t value = 0;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
      if (ec == std::errc() && end == s.data() + s.size()) return value;
    }
  }
  return std::nullopt;
}

const json* object_field(const json& j, std::initializer_list<std::string_view> keys) {
  for (auto key : keys) {
    auto it = j.find(key);
    if (it != j.end() && it->is_object()) return &*it;
  }
  return nullptr;
}

ExportStatus status_of(std::string_view text) {
  std::string upper;
  for (char c : text) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "STARTING" || upper == "PENDING") return ExportStatus::Starting;
  if (upper == "IN_PROGRESS" || upper == "INPROGRESS") return ExportStatus::InProgress;
  if (upper == "COMPLETE" || upper == "COMPLETED") return ExportStatus::Complete;
  if (upper == "FAILED") return ExportStatus::Failed;
  if (upper == "CANCELING" || upper == "CANCELLING") return ExportStatus::Canceling;
  if (upper == "CANCELED" || upper == "CANCELLED") return ExportStatus::Canceled;
  return ExportStatus::Unknown;
}

bool parse_int(std::string_view s, int& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

using sys_ms = sys_time<milliseconds>;

// Java's default Date format, as Gson writes it: "Nov 25, 2026 12:30:00 AM" (read as UTC).
std::optional<sys_seconds> parse_java_default(std::string_view t) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (t.size() < 20) return std::nullopt;
  int mo = 0;
  for (int i = 0; i < 12; ++i) {
    if (t.substr(0, 3) == kMonths[i]) mo = i + 1;
  }
  if (mo == 0 || t[3] != ' ') return std::nullopt;
  // "<d>, <yyyy> <h>:<mm>:<ss> <AM|PM>"; Java 9+ may put U+202F before AM/PM: accept any space.
  std::string_view rest = t.substr(4);
  auto take_until = [&rest](std::string_view stop) {
    size_t n = rest.find_first_of(stop);
    std::string_view part = rest.substr(0, n);
    rest.remove_prefix(n == std::string_view::npos ? rest.size() : n);
    return part;
  };
  int d, y, h, mi, s;
  if (!parse_int(take_until(","), d) || !rest.starts_with(", ")) return std::nullopt;
  rest.remove_prefix(2);
  if (!parse_int(take_until(" "), y) || !rest.starts_with(" ")) return std::nullopt;
  rest.remove_prefix(1);
  if (!parse_int(take_until(":"), h) || !rest.starts_with(":")) return std::nullopt;
  rest.remove_prefix(1);
  if (!parse_int(take_until(":"), mi) || !rest.starts_with(":")) return std::nullopt;
  rest.remove_prefix(1);
  if (!parse_int(take_until(" \xe2"), s)) return std::nullopt;
  bool pm;
  if (rest.ends_with("PM")) {
    pm = true;
  } else if (rest.ends_with("AM")) {
    pm = false;
  } else {
    return std::nullopt;
  }
  if (h < 1 || h > 12) return std::nullopt;
  h = (h % 12) + (pm ? 12 : 0);
  return civil_time(y, mo, d, h, mi, s);
}

}  // namespace

std::optional<sys_ms> parse_timestamp(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  if (text.empty()) return std::nullopt;
  int64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec == std::errc() && end == text.data() + text.size()) {
    // Epoch seconds until the year 5138; beyond that it must be milliseconds.
    return number < 100'000'000'000 ? sys_ms{seconds{number}} : sys_ms{milliseconds{number}};
  }
  if (auto t = parse_iso8601(text)) return t;
  return parse_java_default(text);
}

ExportInfo parse_export_info(std::string_view text, std::string_view name) {
  json j = parse_json(text, name);
  if (!j.is_object()) fail(ErrorKind::InvalidInput, "'{}' is not a JSON object", name);
  ExportInfo info;
  info.export_id = string_field(j, "exportTaskIdentifier");
  info.status_text = string_field(j, "status");
  info.status = status_of(info.status_text);
  info.failure_cause = string_field(j, "failureCause");
  if (info.failure_cause.empty()) info.failure_cause = string_field(j, "errorMessage");
  info.source_arn = string_field(j, "sourceArn");
  info.percent_progress = static_cast<int>(count_field(j, {"percentProgress"}, name).value_or(0));
  if (info.status_text.empty()) fail(ErrorKind::InvalidInput, "'{}' has no \"status\"", name);
  info.snapshot_time_text = string_field(j, "snapshotTime");
  if (const json* own = object_field(j, {"snaplake"})) {
    if (auto it = own->find("attempt"); it != own->end())
      info.lease = commit::Lease::from_json(*it);
    if (const json* source = object_field(*own, {"sourceSnapshot"})) {
      info.source_snapshot_id = string_field(*source, "snapshotId");
    }
  }
  if (info.status == ExportStatus::Complete) {
    auto time = parse_timestamp(info.snapshot_time_text);
    if (!time) {
      fail(ErrorKind::InvalidInput, "'{}' has no readable \"snapshotTime\" (got '{}')", name,
           info.snapshot_time_text);
    }
    info.snapshot_time = *time;
  }
  return info;
}

std::vector<ExportedTable> parse_tables_info(std::string_view text, std::string_view name) {
  json j = parse_json(text, name);
  auto list = j.is_object() ? j.find("perTableStatus") : j.end();
  if (!j.is_object() || list == j.end() || !list->is_array()) {
    fail(ErrorKind::InvalidInput, "'{}' has no \"perTableStatus\" list", name);
  }
  std::vector<ExportedTable> tables;
  for (const json& entry : *list) {
    if (!entry.is_object())
      fail(ErrorKind::InvalidInput, "'{}': a perTableStatus entry is not an object", name);
    ExportedTable table;
    table.target = string_field(entry, "target");
    if (table.target.empty()) {
      fail(ErrorKind::InvalidInput, "'{}': a perTableStatus entry has no \"target\"", name);
    }
    table.status = string_field(entry, "status");
    table.warning = string_field(entry, "warningMessage");
    if (auto size = entry.find("sizeGB"); size != entry.end() && size->is_number()) {
      table.size_gb = size->get<double>();
    }
    if (const json* stats = object_field(entry, {"tableStatistics", "TableStatistics"})) {
      table.rows =
          count_field(*stats, {"rowCount", "rows", "numRows", "extractedRecordsCount"}, name);
      auto files = stats->find("files");
      if (files != stats->end() && files->is_array()) {
        for (const json& f : *files) {
          ExportedFile file;
          file.key = f.is_object() ? string_field(f, "key") : std::string{};
          if (file.key.empty()) {
            fail(ErrorKind::InvalidInput, "'{}': a file of '{}' has no \"key\"", name,
                 table.target);
          }
          file.bytes = count_field(f, {"bytes", "size", "sizeBytes"}, name);
          file.rows = count_field(f, {"rows", "rowCount", "numRows"}, name);
          table.files.push_back(std::move(file));
        }
      }
    }
    if (const json* schema = object_field(entry, {"schemaMetadata"})) {
      auto mappings = schema->find("originalTypeMappings");
      if (mappings != schema->end() && mappings->is_array()) {
        for (const json& m : *mappings) {
          if (!m.is_object()) continue;
          table.original_types.push_back(
              {string_field(m, "columnName"), string_field(m, "originalType"),
               string_field(m, "exportedColumnName")});
        }
      }
    }
    tables.push_back(std::move(table));
  }
  return tables;
}

void require_complete(const ExportInfo& info) {
  switch (info.status) {
    case ExportStatus::Complete:
      return;
    case ExportStatus::Starting:
    case ExportStatus::InProgress:
      if (info.lease) {
        commit::LeaseState state = info.lease->state(wall_now());
        if (state != commit::LeaseState::Live) {
          throw ExportAbandoned(fmt::format(
              "export {} was abandoned while {}: its attempt {} ({}) stopped renewing its lease "
              "({}, expired at {}); export it again to replace it",
              info.export_id, info.status_text, info.lease->attempt_id, info.lease->describe(),
              commit::to_string(state), iso8601(info.lease->expires)));
        }
        fail(ErrorKind::Conflict, "export {} is not complete yet ({}, being written by {})",
             info.export_id, info.status_text, info.lease->describe());
      }
      fail(ErrorKind::Conflict, "export {} is not complete yet ({})", info.export_id,
           info.status_text);
    case ExportStatus::Failed:
    case ExportStatus::Canceling:
    case ExportStatus::Canceled:
      throw ExportEnded(fmt::format(
          "export {} is {}: {}", info.export_id, info.status_text,
          info.failure_cause.empty() ? "no failure cause recorded" : info.failure_cause));
    case ExportStatus::Unknown:
      break;
  }
  fail(ErrorKind::InvalidInput, "export {} has status '{}', which snaplake does not know",
       info.export_id, info.status_text);
}

}  // namespace snaplake::rds_export
