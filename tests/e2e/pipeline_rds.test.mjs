// The rds engine against moto: an RDS snapshot event (in the SNS envelope, as SQS receives it)
// for an instance with engine = "rds" makes snaplake call RDS StartExportTask on moto; the task
// message goes through SQS to the land stage, which asks DescribeExportTasks and lands the export
// from the export bucket. moto's export tasks complete at once and write no files, so the test
// puts RDS-style export files (Parquet written by DuckDB, RDS's JSON) under the task's prefix
// itself before the land stage runs. What landed is fetched with the aws CLI and read by DuckDB.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { Moto, snaplake, tempDir } from '../harness/servers.mjs';
import { duckdbQuery } from '../harness/readers.mjs';
import { makeRdsExport } from './fixtures/rds_export/make_rds_export.mjs';
import { rdsSnsEvent, sqsQueueToml } from './pipeline_helpers.mjs';

const moto = Moto.start();
after(() => moto.stop());

// The aws CLI against moto, asynchronously: independent set-up calls run side by side (each CLI
// start costs seconds on a busy machine).
async function awsAsync(args) {
  const { stdout } = await promisify(execFile)('aws', ['--endpoint-url', moto.endpoint, ...args],
    { env: moto.env(), maxBuffer: 1 << 28 });
  return stdout;
}
const jsonQueue = async (name) => JSON.parse(await awsAsync(['sqs', 'create-queue', '--queue-name', name, '--output', 'json'])).QueueUrl;
const createBucket = (b) => awsAsync(['s3api', 'create-bucket', '--bucket', b, '--create-bucket-configuration', 'LocationConstraint=eu-west-2']);
const createInstance = (id) => awsAsync(['rds', 'create-db-instance', '--db-instance-identifier', id, '--engine', 'postgres',
  '--db-instance-class', 'db.t3.micro', '--master-username', 'admin_user', '--master-user-password', 'not-a-secret-1',
  '--allocated-storage', '20']);

const sql = (s) => `'${s.replaceAll("'", "''")}'`;

test('engine = "rds": StartExportTask on moto, the task message through SQS, the export landed from S3', async () => {
  const tag = `${process.pid}-${Date.now() % 100000}`;
  const exportsBucket = `rds-exports-${tag}`;
  const lakeBucket = `raw-zone-${tag}`;
  // Buckets, queues and the instance (with a manual snapshot of it, below) in moto.
  const [events, tasksUrl, eventsDlq, tasksDlq] = await Promise.all([
    jsonQueue(`events-${tag}`), jsonQueue(`tasks-${tag}`), jsonQueue(`events-dlq-${tag}`), jsonQueue(`tasks-dlq-${tag}`),
    createBucket(exportsBucket), createBucket(lakeBucket), createInstance('social-care-db')]);
  const urls = { events, tasks: tasksUrl, eventsDlq, tasksDlq };
  const snapshot = JSON.parse(moto.aws(['rds', 'create-db-snapshot', '--db-instance-identifier', 'social-care-db',
    '--db-snapshot-identifier', 'social-care-db-manual-1', '--output', 'json'])).DBSnapshot;

  const dir = tempDir('pipeline-rds-');
  const config = path.join(dir, 'snaplake.toml');
  writeFileSync(config, `
${sqsQueueToml(urls, { visibility: '60s' })}
[export]
to = "s3://${exportsBucket}/unused"

[landing]
to = "s3://${lakeBucket}"

[aws]
region = "eu-west-2"
endpoint_url = "${moto.endpoint}"

[[instances]]
id = "social-care-db"
engine = "rds"
iam_role_arn = "arn:aws:iam::123456789012:role/rds-s3-export"
kms_key_id = "arn:aws:kms:eu-west-2:123456789012:key/00000000-0000-0000-0000-000000000000"
export_bucket = "s3://${exportsBucket}/rds-exports"
databases = ["socialcare"]
`);
  const env = moto.env();
  moto.aws(['sqs', 'send-message', '--queue-url', urls.events, '--message-body',
    rdsSnsEvent({ sourceId: 'social-care-db-manual-1', code: 'RDS-EVENT-0042', message: 'Manual snapshot created' })]);

  // Export stage only: the task is started in moto and the message is on the tasks queue.
  let r = snaplake(['run', '--config', config, '--stage', 'export', '--drain'], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /drained: 1 messages done, 0 retried, 0 dead-lettered/, r.stderr);

  const tasks = JSON.parse(moto.aws(['rds', 'describe-export-tasks', '--output', 'json'])).ExportTasks;
  assert.equal(tasks.length, 1);
  const exportId = tasks[0].ExportTaskIdentifier;
  assert.equal(tasks[0].SourceArn, snapshot.DBSnapshotArn);
  assert.equal(tasks[0].S3Bucket, exportsBucket);
  assert.equal(tasks[0].S3Prefix, 'rds-exports');
  assert.equal(tasks[0].IamRoleArn, 'arn:aws:iam::123456789012:role/rds-s3-export');
  assert.deepEqual(tasks[0].ExportOnly, ['socialcare']);

  const message = JSON.parse(moto.aws(['sqs', 'receive-message', '--queue-url', urls.tasks,
    '--visibility-timeout', '0', '--output', 'json'])).Messages[0];
  const task = JSON.parse(message.Body);
  assert.equal(task.ExportTaskIdentifier, exportId);
  assert.equal(task.ExportBucket, exportsBucket);

  // The same event again: no second export task (the export id is deterministic).
  moto.aws(['sqs', 'send-message', '--queue-url', urls.events, '--message-body',
    rdsSnsEvent({ sourceId: 'social-care-db-manual-1', code: 'RDS-EVENT-0042', message: 'Manual snapshot created' })]);
  r = snaplake(['run', '--config', config, '--stage', 'export', '--drain'], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(moto.aws(['rds', 'describe-export-tasks', '--output', 'json'])).ExportTasks.length, 1);

  // What RDS would have written, placed under <bucket>/<prefix>/<export id>.
  const local = tempDir('pipeline-rds-export-');
  const exp = await makeRdsExport(local, { exportId });
  moto.aws(['s3', 'cp', '--recursive', '--quiet', exp.dir, `s3://${exportsBucket}/rds-exports/${exportId}/`]);

  r = snaplake(['run', '--config', config, '--stage', 'land', '--drain'], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /0 dead-lettered/, r.stderr);

  const s = JSON.parse(snaplake(['status', '--config', config, '--json'], { env }).stdout);
  const run = s.runs.find((x) => x.exportId === exportId);
  assert.equal(run.stage, 'landed', JSON.stringify(s.runs));
  assert.equal(run.exportLocation, `s3://${exportsBucket}/rds-exports/${exportId}`);

  // Fetch the raw zone with the aws CLI; compare each table with what the fixture wrote.
  const lake = tempDir('pipeline-rds-lake-');
  moto.aws(['s3', 'cp', '--recursive', '--quiet', `s3://${lakeBucket}/`, lake]);
  const keys = readdirSync(lake, { recursive: true }).map(String);
  for (const t of exp.tables.filter((x) => x.rows > 0)) {
    const partition = `unrestricted/socialcare/${t.schema}.${t.table}/import_year=2026/import_month=11/import_day=24/import_date=20261124`;
    assert.ok(keys.includes(`${partition}/_SUCCESS`), `${partition}/_SUCCESS missing:\n${keys.join('\n')}`);
    const { rows } = await duckdbQuery(`SELECT count(*), count(DISTINCT id) FROM read_parquet(${sql(path.join(lake, partition, '*.parquet'))})`);
    assert.equal(Number(rows[0][0]), t.rows, t.target);
    assert.equal(Number(rows[0][1]), t.rows, t.target);
  }
  await Promise.all([urls.events, urls.tasks, urls.eventsDlq, urls.tasksDlq].map(async (url) => {
    const a = JSON.parse(await awsAsync(['sqs', 'get-queue-attributes', '--queue-url', url, '--attribute-names', 'All', '--output', 'json'])).Attributes;
    assert.equal(a.ApproximateNumberOfMessages, '0', url);
  }));
});

test('engine = "rds": a canceled export task in the reference message shape is dead-lettered with its status', async () => {
  const tag = `${process.pid}-${Date.now() % 100000}-c`;
  const exportsBucket = `rds-exports-${tag}`;
  const [events, tasksUrl, tasksDlq] = await Promise.all([
    jsonQueue(`events-${tag}`), jsonQueue(`tasks-${tag}`), jsonQueue(`tasks-dlq-${tag}`),
    createBucket(exportsBucket), createInstance('finance-db')]);
  const urls = { events, tasks: tasksUrl, tasksDlq };
  const snapshot = JSON.parse(moto.aws(['rds', 'create-db-snapshot', '--db-instance-identifier', 'finance-db',
    '--db-snapshot-identifier', 'finance-db-manual-1', '--output', 'json'])).DBSnapshot;
  moto.aws(['rds', 'start-export-task', '--export-task-identifier', 'finance-export-1', '--source-arn', snapshot.DBSnapshotArn,
    '--s3-bucket-name', exportsBucket, '--iam-role-arn', 'arn:aws:iam::123456789012:role/x', '--kms-key-id', 'k']);
  moto.aws(['rds', 'cancel-export-task', '--export-task-identifier', 'finance-export-1']);

  const dir = tempDir('pipeline-rds-cancel-');
  const config = path.join(dir, 'snaplake.toml');
  writeFileSync(config, `
${sqsQueueToml({ events: urls.events, tasks: urls.tasks, tasksDlq: urls.tasksDlq })}
[landing]
to = "${path.join(dir, 'lake')}"

[aws]
endpoint_url = "${moto.endpoint}"

[[instances]]
id = "finance-db"
engine = "rds"
iam_role_arn = "arn:aws:iam::123456789012:role/x"
kms_key_id = "k"
export_bucket = "${exportsBucket}"
`);
  // Exactly the reference system's message: no engine, no location.
  moto.aws(['sqs', 'send-message', '--queue-url', urls.tasks, '--message-body',
    JSON.stringify({ ExportTaskIdentifier: 'finance-export-1', ExportBucket: exportsBucket })]);
  const r = snaplake(['run', '--config', config, '--stage', 'land', '--drain'], { env: moto.env() });
  assert.equal(r.status, 10, r.stderr);  // drained, with a dead letter
  assert.match(r.stdout, /drained: 0 messages done, 0 retried, 1 dead-lettered/, r.stderr);
  const dlq = JSON.parse(moto.aws(['sqs', 'receive-message', '--queue-url', urls.tasksDlq,
    '--message-attribute-names', 'All', '--output', 'json']));
  assert.equal(dlq.Messages.length, 1);
  assert.match(dlq.Messages[0].MessageAttributes['snaplake-cause'].StringValue, /finance-export-1' ended CANCELED/);
});

test('engine = "rds": an Aurora cluster snapshot event is exported by its cluster snapshot ARN and landed; a deleted snapshot is dead-lettered', async () => {
  const tag = `${process.pid}-${Date.now() % 100000}-a`;
  const exportsBucket = `rds-exports-${tag}`;
  await Promise.all([
    createBucket(exportsBucket),
    awsAsync(['rds', 'create-db-cluster', '--db-cluster-identifier', 'aurora-care', '--engine', 'aurora-postgresql',
      '--master-username', 'admin_user', '--master-user-password', 'not-a-secret-1']),
    createInstance('gone-db'),
  ]);
  const [cluster] = await Promise.all([
    awsAsync(['rds', 'create-db-cluster-snapshot', '--db-cluster-identifier', 'aurora-care',
      '--db-cluster-snapshot-identifier', 'aurora-care-manual-1', '--output', 'json']),
    awsAsync(['rds', 'create-db-snapshot', '--db-instance-identifier', 'gone-db', '--db-snapshot-identifier', 'gone-db-manual-1']),
  ]);
  const clusterSnapshot = JSON.parse(cluster).DBClusterSnapshot;
  await awsAsync(['rds', 'delete-db-snapshot', '--db-snapshot-identifier', 'gone-db-manual-1']);

  // The embedded queue, RDS and the export bucket on moto, the raw zone in a local folder.
  const dir = tempDir('pipeline-rds-aurora-');
  const config = path.join(dir, 'snaplake.toml');
  const lake = path.join(dir, 'lake');
  const instance = (id) => `
[[instances]]
id = "${id}"
engine = "rds"
iam_role_arn = "arn:aws:iam::123456789012:role/rds-s3-export"
kms_key_id = "k"
export_bucket = "${exportsBucket}"
`;
  writeFileSync(config, `
[queue]
path = "state/queue.db"
max_receives = 3

[landing]
to = "${lake}"

[aws]
region = "eu-west-2"
endpoint_url = "${moto.endpoint}"
${instance('aurora-care')}${instance('gone-db')}`);
  const env = moto.env();
  const publish = (body) => {
    const file = path.join(dir, `event-${Math.random().toString(16).slice(2)}.json`);
    writeFileSync(file, body);
    const r = snaplake(['snapshot', '--config', config, '--message-file', file], { env });
    assert.equal(r.status, 0, r.stderr);
  };
  publish(rdsSnsEvent({ sourceType: 'db-cluster-snapshot', sourceId: 'aurora-care-manual-1', code: 'RDS-EVENT-0075',
    message: 'Manual cluster snapshot created' }));
  publish(rdsSnsEvent({ sourceId: 'gone-db-manual-1', code: 'RDS-EVENT-0042', message: 'Manual snapshot created' }));

  let r = snaplake(['run', '--config', config, '--stage', 'export', '--drain'], { env });
  assert.equal(r.status, 10, r.stderr);  // drained, with a dead letter
  assert.match(r.stdout, /drained: 1 messages done, 0 retried, 1 dead-lettered/, r.stderr);

  const tasks = JSON.parse(await awsAsync(['rds', 'describe-export-tasks', '--output', 'json'])).ExportTasks
    .filter((t) => t.S3Bucket === exportsBucket);
  assert.equal(tasks.length, 1);
  assert.equal(tasks[0].SourceArn, clusterSnapshot.DBClusterSnapshotArn);
  assert.equal(tasks[0].SourceType, 'CLUSTER');
  const exportId = tasks[0].ExportTaskIdentifier;

  let s = JSON.parse(snaplake(['status', '--config', config, '--json'], { env }).stdout);
  assert.equal(s.deadLetters.length, 1);
  assert.match(s.deadLetters[0].cause, /^not found: .*gone-db-manual-1.*DBSnapshotNotFound/);

  const local = tempDir('pipeline-rds-aurora-export-');
  const exp = await makeRdsExport(local, { exportId });
  await awsAsync(['s3', 'cp', '--recursive', '--quiet', exp.dir, `s3://${exportsBucket}/${exportId}/`]);
  r = snaplake(['run', '--config', config, '--stage', 'land', '--drain'], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /drained: 1 messages done, 0 retried, 0 dead-lettered/, r.stderr);

  s = JSON.parse(snaplake(['status', '--config', config, '--json'], { env }).stdout);
  const run = s.runs.find((x) => x.exportId === exportId);
  assert.equal(run.stage, 'landed', JSON.stringify(s.runs));
  assert.equal(run.snapshotId, 'aurora-care-manual-1');
  for (const t of exp.tables.filter((x) => x.rows > 0)) {
    const partition = path.join(lake, `unrestricted/socialcare/${t.schema}.${t.table}/import_year=2026/import_month=11/import_day=24/import_date=20261124`);
    assert.ok(readdirSync(partition).includes('_SUCCESS'), `${partition}/_SUCCESS missing`);
    const { rows } = await duckdbQuery(`SELECT count(*), count(DISTINCT id) FROM read_parquet(${sql(path.join(partition, '*.parquet'))})`);
    assert.equal(Number(rows[0][0]), t.rows, t.target);
    assert.equal(Number(rows[0][1]), t.rows, t.target);
  }

  // `snaplake snapshot aurora-care` names no snapshot: the id has no instance snapshots, so its
  // latest cluster snapshot is exported.
  r = snaplake(['snapshot', '--config', config, 'aurora-care'], { env });
  assert.equal(r.status, 0, r.stderr);
  r = snaplake(['run', '--config', config, '--stage', 'export', '--drain'], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /drained: 1 messages done, 0 retried, 0 dead-lettered/, r.stderr);
  const after = JSON.parse(await awsAsync(['rds', 'describe-export-tasks', '--output', 'json'])).ExportTasks
    .filter((t) => t.S3Bucket === exportsBucket);
  assert.ok(after.length >= 1 && after.every((t) => t.SourceArn === clusterSnapshot.DBClusterSnapshotArn),
    JSON.stringify(after));
  s = JSON.parse(snaplake(['status', '--config', config, '--json'], { env }).stdout);
  assert.ok(s.runs.some((x) => x.instanceId === 'aurora-care' && x.snapshotId === 'aurora-care-manual-1'
    && x.exportId !== exportId), JSON.stringify(s.runs));
});
