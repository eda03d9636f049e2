// The Parquet parts one encoding thread writes, one open at a time, for either source: a part is
// opened on the first rows, closed once its upload reaches max_part_bytes (written, committed
// through the sink, which may refuse: PartSink::may_commit), and at the end of the stream; when
// the stream broke it is abandoned, its upload aborted, and nothing of it becomes visible.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "exporter/source.h"
#include "parquet/file_writer.h"
#include "parquet/options.h"

namespace snaplake::sources {

class PartWriter {
 public:
  PartWriter(parquet::Schema schema, const parquet::WriterOptions& options,
             const exporter::PartSink& sink, uint64_t max_part_bytes);

  // The open part's writer, opening a part first when none is open.
  parquet::FileWriter& writer();
  // The open part's counts (rows, and per column unrepresentable and flattened values), for the
  // encoder to add to; valid once writer() has opened the part.
  exporter::FileOutcome& part() { return part_; }
  // Closes the open part when it has reached max_part_bytes.
  void close_if_full();
  // Closes the open part, if any; with `even_empty`, writes an empty part when none was written.
  void finish(bool even_empty);
  // Drops the open part without committing it.
  void abandon() noexcept;
  // The committed parts' counts, summed.
  const exporter::FileOutcome& totals() const { return totals_; }

 private:
  void open_part();
  void close_part();

  parquet::Schema schema_;
  const parquet::WriterOptions& options_;
  const exporter::PartSink& sink_;
  uint64_t max_part_bytes_;
  std::unique_ptr<store::Upload> upload_;  // outlives the writer that writes into it
  std::unique_ptr<parquet::FileWriter> writer_;
  std::string key_;
  exporter::FileOutcome part_;
  size_t parts_ = 0;
  exporter::FileOutcome totals_;
};

}  // namespace snaplake::sources
