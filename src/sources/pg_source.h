// PostgreSQL as an export source (exporter/source.h). Per database, a coordinator connection
// exports one snapshot (pg/snapshot.h) and discovers the tables inside it (pg/catalog.h); the
// readers import it (SET TRANSACTION SNAPSHOT) and read slices with binary COPY
// (sources/pg_file_copy.h): a partitioned table one batch per leaf partition, a relation over
// 2048 blocks split into one ctid range per reader (sources/pg_plan.h).
//
// One COPY stream keeps about two encoding threads busy (the server sends a row faster than it
// is decoded, encoded and compressed: bench/README.md, "Export"), so --jobs N reads ceil(N / 2)
// streams, each feeding two encoders. A big relation is split into ctid ranges only to give
// every stream work: a TID range scan costs the server more than a sequential scan when the
// table is larger than shared_buffers.
#pragma once

#include <string>
#include <vector>

#include "exporter/export.h"
#include "exporter/source.h"

namespace snaplake::sources {

class PgSource : public exporter::Source {
 public:
  explicit PgSource(const exporter::ExportOptions& options) : options_(options) {}
  std::string engine() const override { return "postgresql"; }
  std::vector<std::string> databases(bool all) override;
  std::string id_base(bool all) const override;
  exporter::OnlyFilter parse_only(const std::string& text) const override;
  int readers(int jobs) const override;
  uint64_t stored_bytes(const std::string& database) override;
  std::unique_ptr<exporter::DatabaseSnapshot> snapshot(
      const std::string& database, const std::vector<exporter::OnlyFilter>& filters,
      int jobs) override;

 private:
  const exporter::ExportOptions& options_;
};

}  // namespace snaplake::sources
