#include "landing/success_marker.h"

#include <nlohmann/json.hpp>

#include "commit/lease.h"
#include "rds_export/documents.h"

namespace snaplake::landing {

using nlohmann::ordered_json;

std::string render_marker(const SuccessMarker& m) {
  ordered_json j;
  j["exportId"] = m.export_id;
  j["target"] = m.target;
  j["snapshotTime"] = iso8601(m.snapshot_time);
  j["importDate"] = m.import_date;
  j["rows"] = m.rows;
  j["bytes"] = m.bytes;
  ordered_json files = ordered_json::array();
  for (const MarkedFile& f : m.files) {
    files.push_back({{"key", f.key}, {"source", f.source}, {"bytes", f.bytes}, {"rows", f.rows}});
  }
  j["files"] = std::move(files);
  j["landingAttempt"] = m.attempt_id;
  return j.dump(2) + "\n";
}

std::optional<SuccessMarker> parse_marker(std::string_view text) {
  try {
    auto j = ordered_json::parse(text);
    if (!j.is_object()) return std::nullopt;
    SuccessMarker m;
    m.export_id = j.value("exportId", "");
    if (m.export_id.empty()) return std::nullopt;
    auto time = rds_export::parse_timestamp(j.value("snapshotTime", ""));
    if (!time) return std::nullopt;
    m.snapshot_time = *time;
    m.target = j.value("target", "");
    m.import_date = j.value("importDate", "");
    m.attempt_id = j.value("landingAttempt", "");
    m.rows = j.value("rows", uint64_t{0});
    m.bytes = j.value("bytes", uint64_t{0});
    for (const auto& f : j.value("files", ordered_json::array())) {
      m.files.push_back({f.value("key", ""), f.value("source", ""), f.value("bytes", uint64_t{0}),
                         f.value("rows", uint64_t{0})});
    }
    return m;
  } catch (const ordered_json::exception&) {
    return std::nullopt;
  }
}

std::string LandingOrder::key() const {
  return fmt::format("{:018}/{}", std::max<int64_t>(0, snapshot_time.time_since_epoch().count()),
                     export_id);
}

}  // namespace snaplake::landing
