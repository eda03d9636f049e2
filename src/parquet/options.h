// How a Parquet file is written. Every field has a default that suits an export.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/name_table.h"

namespace snaplake::parquet {

// parquet.thrift `enum CompressionCodec`.
enum class Codec : int32_t { Uncompressed = 0, Snappy = 1, Gzip = 2, Zstd = 6 };

// The codecs' names, the one table of them: `--compression`, `[export] compression` and
// export_info's `snaplake.compression` are these words.
inline constexpr auto kCodecNames = name_table<Codec>({{Codec::Snappy, "snappy"},
                                                       {Codec::Gzip, "gzip"},
                                                       {Codec::Zstd, "zstd"},
                                                       {Codec::Uncompressed, "none"}});
inline std::string_view to_string(Codec codec) {
  return kCodecNames.name(codec);
}
// A name of kCodecNames; throws Error(InvalidInput) naming the alternatives otherwise.
Codec parse_codec(std::string_view name);
// The infix RDS uses in file names: "snappy", "gz", "zstd", or "" when uncompressed.
const char* codec_file_infix(Codec codec);

struct WriterOptions {
  // Compression of every page.
  Codec codec = Codec::Snappy;
  // ZSTD level (1..22) or GZIP level (1..9); 0 means the codec's default (GZIP 6; ZSTD 3, but 1 for
  // pages of strings).
  int compression_level = 0;
  // A row group is closed when its buffered, encoded size reaches this many bytes...
  uint64_t row_group_bytes = 64ull << 20;
  // ...or when it holds this many rows, whichever comes first.
  uint64_t row_group_rows = 1'000'000;
  // Target uncompressed size of one data page.
  uint32_t page_bytes = 1u << 20;
  // Dictionary-encode columns while the dictionary stays under dictionary_bytes; a column whose
  // dictionary outgrows it falls back to PLAIN for the rest of the row group.
  bool dictionary = true;
  uint32_t dictionary_bytes = 1u << 20;
  // BYTE_ARRAY min/max statistics longer than this are truncated (min to a prefix, max to an
  // incremented prefix) and marked inexact, so a multi-megabyte value never lands in the footer.
  uint32_t statistics_max_bytes = 256;
  // FileMetaData.created_by: "<application> version <semver> (build <hash>)", the form readers
  // parse to decide which writer bugs to work around.
  std::string created_by = "snaplake version 0.1.0 (build snaplake)";
  // FileMetaData.key_value_metadata.
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
};

}  // namespace snaplake::parquet
