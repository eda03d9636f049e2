#!/usr/bin/env bash
# Landing throughput (bench/README.md, "Landing"): a multi-GB RDS-style export landed
#   folder -> folder (jobs 1 and 4), again (verify only), and on a private moto_server:
#   folder -> S3 (streamed, multipart), S3 -> S3 (server-side CopyObject), S3 -> folder.
#
#   bench/land/run.sh [GB] [S3_GB]      defaults: 2 and 2
# SNAPLAKE_BIN (default build/snaplake) is the binary measured; LAND_BENCH_DIR the scratch folder.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
gb=${1:-2}
s3_gb=${2:-2}
bin=${SNAPLAKE_BIN:-$root/build/snaplake}
work=${LAND_BENCH_DIR:-/tmp/snaplake-bench-land}
[[ -x $bin ]] || { echo "no snaplake binary at $bin (set SNAPLAKE_BIN)" >&2; exit 1; }
[[ -d $root/tests/node_modules ]] || (cd "$root/tests" && npm install --silent)

rm -rf "$work"; mkdir -p "$work"
TIMEFORMAT='%R %U %S'

# run NAME BYTES CMD...: prints one table row (wall s, CPU s, MB/s by wall time).
row() {
  local name=$1 bytes=$2; shift 2
  local t
  t=$( { time "$@" >/dev/null 2>"$work/last.err"; } 2>&1 ) || { cat "$work/last.err" >&2; exit 1; }
  read -r wall user sys <<<"$t"
  awk -v n="$name" -v b="$bytes" -v w="$wall" -v u="$user" -v s="$sys" \
    'BEGIN { printf "| %-40s | %8.2f | %7.2f | %9.1f |\n", n, w, u + s, b / 1e6 / w }'
}

echo "making a ${gb} GB export in $work ..." >&2
made=$(node "$here/make_export.mjs" "$work/exports" "$gb")
export_dir=$(node -e 'console.log(JSON.parse(process.argv[1]).dir)' "$made")
bytes=$(node -e 'console.log(JSON.parse(process.argv[1]).totalBytes)' "$made")
files=$(node -e 'console.log(JSON.parse(process.argv[1]).files)' "$made")

echo "| landing ($files files, $((bytes / 1000000)) MB) | wall s | CPU s | MB/s |"
echo "|---|---:|---:|---:|"
row "folder -> folder, --jobs 1" "$bytes" "$bin" land --export "$export_dir" --to "$work/lake1" --jobs 1
row "folder -> folder, --jobs 4" "$bytes" "$bin" land --export "$export_dir" --to "$work/lake4" --jobs 4
row "again: nothing to do" "$bytes" "$bin" land --export "$export_dir" --to "$work/lake4" --jobs 4
rm -rf "$work/lake1" "$work/lake4"

if [[ $s3_gb != 0 ]]; then
  if [[ $s3_gb != "$gb" ]]; then
    rm -rf "$work/exports"
    made=$(node "$here/make_export.mjs" "$work/exports" "$s3_gb")
    export_dir=$(node -e 'console.log(JSON.parse(process.argv[1]).dir)' "$made")
    bytes=$(node -e 'console.log(JSON.parse(process.argv[1]).totalBytes)' "$made")
  fi
  endpoint=$("$root/tests/harness/moto.sh" start "$work/moto")
  trap '"$root/tests/harness/moto.sh" stop "$work/moto"' EXIT
  export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=eu-west-2 \
    AWS_DEFAULT_REGION=eu-west-2 AWS_ENDPOINT_URL=$endpoint
  python3 - <<PY
import boto3
s3 = boto3.client("s3", endpoint_url="$endpoint")
for b in ("export-bucket", "raw-zone", "raw-zone-2"):
    s3.create_bucket(Bucket=b, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
PY
  key=$(python3 -c "import boto3; print(boto3.client('kms', endpoint_url='$endpoint').create_key()['KeyMetadata']['KeyId'])")
  # folder -> S3 lands into raw-zone-2; the export itself is uploaded by the same command shape
  # into the export bucket (a landing of a folder under a prefix), then landed S3 -> S3.
  row "folder -> S3 (moto), --jobs 4" "$bytes" "$bin" land --export "$export_dir" --to s3://raw-zone-2 --kms-key-id "$key" --jobs 4
  python3 - <<PY
import boto3, os
s3 = boto3.client("s3", endpoint_url="$endpoint")
root = "$export_dir"
for d, _, names in os.walk(root):
    for n in names:
        p = os.path.join(d, n)
        s3.upload_file(p, "export-bucket", "exports/bench-export/" + os.path.relpath(p, root))
PY
  row "S3 -> S3 (moto, server-side), --jobs 4" "$bytes" "$bin" land --export s3://export-bucket/exports/bench-export --to s3://raw-zone --kms-key-id "$key" --jobs 4
  row "again: nothing to do (S3)" "$bytes" "$bin" land --export s3://export-bucket/exports/bench-export --to s3://raw-zone --jobs 4
  row "S3 -> folder (moto), --jobs 4" "$bytes" "$bin" land --export s3://export-bucket/exports/bench-export --to "$work/lake-from-s3" --jobs 4
fi
echo
echo "snaplake: $bin; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
