// Writes one Parquet file, streaming: rows are appended column by column, a row group is
// encoded and compressed into memory as it grows, and written to the OutputStream when it
// reaches the size or row target; the footer follows on close(). Memory is bounded by about one
// row group, whatever the number of rows.
//
//   FileWriter w = FileWriter(schema, options, stream);
//   for each row: for each column c: w.append_*(c, value) or w.append_null(c); w.end_row();
//   w.close();   // writes the footer; the caller then commits the stream
//
// Each append_* must match the column's physical type (append_bytes serves BYTE_ARRAY and
// FIXED_LEN_BYTE_ARRAY). A LIST column (schema.h) takes, per row, either append_null (a NULL
// list) or begin_list, any number of element appends (append_null for a NULL element), and
// end_list; an element append outside begin_list/end_list is rejected. A value that does not fit
// its column (wrong width, a DECIMAL beyond its precision, NULL in a REQUIRED column) throws
// Error(InvalidInput) naming the column. Such a rejected value is not appended and leaves the
// writer as it was, so the caller may append another value (e.g. NULL) for the column instead;
// end_row() on an incomplete row throws the same way. After any other failure (the stream threw)
// every call throws and the file must be abandoned (abort the stream): a FileWriter never writes a
// corrupt file.
//
// What lands in the file (parquet-format): "PAR1" | row groups | FileMetaData (Thrift compact,
// thrift_compact.h / metadata.cc) | its length (LE int32) | "PAR1". Each column chunk is an
// optional dictionary page (PLAIN) followed by v1 data pages (RLE_DICTIONARY indices or PLAIN
// values, definition levels in the RLE hybrid); see column_writer.h for when each is chosen.
// Chunk statistics follow each type's sort order (statistics.h); column_orders says so.
// append_decimal checks |unscaled| < 10^precision; append_int32/append_int64 check it too on a
// DECIMAL column, and the INTEGER(16) range on an INT16 column. append_bytes on a DECIMAL
// FIXED_LEN_BYTE_ARRAY takes the big-endian two's complement as it is (width checked only).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "common/output_stream.h"
#include "parquet/options.h"
#include "parquet/schema.h"

namespace snaplake::parquet {

class ColumnChunkWriter;  // one per column; internal

struct FileStats {
  uint64_t rows = 0;
  uint64_t row_groups = 0;
  uint64_t bytes = 0;  // file size after close()
};

class FileWriter {
 public:
  FileWriter(Schema schema, WriterOptions options, OutputStream& out);
  ~FileWriter();
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  const Schema& schema() const { return schema_; }

  // NULL; on a LIST column a NULL list, or a NULL element between begin_list and end_list.
  void append_null(size_t column);
  // LIST columns: opens / closes the row's list (no element in between: an empty list).
  void begin_list(size_t column);
  void end_list(size_t column);
  void append_bool(size_t column, bool value);
  void append_int32(size_t column, int32_t value);  // INT32, incl. DATE, INT16, DECIMAL(p<=9)
  void append_int64(size_t column, int64_t value);  // INT64, incl. TIME, TIMESTAMP, DECIMAL
  void append_float(size_t column, float value);
  void append_double(size_t column, double value);
  void append_bytes(size_t column, std::string_view value);  // BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY
  // DECIMAL on any physical type, from the unscaled value; checks |value| < 10^precision.
  void append_decimal(size_t column, Int128 unscaled);

  // Ends the current row; every column must have had exactly one value appended.
  // May write a row group.
  void end_row();

  // Column-major appends: begin_rows(n), then n values for each column (columns in any order),
  // then end_rows(), which checks every column has its n values and may write a row group (so
  // a row group may exceed row_group_rows by up to n - 1 rows). Lets a caller append a batch
  // one column at a time, keeping that column's state in cache, and prefetch ahead.
  void begin_rows(size_t n);
  void end_rows();

  // Hints that a value will soon be appended to the column: starts loading the memory the
  // append will touch (its dictionary slot), so that a batch appended column by column does
  // not wait on a cache miss per value. Does nothing for a column not dictionary-encoded.
  void prefetch_bytes(size_t column, std::string_view value);
  void prefetch_int32(size_t column, int32_t value);
  void prefetch_int64(size_t column, int64_t value);
  // Whether the column's values go through its dictionary now, i.e. whether prefetching pays.
  bool dictionary_active(size_t column) const;

  // Writes the last row group and the footer. The stream is not committed here.
  FileStats close();

  uint64_t rows() const { return rows_; }

 private:
  void flush_row_group();
  // The column's writer after checking the index, the writer's state and that the row has no
  // value for it yet (and, for a value, that a LIST column's list is open); `kind` names the
  // append for the error message.
  ColumnChunkWriter& column_for(size_t column, const char* kind, bool is_value = true);
  [[noreturn]] void reject(size_t column, std::string_view why) const;
  void check_decimal(size_t column, Int128 unscaled) const;

  Schema schema_;
  WriterOptions options_;
  OutputStream& out_;
  std::vector<std::unique_ptr<ColumnChunkWriter>> columns_;
  // Per column: kFlat, or a LIST column's kListClosed / kListOpen.
  enum : uint8_t { kFlat, kListClosed, kListOpen };
  std::vector<uint8_t> list_state_;
  uint64_t rows_ = 0;
  uint64_t rows_in_group_ = 0;
  uint64_t rows_open_ = 1;  // rows being appended: 1, or n after begin_rows(n)
  bool closed_ = false;
  struct Footer;
  std::unique_ptr<Footer> footer_;
};

}  // namespace snaplake::parquet
