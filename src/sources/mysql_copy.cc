#include "sources/mysql_copy.h"

#include <exception>
#include <memory>
#include <thread>

#include "common/error.h"
#include "mysql/batch_decoder.h"
#include "mysql/slice_reader.h"
#include "parquet/file_writer.h"
#include "sources/tuple_batches.h"

namespace snaplake::sources {

using exporter::FileOutcome;

namespace {

constexpr size_t kBatchBytes = 256 << 10;  // as the PostgreSQL path's batches

// The encoding thread's parts, one open at a time.
class MysqlPartEncoder {
 public:
  MysqlPartEncoder(const std::vector<types::MysqlColumnMapping>& columns,
                   const parquet::WriterOptions& options, const exporter::PartSink& sink,
                   uint64_t max_part_bytes)
      : decoder_(columns),
        schema_(decoder_.schema()),
        width_(columns.size()),
        options_(options),
        sink_(sink),
        max_part_bytes_(max_part_bytes) {
    totals_.unrepresentable.assign(width_, 0);
    totals_.flattened.assign(width_, 0);
  }

  void encode(const TupleBatch& batch) {
    if (!writer_) open_part();
    part_.rows += decoder_.append(*writer_, batch.bytes, part_.unrepresentable);
    if (upload_->position() >= max_part_bytes_) close_part();
  }
  void finish(bool even_empty) {
    if (!writer_ && even_empty && parts_ == 0) open_part();
    if (writer_) close_part();
  }
  void abandon() noexcept {
    writer_.reset();
    if (upload_) upload_->abort();
    upload_.reset();
  }
  const FileOutcome& totals() const { return totals_; }

 private:
  void open_part() {
    upload_ = sink_.open(key_);
    writer_ = std::make_unique<parquet::FileWriter>(schema_, options_, *upload_);
    part_ = FileOutcome{};
    part_.unrepresentable.assign(width_, 0);
  }
  void close_part() {
    part_.bytes = writer_->close().bytes;
    writer_.reset();
    if (sink_.may_commit) sink_.may_commit();  // throws when this attempt may write no more
    upload_->commit();
    upload_.reset();
    ++parts_;
    sink_.done(key_, part_);
    totals_.rows += part_.rows;
    totals_.bytes += part_.bytes;
    for (size_t i = 0; i < width_; ++i) totals_.unrepresentable[i] += part_.unrepresentable[i];
  }

  mysql::BatchDecoder decoder_;
  parquet::Schema schema_;
  size_t width_;
  const parquet::WriterOptions& options_;
  const exporter::PartSink& sink_;
  uint64_t max_part_bytes_;
  std::unique_ptr<store::Upload> upload_;  // outlives the writer that writes into it
  std::unique_ptr<parquet::FileWriter> writer_;
  std::string key_;
  FileOutcome part_;
  size_t parts_ = 0;
  FileOutcome totals_;
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
