#include "sources/part_writer.h"

namespace snaplake::sources {

PartWriter::PartWriter(parquet::Schema schema, const parquet::WriterOptions& options,
                       const exporter::PartSink& sink, uint64_t max_part_bytes)
    : schema_(std::move(schema)), options_(options), sink_(sink), max_part_bytes_(max_part_bytes) {
  totals_.unrepresentable.assign(schema_.size(), 0);
  totals_.flattened.assign(schema_.size(), 0);
}

parquet::FileWriter& PartWriter::writer() {
  if (!writer_) open_part();
  return *writer_;
}

void PartWriter::close_if_full() {
  if (writer_ && upload_->position() >= max_part_bytes_) close_part();
}

void PartWriter::finish(bool even_empty) {
  if (!writer_ && even_empty && parts_ == 0) open_part();
  if (writer_) close_part();
}

void PartWriter::abandon() noexcept {
  writer_.reset();
  if (upload_) upload_->abort();
  upload_.reset();
}

void PartWriter::open_part() {
  upload_ = sink_.open(key_);
  writer_ = std::make_unique<parquet::FileWriter>(schema_, options_, *upload_);
  part_ = exporter::FileOutcome{};
  part_.unrepresentable.assign(schema_.size(), 0);
  part_.flattened.assign(schema_.size(), 0);
}

void PartWriter::close_part() {
  part_.bytes = writer_->close().bytes;
  writer_.reset();
  if (sink_.may_commit) sink_.may_commit();  // throws when this attempt may write no more
  upload_->commit();
  upload_.reset();
  ++parts_;
  sink_.done(key_, part_);
  totals_.rows += part_.rows;
  totals_.bytes += part_.bytes;
  for (size_t i = 0; i < schema_.size(); ++i) {
    totals_.unrepresentable[i] += part_.unrepresentable[i];
    totals_.flattened[i] += part_.flattened[i];
  }
}

}  // namespace snaplake::sources
