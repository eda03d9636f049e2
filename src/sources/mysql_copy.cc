#include "sources/mysql_copy.h"

#include <exception>
#include <memory>
#include <thread>

#include "common/error.h"
#include "mysql/batch_decoder.h"
#include "mysql/slice_reader.h"
#include "parquet/file_writer.h"
#include "sources/part_writer.h"
#include "sources/tuple_batches.h"

namespace snaplake::sources {

using exporter::FileOutcome;

namespace {

constexpr size_t kBatchBytes = 256 << 10;  // as the PostgreSQL path's batches

// The encoding thread: decodes batches of rows into Parquet parts.
class MysqlPartEncoder {
 public:
  MysqlPartEncoder(const std::vector<types::MysqlColumnMapping>& columns,
                   const parquet::WriterOptions& options, const exporter::PartSink& sink,
                   uint64_t max_part_bytes)
      : decoder_(columns), parts_(decoder_.schema(), options, sink, max_part_bytes) {}

  void encode(const TupleBatch& batch) {
    parquet::FileWriter& writer = parts_.writer();
    uint64_t rows = decoder_.append(writer, batch.bytes, parts_.part().unrepresentable);
    parts_.part().rows += rows;
    parts_.close_if_full();
  }
  void finish(bool even_empty) { parts_.finish(even_empty); }
  void abandon() noexcept { parts_.abandon(); }
  const FileOutcome& totals() const { return parts_.totals(); }

 private:
  mysql::BatchDecoder decoder_;
  PartWriter parts_;
};

}  // namespace

FileOutcome read_to_parts(mysql::Connection& conn, const std::string& sql,
                          const std::vector<types::MysqlColumnMapping>& columns,
                          const parquet::WriterOptions& options, const exporter::PartSink& sink,
                          const exporter::ReadControl& control, const std::string& what,
                          uint64_t max_part_bytes) {
  // Two batches in flight plus the one being filled: the reader stays ahead of the encoder.
  TupleBatchQueue queue(3);
  MysqlPartEncoder encoder(columns, options, sink, max_part_bytes);
  std::exception_ptr encoder_error;
  std::thread thread([&] {
    try {
      while (auto batch = queue.pop(0)) {
        encoder.encode(*batch);
        if (control.rows_done) control.rows_done->fetch_add(batch->rows, std::memory_order_relaxed);
        if (control.table_rows_done)
          control.table_rows_done->fetch_add(batch->rows, std::memory_order_relaxed);
        queue.recycle(std::move(batch));
      }
      // A cancelled queue is a broken stream, not its end: the open part must not be committed.
      if (queue.cancelled()) {
        encoder.abandon();
      } else {
        encoder.finish(true);
      }
    } catch (...) {
      encoder.abandon();
      encoder_error = std::current_exception();
      queue.cancel();
    }
  });

  std::exception_ptr reader_error;
  try {
    mysql::SliceReader reader(conn, sql, columns.size(), what);
    uint64_t bytes_before = 0;
    while (true) {
      std::unique_ptr<TupleBatch> batch = queue.take_empty();
      if (!batch) break;  // the encoder failed: its error is rethrown below
      batch->bytes.clear();
      size_t rows = reader.fill(batch->bytes, kBatchBytes);
      if (control.bytes_read) {
        control.bytes_read->fetch_add(reader.bytes_read() - bytes_before,
                                      std::memory_order_relaxed);
        bytes_before = reader.bytes_read();
      }
      if (rows == 0) {
        queue.recycle(std::move(batch));
        break;
      }
      batch->rows = rows;
      queue.push(std::move(batch));
      if (control.cancel && control.cancel->load(std::memory_order_relaxed)) {
        fail(ErrorKind::Conflict, "{}: cancelled because another part of the export failed", what);
      }
    }
    queue.close();
  } catch (...) {
    reader_error = std::current_exception();
    queue.cancel();
  }
  thread.join();
  // The stream's own error first: an encoder stopped by a cancelled queue has none.
  if (reader_error) std::rethrow_exception(reader_error);
  if (encoder_error) std::rethrow_exception(encoder_error);
  return encoder.totals();
}

}  // namespace snaplake::sources
