// The files of one slice of an export: `COPY (SELECT …) TO STDOUT (FORMAT binary)` of one
// relation (or one ctid range of it), each tuple decoded straight into the Parquet writer's
// column appends, on encoding threads fed by the thread reading the stream.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/output_stream.h"
#include "exporter/source.h"
#include "parquet/options.h"
#include "pg/connection.h"
#include "sources/pg_plan.h"
#include "store/object_store.h"
#include "types/mapping.h"

namespace snaplake::sources {

// The COPY statement for one slice: columns selected by name (a partition's column order may
// differ from its parent's), cast to text where the mapping says so, FROM ONLY the relation so
// an inheritance parent exports its own rows and each child its own.
std::string copy_sql(const std::string& schema, const std::string& relation,
                     const std::vector<types::ColumnMapping>& columns, const PageRange& range);

using exporter::FileOutcome;
using exporter::PartSink;
using exporter::ReadControl;

struct FanOut {
  // Threads that decode and encode the slice's tuples, each into parts of its own, while the
  // calling thread reads the COPY stream: one PostgreSQL stream keeps about two busy
  // (bench/README.md, "Export").
  size_t encoders = 1;
  // A part is closed after the row group that takes it to this size; the next one follows.
  uint64_t max_part_bytes = 256ull << 20;
};

// Runs the COPY on `conn` and writes its rows as Parquet parts into `sink`: this thread reads and
// frames the tuples, fan_out.encoders threads take batches of them as they come (the first
// encoder alone until 32 MB of rows were read, so that a small slice is one file). Every part has
// at least one row, except the single empty part of a slice without rows. Returns the totals of
// the parts. On failure (the stream broke, an encoder failed, the copy was cancelled) no part is
// committed after the failure and the open parts are aborted; parts already done stay done (the
// caller fails the whole export and removes them).
FileOutcome copy_to_parts(pg::Connection& conn, const std::string& sql,
                          const std::vector<types::ColumnMapping>& columns,
                          const parquet::WriterOptions& options, const FanOut& fan_out,
                          const PartSink& sink, const ReadControl& control,
                          const std::string& what);

}  // namespace snaplake::sources
