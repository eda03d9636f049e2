#include "mysql/slice_reader.h"

#include "common/error.h"
#include "mysql/row_frames.h"

namespace snaplake::mysql {

SliceReader::SliceReader(Connection& conn, const std::string& sql, size_t fields, std::string what)
    : conn_(conn), fields_(fields) {
  conn_.start_stream(sql, what);
  if (conn_.stream_fields() != fields_) {
    fail(ErrorKind::Internal, "{}: the SELECT returns {} columns, {} expected", what,
         conn_.stream_fields(), fields_);
  }
}

size_t SliceReader::fill(std::vector<uint8_t>& batch, size_t bytes) {
  size_t appended = 0;
  StreamRow row;
  while (!done_ && batch.size() < bytes) {
    if (!conn_.next_row(row)) {
      done_ = true;
      break;
    }
    size_t before = batch.size();
    frame_row(batch, row.fields, row.lengths, fields_);
    bytes_ += batch.size() - before - 4 * fields_;
    ++appended;
  }
  rows_ += appended;
  return appended;
}

}  // namespace snaplake::mysql
