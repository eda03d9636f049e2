// Writes one column of a row group: values are appended to the open page (dictionary indices
// or PLAIN bytes, plus definition levels for OPTIONAL columns); a full page is encoded,
// compressed and appended to the chunk's page buffer; write_chunk() puts the dictionary page
// and the data pages on the stream and returns the ColumnChunk metadata.
//
// Encodings (parquet-format Encodings.md), as DuckDB and Arrow write them today:
//   - dictionary page: PLAIN values; data pages: RLE_DICTIONARY indices (bit-width byte + RLE
//     hybrid). Booleans are never dictionary-encoded.
//   - when the dictionary outgrows options.dictionary_bytes the chunk goes on in PLAIN; when
//     it turns out useless (about as large as the values themselves) before its first page,
//     it is abandoned and the chunk is written in PLAIN only.
//   - definition levels: RLE hybrid with bit width 1 behind a 4-byte length (data page v1).
//   - a LIST column (schema.h) writes one level entry per element, or one for a NULL or empty
//     list: repetition levels (0 starts a row, 1 continues its list; RLE hybrid, bit width 1,
//     behind a 4-byte length) come first, then the definition levels (max 3: bit width 2), then
//     the element values. Pages start at row boundaries only (a reader may then skip a page
//     by its row count without looking into the neighbour), so a LIST column's page is cut
//     when a row ends, never inside one.
// The caller (FileWriter) checks that each value fits the column before appending it.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "common/output_stream.h"
#include "parquet/byte_buffer.h"
#include "parquet/chunk_buffer.h"
#include "parquet/compression.h"
#include "parquet/dictionary.h"
#include "parquet/metadata.h"
#include "parquet/options.h"
#include "parquet/schema.h"
#include "parquet/statistics.h"

namespace snaplake::parquet {

class ColumnChunkWriter {
 public:
  ColumnChunkWriter(const Column& column, const WriterOptions& options, Compressor& compressor);

  // A NULL value; in an open list, a NULL element.
  void append_null();
  // LIST columns: a row's list is begin_list(), its elements (append_* / append_null), then
  // end_list(); a NULL list is append_null_list() alone.
  void begin_list() { next_repetition_ = 0; }
  void end_list() {
    if (next_repetition_ == 0) push_entry_without_value(max_definition_ - 2);  // empty list
    end_record();
  }
  void append_null_list() {
    next_repetition_ = 0;
    push_entry_without_value(0);
    end_record();
  }
  void append_bool(bool value);
  void append_int32(int32_t value) {
    stats_.add_int32(value);
    append_fixed<4>(reinterpret_cast<const uint8_t*>(&value));
  }
  void append_int64(int64_t value) {
    stats_.add_int64(value);
    append_fixed<8>(reinterpret_cast<const uint8_t*>(&value));
  }
  void append_float(float value) {
    stats_.add_float(value);
    append_fixed<4>(reinterpret_cast<const uint8_t*>(&value));
  }
  void append_double(double value) {
    stats_.add_double(value);
    append_fixed<8>(reinterpret_cast<const uint8_t*>(&value));
  }
  // FIXED_LEN_BYTE_ARRAY: value.size() == type_length (checked by the caller).
  void append_fixed_bytes(std::string_view value) {
    stats_.add_bytes(value);
    append_fixed<0>(reinterpret_cast<const uint8_t*>(value.data()));
  }
  void append_byte_array(std::string_view value);

  bool dictionary_active() const { return mode_ == Mode::Dictionary; }
  // Prefetch hints (FileWriter::prefetch_*): the dictionary slot a value will be looked up in.
  void prefetch_bytes(std::string_view value) const {
    if (mode_ == Mode::Dictionary)
      dictionary_.prefetch(reinterpret_cast<const uint8_t*>(value.data()), value.size());
  }
  template <size_t N>
  void prefetch_word(const void* value) const {
    if (mode_ == Mode::Dictionary && width_ == N)
      dictionary_.prefetch_word<N>(static_cast<const uint8_t*>(value));
  }

  const Column& column() const { return column_; }
  // Rows appended since the last write_chunk(): values (NULLs included) of a flat column,
  // lists (NULL and empty ones included) of a LIST column.
  uint64_t num_rows() const { return repeated_ ? chunk_rows_ : chunk_values_; }
  // Encoded bytes held for this chunk: finished pages, the dictionary, the open page.
  uint64_t buffered_bytes() const {
    return pages_.size() + dictionary_.bytes() + open_page_bytes();
  }

  // Finishes the chunk: writes its pages to out, whose first byte lands at file offset
  // `offset`, and resets the writer for the next row group.
  ColumnChunk write_chunk(OutputStream& out, uint64_t offset);

 private:
  enum class Mode { Dictionary, Plain };

  // The first this many values of a chunk decide early whether a dictionary can pay.
  static constexpr uint64_t kDictionaryProbeValues = 32768;
  // Whether a dictionary pays is judged on this many values (or fewer at the chunk's end), not
  // on whatever the first page holds, so the choice does not depend on the page size.
  static constexpr uint32_t kDictionaryDecisionValues = 1u << 20;
  // Pages of tiny dictionary indices are also cut by count, so that num_values (an i32) and
  // a reader's per-page buffers stay small.
  static constexpr uint32_t kMaxPageValues = 1u << 20;

  // N: 4 or 8 for the word-sized types, 0 for FIXED_LEN_BYTE_ARRAY (width_ bytes).
  template <size_t N>
  void append_fixed(const uint8_t* value) {
    const size_t width = N == 0 ? width_ : N;
    begin_value();
    if (mode_ == Mode::Dictionary) {
      bool inserted;
      uint32_t index;
      if constexpr (N == 0) {
        index = dictionary_.find_or_insert(value, width, inserted);
      } else {
        index = dictionary_.find_or_insert_word<N>(value, inserted);
      }
      plain_equivalent_bytes_ += width;
      append_index(index, inserted);
      if (chunk_values_ == kDictionaryProbeValues) probe_dictionary();
    } else {
      std::memcpy(plain_.extend(width), value, width);
    }
    end_value();
  }
  void probe_dictionary();
  void append_index(uint32_t index, bool inserted) {
    indices_.push_back(index);
    if (inserted) on_dictionary_insert();
  }
  void on_dictionary_insert();
  void begin_value() {
    if (has_definitions_) defs_.push_back(static_cast<uint8_t>(max_definition_));
    if (repeated_) {
      reps_.push_back(next_repetition_);
      next_repetition_ = 1;
    }
    ++page_values_;
    ++chunk_values_;
  }
  // A level entry without a value: a NULL list (0), an empty list (max - 2), a NULL element or
  // value (max - 1).
  void push_entry_without_value(int definition) {
    stats_.add_null();
    if (has_definitions_) defs_.push_back(static_cast<uint8_t>(definition));
    if (repeated_) {
      reps_.push_back(next_repetition_);
      next_repetition_ = 1;
    }
    ++page_values_;
    ++page_nulls_;
    ++chunk_values_;
  }
  // A LIST column's row is complete: the one place its page may be cut.
  void end_record() {
    ++chunk_rows_;
    if (dictionary_full_) {
      dictionary_full_ = false;
      on_dictionary_full();
    }
    if (open_page_bytes() >= page_bytes_ || page_values_ >= kMaxPageValues) cut_page(false);
  }

  uint64_t open_page_bytes() const {
    uint64_t values = mode_ == Mode::Dictionary
                          ? (static_cast<uint64_t>(indices_.size()) * index_bit_width_ + 7) / 8
                          : plain_.size();
    return values + (defs_.size() + reps_.size()) / 8;
  }
  void end_value() {
    if (repeated_) return;  // end_record() cuts
    if (open_page_bytes() >= page_bytes_ || page_values_ >= kMaxPageValues) cut_page(false);
  }
  bool dictionary_worth_it() const;
  void abandon_dictionary();
  void on_dictionary_full();
  // Called when the open page is full: either flushes it or, before the first dictionary page,
  // abandons a useless dictionary (the values then stay in an open PLAIN page).
  // decide: the dictionary's fate must be settled now (it is full, the chunk ends); otherwise
  // a chunk's first dictionary page stays open until kDictionaryDecisionValues values.
  void cut_page(bool decide);
  void flush_page();
  void encode_data_page(size_t value, size_t count, size_t index, size_t present, bool indices);
  void emit_page(PageType type, std::span<const uint8_t> body, int32_t num_values,
                 Encoding encoding, ChunkBuffer& sink);

  const Column& column_;
  Compressor& compressor_;
  const int max_definition_;  // 0 (REQUIRED), 1 (OPTIONAL), 3 (OPTIONAL LIST)
  const bool has_definitions_;
  const bool repeated_;  // a LIST column: repetition levels, rows != values
  const size_t width_;   // bytes per value for fixed-width types, 0 for BYTE_ARRAY/BOOLEAN
  const bool use_dictionary_;
  const uint64_t page_bytes_;
  const uint64_t dictionary_bytes_;

  Mode mode_;
  // The open page.
  ByteBuffer defs_;                // one definition level per entry (OPTIONAL or LIST)
  ByteBuffer reps_;                // one repetition level per entry (LIST only)
  uint8_t next_repetition_ = 0;    // LIST: 0 for a row's first entry, then 1
  std::vector<uint32_t> indices_;  // Mode::Dictionary
  ByteBuffer plain_;               // Mode::Plain: PLAIN-encoded values
  uint32_t page_values_ = 0;
  uint32_t page_nulls_ = 0;
  uint32_t bool_bits_ = 0;
  int index_bit_width_ = 1;

  // The chunk.
  Dictionary dictionary_;
  StatisticsCollector stats_;
  ChunkBuffer pages_;            // encoded data pages, headers included
  ChunkBuffer dictionary_page_;  // the encoded dictionary page, at write_chunk()
  uint64_t chunk_values_ = 0;
  uint64_t chunk_rows_ = 0;       // LIST columns
  bool dictionary_full_ = false;  // LIST: the dictionary filled up inside a row; settled at its end
  uint64_t plain_equivalent_bytes_ = 0;  // what the dictionary-encoded values would take PLAIN
  int64_t data_uncompressed_ = 0;
  int32_t dictionary_data_pages_ = 0;
  int32_t plain_data_pages_ = 0;

  // Scratch buffers reused for every page.
  ByteBuffer body_, header_;
  std::vector<uint32_t> replay_indices_;
  ByteBuffer replay_defs_;
  ByteBuffer replay_reps_;
};

}  // namespace snaplake::parquet
