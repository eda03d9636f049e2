// The files of one slice of a MySQL/MariaDB export: the slice's SELECT streamed on a worker
// connection (mysql/slice_reader.h, mysql_use_result) by the calling thread, framed into
// batches of whole rows, and handed over a bounded queue (sources/tuple_batches.h) to one
// encoding thread that appends them to Parquet parts column by column (mysql/batch_decoder.h).
// The server's time to produce rows dominates a MySQL stream (src/mysql/README.md, "Text or
// binary protocol"), so one encoder keeps up with one reader; --jobs N reads N streams.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "exporter/source.h"
#include "mysql/connection.h"
#include "parquet/options.h"
#include "types/mysql_mapping.h"

namespace snaplake::sources {

// A part is closed after the row group that takes it past this size; the next one follows.
constexpr uint64_t kMysqlMaxPartBytes = 256ull << 20;

// Runs `sql` on `conn` and writes its rows as Parquet parts into `sink`. Every part has at least
// one row, except the single empty part of a slice without rows. On failure (the stream broke,
// the encoder failed, the read was cancelled) no part is committed after the failure and the
// open part is aborted; parts already done stay done (the export removes them).
exporter::FileOutcome read_to_parts(mysql::Connection& conn, const std::string& sql,
                                    const std::vector<types::MysqlColumnMapping>& columns,
                                    const parquet::WriterOptions& options,
                                    const exporter::PartSink& sink,
                                    const exporter::ReadControl& control, const std::string& what,
                                    uint64_t max_part_bytes = kMysqlMaxPartBytes);

}  // namespace snaplake::sources
