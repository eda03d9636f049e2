#!/usr/bin/env bash
# The MySQL export benchmark: `snaplake export --source mysql://… --jobs 2 --compression zstd` of
# the generated mixed-type table against `mariadb --quick --batch -e 'SELECT * FROM t' >
# /dev/null` on the same table in the same run (the floor: the server sending the rows and a
# client taking them), peak RSS (/usr/bin/time), the file size against DuckDB's zstd file of the
# same rows (bench/export/duckdb_zstd.mjs), and the protocol probe (text vs binary). See
# bench/README.md, "Export (MySQL)".
#
#   bench/export-mysql/run.sh [--rows N] [--rounds R] [--jobs J]   (default 5000000, 3, 2)
#
# Uses a throwaway MariaDB (tests/harness/mariadb.sh) and the binaries of build/ (scripts/build.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
rows=5000000
rounds=3
jobs=2
while (($#)); do
  case $1 in
    --rows) rows=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    *) echo "usage: $0 [--rows N] [--rounds R] [--jobs J]" >&2; exit 2 ;;
  esac
done
build=${SNAPLAKE_BUILD_DIR:-$here/build}
bin=${SNAPLAKE_BIN:-$build/snaplake}
probe=$build/bench/export-mysql/mysql_protocol_probe
[[ -x $bin ]] || { echo "build first: scripts/build.sh" >&2; exit 1; }

work=$(mktemp -d /tmp/snaplake-bench-mysql.XXXXXX)
chmod 755 "$work"
cleanup() {
  "$here/tests/harness/mariadb.sh" stop "$work/mariadb" || true
  rm -rf "$work"
}
trap cleanup EXIT
uri=$("$here/tests/harness/mariadb.sh" start "$work/mariadb")
port=$(cat "$work/mariadb/port")
client=(mariadb --no-defaults -h 127.0.0.1 -P "$port" -u root)
"${client[@]}" -e "CREATE DATABASE bench"
echo "loading $rows rows…" >&2
"${client[@]}" bench -e "SET @rows = $rows; SOURCE $here/bench/export-mysql/mixed_table.sql;" >/dev/null
# Warm the buffer pool: both sides then read from memory.
"${client[@]}" --quick --batch bench -e 'SELECT * FROM t' >/dev/null

measure() {  # prints: wall_s user+sys_s maxrss_kb
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >"$work/stdout" 2>"$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
  awk '{ printf "%.2f %.2f %d\n", $1, $2 + $3, $4 }' "$work/time"
}

best_floor=; best_read=; rss=0
for ((round = 1; round <= rounds; round++)); do
  read -r floor_wall floor_cpu _ < <(measure "${client[@]}" --quick --batch bench -e 'SELECT * FROM t')
  rm -rf "$work/out"
  read -r read_wall read_cpu read_rss < <(measure "$bin" export --source "${uri}bench" \
    --to "$work/out" --export-id bench --jobs "$jobs" --compression zstd --json)
  echo "round $round: mariadb --quick --batch ${floor_wall}s wall (${floor_cpu}s CPU); snaplake export (--jobs $jobs, zstd) ${read_wall}s wall (${read_cpu}s CPU), peak RSS $((read_rss / 1024)) MB" >&2
  if [[ -z $best_floor ]] || awk "BEGIN{exit !($floor_wall < $best_floor)}"; then best_floor=$floor_wall; fi
  if [[ -z $best_read ]] || awk "BEGIN{exit !($read_wall < $best_read)}"; then best_read=$read_wall; fi
  ((read_rss > rss)) && rss=$read_rss
done
written=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['rows'])" "$work/stdout")
[[ $written == "$rows" ]] || { echo "wrote $written rows, expected $rows" >&2; exit 1; }
files=$(find "$work/out/bench" -name '*.parquet' | sort)
ours=$(cat $files | wc -c)
read -r duck duck_rows < <(cd "$here/tests" && node "$here/bench/export/duckdb_zstd.mjs" "$work/duck.parquet" $files)
echo "rows: $rows, files: $(echo "$files" | wc -l)"
echo "best of $rounds: floor ${best_floor}s, snaplake export ${best_read}s, ratio $(awk "BEGIN{printf \"%.2f\", $best_read / $best_floor}"), peak RSS $((rss / 1024)) MB"
echo "Parquet size: snaplake $ours bytes, DuckDB zstd $duck bytes ($duck_rows rows)  (ratio $(awk "BEGIN{printf \"%.3f\", $ours / $duck}"))"
if [[ -x $probe ]]; then
  echo "protocol probe (the client alone taking the rows; no decoding):"
  "$probe" "${uri}bench" "SELECT * FROM t" "$rounds"
fi
