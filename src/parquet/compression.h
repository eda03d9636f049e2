// Page compression for the codecs snaplake writes (parquet-format Compression.md): SNAPPY as
// the raw snappy format, GZIP as a gzip stream (RFC 1952, not raw deflate), ZSTD as a zstd
// frame. One Compressor per file writer; its contexts are reused for every page.
#pragma once

#include <memory>
#include <span>

#include "parquet/byte_buffer.h"
#include "parquet/options.h"

namespace snaplake::parquet {

// The highest level `codec` takes: levels run from 1 to it (ZSTD 22, GZIP 9); 0 for a codec
// without levels (SNAPPY, none). Level 0 always means the codec's default.
int max_compression_level(Codec codec);

class Compressor {
 public:
  // level: ZSTD 1..22 or GZIP 1..9; 0 means the codec's default (GZIP 6; ZSTD 3, but 1 for
  // pages of byte arrays).
  Compressor(Codec codec, int level);
  ~Compressor();
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;

  Codec codec() const { return codec_; }
  // The most bytes compress() may write for `input_size` bytes of input (the input itself for
  // Codec::Uncompressed).
  size_t max_compressed_size(size_t input_size);
  // Writes the compressed form of input to out, which has max_compressed_size(input.size())
  // bytes, and returns its size. Codec::Uncompressed copies the input. byte_arrays: the page
  // holds PLAIN strings or byte arrays (ZSTD's default level differs for them).
  size_t compress(std::span<const uint8_t> input, uint8_t* out, bool byte_arrays = false);

 private:
  struct Contexts;
  Codec codec_;
  int level_;
  int byte_array_level_ = 0;
  std::unique_ptr<Contexts> contexts_;
};

}  // namespace snaplake::parquet
