#include "sources/pg_file_copy.h"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>

#include "common/error.h"
#include "parquet/file_writer.h"
#include "pg/binary_values.h"
#include "pg/copy_binary.h"
#include "pg/text_render.h"
#include "sources/part_writer.h"
#include "sources/tuple_batches.h"
#include "types/overrides.h"

namespace snaplake::sources {

using types::Decode;

std::string copy_sql(const std::string& schema, const std::string& relation,
                     const std::vector<types::ColumnMapping>& columns, const PageRange& range) {
  std::string select;
  for (const auto& c : columns) {
    if (!select.empty()) select += ", ";
    std::string name = pg::Connection::quote_identifier(c.source_name);
    if (c.render_with_format) {
      // format() turns NULL into '', so NULL is kept apart.
      select +=
          "CASE WHEN num_nulls(" + name + ") = 1 THEN NULL ELSE format('%s', " + name + ") END";
    } else {
      select += name;
      if (c.cast_to_text) select += "::text";
      if (c.cast_elements_to_text) select += "::text[]";
    }
  }
  std::string sql = "COPY (SELECT " + select + " FROM ONLY " +
                    pg::Connection::quote_identifier(schema) + "." +
                    pg::Connection::quote_identifier(relation);
  std::string condition = ctid_condition(range);
  if (!condition.empty()) sql += " WHERE " + condition;
  return sql + ") TO STDOUT (FORMAT binary)";
}

namespace {

[[noreturn]] void bad_width(const types::ColumnMapping& c, int32_t length) {
  fail(ErrorKind::Source, "column '{}': unexpected binary value of {} bytes", c.column.name,
       length);
}

// Per column, what the Parquet column could not take as it was: values written as NULL, and
// multi-dimensional arrays flattened (types/mapping.h, the two rules).
struct ColumnNotes {
  uint64_t* unrepresentable;
  uint64_t* flattened;
};

// Appends one non-NULL value, arriving as `decode` says, to column i (an element, inside a LIST
// column's open list); returns false when the value was unrepresentable (NULL written).
// `scratch` is reused for text rendered on the client (numeric's can be long); the fixed-size
// renderings go to the stack, so no value allocates.
// Inlined into append_field's two calls: the value path stays one switch per value, as fast as
// before arrays existed (bench/README.md, "Export").
[[gnu::always_inline]] inline bool append_value(parquet::FileWriter& w, size_t i,
                                                const types::ColumnMapping& c, types::Decode decode,
                                                const pg::CopyField& f,
                                                std::vector<char>& scratch) {
  namespace b = pg::binary;
  namespace text = pg::text;
  auto need = [&](int32_t width) {
    if (f.length != width) bad_width(c, f.length);
  };
  switch (decode) {
    case Decode::Text:
    case Decode::Bytes:
      w.append_bytes(i, f.view());
      return true;
    case Decode::Int16:
      need(2);
      w.append_int32(i, b::int2(f.data));
      return true;
    case Decode::Int32:
      need(4);
      w.append_int32(i, b::int4(f.data));
      return true;
    case Decode::Int64:
      need(8);
      w.append_int64(i, b::int8(f.data));
      return true;
    case Decode::Float32:
      need(4);
      w.append_float(i, b::float4(f.data));
      return true;
    case Decode::Float64:
      need(8);
      w.append_double(i, b::float8(f.data));
      return true;
    case Decode::Bool:
      need(1);
      w.append_bool(i, b::boolean(f.data));
      return true;
    case Decode::Time:
      need(8);
      w.append_int64(i, b::int8(f.data));
      return true;
    case Decode::Date: {
      need(4);
      auto days = b::date_unix_days(f.data);
      if (!days) break;
      w.append_int32(i, *days);
      return true;
    }
    case Decode::Timestamp: {
      need(8);
      auto micros = b::timestamp_unix_micros(f.data);
      if (!micros) break;
      w.append_int64(i, *micros);
      return true;
    }
    case Decode::TimestampMillis: {
      need(8);
      auto micros = b::timestamp_unix_micros(f.data);
      if (!micros) break;
      w.append_int64(i, types::floor_millis(*micros));
      return true;
    }
    case Decode::Array:
      fail(ErrorKind::Internal, "column '{}': an array inside an array", c.column.name);
    case Decode::Decimal: {
      auto n = b::numeric_unscaled(f.data, f.length, c.column.scale);
      if (n.kind != b::NumericKind::Finite) break;
      w.append_decimal(i, n.unscaled);
      return true;
    }
    case Decode::NumericText:
      w.append_bytes(i, text::numeric(f.data, f.length, scratch));
      return true;
    case Decode::DateText: {
      need(4);
      char buf[text::kMaxDateChars];
      w.append_bytes(i, {buf, text::date(b::int4(f.data), buf)});
      return true;
    }
    case Decode::TimeText: {
      need(8);
      char buf[text::kMaxTimeChars];
      w.append_bytes(i, {buf, text::time(b::int8(f.data), buf)});
      return true;
    }
    case Decode::TimestampText:
    case Decode::TimestampTzText: {
      need(8);
      char buf[text::kMaxTimestampChars];
      size_t n = text::timestamp(b::int8(f.data), decode == Decode::TimestampTzText, buf);
      w.append_bytes(i, {buf, n});
      return true;
    }
    case Decode::UuidText: {
      need(16);
      char buf[text::kUuidChars];
      w.append_bytes(i, {buf, text::uuid(f.data, buf)});
      return true;
    }
  }
  w.append_null(i);
  return false;
}

// Appends one field to column i: NULL, a value, or (Decode::Array) a list of its elements.
void append_field(parquet::FileWriter& w, size_t i, const types::ColumnMapping& c,
                  const pg::CopyField& f, std::vector<char>& scratch, const ColumnNotes& notes) {
  if (f.is_null()) {
    w.append_null(i);
    return;
  }
  if (c.decode != Decode::Array) {
    if (!append_value(w, i, c, c.decode, f, scratch)) ++notes.unrepresentable[i];
    return;
  }
  pg::binary::ArrayReader array(f.data, f.length);
  if (array.dimensions() > 1) ++notes.flattened[i];
  w.begin_list(i);
  pg::binary::ArrayReader::Element e;
  while (array.next(e)) {
    if (e.is_null()) {
      w.append_null(i);
    } else if (!append_value(w, i, c, c.element_decode, {e.data, e.length}, scratch)) {
      ++notes.unrepresentable[i];
    }
  }
  w.end_list(i);
}

// Starts loading the dictionary slot that appending field f to column i will probe (see
// FileWriter::prefetch_bytes). Kinds rendered on the client are rendered here too when that is
// cheap (dates, times, timestamps, UUIDs: a few dozen instructions against a cache miss).
void prefetch_field(parquet::FileWriter& w, size_t i, const types::ColumnMapping& c,
                    const pg::CopyField& f) {
  namespace b = pg::binary;
  namespace text = pg::text;
  if (f.is_null()) return;
  switch (c.decode) {
    case Decode::Text:
    case Decode::Bytes:
      w.prefetch_bytes(i, f.view());
      return;
    case Decode::Int16:
      if (f.length == 2) w.prefetch_int32(i, b::int2(f.data));
      return;
    case Decode::Int32:
      if (f.length == 4) w.prefetch_int32(i, b::int4(f.data));
      return;
    case Decode::Int64:
    case Decode::Time:
      if (f.length == 8) w.prefetch_int64(i, b::int8(f.data));
      return;
    case Decode::DateText: {
      if (f.length != 4) return;
      char buf[text::kMaxDateChars];
      w.prefetch_bytes(i, {buf, text::date(b::int4(f.data), buf)});
      return;
    }
    case Decode::TimeText: {
      if (f.length != 8) return;
      char buf[text::kMaxTimeChars];
      w.prefetch_bytes(i, {buf, text::time(b::int8(f.data), buf)});
      return;
    }
    case Decode::TimestampText:
    case Decode::TimestampTzText: {
      if (f.length != 8) return;
      char buf[text::kMaxTimestampChars];
      size_t n = text::timestamp(b::int8(f.data), c.decode == Decode::TimestampTzText, buf);
      w.prefetch_bytes(i, {buf, n});
      return;
    }
    case Decode::UuidText: {
      if (f.length != 16) return;
      char buf[text::kUuidChars];
      w.prefetch_bytes(i, {buf, text::uuid(f.data, buf)});
      return;
    }
    default:
      return;  // floats, booleans, decimals, typed dates/timestamps, numeric text
  }
}

// Tuples per batch are cut at this many bytes: small enough that memory stays low, large enough
// that handing over costs nothing.
constexpr size_t kBatchBytes = 256 << 10;
// The first encoder alone takes a slice's first this many bytes: a smaller slice becomes one
// file, not one small file per encoder.
constexpr uint64_t kBytesForOneEncoder = 32ull << 20;

parquet::Schema schema_of(const std::vector<types::ColumnMapping>& columns) {
  parquet::Schema schema;
  for (const auto& c : columns) schema.push_back(c.column);
  return schema;
}

// One encoding thread: decodes batches of tuples into Parquet parts, one part at a time.
class PartEncoder {
 public:
  PartEncoder(const std::vector<types::ColumnMapping>& columns,
              const parquet::WriterOptions& options, const FanOut& fan_out, const PartSink& sink)
      : columns_(columns),
        decoder_(pg::CopyBinaryDecoder::tuples_only(columns.size())),
        parts_(schema_of(columns), options, sink, fan_out.max_part_bytes) {}

  // Encodes `batch` into the open part (opening one first), and closes the part once it is
  // large enough. The batch is appended column by column: each column's dictionary, buffers
  // and statistics stay in cache for the whole batch, and its dictionary slots are prefetched
  // a few values ahead, where a value at a time would wait on a cache miss for each.
  void encode(const TupleBatch& batch) {
    parquet::FileWriter& writer = parts_.writer();
    const size_t width = columns_.size();
    cells_.clear();
    decoder_.feed(batch.bytes, [&](std::span<const pg::CopyField> fields) {
      cells_.insert(cells_.end(), fields.begin(), fields.end());
    });
    const size_t rows = width == 0 ? batch.rows : cells_.size() / width;
    if (rows == 0) return;
    constexpr size_t kAhead = 8;
    FileOutcome& part = parts_.part();
    const ColumnNotes notes{part.unrepresentable.data(), part.flattened.data()};
    writer.begin_rows(rows);
    for (size_t i = 0; i < width; ++i) {
      const types::ColumnMapping& c = columns_[i];
      if (!writer.dictionary_active(i)) {  // nothing to prefetch (keys, timestamps, UUIDs…)
        for (size_t r = 0; r < rows; ++r)
          append_field(writer, i, c, cells_[r * width + i], scratch_, notes);
        continue;
      }
      for (size_t r = 0; r < std::min(kAhead, rows); ++r)
        prefetch_field(writer, i, c, cells_[r * width + i]);
      for (size_t r = 0; r < rows; ++r) {
        if (r + kAhead < rows) prefetch_field(writer, i, c, cells_[(r + kAhead) * width + i]);
        append_field(writer, i, c, cells_[r * width + i], scratch_, notes);
      }
    }
    writer.end_rows();
    part.rows += rows;
    parts_.close_if_full();
  }

  // Closes the open part, if any; with `even_empty`, writes an empty part when none was.
  void finish(bool even_empty) { parts_.finish(even_empty); }
  // Drops the open part without committing it: its upload is aborted, nothing becomes visible.
  void abandon() noexcept { parts_.abandon(); }
  const FileOutcome& totals() const { return parts_.totals(); }

 private:
  const std::vector<types::ColumnMapping>& columns_;
  pg::CopyBinaryDecoder decoder_;
  std::vector<char> scratch_ = std::vector<char>(256);
  std::vector<pg::CopyField> cells_;  // the batch's fields, row by row
  PartWriter parts_;
};

// The first failure of any thread of one slice, to rethrow on the calling thread.
class FirstError {
 public:
  void set(std::exception_ptr e) {
    std::lock_guard lock(mutex_);
    if (!error_) error_ = e;
  }
  void rethrow_if_set() {
    std::lock_guard lock(mutex_);
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::mutex mutex_;
  std::exception_ptr error_;
};

}  // namespace

FileOutcome copy_to_parts(pg::Connection& conn, const std::string& sql,
                          const std::vector<types::ColumnMapping>& columns,
                          const parquet::WriterOptions& options, const FanOut& fan_out,
                          const PartSink& sink, const ReadControl& control,
                          const std::string& what) {
  const size_t encoders = std::max<size_t>(fan_out.encoders, 1);
  // Two batches per encoder in flight, plus the one being filled: the reader stays ahead.
  TupleBatchQueue queue(2 * encoders + 1);
  FirstError error;
  std::vector<std::unique_ptr<PartEncoder>> parts;
  for (size_t e = 0; e < encoders; ++e)
    parts.push_back(std::make_unique<PartEncoder>(columns, options, fan_out, sink));
  std::vector<std::thread> threads;
  for (size_t e = 0; e < encoders; ++e) {
    threads.emplace_back([&, e] {
      try {
        while (auto batch = queue.pop(e)) {
          parts[e]->encode(*batch);
          if (control.rows_done)
            control.rows_done->fetch_add(batch->rows, std::memory_order_relaxed);
          if (control.table_rows_done)
            control.table_rows_done->fetch_add(batch->rows, std::memory_order_relaxed);
          queue.recycle(std::move(batch));
        }
        // A cancelled queue is a broken stream, not its end: the open part holds only some of
        // the slice's rows and must never be committed.
        if (queue.cancelled()) {
          parts[e]->abandon();
        } else {
          parts[e]->finish(false);
        }
      } catch (...) {
        parts[e]->abandon();
        error.set(std::current_exception());
        queue.cancel();
      }
    });
  }

  // This thread reads: tuples are framed (and checked) here and handed over whole.
  uint64_t rows = 0, handed_over = 0;
  try {
    pg::CopyBinaryDecoder framer(columns.size());
    std::unique_ptr<TupleBatch> batch;
    auto hand_over = [&] {
      if (batch && batch->rows > 0) {
        handed_over += batch->bytes.size();
        queue.push(std::move(batch));
        if (handed_over >= kBytesForOneEncoder) queue.open_to_all();
      }
      batch.reset();
    };
    conn.start_copy_out(sql, what);
    std::span<const uint8_t> chunk;
    bool stopped = false;
    while (!stopped && conn.read_copy(chunk)) {
      if (control.bytes_read)
        control.bytes_read->fetch_add(chunk.size(), std::memory_order_relaxed);
      framer.feed(chunk, [&](std::span<const pg::CopyField>, std::span<const uint8_t> tuple) {
        if (stopped) return;
        if (!batch && !(batch = queue.take_empty())) {
          stopped = true;  // an encoder failed: its error is rethrown below
          return;
        }
        batch->bytes.insert(batch->bytes.end(), tuple.begin(), tuple.end());
        ++batch->rows;
        ++rows;
        if (batch->bytes.size() >= kBatchBytes) {
          hand_over();
          if (control.cancel && control.cancel->load(std::memory_order_relaxed)) {
            fail(ErrorKind::Conflict, "{}: cancelled because another part of the export failed",
                 what);
          }
        }
      });
    }
    if (!stopped) {
      framer.finish();
      hand_over();
    }
    queue.close();
  } catch (...) {
    error.set(std::current_exception());
    queue.cancel();
  }
  for (auto& t : threads) t.join();
  error.rethrow_if_set();

  FileOutcome totals;
  totals.unrepresentable.assign(columns.size(), 0);
  totals.flattened.assign(columns.size(), 0);
  if (rows == 0) parts[0]->finish(true);  // a slice without rows still has its (empty) part
  for (const auto& p : parts) {
    totals.rows += p->totals().rows;
    totals.bytes += p->totals().bytes;
    for (size_t i = 0; i < p->totals().unrepresentable.size(); ++i) {
      totals.unrepresentable[i] += p->totals().unrepresentable[i];
      totals.flattened[i] += p->totals().flattened[i];
    }
  }
  return totals;
}

}  // namespace snaplake::sources
