// Test-side AWS access through boto3, an S3/SQS/SNS/Glue client independent of snaplake
// (tests/e2e/fixtures/rds_export/aws_batch.py): many calls in one Python process, since the aws
// CLI costs seconds per call on a loaded machine.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const batchScript = path.join(here, '../e2e/fixtures/rds_export/aws_batch.py');

// Runs [{ service, method, args }] against `moto`; returns one result per call ({ error } for a
// failed one).
export function awsBatch(moto, calls) {
  const r = spawnSync('python3', [batchScript], { input: JSON.stringify(calls), env: moto.env(), encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`aws_batch.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

export function awsCall(moto, service, method, args = {}) {
  const [out] = awsBatch(moto, [{ service, method, args }]);
  if (out?.error) throw new Error(`${service}.${method}: ${out.error}`);
  return out;
}

let bucketSeq = 0;
// A bucket name nobody else uses in this test run.
export const bucketName = (name) => `${name}-${process.pid}-${++bucketSeq}`;

export function createBuckets(moto, buckets) {
  const results = awsBatch(moto, buckets.map((Bucket) => ({
    service: 's3', method: 'create_bucket', args: { Bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-west-2' } },
  })));
  const failed = results.filter((r) => r?.error);
  if (failed.length) throw new Error(`create_bucket: ${failed[0].error}`);
}

// Every object under prefix: [{ key, size, etag, modified }], all pages.
export function listKeys(moto, bucket, prefix = '') {
  const out = [];
  let token;
  for (;;) {
    const page = awsCall(moto, 's3', 'list_objects_v2', { Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) });
    for (const o of page.Contents ?? []) out.push({ key: o.Key, size: o.Size, etag: o.ETag, modified: o.LastModified });
    if (!page.IsTruncated) return out;
    token = page.NextContinuationToken;
  }
}

// The multipart uploads not completed nor aborted under prefix.
export function pendingUploads(moto, bucket, prefix = '') {
  const out = awsCall(moto, 's3', 'list_multipart_uploads', { Bucket: bucket, Prefix: prefix });
  return (out.Uploads ?? []).map((u) => u.Key);
}

// Downloads every object under prefix into folder.
export function download(moto, bucket, prefix, folder) {
  const keys = listKeys(moto, bucket, prefix).map((o) => o.key);
  awsBatch(moto, keys.map((Key) => ({ service: 's3', method: 'get_object', args: { Bucket: bucket, Key, SaveTo: path.join(folder, Key.slice(prefix.length)) } })));
  return keys;
}
