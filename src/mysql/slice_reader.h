// Streams the rows of one slice (plan.h) from a worker connection into batches of whole rows
// (row_frames.h): mysql_real_query + mysql_use_result, so the server sends rows as it reads
// them and the client holds one at a time. Memory is the batches the caller keeps, whatever the
// slice's size. The text protocol is used (src/mysql/README.md, "Text or binary protocol").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mysql/connection.h"

namespace snaplake::mysql {

class SliceReader {
 public:
  // Starts the SELECT; `fields` is the number of columns it selects (checked).
  SliceReader(Connection& conn, const std::string& sql, size_t fields, std::string what);

  // Appends whole rows to `batch` until it holds at least `bytes` bytes or the slice ends.
  // Returns the rows appended: 0 once the slice is done. Throws Error (Network when the
  // connection was lost or killed) if the stream broke. A slice left before its end (an
  // encoder failed) leaves the connection good only for closing (connection.h).
  size_t fill(std::vector<uint8_t>& batch, size_t bytes);

  uint64_t rows() const { return rows_; }
  uint64_t bytes_read() const { return bytes_; }  // field bytes, for progress

 private:
  Connection& conn_;
  size_t fields_;
  bool done_ = false;
  uint64_t rows_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace snaplake::mysql
