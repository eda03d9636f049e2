#include "parquet/column_writer.h"

#include <algorithm>
#include <bit>
#include <limits>

#include "common/error.h"
#include "parquet/rle_hybrid.h"

namespace snaplake::parquet {

static_assert(std::endian::native == std::endian::little,
              "PLAIN encoding is little-endian; the writer copies host values as they are");

namespace {

// A v1 data page or dictionary page header without statistics: a handful of varints, at most
// about 40 bytes (parquet.thrift PageHeader, DataPageHeader, DictionaryPageHeader).
constexpr size_t kMaxPageHeaderBytes = 64;

size_t fixed_width(const Column& c) {
  switch (c.physical) {
    case Physical::Int32:
    case Physical::Float:
      return 4;
    case Physical::Int64:
    case Physical::Double:
      return 8;
    case Physical::FixedLenByteArray:
      return static_cast<size_t>(c.type_length);
    case Physical::Boolean:
    case Physical::ByteArray:
      return 0;
  }
  return 0;
}

}  // namespace

ColumnChunkWriter::ColumnChunkWriter(const Column& column, const WriterOptions& options,
                                     Compressor& compressor)
    : column_(column),
      compressor_(compressor),
      max_definition_(column.max_definition_level()),
      has_definitions_(max_definition_ > 0),
      repeated_(column.max_repetition_level() > 0),
      width_(fixed_width(column)),
      use_dictionary_(options.dictionary && column.physical != Physical::Boolean),
      page_bytes_(options.page_bytes == 0 ? 1 : options.page_bytes),
      // Entry offsets are 32-bit: keep the dictionary well below 4 GiB whatever the option says.
      dictionary_bytes_(std::min<uint64_t>(options.dictionary_bytes, 1u << 30)),
      mode_(use_dictionary_ ? Mode::Dictionary : Mode::Plain),
      dictionary_(width_, column.physical != Physical::FixedLenByteArray),
      stats_(column, options.statistics_max_bytes) {}

void ColumnChunkWriter::append_null() {
  push_entry_without_value(max_definition_ - 1);
  end_value();
}

void ColumnChunkWriter::append_bool(bool value) {
  stats_.add_bool(value);
  begin_value();
  // PLAIN booleans are bit-packed, LSB first (Encodings.md, "Plain").
  if (bool_bits_ % 8 == 0) plain_.push_back(0);
  plain_.data()[plain_.size() - 1] |= static_cast<uint8_t>(value) << (bool_bits_ % 8);
  ++bool_bits_;
  end_value();
}

void ColumnChunkWriter::append_byte_array(std::string_view value) {
  begin_value();
  const auto* bytes = reinterpret_cast<const uint8_t*>(value.data());
  if (mode_ == Mode::Dictionary) {
    bool inserted;
    uint32_t index = dictionary_.find_or_insert(bytes, value.size(), inserted);
    // In dictionary mode every distinct value passes through here once: statistics over the
    // new entries equal statistics over all values, at a fraction of the comparisons.
    if (inserted) stats_.add_bytes(value);
    plain_equivalent_bytes_ += 4 + value.size();
    append_index(index, inserted);
    if (chunk_values_ == kDictionaryProbeValues) probe_dictionary();
  } else {
    stats_.add_bytes(value);
    uint8_t* p = plain_.extend(4 + value.size());
    auto length = static_cast<uint32_t>(value.size());
    std::memcpy(p, &length, 4);
    if (!value.empty()) std::memcpy(p + 4, bytes, value.size());
  }
  end_value();
}

void ColumnChunkWriter::on_dictionary_insert() {
  index_bit_width_ = bit_width_for(static_cast<uint32_t>(dictionary_.size() - 1));
  if (dictionary_.bytes() > dictionary_bytes_) {
    // Inside a LIST's row the page cannot be cut: the dictionary takes the rest of the row.
    if (repeated_)
      dictionary_full_ = true;
    else
      on_dictionary_full();
  }
}

// Dictionary encoding pays when the dictionary plus the bit-packed indices are clearly smaller
// than the values written PLAIN; for (nearly) unique values it only adds bytes and time.
bool ColumnChunkWriter::dictionary_worth_it() const {
  if (dictionary_.size() == 0) return true;
  uint64_t non_null = page_values_ - page_nulls_;
  uint64_t index_bytes = (non_null * static_cast<uint64_t>(index_bit_width_) + 7) / 8;
  return static_cast<double>(dictionary_.bytes() + index_bytes) <
         0.9 * static_cast<double>(plain_equivalent_bytes_);
}

void ColumnChunkWriter::probe_dictionary() {
  if (mode_ != Mode::Dictionary || dictionary_data_pages_ > 0) return;
  // Nearly every value so far is distinct (a key, a timestamp, a UUID): stop hashing now
  // rather than when the dictionary outgrows its cap.
  uint64_t non_null = page_values_ - page_nulls_;
  if (non_null > 0 && dictionary_.size() * 10 > non_null * 9) abandon_dictionary();
}

void ColumnChunkWriter::on_dictionary_full() {
  if (mode_ != Mode::Dictionary) return;
  cut_page(true);  // the values so far: as dictionary indices, or replayed as PLAIN
  mode_ = Mode::Plain;
}

void ColumnChunkWriter::cut_page(bool decide) {
  if (mode_ == Mode::Dictionary && dictionary_data_pages_ == 0) {
    if (!decide && page_values_ < kDictionaryDecisionValues) return;  // keep collecting
    if (!dictionary_worth_it()) {
      abandon_dictionary();
      return;
    }
  }
  flush_page();
}

// Rewrites the open page's values (the whole chunk so far: no dictionary page has been
// flushed yet) as PLAIN and forgets the dictionary. Statistics already cover these values.
void ColumnChunkWriter::abandon_dictionary() {
  std::swap(indices_, replay_indices_);
  std::swap(defs_, replay_defs_);
  std::swap(reps_, replay_reps_);
  const uint32_t values = page_values_;
  indices_.clear();
  defs_.clear();
  reps_.clear();
  page_values_ = 0;
  page_nulls_ = 0;
  mode_ = Mode::Plain;
  size_t next_index = 0;
  auto full = [&] { return open_page_bytes() >= page_bytes_ || page_values_ >= kMaxPageValues; };
  for (uint32_t i = 0; i < values; ++i) {
    if (repeated_) {
      // A LIST's page ends where a row does: before an entry that starts one.
      if (replay_reps_.data()[i] == 0 && page_values_ > 0 && full()) flush_page();
      reps_.push_back(replay_reps_.data()[i]);
    }
    if (has_definitions_ && replay_defs_.data()[i] != max_definition_) {
      defs_.push_back(replay_defs_.data()[i]);
      ++page_nulls_;
    } else {
      if (has_definitions_) defs_.push_back(static_cast<uint8_t>(max_definition_));
      plain_.append(dictionary_.plain_entry(replay_indices_[next_index++]));
    }
    ++page_values_;
    if (!repeated_ && full()) flush_page();
  }
  replay_indices_.clear();
  replay_defs_.clear();
  replay_reps_.clear();
  dictionary_.clear();
  plain_equivalent_bytes_ = 0;
}

void ColumnChunkWriter::flush_page() {
  if (page_values_ == 0) return;
  if (mode_ == Mode::Dictionary && page_nulls_ < page_values_) {
    // The chunk's first dictionary page may have been held open past page_bytes until the
    // dictionary was judged (cut_page): it is written as pages of about page_bytes each.
    const uint64_t per_page =
        std::max<uint64_t>(1024, page_bytes_ * 8 / static_cast<uint64_t>(index_bit_width_));
    size_t value = 0, index = 0;
    while (value < page_values_) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(per_page, page_values_ - value));
      // A LIST's page ends where a row does.
      if (repeated_)
        while (value + n < page_values_ && reps_.data()[value + n] != 0) ++n;
      size_t present = n;
      if (has_definitions_) {
        present = 0;
        for (size_t i = value; i < value + n; ++i)
          present += defs_.data()[i] == max_definition_ ? 1 : 0;
      }
      encode_data_page(value, n, index, present, true);
      value += n;
      index += present;
    }
  } else {
    encode_data_page(0, page_values_, 0, 0, false);
  }
  defs_.clear();
  reps_.clear();
  indices_.clear();
  plain_.clear();
  page_values_ = 0;
  page_nulls_ = 0;
  bool_bits_ = 0;
}

// One v1 data page of the open page's values [value, value + count): definition levels, then
// `present` dictionary indices from `index` on, or the PLAIN values.
void ColumnChunkWriter::encode_data_page(size_t value, size_t count, size_t index, size_t present,
                                         bool indices) {
  body_.clear();
  // Data page v1: repetition levels (a LIST only), then definition levels (OPTIONAL or LIST),
  // each as the RLE hybrid behind its 4-byte little-endian length.
  auto levels = [&](const ByteBuffer& entries, int max_level) {
    const size_t start = body_.size();
    body_.resize(start + 4);
    encode_rle_hybrid(entries.span().subspan(value, count), bit_width_for(max_level), body_);
    auto length = static_cast<uint32_t>(body_.size() - start - 4);
    std::memcpy(body_.data() + start, &length, 4);
  };
  if (repeated_) levels(reps_, column_.max_repetition_level());
  if (has_definitions_) levels(defs_, max_definition_);
  Encoding encoding = Encoding::Plain;
  if (indices && present > 0) {
    encoding = Encoding::RleDictionary;
    // Dictionary indices: one byte of bit width, then the RLE hybrid without a length.
    body_.push_back(static_cast<uint8_t>(index_bit_width_));
    encode_rle_hybrid(std::span<const uint32_t>(indices_).subspan(index, present), index_bit_width_,
                      body_);
    ++dictionary_data_pages_;
  } else {
    if (!indices) body_.append(plain_.span());  // an all-NULL slice has no values at all
    ++plain_data_pages_;
  }
  emit_page(PageType::DataPage, body_.span(), static_cast<int32_t>(count), encoding, pages_);
}

void ColumnChunkWriter::emit_page(PageType type, std::span<const uint8_t> body, int32_t num_values,
                                  Encoding encoding, ChunkBuffer& sink) {
  if (body.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max()))
    fail(ErrorKind::InvalidInput, "cannot write column '{}': a page of {} bytes exceeds 2 GiB",
         column_.name, body.size());
  // The page is compressed straight into the chunk's memory behind room for its header, which
  // (holding the compressed size) is written after it, just in front of it.
  uint8_t* room = sink.reserve(kMaxPageHeaderBytes + compressor_.max_compressed_size(body.size()));
  uint8_t* stored = room + kMaxPageHeaderBytes;
  const bool strings = encoding == Encoding::Plain && column_.physical == Physical::ByteArray;
  const size_t stored_size = compressor_.compress(body, stored, strings);
  PageHeader header;
  header.type = type;
  header.uncompressed_page_size = static_cast<int32_t>(body.size());
  header.compressed_page_size = static_cast<int32_t>(stored_size);
  if (type == PageType::DictionaryPage) {
    header.dictionary_page = DictionaryPageHeader{num_values, encoding};
  } else {
    header.data_page = DataPageHeader{num_values, encoding, Encoding::Rle, Encoding::Rle};
  }
  header_.clear();
  write_page_header(header_, header);
  if (header_.size() > kMaxPageHeaderBytes)
    fail(ErrorKind::Internal, "a page header of {} bytes exceeds the room kept for it",
         header_.size());
  uint8_t* start = stored - header_.size();
  std::memcpy(start, header_.data(), header_.size());
  sink.commit(start, header_.size() + stored_size);
  data_uncompressed_ += static_cast<int64_t>(header_.size() + body.size());
}

ColumnChunk ColumnChunkWriter::write_chunk(OutputStream& out, uint64_t offset) {
  cut_page(true);
  flush_page();

  ColumnChunk chunk;
  ColumnMetaData& m = chunk.meta_data;
  m.type = column_.physical;
  m.path_in_schema = leaf_path(column_);
  m.codec = compressor_.codec();
  m.num_values = static_cast<int64_t>(chunk_values_);
  int64_t uncompressed = data_uncompressed_;
  int64_t compressed = static_cast<int64_t>(pages_.size());

  uint64_t position = offset;
  if (dictionary_data_pages_ > 0) {
    ChunkBuffer& dictionary_page = dictionary_page_;
    dictionary_page.clear();
    data_uncompressed_ = 0;
    emit_page(PageType::DictionaryPage, dictionary_.plain().span(),
              static_cast<int32_t>(dictionary_.size()), Encoding::Plain, dictionary_page);
    uncompressed += data_uncompressed_;
    compressed += static_cast<int64_t>(dictionary_page.size());
    m.dictionary_page_offset = static_cast<int64_t>(position);
    dictionary_page.for_each_block([&](std::span<const uint8_t> b) { out.write(b); });
    position += dictionary_page.size();
    m.encoding_stats.push_back({PageType::DictionaryPage, Encoding::Plain, 1});
  }
  m.data_page_offset = static_cast<int64_t>(position);
  pages_.for_each_block([&](std::span<const uint8_t> b) { out.write(b); });
  chunk.file_offset = m.dictionary_page_offset.value_or(m.data_page_offset);
  m.total_uncompressed_size = uncompressed;
  m.total_compressed_size = compressed;

  // ColumnMetaData.encodings: every encoding used in the chunk, levels included.
  if (dictionary_data_pages_ > 0 || plain_data_pages_ > 0) m.encodings.push_back(Encoding::Plain);
  m.encodings.push_back(Encoding::Rle);
  if (dictionary_data_pages_ > 0) {
    m.encodings.push_back(Encoding::RleDictionary);
    m.encoding_stats.push_back(
        {PageType::DataPage, Encoding::RleDictionary, dictionary_data_pages_});
  }
  if (plain_data_pages_ > 0)
    m.encoding_stats.push_back({PageType::DataPage, Encoding::Plain, plain_data_pages_});
  m.statistics = stats_.finish();

  // Reset for the next row group, keeping the buffers' capacity.
  pages_.clear();
  dictionary_.clear();
  stats_.reset();
  mode_ = use_dictionary_ ? Mode::Dictionary : Mode::Plain;
  index_bit_width_ = 1;
  chunk_values_ = 0;
  chunk_rows_ = 0;
  plain_equivalent_bytes_ = 0;
  data_uncompressed_ = 0;
  dictionary_data_pages_ = 0;
  plain_data_pages_ = 0;
  return chunk;
}

}  // namespace snaplake::parquet
