// Appends a batch of framed rows (row_frames.h) to a Parquet file, column by column: each
// column's dictionary, buffers and statistics stay in cache for the whole batch, and dictionary
// slots of text columns are prefetched a few values ahead (as the PostgreSQL path does,
// exporter/file_copy.cc). Each value is decoded from the server's text form as the column's
// mapping says (types/mysql_mapping.h); a value the Parquet type cannot hold is written as NULL
// and counted per column (the one rule, kMysqlUnrepresentableRule).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "mysql/row_frames.h"
#include "parquet/file_writer.h"
#include "types/mysql_mapping.h"

namespace snaplake::mysql {

class BatchDecoder {
 public:
  explicit BatchDecoder(std::vector<types::MysqlColumnMapping> columns);

  const std::vector<types::MysqlColumnMapping>& columns() const { return columns_; }
  parquet::Schema schema() const;

  // Appends every row of `batch` to `writer` (whose schema is schema()); adds to
  // unrepresentable[i] (sized to the columns) the values of column i written as NULL. Returns
  // the rows appended. Throws Error(Source) naming the column for a value that is not of the
  // column's type at all (which the server never sends).
  size_t append(parquet::FileWriter& writer, std::span<const uint8_t> batch,
                std::vector<uint64_t>& unrepresentable);

 private:
  std::vector<types::MysqlColumnMapping> columns_;
  std::vector<Field> cells_;  // the batch's fields, row by row
};

}  // namespace snaplake::mysql
