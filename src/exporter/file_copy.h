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
#include "exporter/plan.h"
#include "parquet/options.h"
#include "pg/connection.h"
#include "store/object_store.h"
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
  // Per column: values the Parquet type could not hold, written as NULL (typed profile; array
  // elements count one each).
  std::vector<uint64_t> unrepresentable;
  // Per column: multi-dimensional arrays flattened into one LIST (typed profile).
  std::vector<uint64_t> flattened;
};

struct CopyControl {
  const std::atomic<bool>* cancel = nullptr;   // checked between batches: stop early when set
  std::atomic<uint64_t>* rows_done = nullptr;  // progress counters, updated in steps
  std::atomic<uint64_t>* bytes_read = nullptr;
};

// Where the Parquet parts of one slice go: open() starts the next part and names its key;
// may_commit() is asked right before a part is committed and throws when the export may write no
// more (its claim was lost: commit/claim.h); done() follows the part's commit. All are called
// from the encoding threads, concurrently.
struct PartSink {
  std::function<std::unique_ptr<store::Upload>(std::string& key)> open;
  std::function<void()> may_commit;
  std::function<void(const std::string& key, const FileOutcome& part)> done;
};

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
                          const PartSink& sink, const CopyControl& control,
                          const std::string& what);

}  // namespace snaplake::exporter
