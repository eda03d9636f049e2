// The lake side on moto: a pipeline over SQS and S3 that registers every landed table in Glue's
// Data Catalog (docs/catalog.md) and starts a Glue workflow run per landing. Three snapshots on
// three days — one dated by its identifier (import_date_from = "snapshot_id"), one backdated by
// `snaplake snapshot --import-date`, one after a column was added — give one Glue table per
// exported table, with the files' columns, and three partitions whose locations hold exactly the
// landed files; the added column reaches the table, the older partitions keep their own columns;
// each workflow run carries the landing's import_date. Checked with boto3 (an independent client)
// and DuckDB. A Glue database that does not exist fails the landing like a copy failure (the task
// is dead-lettered with the cause), and what landed stays whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { Moto, Postgres, snaplake, tempDir } from '../harness/servers.mjs';
import * as aws from '../harness/aws.mjs';
import { duckdbQuery } from '../harness/readers.mjs';
import { eventTime, rdsSnsEvent, rdsTime, sqsQueueToml } from './pipeline_helpers.mjs';

const pg = Postgres.shared();
const moto = process.env.SNAPLAKE_TEST_S3_ENDPOINT ? Moto.shared() : null;
const skip = !moto && 'SNAPLAKE_TEST_S3_ENDPOINT is not set';
const DB = 'lake_catalog';

function call(service, method, args = {}) { return aws.awsCall(moto, service, method, args); }

// A pipeline on SQS + S3 with [catalog] and a Glue workflow to notify; returns its pieces.
function lakePipeline({ tag, glueDatabase, createDatabase = true }) {
  const exportsBucket = `catalog-exports-${tag}`;
  const lakeBucket = `catalog-raw-zone-${tag}`;
  aws.createBuckets(moto, [exportsBucket, lakeBucket]);
  const results = aws.awsBatch(moto, [
    ...['events', 'tasks', 'events-dlq', 'tasks-dlq'].map((name) => ({ service: 'sqs', method: 'create_queue', args: { QueueName: `catalog-${name}-${tag}` } })),
    { service: 'glue', method: 'create_workflow', args: { Name: `crawl-raw-${tag}` } },
    ...(createDatabase ? [{ service: 'glue', method: 'create_database', args: { DatabaseInput: { Name: glueDatabase } } }] : []),
  ]);
  for (const r of results) assert.ok(!r?.error, r?.error);
  const [events, tasks, eventsDlq, tasksDlq] = results.slice(0, 4).map((r) => r.QueueUrl);
  const dir = tempDir('lake-catalog-');
  const config = path.join(dir, 'snaplake.toml');
  writeFileSync(config, `
${sqsQueueToml({ events, tasks, eventsDlq, tasksDlq }, { visibility: '60s', maxReceives: 2 })}
[export]
to = "s3://${exportsBucket}/snaplake"

[landing]
to = "s3://${lakeBucket}"
service_area = "unrestricted"
notify = "glue:crawl-raw-${tag}"
import_date_from = "snapshot_id"

[catalog]
glue_database = "${glueDatabase}"

[aws]
region = "eu-west-2"
endpoint_url = "${moto.endpoint}"

[[instances]]
id = "social-care-db"
source = "${pg.uriFor(DB)}"
`);
  return { config, dir, lakeBucket, workflow: `crawl-raw-${tag}`, urls: { events, tasks, eventsDlq, tasksDlq } };
}

// A manual snapshot's RDS event, named as the reference's dump restores name theirs.
const manualSnapshot = (id, minute) => rdsSnsEvent({ sourceId: id, time: rdsTime(eventTime(minute)) });

function drain(p) {
  const r = snaplake(['run', '--config', p.config, '--drain'], { env: moto.env() });
  assert.equal(r.status, 0, r.stderr);
  return r;
}

function send(p, body) { call('sqs', 'send_message', { QueueUrl: p.urls.events, MessageBody: body }); }

const partitionValues = (date) => [date.slice(0, 4), date.slice(4, 6), date.slice(6, 8), date];

// Every partition of a Glue table, sorted by import_date.
function partitions(database, table) {
  const out = call('glue', 'get_partitions', { DatabaseName: database, TableName: table }).Partitions;
  return out.sort((a, b) => a.Values[3].localeCompare(b.Values[3]));
}

// The objects under an s3:// location (a partition folder).
function objectsAt(location) {
  const [, bucket, prefix] = location.match(/^s3:\/\/([^/]+)\/(.*)$/);
  return aws.listKeys(moto, bucket, prefix).map((o) => o.key.slice(prefix.length)).sort();
}

test('Glue catalog: one table per exported table, one partition per landing with its files, a column added', { skip }, async () => {
  pg.createDatabase(DB);
  pg.psql(`
    CREATE TABLE people (id bigint PRIMARY KEY, name text, born date, score numeric(6,2));
    INSERT INTO people SELECT g, 'person ' || g, DATE '1970-01-01' + g, g % 1000 / 7.0 FROM generate_series(1, 2000) g;
    CREATE SCHEMA care;
    CREATE TABLE care."Visits" (id int PRIMARY KEY, person_id bigint, "Note" text, at timestamptz);
    INSERT INTO care."Visits" SELECT g, g % 2000 + 1, 'note ' || g, TIMESTAMPTZ '2026-01-01 00:00:00+00' + g * INTERVAL '1 hour' FROM generate_series(1, 3000) g;
    CREATE TABLE care.pairs (id int PRIMARY KEY, "Code" text, code smallint);
    INSERT INTO care.pairs VALUES (1, 'x', 7);`, DB);
  const tag = `${process.pid}-${Date.now() % 100000}`;
  const glueDatabase = `raw_zone_${tag.replace('-', '_')}`;
  const p = lakePipeline({ tag, glueDatabase });

  // Day 1, dated by its identifier (the reference's "sql-to-parquet-YY-MM-DD-HHMMSS").
  send(p, manualSnapshot('social-care-db-sql-to-parquet-26-11-28-101500', 0));
  drain(p);
  // Day 2, a backdated run: snaplake's own event with an import date.
  let r = snaplake(['snapshot', '--config', p.config, 'social-care-db', '--import-date', '20261129'], { env: moto.env() });
  assert.equal(r.status, 0, r.stderr);
  drain(p);

  const tables = call('glue', 'get_tables', { DatabaseName: glueDatabase }).TableList;
  assert.deepEqual(tables.map((t) => t.Name).sort(), ['care_pairs', 'care_visits', 'public_people']);
  // Columns differing only by case are written under distinct names (exportedColumnName); the
  // catalog names them as the files do and finds each one's source type by that name.
  const pairs = call('glue', 'get_table', { DatabaseName: glueDatabase, Name: 'care_pairs' }).Table;
  assert.deepEqual(pairs.StorageDescriptor.Columns.map((c) => [c.Name, c.Type, c.Comment]),
    [['id', 'int', 'source type: integer'], ['code', 'string', 'source type: text'], ['code~2', 'smallint', 'source type: smallint']]);
  const people = call('glue', 'get_table', { DatabaseName: glueDatabase, Name: 'public_people' }).Table;
  assert.deepEqual(people.StorageDescriptor.Columns.map((c) => [c.Name, c.Type]),
    [['id', 'bigint'], ['name', 'string'], ['born', 'string'], ['score', 'string']]);
  assert.deepEqual(people.PartitionKeys.map((c) => [c.Name, c.Type]),
    [['import_year', 'string'], ['import_month', 'string'], ['import_day', 'string'], ['import_date', 'string']]);
  // Each column's comment is its source type (export_tables_info's originalTypeMappings).
  assert.deepEqual(people.StorageDescriptor.Columns.map((c) => c.Comment), ['source type: bigint', 'source type: text', 'source type: date', 'source type: numeric']);
  assert.equal(people.StorageDescriptor.Location, `s3://${p.lakeBucket}/unrestricted/${DB}/public.people/`);
  assert.equal(people.StorageDescriptor.SerdeInfo.SerializationLibrary, 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
  assert.equal(people.StorageDescriptor.InputFormat, 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat');
  assert.equal(people.TableType, 'EXTERNAL_TABLE');
  // Column names are lowercased only: the SerDe finds "Note" by its name.
  const visits = call('glue', 'get_table', { DatabaseName: glueDatabase, Name: 'care_visits' }).Table;
  assert.deepEqual(visits.StorageDescriptor.Columns.map((c) => c.Name), ['id', 'person_id', 'note', 'at']);

  for (const [table, folder, rows] of [['public_people', 'public.people', 2000], ['care_visits', 'care.Visits', 3000]]) {
    const parts = partitions(glueDatabase, table);
    assert.deepEqual(parts.map((x) => x.Values), [partitionValues('20261128'), partitionValues('20261129')], table);
    for (const part of parts) {
      const date = part.Values[3];
      const location = `s3://${p.lakeBucket}/unrestricted/${DB}/${folder}/import_year=${date.slice(0, 4)}/import_month=${date.slice(4, 6)}/import_day=${date.slice(6, 8)}/import_date=${date}/`;
      assert.equal(part.StorageDescriptor.Location, location);
      // The location holds the marker and exactly the files it names, which hold the table.
      const objects = objectsAt(location);
      const local = tempDir('lake-catalog-part-');
      const [bucket, prefix] = [p.lakeBucket, location.slice(`s3://${p.lakeBucket}/`.length)];
      const got = aws.awsBatch(moto, objects.map((o) => ({ service: 's3', method: 'get_object', args: { Bucket: bucket, Key: prefix + o, SaveTo: path.join(local, o) } })));
      assert.ok(got.every((g) => !g?.error));
      const marker = JSON.parse(readFileSync(path.join(local, '_SUCCESS'), 'utf8'));
      const named = marker.files.map((f) => f.key).sort();
      assert.deepEqual(objects.filter((o) => o !== '_SUCCESS'), named, location);
      const { rows: [[count]] } = await duckdbQuery(`SELECT count(*)::INTEGER FROM read_parquet('${local}/*.parquet')`);
      assert.equal(count, rows, location);
    }
  }

  // Day 3: a column is added; the table gains it, the older partitions keep their columns.
  pg.psql(`ALTER TABLE people ADD COLUMN email text; UPDATE people SET email = 'p' || id || '@example.org';`, DB);
  send(p, manualSnapshot('social-care-db-sql-to-parquet-26-11-30-090000', 1));
  drain(p);
  const grown = call('glue', 'get_table', { DatabaseName: glueDatabase, Name: 'public_people' }).Table;
  assert.deepEqual(grown.StorageDescriptor.Columns.map((c) => [c.Name, c.Type]),
    [['id', 'bigint'], ['name', 'string'], ['born', 'string'], ['score', 'string'], ['email', 'string']]);
  const parts = partitions(glueDatabase, 'public_people');
  assert.deepEqual(parts.map((x) => x.Values[3]), ['20261128', '20261129', '20261130']);
  assert.deepEqual(parts.map((x) => x.StorageDescriptor.Columns.length), [4, 4, 5]);

  // Each landing started one workflow run, with import_date among its run properties.
  const runs = call('glue', 'get_workflow_runs', { Name: p.workflow }).Runs;
  assert.deepEqual(runs.map((run) => run.WorkflowRunProperties.import_date).sort(), ['20261128', '20261129', '20261130']);
  for (const run of runs) assert.equal(run.WorkflowRunProperties.importDate, run.WorkflowRunProperties.import_date);

  // The run records the snapshot the event named beside when the data was read.
  r = snaplake(['status', '--config', p.config, '--json', '--limit', '10'], { env: moto.env() });
  const runsNow = JSON.parse(r.stdout).runs;
  assert.equal(runsNow.length, 3);
  assert.ok(runsNow.every((run) => run.stage === 'landed'), JSON.stringify(runsNow));
  const last = runsNow.find((run) => run.snapshotId === 'social-care-db-sql-to-parquet-26-11-30-090000');
  const info = JSON.parse(call('s3', 'get_object', { Bucket: `catalog-exports-${tag}`, Key: `snaplake/${last.exportId}/export_info_${last.exportId}.json` }).Body);
  assert.equal(info.snaplake.sourceSnapshot.snapshotId, 'social-care-db-sql-to-parquet-26-11-30-090000');
  assert.equal(info.snaplake.sourceSnapshot.eventTime, eventTime(1).toISOString());
  assert.ok(Date.parse(info.snapshotTime) > Date.parse(info.snaplake.sourceSnapshot.eventTime), 'the data was read after the event');
});

test('Glue catalog: a missing Glue database fails the landing like a copy failure; what landed stays whole', { skip }, () => {
  const tag = `${process.pid}-${Date.now() % 100000}-missing`;
  const p = lakePipeline({ tag, glueDatabase: `no_such_db_${process.pid}`, createDatabase: false });
  pg.createDatabase('lake_catalog_missing');
  pg.psql('CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 10);', 'lake_catalog_missing');
  const config = p.config;
  writeFileSync(config, readFileSync(config, 'utf8').replace(pg.uriFor(DB), pg.uriFor('lake_catalog_missing')));
  send(p, manualSnapshot('social-care-db-sql-to-parquet-26-11-28-101500', 0));
  const r = drain(p);
  assert.match(r.stdout, /1 dead-lettered/);
  const dead = call('sqs', 'receive_message', { QueueUrl: p.urls.tasksDlq, MessageAttributeNames: ['All'] }).Messages;
  assert.equal(dead.length, 1);
  assert.match(dead[0].MessageAttributes['snaplake-cause'].StringValue, new RegExp(`Glue.*no_such_db_${process.pid}`));
  // The landing itself is whole: its marker names exactly the files there.
  const prefix = 'unrestricted/lake_catalog_missing/public.t/import_year=2026/import_month=11/import_day=28/import_date=20261128/';
  const keys = aws.listKeys(moto, p.lakeBucket, prefix).map((o) => o.key);
  assert.ok(keys.includes(`${prefix}_SUCCESS`), keys.join('\n'));
  const marker = JSON.parse(call('s3', 'get_object', { Bucket: p.lakeBucket, Key: `${prefix}_SUCCESS` }).Body);
  assert.deepEqual(keys.filter((k) => !k.endsWith('_SUCCESS')).sort(), marker.files.map((f) => prefix + f.key).sort());
  // No temp file, no attempt record left behind.
  assert.deepEqual(aws.listKeys(moto, p.lakeBucket, '_snaplake/attempts/'), []);
});
