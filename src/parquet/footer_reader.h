// Reads the row count of a Parquet file from its footer, without reading any data page, beside
// the footer structs and field ids the writer encodes (metadata.h). RDS-written exports carry no
// per-file row counts in export_tables_info, so the landing counts rows from the footers of what
// it landed (docs/layouts.md, "Landing zone": verified row counts).
//
// File layout (Parquet spec, "File Format"):
//   "PAR1" <column chunks…> <FileMetaData, Thrift compact protocol> <4-byte LE length> "PAR1"
// Only FileMetaData.num_rows (field 3) and RowGroup.num_rows (field 3 of each entry of field 4)
// are decoded; every other field is skipped by type.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace snaplake::parquet {

struct FooterRows {
  int64_t num_rows = 0;        // FileMetaData.num_rows
  int64_t row_group_rows = 0;  // sum of RowGroup.num_rows
  int64_t row_groups = 0;
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
// the common case and returns its row count; checks that FileMetaData.num_rows equals the sum
// over row groups.
uint64_t read_row_count(uint64_t size, const ReadRange& read, std::string_view name);

}  // namespace snaplake::parquet
