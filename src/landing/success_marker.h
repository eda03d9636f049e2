// A partition folder's _SUCCESS: the one small object that says which export's files make up the
// folder (PRODUCT contract, docs/layouts.md; docs/commit-protocol.md, "Landings"). Readers that
// honour it read exactly the files it lists. Landings replace it only by a conditional write on
// the version they read, and only with a newer snapshot, so of two concurrent landings of one
// partition exactly one wins, and an older snapshot never replaces a newer one.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace snaplake::landing {

inline constexpr std::string_view kSuccessName = "_SUCCESS";

using SnapshotTime = std::chrono::sys_time<std::chrono::milliseconds>;

struct MarkedFile {
  std::string key;     // relative to the partition folder
  std::string source;  // the file's key in the export
  uint64_t bytes = 0;
  uint64_t rows = 0;
};

struct SuccessMarker {
  std::string export_id;
  std::string target;  // db.schema.table
  SnapshotTime snapshot_time{};
  std::string import_date;  // YYYYMMDD
  std::string attempt_id;   // the landing attempt that wrote it
  uint64_t rows = 0;
  uint64_t bytes = 0;
  std::vector<MarkedFile> files;
};

std::string render_marker(const SuccessMarker& marker);
// nullopt for anything that is not a snaplake marker (an empty _SUCCESS from Spark, say): such a
// folder is treated as holding no export at all, older than every snapshot.
std::optional<SuccessMarker> parse_marker(std::string_view text);

// The order in which landings may replace each other: by snapshot time, then by export id.
struct LandingOrder {
  SnapshotTime snapshot_time{};
  std::string export_id;
  auto operator<=>(const LandingOrder&) const = default;
  // As text that sorts as the order does ("000001764583200123/<export id>"), for places that
  // keep it as a string (a Glue table's parameter).
  std::string key() const;
};
inline LandingOrder order_of(const SuccessMarker& m) {
  return {m.snapshot_time, m.export_id};
}

}  // namespace snaplake::landing
