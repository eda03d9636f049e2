// Reads the row count of a Parquet file from its footer, without reading any data page, beside
// the footer structs and field ids the writer encodes (metadata.h). RDS-written exports carry no
// per-file row counts in export_tables_info, so the landing counts rows from the footers of what
// it landed (docs/layouts.md, "Landing zone": verified row counts).
//
// File layout (Parquet spec, "File Format"):
//   "PAR1" <column chunks…> <FileMetaData, Thrift compact protocol> <4-byte LE length> "PAR1"
// Only FileMetaData.schema (field 2: each SchemaElement's name, types and annotations),
// FileMetaData.num_rows (field 3) and RowGroup.num_rows (field 3 of each entry of field 4) are
// decoded; every other field is skipped by type.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace snaplake::parquet {

// One node of a file's schema (SchemaElement, parquet.thrift), as read back: what a catalog needs
// to name each column's type. Groups (LIST, MAP, structs) have children.
struct SchemaNode {
  std::string name;
  int physical = -1;       // Type: BOOLEAN 0, INT32 1, INT64 2, INT96 3, FLOAT 4, DOUBLE 5,
                           // BYTE_ARRAY 6, FIXED_LEN_BYTE_ARRAY 7; -1 for a group
  int type_length = 0;     // FIXED_LEN_BYTE_ARRAY's width
  int repetition = 0;      // REQUIRED 0, OPTIONAL 1, REPEATED 2
  int converted = -1;      // ConvertedType, -1 when absent (UTF8 0, LIST 3, DECIMAL 5, DATE 6, …)
  int scale = 0;
  int precision = 0;
  // LogicalType (a union): its field id (STRING 1, MAP 2, LIST 3, ENUM 4, DECIMAL 5, DATE 6,
  // TIME 7, TIMESTAMP 8, INTEGER 10, JSON 12, BSON 13, UUID 14), 0 when absent; and its details.
  int logical = 0;
  bool utc_adjusted = false;  // TIME, TIMESTAMP
  int time_unit = 0;          // TIME, TIMESTAMP: MILLIS 1, MICROS 2, NANOS 3
  int bit_width = 0;          // INTEGER
  bool is_signed = true;      // INTEGER
  std::vector<SchemaNode> children;
};

struct FooterRows {
  int64_t num_rows = 0;        // FileMetaData.num_rows
  int64_t row_group_rows = 0;  // sum of RowGroup.num_rows
  int64_t row_groups = 0;
  std::vector<SchemaNode> columns;  // the schema root's children, as a tree
};

// Decodes a Thrift-compact FileMetaData. Throws Error(InvalidInput) naming `name` when the bytes
// are truncated or malformed.
FooterRows decode_file_metadata(std::span<const uint8_t> bytes, std::string_view name);

// The FileMetaData length from the last 8 bytes of a file ("<u32 LE length>PAR1"). Throws
// Error(InvalidInput) when the magic is wrong (Error(Unsupported) for an encrypted "PARE" footer).
uint32_t footer_length(std::span<const uint8_t> tail8, std::string_view name);

// Reads bytes [offset, offset + length) of the file being read.
using ReadRange = std::function<std::string(uint64_t offset, uint64_t length)>;

// Reads the footer of a file of `size` bytes (named `name` in messages) with one ranged read in
// the common case; checks that FileMetaData.num_rows equals the sum over row groups.
FooterRows read_footer(uint64_t size, const ReadRange& read, std::string_view name);
// The same, for its row count.
uint64_t read_row_count(uint64_t size, const ReadRange& read, std::string_view name);

}  // namespace snaplake::parquet
