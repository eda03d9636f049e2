// The parquet.thrift structs snaplake writes (apache/parquet-format src/main/thrift/
// parquet.thrift), as plain C++ values with a serializer each. Only the fields we set exist
// here; every write_* emits them in field-id order with the ids from parquet.thrift.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "parquet/options.h"
#include "parquet/schema.h"
#include "parquet/thrift_compact.h"

namespace snaplake::parquet {

// parquet.thrift `enum Encoding`.
enum class Encoding : int32_t {
  Plain = 0,
  PlainDictionary = 2,
  Rle = 3,
  BitPacked = 4,
  RleDictionary = 8,
};

// parquet.thrift `enum PageType`.
enum class PageType : int32_t { DataPage = 0, IndexPage = 1, DictionaryPage = 2, DataPageV2 = 3 };

// parquet.thrift `enum ConvertedType` (the legacy annotations).
enum class ConvertedType : int32_t {
  Utf8 = 0,
  List = 3,
  Enum = 4,
  Decimal = 5,
  Date = 6,
  TimeMicros = 8,
  TimestampMillis = 9,
  TimestampMicros = 10,
  Int16 = 16,
  Json = 19,
};

struct Statistics {
  std::optional<std::string> max;          // 1: legacy, signed order; only where it agrees
  std::optional<std::string> min;          // 2
  std::optional<int64_t> null_count;       // 3
  std::optional<std::string> max_value;    // 5: per the column's sort order
  std::optional<std::string> min_value;    // 6
  std::optional<bool> is_max_value_exact;  // 7
  std::optional<bool> is_min_value_exact;  // 8
};

struct DataPageHeader {
  int32_t num_values = 0;                              // 1
  Encoding encoding = Encoding::Plain;                 // 2
  Encoding definition_level_encoding = Encoding::Rle;  // 3
  Encoding repetition_level_encoding = Encoding::Rle;  // 4
};

struct DictionaryPageHeader {
  int32_t num_values = 0;               // 1
  Encoding encoding = Encoding::Plain;  // 2
};

struct PageHeader {
  PageType type = PageType::DataPage;                   // 1
  int32_t uncompressed_page_size = 0;                   // 2
  int32_t compressed_page_size = 0;                     // 3
  std::optional<DataPageHeader> data_page;              // 5
  std::optional<DictionaryPageHeader> dictionary_page;  // 7
};

struct PageEncodingStats {
  PageType page_type = PageType::DataPage;  // 1
  Encoding encoding = Encoding::Plain;      // 2
  int32_t count = 0;                        // 3
};

struct ColumnMetaData {
  Physical type = Physical::ByteArray;            // 1
  std::vector<Encoding> encodings;                // 2
  std::vector<std::string> path_in_schema;        // 3
  Codec codec = Codec::Uncompressed;              // 4
  int64_t num_values = 0;                         // 5
  int64_t total_uncompressed_size = 0;            // 6 (page headers included)
  int64_t total_compressed_size = 0;              // 7 (page headers included)
  int64_t data_page_offset = 0;                   // 9
  std::optional<int64_t> dictionary_page_offset;  // 11
  std::optional<Statistics> statistics;           // 12
  std::vector<PageEncodingStats> encoding_stats;  // 13
};

struct ColumnChunk {
  int64_t file_offset = 0;   // 2: where the chunk's first page starts
  ColumnMetaData meta_data;  // 3
};

struct RowGroup {
  std::vector<ColumnChunk> columns;   // 1
  int64_t total_byte_size = 0;        // 2: uncompressed size of all column data
  int64_t num_rows = 0;               // 3
  int64_t file_offset = 0;            // 5
  int64_t total_compressed_size = 0;  // 6
  std::optional<int16_t> ordinal;     // 7: only while it fits an i16
};

struct FileMetaData {
  int32_t version = 1;               // 1
  const Schema* schema = nullptr;    // 2: the root SchemaElement is synthesised from it
  int64_t num_rows = 0;              // 3
  std::vector<RowGroup> row_groups;  // 4
  std::vector<std::pair<std::string, std::string>> key_value_metadata;  // 5
  std::string created_by;                                               // 6
  // 7: column_orders, one TypeDefinedOrder per leaf, always written.
};

void write_page_header(ByteBuffer& out, const PageHeader& header);
void write_file_metadata(ByteBuffer& out, const FileMetaData& metadata);
// Exposed for tests.
void write_statistics(ThriftWriter& w, const Statistics& stats);
// The leaf's SchemaElement (for a LIST column: its "element").
void write_schema_element(ThriftWriter& w, const Column& column);
// Every SchemaElement of one top-level column, each as a struct element of the schema list: one
// for a leaf, three for a LIST (the LIST group, the repeated group, the element).
void write_schema_elements(ThriftWriter& w, const Column& column);
// How many SchemaElements a column takes; ColumnMetaData.path_in_schema of its leaf.
size_t schema_element_count(const Column& column);
std::vector<std::string> leaf_path(const Column& column);

}  // namespace snaplake::parquet
