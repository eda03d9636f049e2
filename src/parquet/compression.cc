#include "parquet/compression.h"

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>

#include "common/error.h"

namespace snaplake::parquet {

struct Compressor::Contexts {
  ZSTD_CCtx* zstd = nullptr;
  z_stream gzip{};
  bool gzip_ready = false;

  ~Contexts() {
    if (zstd != nullptr) ZSTD_freeCCtx(zstd);
    if (gzip_ready) deflateEnd(&gzip);
  }
};

int max_compression_level(Codec codec) {
  switch (codec) {
    case Codec::Zstd:
      return ZSTD_maxCLevel();
    case Codec::Gzip:
      return 9;  // zlib's Z_BEST_COMPRESSION
    case Codec::Snappy:
    case Codec::Uncompressed:
      return 0;
  }
  return 0;
}

Compressor::Compressor(Codec codec, int level)
    : codec_(codec), level_(level), contexts_(std::make_unique<Contexts>()) {
  switch (codec_) {
    case Codec::Zstd:
      // By default, level 3 (zstd's own default, DuckDB's) for pages of numbers and dictionary
      // indices, level 1 (Arrow C++'s default) for pages of strings. Measured on the export
      // benchmark's mixed table (bench/README.md, "Export"): for strings, level 3 costs 40 %
      // more time for 2 % smaller pages; for integers and timestamps level 1 leaves pages
      // 30-55 % larger.
      if (level_ == 0) {
        level_ = 3;
        byte_array_level_ = 1;
      } else {
        byte_array_level_ = level_;
      }
      if (level_ < 1 || level_ > max_compression_level(codec_))
        fail(ErrorKind::InvalidInput, "cannot use ZSTD level {}: expected 1..{}", level_,
             max_compression_level(codec_));
      contexts_->zstd = ZSTD_createCCtx();
      if (contexts_->zstd == nullptr) throw std::bad_alloc();
      break;
    case Codec::Gzip:
      if (level_ == 0) level_ = 6;
      if (level_ < 1 || level_ > max_compression_level(codec_))
        fail(ErrorKind::InvalidInput, "cannot use GZIP level {}: expected 1..{}", level_,
             max_compression_level(codec_));
      // windowBits 15 + 16 asks zlib for the gzip wrapper (header and CRC-32 trailer).
      if (deflateInit2(&contexts_->gzip, level_, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
          Z_OK)
        fail(ErrorKind::Internal, "cannot initialise zlib: {}", "deflateInit2 failed");
      contexts_->gzip_ready = true;
      break;
    case Codec::Snappy:
    case Codec::Uncompressed:
      break;
  }
}

Compressor::~Compressor() = default;

size_t Compressor::max_compressed_size(size_t input_size) {
  switch (codec_) {
    case Codec::Snappy:
      return snappy::MaxCompressedLength(input_size);
    case Codec::Zstd:
      return ZSTD_compressBound(input_size);
    case Codec::Gzip:
      // deflateBound covers the zlib wrapper; the gzip wrapper is 18 bytes, not 6.
      return deflateBound(&contexts_->gzip, input_size) + 32;
    case Codec::Uncompressed:
      break;
  }
  return input_size;
}

size_t Compressor::compress(std::span<const uint8_t> input, uint8_t* out, bool byte_arrays) {
  const char* src = reinterpret_cast<const char*>(input.data());
  const size_t capacity = max_compressed_size(input.size());
  switch (codec_) {
    case Codec::Snappy: {
      size_t n = 0;
      snappy::RawCompress(src, input.size(), reinterpret_cast<char*>(out), &n);
      return n;
    }
    case Codec::Zstd: {
      size_t n = ZSTD_compressCCtx(contexts_->zstd, out, capacity, input.data(), input.size(),
                                   byte_arrays ? byte_array_level_ : level_);
      if (ZSTD_isError(n))
        fail(ErrorKind::Internal, "cannot compress a page with ZSTD: {}", ZSTD_getErrorName(n));
      return n;
    }
    case Codec::Gzip: {
      z_stream& z = contexts_->gzip;
      if (deflateReset(&z) != Z_OK)
        fail(ErrorKind::Internal, "cannot reset zlib: {}", z.msg ? z.msg : "");
      z.next_in = const_cast<Bytef*>(input.data());
      z.avail_in = static_cast<uInt>(input.size());
      z.next_out = out;
      z.avail_out = static_cast<uInt>(capacity);
      int rc = deflate(&z, Z_FINISH);
      if (rc != Z_STREAM_END)
        fail(ErrorKind::Internal, "cannot compress a page with GZIP: zlib returned {}", rc);
      return z.total_out;
    }
    case Codec::Uncompressed:
      break;
  }
  if (!input.empty()) std::memcpy(out, input.data(), input.size());
  return input.size();
}

}  // namespace snaplake::parquet
