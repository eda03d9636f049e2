#!/usr/bin/env bash
# The export benchmark: `snaplake export --jobs 2 --compression zstd` of the mixed table against
# `psql -c 'COPY t TO STDOUT (FORMAT binary)' -o /dev/null` on the same table in the same run
# (the floor: reading the rows at all), peak RSS (/usr/bin/time -v), and the file size against
# DuckDB's zstd file of the same rows. See bench/README.md, "Export".
#
#   bench/export/run.sh [--rows N] [--rounds R] [--types rds|typed] [--s3]   (default 5000000, 3, rds)
#
# --s3 also times the same export into an S3 bucket of a throwaway moto_server on loopback
# (tests/harness/moto.sh), next to the export into a folder, in the same rounds.
#
# Uses a throwaway PostgreSQL (tests/harness/pg.sh) in a temp folder, and the snaplake binary of
# SNAPLAKE_BIN or build-release/ (built in Release when missing).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
rows=5000000
rounds=3
types=rds
s3=0
while (($#)); do
  case $1 in
    --rows) rows=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --types) types=$2; shift 2 ;;
    --s3) s3=1; shift ;;
    *) echo "usage: $0 [--rows N] [--rounds R] [--types rds|typed] [--s3]" >&2; exit 2 ;;
  esac
done

bin=${SNAPLAKE_BIN:-}
if [[ -z $bin ]]; then
  build=${SNAPLAKE_BENCH_BUILD_DIR:-$here/build-release}
  cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DSNAPLAKE_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" -j2 --target snaplake >/dev/null
  bin=$build/snaplake
fi

work=$(mktemp -d /tmp/snaplake-bench-export.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/pg"
cleanup() {
  "$here/tests/harness/pg.sh" stop "$work/pg" || true
  "$here/tests/harness/moto.sh" stop "$work/moto" || true
  rm -rf "$work"
}
trap cleanup EXIT
uri=$("$here/tests/harness/pg.sh" start "$work/pg")
db_uri=${uri%/postgres}/bench
psql -X -q "$uri" -c "CREATE DATABASE bench"
echo "loading $rows rows…" >&2
psql -X -q -v ON_ERROR_STOP=1 -v rows="$rows" "$db_uri" -f "$here/bench/export/mixed_table.sql"
table_mb=$(psql -X -A -t "$db_uri" -c "SELECT pg_table_size('t') / 1000000")
# Warm the cache: both sides then read from shared buffers / the page cache.
psql -X -q "$db_uri" -c "COPY t TO STDOUT (FORMAT binary)" -o /dev/null

measure() {  # prints: wall_s user+sys_s maxrss_kb
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
  awk '{ printf "%.2f %.2f %d\n", $1, $2 + $3, $4 }' "$work/time"
}

if ((s3)); then
  endpoint=$("$here/tests/harness/moto.sh" start "$work/moto")
  export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=eu-west-2 AWS_ENDPOINT_URL=$endpoint
  aws --endpoint-url "$endpoint" s3 mb s3://snaplake-bench >/dev/null
fi

best_copy=; best_export=; best_s3=; rss=0
for ((round = 1; round <= rounds; round++)); do
  read -r copy_wall copy_cpu _ < <(measure psql -X -q "$db_uri" -c "COPY t TO STDOUT (FORMAT binary)" -o /dev/null)
  rm -rf "$work/out"
  read -r exp_wall exp_cpu exp_rss < <(measure "$bin" export --source "$db_uri" --to "$work/out" \
    --export-id bench --jobs 2 --compression zstd --types "$types")
  echo "round $round: COPY binary ${copy_wall}s wall (${copy_cpu}s CPU, psql); snaplake export ${exp_wall}s wall (${exp_cpu}s CPU), peak RSS $((exp_rss / 1024)) MB" >&2
  if [[ -z $best_copy ]] || awk "BEGIN{exit !($copy_wall < $best_copy)}"; then best_copy=$copy_wall; fi
  if [[ -z $best_export ]] || awk "BEGIN{exit !($exp_wall < $best_export)}"; then best_export=$exp_wall; fi
  ((exp_rss > rss)) && rss=$exp_rss
  if ((s3)); then
    read -r s3_wall s3_cpu s3_rss < <(measure "$bin" export --source "$db_uri" --to s3://snaplake-bench/exports \
      --export-id bench --jobs 2 --compression zstd --types "$types")
    echo "round $round: snaplake export to S3 (moto) ${s3_wall}s wall (${s3_cpu}s CPU), peak RSS $((s3_rss / 1024)) MB" >&2
    if [[ -z $best_s3 ]] || awk "BEGIN{exit !($s3_wall < $best_s3)}"; then best_s3=$s3_wall; fi
  fi
done

files=$(find "$work/out/bench" -name '*.parquet' | sort)
ours=$(cat $files | wc -c)
read -r duck duck_rows < <(cd "$here/tests" && node "$here/bench/export/duckdb_zstd.mjs" "$work/duck.parquet" $files)
echo
echo "rows: $rows ($types profile), table: ${table_mb} MB in PostgreSQL, files: $(echo "$files" | wc -l)"
echo "COPY (FORMAT binary) to /dev/null, best wall: ${best_copy} s"
echo "snaplake export --jobs 2 --compression zstd, best wall: ${best_export} s  (ratio $(awk "BEGIN{printf \"%.2f\", $best_export / $best_copy}"))"
if ((s3)); then
  echo "snaplake export to s3:// (moto on loopback), best wall: ${best_s3} s  (vs folder $(awk "BEGIN{printf \"%.2f\", $best_s3 / $best_export}")x)"
fi
echo "snaplake peak RSS: $((rss / 1024)) MB"
echo "Parquet size: snaplake $ours bytes, DuckDB zstd $duck bytes ($duck_rows rows)  (ratio $(awk "BEGIN{printf \"%.3f\", $ours / $duck}"))"
