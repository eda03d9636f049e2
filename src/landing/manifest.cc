#include "landing/manifest.h"

#include <nlohmann/json.hpp>

#include "commit/lease.h"
#include "landing/landing_layout.h"

namespace snaplake::landing {

using nlohmann::ordered_json;

std::string manifest_key(std::string_view export_id) {
  return "_snaplake/landings/" + safe_segment(export_id) + ".json";
}

std::string render_manifest(const LandingManifest& m) {
  ordered_json j;
  j["exportId"] = m.export_id;
  j["sourceArn"] = m.source_arn;
  j["snapshotTime"] = iso8601(m.snapshot_time);
  j["importDate"] = m.import_date;
  j["serviceArea"] = m.service_area;
  j["source"] = m.source;
  ordered_json tables = ordered_json::array();
  ordered_json superseded = ordered_json::array();
  for (const ManifestTable& t : m.tables) {
    if (!t.superseded_by.empty()) {
      superseded.push_back(
          {{"target", t.target}, {"partition", t.partition}, {"supersededBy", t.superseded_by}});
      continue;
    }
    tables.push_back({{"target", t.target},
                      {"partition", t.partition},
                      {"files", t.files},
                      {"rows", t.rows},
                      {"bytes", t.bytes}});
  }
  j["tables"] = std::move(tables);
  j["supersededTables"] = std::move(superseded);
  ordered_json skipped = ordered_json::array();
  for (const ManifestSkipped& s : m.skipped) {
    skipped.push_back({{"target", s.target}, {"status", s.status}, {"warningMessage", s.warning}});
  }
  j["skippedTables"] = std::move(skipped);
  j["rows"] = m.rows;
  j["bytes"] = m.bytes;
  return j.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace snaplake::landing
