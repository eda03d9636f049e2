// The landing manifest, `_snaplake/landings/<export id>.json` in the landing root (docs/layouts.md,
// "Landing zone"): what one landing of one export did, table by table, for people and tools that
// want the whole landing at once (crawlers skip '_' folders). Beside success_marker.h, which is
// the per-partition promise readers rely on; the manifest promises nothing to readers.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace snaplake::landing {

struct ManifestTable {
  std::string target;     // db.schema.table
  std::string partition;  // the partition folder's key prefix
  uint64_t files = 0;
  uint64_t rows = 0;
  uint64_t bytes = 0;
  std::string superseded_by;  // "" when this export's files are the partition's
};

struct ManifestSkipped {
  std::string target;
  std::string status;
  std::string warning;
};

struct LandingManifest {
  std::string export_id;
  std::string source_arn;
  std::chrono::sys_time<std::chrono::milliseconds> snapshot_time{};
  std::string import_date;
  std::string service_area;
  std::string source;  // where the export was (redacted)
  std::vector<ManifestTable> tables;
  std::vector<ManifestSkipped> skipped;
  uint64_t rows = 0;  // of the tables landed (not superseded)
  uint64_t bytes = 0;
};

// "_snaplake/landings/<export id>.json"
std::string manifest_key(std::string_view export_id);
// The manifest's text: the same landing renders the same bytes, so a re-run can tell nothing
// changed.
std::string render_manifest(const LandingManifest& manifest);

}  // namespace snaplake::landing
