#include "parquet/file_writer.h"

#include <array>

#include "common/error.h"
#include "parquet/column_writer.h"
#include "parquet/compression.h"
#include "parquet/metadata.h"

namespace snaplake::parquet {
namespace {

constexpr std::array<uint8_t, 4> kMagic = {'P', 'A', 'R', '1'};

Int128 power_of_ten(int32_t exponent) {
  Int128 p = 1;
  for (int32_t i = 0; i < exponent; ++i) p *= 10;
  return p;
}

}  // namespace

// Everything the writer accumulates besides the column writers: the footer's row groups and
// where the next byte of the file lands.
struct FileWriter::Footer {
  Footer(const WriterOptions& options) : compressor(options.codec, options.compression_level) {}

  Compressor compressor;
  std::vector<RowGroup> row_groups;
  std::vector<Int128> decimal_limits;  // per column: 10^precision, 0 when not DECIMAL
  uint64_t offset = 0;                 // bytes written so far
  bool broken = false;                 // the stream failed; nothing more may be written
};

FileWriter::FileWriter(Schema schema, WriterOptions options, OutputStream& out)
    : schema_(std::move(schema)), options_(std::move(options)), out_(out) {
  validate(schema_);
  footer_ = std::make_unique<Footer>(options_);
  for (const Column& c : schema_) {
    columns_.push_back(std::make_unique<ColumnChunkWriter>(c, options_, footer_->compressor));
    list_state_.push_back(c.list ? kListClosed : kFlat);
    footer_->decimal_limits.push_back(c.logical == Logical::Decimal ? power_of_ten(c.precision)
                                                                    : 0);
  }
}

FileWriter::~FileWriter() = default;

void FileWriter::reject(size_t column, std::string_view why) const {
  // The row this column's next value belongs to (rows are appended column by column between
  // begin_rows and end_rows).
  const uint64_t row = rows_ + (columns_[column]->num_rows() - rows_in_group_) + 1;
  fail(ErrorKind::InvalidInput, "cannot write row {} of column '{}': {}", row, schema_[column].name,
       why);
}

ColumnChunkWriter& FileWriter::column_for(size_t column, const char* kind, bool is_value) {
  if (closed_ || footer_->broken)
    fail(ErrorKind::InvalidInput, "cannot append {} to a Parquet file that is {}", kind,
         closed_ ? "closed" : "broken by an earlier write failure");
  if (column >= columns_.size())
    fail(ErrorKind::InvalidInput, "cannot append {} to column {}: the file has {} columns", kind,
         column, columns_.size());
  ColumnChunkWriter& writer = *columns_[column];
  if (writer.num_rows() >= rows_in_group_ + rows_open_) {
    fail(ErrorKind::InvalidInput, "cannot write row {} of column '{}': {}", rows_ + rows_open_,
         schema_[column].name,
         rows_open_ == 1
             ? fmt::format("{} is a second value in the same row", kind)
             : fmt::format("{} is one value more than the {} rows begun", kind, rows_open_));
  }
  if (is_value && list_state_[column] == kListClosed)
    reject(column, fmt::format("{} outside begin_list/end_list of a LIST column", kind));
  return writer;
}

void FileWriter::check_decimal(size_t column, Int128 unscaled) const {
  const Int128 limit = footer_->decimal_limits[column];
  if (limit != 0 && (unscaled >= limit || unscaled <= -limit))
    reject(column, fmt::format("the value does not fit DECIMAL({},{})", schema_[column].precision,
                               schema_[column].scale));
}

void FileWriter::append_null(size_t column) {
  ColumnChunkWriter& w = column_for(column, "NULL", false);
  if (list_state_[column] == kListOpen) {
    w.append_null();  // elements are always OPTIONAL
    return;
  }
  if (!schema_[column].nullable()) reject(column, "NULL in a REQUIRED column");
  if (list_state_[column] == kListClosed)
    w.append_null_list();
  else
    w.append_null();
}

void FileWriter::begin_list(size_t column) {
  ColumnChunkWriter& w = column_for(column, "a list", false);
  if (list_state_[column] == kFlat) reject(column, "begin_list on a column that is not a LIST");
  if (list_state_[column] == kListOpen) reject(column, "begin_list inside an open list");
  list_state_[column] = kListOpen;
  w.begin_list();
}

void FileWriter::end_list(size_t column) {
  ColumnChunkWriter& w = column_for(column, "the end of a list", false);
  if (list_state_[column] != kListOpen) reject(column, "end_list without begin_list");
  list_state_[column] = kListClosed;
  w.end_list();
}

void FileWriter::append_bool(size_t column, bool value) {
  ColumnChunkWriter& w = column_for(column, "a BOOLEAN");
  if (schema_[column].physical != Physical::Boolean)
    reject(column, "a BOOLEAN for a non-BOOLEAN column");
  w.append_bool(value);
}

void FileWriter::append_int32(size_t column, int32_t value) {
  ColumnChunkWriter& w = column_for(column, "an INT32");
  const Column& c = schema_[column];
  if (c.physical != Physical::Int32) reject(column, "an INT32 for a non-INT32 column");
  if (c.logical == Logical::Int16 && (value < -32768 || value > 32767))
    reject(column, fmt::format("{} does not fit INTEGER(16)", value));
  check_decimal(column, value);
  w.append_int32(value);
}

void FileWriter::append_int64(size_t column, int64_t value) {
  ColumnChunkWriter& w = column_for(column, "an INT64");
  if (schema_[column].physical != Physical::Int64)
    reject(column, "an INT64 for a non-INT64 column");
  check_decimal(column, value);
  w.append_int64(value);
}

void FileWriter::append_float(size_t column, float value) {
  ColumnChunkWriter& w = column_for(column, "a FLOAT");
  if (schema_[column].physical != Physical::Float) reject(column, "a FLOAT for a non-FLOAT column");
  w.append_float(value);
}

void FileWriter::append_double(size_t column, double value) {
  ColumnChunkWriter& w = column_for(column, "a DOUBLE");
  if (schema_[column].physical != Physical::Double)
    reject(column, "a DOUBLE for a non-DOUBLE column");
  w.append_double(value);
}

void FileWriter::append_bytes(size_t column, std::string_view value) {
  ColumnChunkWriter& w = column_for(column, "bytes");
  const Column& c = schema_[column];
  if (c.physical == Physical::ByteArray) {
    if (value.size() > static_cast<size_t>(INT32_MAX) - 4)
      reject(column, "a value of 2 GiB or more");
    w.append_byte_array(value);
  } else if (c.physical == Physical::FixedLenByteArray) {
    if (value.size() != static_cast<size_t>(c.type_length))
      reject(column,
             fmt::format("{} bytes for a FIXED_LEN_BYTE_ARRAY({})", value.size(), c.type_length));
    w.append_fixed_bytes(value);
  } else {
    reject(column, "bytes for a column that is neither BYTE_ARRAY nor FIXED_LEN_BYTE_ARRAY");
  }
}

void FileWriter::append_decimal(size_t column, Int128 unscaled) {
  ColumnChunkWriter& w = column_for(column, "a DECIMAL");
  const Column& c = schema_[column];
  if (c.logical != Logical::Decimal) reject(column, "a DECIMAL for a non-DECIMAL column");
  check_decimal(column, unscaled);
  switch (c.physical) {
    case Physical::Int32:
      w.append_int32(static_cast<int32_t>(unscaled));
      return;
    case Physical::Int64:
      w.append_int64(static_cast<int64_t>(unscaled));
      return;
    case Physical::FixedLenByteArray: {
      // LogicalTypes.md: DECIMAL on FIXED_LEN_BYTE_ARRAY is the unscaled value in big-endian
      // two's complement, sign-extended to the full width.
      std::array<char, 32> bytes{};
      const auto width = static_cast<size_t>(c.type_length);
      auto bits = static_cast<UInt128>(unscaled);
      const char fill = unscaled < 0 ? static_cast<char>(0xFF) : 0;
      for (size_t i = 0; i < width; ++i) {
        size_t shift = 8 * (width - 1 - i);
        bytes[i] = shift < 128 ? static_cast<char>(static_cast<uint8_t>(bits >> shift)) : fill;
      }
      w.append_fixed_bytes(std::string_view(bytes.data(), width));
      return;
    }
    default:
      reject(column, "DECIMAL on an unsupported physical type");
  }
}

void FileWriter::end_row() {
  end_rows();
}

void FileWriter::begin_rows(size_t n) {
  if (closed_ || footer_->broken)
    fail(ErrorKind::InvalidInput, "cannot begin rows of a Parquet file that is {}",
         closed_ ? "closed" : "broken by an earlier write failure");
  if (n == 0) fail(ErrorKind::InvalidInput, "cannot begin 0 rows of a Parquet file");
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i]->num_rows() != rows_in_group_) reject(i, "rows begun inside a row");
  }
  rows_open_ = n;
}

void FileWriter::end_rows() {
  if (closed_ || footer_->broken)
    fail(ErrorKind::InvalidInput, "cannot end a row of a Parquet file that is {}",
         closed_ ? "closed" : "broken by an earlier write failure");
  uint64_t bytes = 0;
  for (size_t i = 0; i < columns_.size(); ++i) {
    const ColumnChunkWriter& w = *columns_[i];
    if (list_state_[i] == kListOpen) reject(i, "the row's list is still open (no end_list)");
    if (w.num_rows() != rows_in_group_ + rows_open_)
      reject(i, "the row has no value for this column");
    bytes += w.buffered_bytes();
  }
  rows_ += rows_open_;
  rows_in_group_ += rows_open_;
  rows_open_ = 1;
  if (rows_in_group_ >= options_.row_group_rows || bytes >= options_.row_group_bytes)
    flush_row_group();
}

bool FileWriter::dictionary_active(size_t column) const {
  return column < columns_.size() && columns_[column]->dictionary_active();
}

void FileWriter::prefetch_bytes(size_t column, std::string_view value) {
  if (column < columns_.size()) columns_[column]->prefetch_bytes(value);
}
void FileWriter::prefetch_int32(size_t column, int32_t value) {
  if (column < columns_.size()) columns_[column]->prefetch_word<4>(&value);
}
void FileWriter::prefetch_int64(size_t column, int64_t value) {
  if (column < columns_.size()) columns_[column]->prefetch_word<8>(&value);
}

void FileWriter::flush_row_group() {
  if (rows_in_group_ == 0) return;
  footer_->broken = true;  // until the row group is completely on the stream
  if (footer_->offset == 0) {
    out_.write(kMagic);
    footer_->offset = kMagic.size();
  }
  RowGroup rg;
  rg.num_rows = static_cast<int64_t>(rows_in_group_);
  rg.file_offset = static_cast<int64_t>(footer_->offset);
  if (footer_->row_groups.size() <= INT16_MAX)
    rg.ordinal = static_cast<int16_t>(footer_->row_groups.size());
  for (auto& column : columns_) {
    ColumnChunk chunk = column->write_chunk(out_, footer_->offset);
    footer_->offset += static_cast<uint64_t>(chunk.meta_data.total_compressed_size);
    rg.total_byte_size += chunk.meta_data.total_uncompressed_size;
    rg.total_compressed_size += chunk.meta_data.total_compressed_size;
    rg.columns.push_back(std::move(chunk));
  }
  footer_->row_groups.push_back(std::move(rg));
  rows_in_group_ = 0;
  footer_->broken = false;
}

FileStats FileWriter::close() {
  if (closed_ || footer_->broken)
    fail(ErrorKind::InvalidInput, "cannot close a Parquet file that is {}",
         closed_ ? "already closed" : "broken by an earlier write failure");
  flush_row_group();
  footer_->broken = true;
  if (footer_->offset == 0) {
    out_.write(kMagic);
    footer_->offset = kMagic.size();
  }
  // "PAR1" | row groups | FileMetaData | its length (4-byte little-endian) | "PAR1"
  FileMetaData meta;
  meta.schema = &schema_;
  meta.num_rows = static_cast<int64_t>(rows_);
  meta.row_groups = std::move(footer_->row_groups);
  meta.key_value_metadata = options_.key_value_metadata;
  meta.created_by = options_.created_by;
  ByteBuffer footer;
  write_file_metadata(footer, meta);
  const auto length = static_cast<uint32_t>(footer.size());
  footer.append_le(length);
  footer.append(kMagic.data(), kMagic.size());
  out_.write(footer.span());
  footer_->offset += footer.size();
  closed_ = true;
  footer_->broken = false;
  return FileStats{rows_, meta.row_groups.size(), footer_->offset};
}

}  // namespace snaplake::parquet
