// The pipeline across machines, against moto: SQS queues (events, tasks, and their dead-letter
// queues), the export bucket and the raw-zone bucket on S3. The event goes in with the aws CLI,
// exactly as SNS delivers it into SQS; what landed is fetched with the aws CLI (an independent
// S3 client) and compared with PostgreSQL by DuckDB. A malformed message ends in the events
// dead-letter queue with its cause as a message attribute.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { Moto, Postgres, snaplake, tempDir } from '../harness/servers.mjs';
import { assertLandedLikePostgres, rdsSnsEvent, sqsQueueToml } from './pipeline_helpers.mjs';

const pg = Postgres.shared();
const moto = process.env.SNAPLAKE_TEST_S3_ENDPOINT ? Moto.shared() : null;

test('SQS + S3: an RDS event in SQS is exported to S3 and landed in the raw-zone bucket', { skip: !moto && 'SNAPLAKE_TEST_S3_ENDPOINT is not set' }, async () => {
  pg.createDatabase('pipeline_moto');
  pg.psql(`
    CREATE TABLE people (id bigint PRIMARY KEY, name text, born date);
    INSERT INTO people SELECT g, 'person ' || g, DATE '1970-01-01' + g FROM generate_series(1, 900) g;
    CREATE SCHEMA care;
    CREATE TABLE care.visits (id int PRIMARY KEY, person_id bigint, note text);
    INSERT INTO care.visits SELECT g, g % 900 + 1, 'note ' || g FROM generate_series(1, 1200) g;`, 'pipeline_moto');

  const tag = `${process.pid}-${Date.now() % 100000}`;
  const exportsBucket = `snaplake-exports-${tag}`;
  const lakeBucket = `snaplake-raw-zone-${tag}`;
  for (const b of [exportsBucket, lakeBucket]) {
    moto.aws(['s3api', 'create-bucket', '--bucket', b, '--create-bucket-configuration', 'LocationConstraint=eu-west-2']);
  }
  const queue = (name) => JSON.parse(moto.aws(['sqs', 'create-queue', '--queue-name', `${name}-${tag}`, '--output', 'json'])).QueueUrl;
  const urls = { events: queue('events'), tasks: queue('tasks'), eventsDlq: queue('events-dlq'), tasksDlq: queue('tasks-dlq') };

  const dir = tempDir('pipeline-moto-');
  const config = path.join(dir, 'snaplake.toml');
  writeFileSync(config, `
${sqsQueueToml(urls, { visibility: '60s' })}
[export]
to = "s3://${exportsBucket}/snaplake"

[landing]
to = "s3://${lakeBucket}"
service_area = "unrestricted"

[aws]
region = "eu-west-2"
endpoint_url = "${moto.endpoint}"

[[instances]]
id = "social-care-db"
source = "${pg.uriFor('pipeline_moto')}"
`);
  moto.aws(['sqs', 'send-message', '--queue-url', urls.events, '--message-body',
    rdsSnsEvent({ sourceId: 'rds:social-care-db-2026-11-25-09-10', code: 'RDS-EVENT-0091', message: 'Automated snapshot created' })]);
  moto.aws(['sqs', 'send-message', '--queue-url', urls.events, '--message-body', '{"Type":"Notification","Message":"{\\"Event Sour']);

  const r = snaplake(['run', '--config', config, '--drain'], { env: moto.env() });
  assert.equal(r.status, 10, r.stderr);  // drained, with a dead letter
  assert.match(r.stdout, /drained: 2 messages done, 0 retried, 1 dead-lettered/);

  // The export-task message kept the reference's shape: look at what the land stage saw.
  const s = JSON.parse(snaplake(['status', '--config', config, '--json'], { env: moto.env() }).stdout);
  assert.equal(s.runs.length, 1);
  assert.equal(s.runs[0].stage, 'landed');
  assert.equal(s.runs[0].exportLocation, `s3://${exportsBucket}/snaplake/${s.runs[0].exportId}`);
  assert.equal(s.queues.events.dead, 1);
  assert.equal(s.deadLetters.length, 1);
  assert.match(s.deadLetters[0].cause, /^invalid input: malformed message/);

  // The dead letter itself, read with the aws CLI: body kept, cause attached.
  const dlq = JSON.parse(moto.aws(['sqs', 'receive-message', '--queue-url', urls.eventsDlq,
    '--message-attribute-names', 'All', '--visibility-timeout', '0', '--output', 'json']));
  assert.equal(dlq.Messages.length, 1);
  assert.equal(dlq.Messages[0].Body, '{"Type":"Notification","Message":"{\\"Event Sour');
  assert.match(dlq.Messages[0].MessageAttributes['snaplake-cause'].StringValue, /malformed message/);

  // Fetch the raw zone with the aws CLI and compare each table with PostgreSQL.
  const local = tempDir('pipeline-moto-lake-');
  moto.aws(['s3', 'cp', '--recursive', `s3://${lakeBucket}/`, local]);
  const keys = readdirSync(local, { recursive: true }).map(String);
  assert.ok(keys.some((k) => k.startsWith('unrestricted/pipeline_moto/public.people/') && k.endsWith('_SUCCESS')), keys.join('\n'));
  const p = { lake: local };
  await assertLandedLikePostgres(pg, p, 'pipeline_moto', 'public.people', ['name', 'born']);
  await assertLandedLikePostgres(pg, p, 'pipeline_moto', 'care.visits', ['person_id', 'note']);
  for (const url of [urls.events, urls.tasks]) {
    const a = JSON.parse(moto.aws(['sqs', 'get-queue-attributes', '--queue-url', url, '--attribute-names', 'All', '--output', 'json'])).Attributes;
    assert.equal(a.ApproximateNumberOfMessages, '0');
    assert.equal(a.ApproximateNumberOfMessagesNotVisible, '0');
  }
});
