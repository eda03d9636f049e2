// Micro-benchmarks of the Parquet writer's hot paths (Google Benchmark). Whole-file figures
// against DuckDB are in bench/parquet; these isolate one step each, so a change to an encoder
// shows up here first. Inputs are deterministic (splitmix64, fixed seed).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/output_stream.h"
#include "parquet/byte_buffer.h"
#include "parquet/compression.h"
#include "parquet/file_writer.h"
#include "parquet/rle_hybrid.h"

namespace snaplake::parquet {
namespace {

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Dictionary indices of a column with `distinct` values: the RLE/bit-packed hybrid's main use.
void BM_RleHybridIndices(benchmark::State& state) {
  const auto distinct = static_cast<uint32_t>(state.range(0));
  std::vector<uint32_t> values(1 << 16);
  uint64_t seed = 42;
  for (auto& v : values) v = static_cast<uint32_t>(splitmix64(seed) % distinct);
  ByteBuffer out;
  for (auto _ : state) {
    out.clear();
    encode_rle_hybrid(std::span<const uint32_t>(values), bit_width_for(distinct - 1), out);
    benchmark::DoNotOptimize(out.size());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(values.size()));
}
BENCHMARK(BM_RleHybridIndices)->Arg(2)->Arg(100)->Arg(60000);

// Definition levels with ~5% NULLs (long runs of 1 broken by single 0s).
void BM_RleHybridDefinitionLevels(benchmark::State& state) {
  std::vector<uint8_t> levels(1 << 16);
  uint64_t seed = 7;
  for (auto& l : levels) l = splitmix64(seed) % 20 == 0 ? 0 : 1;
  ByteBuffer out;
  for (auto _ : state) {
    out.clear();
    encode_rle_hybrid(std::span<const uint8_t>(levels), 1, out);
    benchmark::DoNotOptimize(out.size());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(levels.size()));
}
BENCHMARK(BM_RleHybridDefinitionLevels);

// One 1 MiB page of text-like bytes through each codec.
void BM_CompressPage(benchmark::State& state) {
  const auto codec = static_cast<Codec>(state.range(0));
  std::string page;
  uint64_t seed = 3;
  static const char* words[] = {"council ", "resident ", "care ",
                                "visit ",   "Hackney ",  "2026-11-25 "};
  while (page.size() < (1u << 20)) page += words[splitmix64(seed) % 6];
  Compressor compressor(codec, 0);
  auto input = std::span(reinterpret_cast<const uint8_t*>(page.data()), page.size());
  std::vector<uint8_t> out(compressor.max_compressed_size(input.size()));
  for (auto _ : state) {
    benchmark::DoNotOptimize(compressor.compress(input, out.data()));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(page.size()));
}
BENCHMARK(BM_CompressPage)
    ->Arg(static_cast<int>(Codec::Snappy))
    ->Arg(static_cast<int>(Codec::Gzip))
    ->Arg(static_cast<int>(Codec::Zstd));

// 100,000 rows of one OPTIONAL column appended and closed, per physical type.
void BM_AppendInt64(benchmark::State& state) {
  Schema schema{{.name = "id", .physical = Physical::Int64}};
  std::vector<int64_t> values(100000);
  uint64_t seed = 11;
  for (auto& v : values) v = static_cast<int64_t>(splitmix64(seed) % 1000000);
  for (auto _ : state) {
    snaplake::DiscardingStream sink;
    WriterOptions options;
    options.codec = Codec::Uncompressed;
    FileWriter writer(schema, options, sink);
    for (int64_t v : values) {
      writer.append_int64(0, v);
      writer.end_row();
    }
    benchmark::DoNotOptimize(writer.close().bytes);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(values.size()));
}
BENCHMARK(BM_AppendInt64);

void BM_AppendString(benchmark::State& state) {
  Schema schema{{.name = "name", .physical = Physical::ByteArray, .logical = Logical::String}};
  std::vector<std::string> values(100000);
  uint64_t seed = 13;
  for (auto& v : values) v = "resident-" + std::to_string(splitmix64(seed) % state.range(0));
  for (auto _ : state) {
    snaplake::DiscardingStream sink;
    WriterOptions options;
    options.codec = Codec::Uncompressed;
    FileWriter writer(schema, options, sink);
    for (const auto& v : values) {
      writer.append_bytes(0, v);
      writer.end_row();
    }
    benchmark::DoNotOptimize(writer.close().bytes);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(values.size()));
}
BENCHMARK(BM_AppendString)->Arg(100)->Arg(1000000);  // dictionary-friendly; nearly unique

}  // namespace
}  // namespace snaplake::parquet

BENCHMARK_MAIN();
