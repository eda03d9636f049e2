#include "exporter/file_copy.h"

#include "common/error.h"
#include "parquet/file_writer.h"
#include "pg/binary_values.h"
#include "pg/copy_binary.h"
#include "pg/text_render.h"

namespace snaplake::exporter {

using types::Decode;

std::string copy_sql(const std::string& schema, const std::string& relation,
                     const std::vector<types::ColumnMapping>& columns, const PageRange& range) {
  std::string select;
  for (const auto& c : columns) {
    if (!select.empty()) select += ", ";
    std::string name = pg::Connection::quote_identifier(c.column.name);
    if (c.render_with_format) {
      // format() turns NULL into '', so NULL is kept apart.
      select +=
          "CASE WHEN num_nulls(" + name + ") = 1 THEN NULL ELSE format('%s', " + name + ") END";
    } else {
      select += name;
      if (c.cast_to_text) select += "::text";
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

// Appends one field to column i; returns false when the value was unrepresentable (NULL written).
// `scratch` is reused for text rendered on the client (numeric's can be long); the fixed-size
// renderings go to the stack, so no value allocates.
bool append_field(parquet::FileWriter& w, size_t i, const types::ColumnMapping& c,
                  const pg::CopyField& f, std::vector<char>& scratch) {
  namespace b = pg::binary;
  namespace text = pg::text;
  if (f.is_null()) {
    w.append_null(i);
    return true;
  }
  auto need = [&](int32_t width) {
    if (f.length != width) bad_width(c, f.length);
  };
  switch (c.decode) {
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
      size_t n = text::timestamp(b::int8(f.data), c.decode == Decode::TimestampTzText, buf);
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

}  // namespace

FileOutcome copy_to_parquet(pg::Connection& conn, const std::string& sql,
                            const std::vector<types::ColumnMapping>& columns,
                            const parquet::WriterOptions& options, OutputStream& out,
                            const CopyControl& control, const std::string& what) {
  parquet::Schema schema;
  for (const auto& c : columns) schema.push_back(c.column);
  parquet::FileWriter writer(schema, options, out);
  FileOutcome outcome;
  outcome.unrepresentable.assign(columns.size(), 0);
  pg::CopyBinaryDecoder decoder(columns.size());
  std::vector<char> scratch(256);

  conn.start_copy_out(sql, what);
  std::span<const uint8_t> chunk;
  uint64_t rows_since_report = 0, bytes_since_report = 0;
  auto report = [&] {
    if (control.rows_done)
      control.rows_done->fetch_add(rows_since_report, std::memory_order_relaxed);
    if (control.bytes_read) {
      control.bytes_read->fetch_add(bytes_since_report, std::memory_order_relaxed);
    }
    rows_since_report = bytes_since_report = 0;
  };
  while (conn.read_copy(chunk)) {
    bytes_since_report += chunk.size();
    decoder.feed(chunk, [&](std::span<const pg::CopyField> fields) {
      for (size_t i = 0; i < fields.size(); ++i) {
        if (!append_field(writer, i, columns[i], fields[i], scratch)) ++outcome.unrepresentable[i];
      }
      writer.end_row();
      ++rows_since_report;
    });
    if (rows_since_report >= 16384) {
      report();
      if (control.cancel && control.cancel->load(std::memory_order_relaxed)) {
        fail(ErrorKind::Conflict, "{}: cancelled because another part of the export failed", what);
      }
    }
  }
  report();
  decoder.finish();
  parquet::FileStats stats = writer.close();
  outcome.rows = decoder.rows();
  outcome.bytes = stats.bytes;
  return outcome;
}

}  // namespace snaplake::exporter
