#!/usr/bin/env bash
# Builds parquet_bench in Release and compares snaplake's Parquet writer with DuckDB's on the
# same rows and codecs (bench/README.md, "Parquet writer"). Extra arguments go to
# compare_duckdb.mjs, e.g.:
#
#   bench/parquet/run.sh                              # 2 million rows, snappy and zstd, 3 rounds
#   bench/parquet/run.sh --rows 500000 --rounds 5 --codecs snappy,zstd,gzip,none
#
# SNAPLAKE_BENCH_BUILD_DIR chooses the build folder (default: build-release).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${SNAPLAKE_BENCH_BUILD_DIR:-$root/build-release}

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DSNAPLAKE_BUILD_TESTS=OFF > /dev/null
cmake --build "$build" -j2 --target parquet_bench > /dev/null
if [[ ! -d $root/tests/node_modules/@duckdb/node-api ]]; then
  (cd "$root/tests" && npm install --no-audit --no-fund > /dev/null)
fi

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr)"
echo "snaplake $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'), DuckDB $(node -e "import('$root/tests/node_modules/@duckdb/node-api/package.json', { with: { type: 'json' } }).then(m => console.log(m.default.version))")"
node "$root/bench/parquet/compare_duckdb.mjs" --bench "$build/bench/parquet/parquet_bench" "$@"
