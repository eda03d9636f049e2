// One file of an export: `COPY (SELECT …) TO STDOUT (FORMAT binary)` of one relation (or one
// ctid range of it), each tuple decoded straight into the Parquet writer's column appends.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/output_stream.h"
#include "exporter/plan.h"
#include "parquet/options.h"
#include "pg/connection.h"
#include "types/mapping.h"

namespace snaplake::exporter {

// The COPY statement for one slice: columns selected by name (a partition's column order may
// differ from its parent's), cast to text where the mapping says so, FROM ONLY the relation so
// an inheritance parent exports its own rows and each child its own.
std::string copy_sql(const std::string& schema, const std::string& relation,
                     const std::vector<types::ColumnMapping>& columns, const PageRange& range);

struct FileOutcome {
  uint64_t rows = 0;
  uint64_t bytes = 0;
  // Per column: values the Parquet type could not hold, written as NULL (typed profile).
  std::vector<uint64_t> unrepresentable;
};

struct CopyControl {
  const std::atomic<bool>* cancel = nullptr;   // checked between rows: stop early when set
  std::atomic<uint64_t>* rows_done = nullptr;  // progress counters, updated in steps
  std::atomic<uint64_t>* bytes_read = nullptr;
};

// Runs the COPY on `conn` and writes one Parquet file to `out` (not committed here).
FileOutcome copy_to_parquet(pg::Connection& conn, const std::string& sql,
                            const std::vector<types::ColumnMapping>& columns,
                            const parquet::WriterOptions& options, OutputStream& out,
                            const CopyControl& control, const std::string& what);

}  // namespace snaplake::exporter
