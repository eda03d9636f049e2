#include "parquet/options.h"

#include "common/error.h"

namespace snaplake::parquet {

Codec parse_codec(const std::string& name) {
  if (name == "snappy") return Codec::Snappy;
  if (name == "gzip") return Codec::Gzip;
  if (name == "zstd") return Codec::Zstd;
  if (name == "none" || name == "uncompressed") return Codec::Uncompressed;
  fail(ErrorKind::InvalidInput, "unknown compression '{}': expected snappy, gzip, zstd or none",
       name);
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
