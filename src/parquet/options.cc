#include "parquet/options.h"

#include "common/error.h"

namespace snaplake::parquet {

Codec parse_codec(std::string_view name) {
  if (auto codec = kCodecNames.find(name)) return *codec;
  fail(ErrorKind::InvalidInput, "unknown compression '{}': expected {}", name,
       kCodecNames.alternatives());
}

const char* codec_file_infix(Codec codec) {
  switch (codec) {
    case Codec::Snappy:
      return "snappy";
    case Codec::Gzip:
      return "gz";
    case Codec::Zstd:
      return "zstd";
    case Codec::Uncompressed:
      return "";
  }
  return "";
}

}  // namespace snaplake::parquet
