// `snaplake land` with S3 on either side (moto): S3 -> S3, folder -> S3 and S3 -> folder, landed
// objects checked with the aws CLI (an independent S3 client) for SSE-KMS and the
// bucket-owner-full-control ACL, contents with DuckDB; re-landing changes nothing; the SQS, SNS
// and Glue notifications arrive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readdirSync, statSync } from 'node:fs';

import { Moto, snaplake, tempDir } from '../harness/servers.mjs';
import * as aws from '../harness/aws.mjs';
import { duckdbQuery } from '../harness/readers.mjs';
import { makeRdsExport } from './fixtures/rds_export/make_rds_export.mjs';

const moto = Moto.shared();
const awsBatch = (calls) => aws.awsBatch(moto, calls);
const awsCall = (service, method, args = {}) => aws.awsCall(moto, service, method, args);
const json = (args) => JSON.parse(moto.aws([...args, '--output', 'json']) || 'null');
const { bucketName } = aws;
const land = (args) => snaplake(['land', ...args, '--json'], { env: moto.env() });
const partition = (table) =>
  `unrestricted/socialcare/${table}/import_year=2026/import_month=11/import_day=24/import_date=20261124/`;
const listKeys = (bucket, prefix = '') => aws.listKeys(moto, bucket, prefix);

function filesBelow(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p); else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

const download = (bucket, prefix, folder) => aws.download(moto, bucket, prefix, folder);

async function rowsIn(folder) {
  const { rows } = await duckdbQuery(
    `SELECT count(*), sum(id)::BIGINT FROM read_parquet('${path.join(folder, '*.parquet')}')`);
  return { count: Number(rows[0][0]), sum: Number(rows[0][1]) };
}

// An RDS-style export uploaded to a fresh export bucket, plus `extra` fresh empty buckets.
async function uploadedExport(prefix = 'exports', extra = 1, options = {}) {
  const root = tempDir('land-s3-');
  const exp = await makeRdsExport(path.join(root, 'exports'), options);
  const bucket = bucketName('export');
  const others = Array.from({ length: extra }, () => bucketName('raw-zone'));
  const puts = filesBelow(exp.dir).map((rel) => ({
    service: 's3', method: 'put_object', args: { Bucket: bucket, Key: `${prefix}/${exp.exportId}/${rel}`, BodyFile: path.join(exp.dir, rel) },
  }));
  aws.createBuckets(moto, [bucket, ...others]);
  const results = awsBatch(puts);
  assert.deepEqual(results.filter((r) => r.error), []);
  return { root, exp, bucket, raw: others, location: `s3://${bucket}/${prefix}/${exp.exportId}` };
}

test('S3 -> S3: every object lands with SSE-KMS and bucket-owner-full-control, verified', async () => {
  const { root, exp, location, raw: [raw] } = await uploadedExport();
  const keyId = awsCall('kms', 'create_key').KeyMetadata.KeyId;
  const r = land(['--export', location, '--to', `s3://${raw}`, '--kms-key-id', keyId, '--jobs', '4']);
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.rows, 6050);

  const keys = listKeys(raw).map((o) => o.key);
  assert.ok(keys.includes('_snaplake/landings/rds-export-1.json'));
  for (const t of exp.tables) {
    const p = partition(`${t.schema}.${t.table}`);
    const landed = keys.filter((k) => k.startsWith(p)).map((k) => k.slice(p.length)).sort();
    // Batch folders flattened, the export id in front of RDS's names (docs/layouts.md).
    assert.deepEqual(landed, t.files.map((f) => 'rds-export-1-' + f.split('/').slice(2).join('-')).concat('_SUCCESS').sort());
  }
  // Every landed object, marker and manifest included: SSE-KMS with our key, and the ACL
  // (boto3 for all of them; the aws CLI itself for one, as an operator would check).
  const checks = awsBatch(keys.flatMap((Key) => [
    { service: 's3', method: 'head_object', args: { Bucket: raw, Key } },
    { service: 's3', method: 'get_object_acl', args: { Bucket: raw, Key } },
  ]));
  keys.forEach((key, i) => {
    const [head, acl] = [checks[2 * i], checks[2 * i + 1]];
    assert.equal(head.ServerSideEncryption, 'aws:kms', key);
    assert.match(head.SSEKMSKeyId, new RegExp(keyId), key);
    const owner = acl.Owner.ID;
    assert.ok(acl.Grants.some((g) => g.Grantee.ID === owner && g.Permission === 'FULL_CONTROL'), `${key}: ${JSON.stringify(acl)}`);
  });
  const sample = keys.find((k) => k.endsWith('.parquet'));
  const head = json(['s3api', 'head-object', '--bucket', raw, '--key', sample]);
  assert.equal(head.ServerSideEncryption, 'aws:kms');
  assert.match(head.SSEKMSKeyId, new RegExp(keyId));
  const acl = json(['s3api', 'get-object-acl', '--bucket', raw, '--key', sample]);
  assert.ok(acl.Grants.some((g) => g.Grantee.ID === acl.Owner.ID && g.Permission === 'FULL_CONTROL'));
  // Contents, read back by DuckDB from a download made with boto3.
  const down = path.join(root, 'down');
  download(raw, partition('public.events'), down);
  assert.deepEqual(await rowsIn(down), { count: 5000, sum: (5000 * 5001) / 2 });

  // Landing again changes nothing: same keys, same ETags, same LastModified.
  const before = listKeys(raw);
  const again = land(['--export', location, '--to', `s3://${raw}`, '--kms-key-id', keyId]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).filesCopied, 0);
  assert.deepEqual(listKeys(raw), before);
});

test('folder -> S3 and S3 -> folder', async () => {
  const { root, exp, location, raw: [raw] } = await uploadedExport('deep/prefix');
  let r = land(['--export', exp.dir, '--to', `s3://${raw}/landing`]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(listKeys(raw, `landing/${partition('sales.orders')}`).length, 3);

  const lake = path.join(root, 'lake');
  r = land(['--export', location, '--to', lake]);
  assert.equal(r.status, 0, r.stderr);
  const folder = path.join(lake, partition('sales.orders'));
  assert.deepEqual(readdirSync(folder).filter((n) => n.endsWith('.parquet')).length, 2);
  assert.deepEqual(await rowsIn(folder), { count: 1000, sum: (1000 * 1001) / 2 });
});

test('an S3 export IN_PROGRESS is "not yet" (exit 75)', async () => {
  const { location, raw: [raw] } = await uploadedExport('x', 1, { status: 'IN_PROGRESS', exportId: 'exp-s3-running' });
  const r = land(['--export', location, '--to', `s3://${raw}`]);
  assert.equal(r.status, 75, r.stderr);
  assert.match(r.stderr, /not complete yet \(IN_PROGRESS\)/);
  assert.deepEqual(listKeys(raw), []);
});

test('notifications: SQS message, SNS publish, Glue workflow run', async () => {
  const { location, raw: buckets } = await uploadedExport('exports', 4);
  const workflow = `crawl-raw-${process.pid}`;
  const [queue, topic] = awsBatch([
    { service: 'sqs', method: 'create_queue', args: { QueueName: `landed-${process.pid}` } },
    { service: 'sns', method: 'create_topic', args: { Name: `landed-${process.pid}` } },
    { service: 'glue', method: 'create_workflow', args: { Name: workflow } },
  ]);
  const queueUrl = queue.QueueUrl;
  const topicArn = topic.TopicArn;
  const receive = () => awsCall('sqs', 'receive_message', { QueueUrl: queueUrl, WaitTimeSeconds: 1 }).Messages ?? [];

  let raw = buckets[0];
  let r = land(['--export', location, '--to', `s3://${raw}`, '--notify', `sqs:${queueUrl}`]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).notified, true);
  let messages = receive();
  assert.equal(messages.length, 1);
  const body = JSON.parse(messages[0].Body);
  assert.equal(body.exportId, 'rds-export-1');
  assert.equal(body.importDate, '20261124');
  assert.deepEqual(body.databases, ['socialcare']);
  assert.equal(body.tables.length, 4);
  awsCall('sqs', 'delete_message', { QueueUrl: queueUrl, ReceiptHandle: messages[0].ReceiptHandle });
  // Landing again changes nothing, so it does not notify again.
  r = land(['--export', location, '--to', `s3://${raw}`, '--notify', `sqs:${queueUrl}`]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).notified, false);
  assert.equal(receive().length, 0);

  // SNS: a topic with the queue subscribed (raw delivery off: the SNS envelope's Message).
  const queueArn = awsCall('sqs', 'get_queue_attributes', { QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }).Attributes.QueueArn;
  awsCall('sns', 'subscribe', { TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn });
  raw = buckets[1];
  r = land(['--export', location, '--to', `s3://${raw}`, '--notify', `sns:${topicArn}`]);
  assert.equal(r.status, 0, r.stderr);
  messages = receive();
  assert.equal(messages.length, 1);
  assert.equal(JSON.parse(JSON.parse(messages[0].Body).Message).exportId, 'rds-export-1');

  // Glue: a run of the workflow with the landing in its run properties.
  raw = buckets[2];
  r = land(['--export', location, '--to', `s3://${raw}`, '--notify', `glue:${workflow}`]);
  assert.equal(r.status, 0, r.stderr);
  const runs = awsCall('glue', 'get_workflow_runs', { Name: workflow }).Runs;
  assert.equal(runs.length, 1);
  assert.equal(runs[0].WorkflowRunProperties?.exportId, 'rds-export-1');
  assert.equal(runs[0].WorkflowRunProperties?.importDate, '20261124');

  // A notification that cannot be sent fails the landing, and the manifest is not written, so
  // the next run notifies.
  raw = buckets[3];
  r = land(['--export', location, '--to', `s3://${raw}`, '--notify', `sqs:${moto.endpoint}/123456789012/no-such-queue`]);
  assert.notEqual(r.status, 0);
  assert.equal(listKeys(raw, '_snaplake/').length, 0);
});
