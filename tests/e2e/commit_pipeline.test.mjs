// The pipeline's side of the commit protocol (docs/commit-protocol.md), on embedded defaults:
// - one event delivered twice, to two workers at once: exactly one export is written, it lands
//   once, nothing is dead-lettered (the duplicate waits on its queue while the export runs);
// - two `snaplake run --drain --workers 3` with 6 snapshot events of one instance (6 exports
//   landing into the same partitions): every run ends landed or superseded, and the landing zone
//   holds exactly PostgreSQL's rows, markers true, nothing left over;
// - a message whose worker crashed on it until the queue gave up: its run shows dead-lettered,
//   on the embedded queue and on SQS (moto).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { Moto, Postgres, snaplake, tempDir } from '../harness/servers.mjs';
import {
  assertLandedLikePostgres, landedPartitions, makePipeline, publish, rdsSnsEvent, snaplakeAsync, sqsQueueToml, status,
  eventTime, rdsTime,
} from './pipeline_helpers.mjs';

const pg = Postgres.shared();
const moto = process.env.SNAPLAKE_TEST_S3_ENDPOINT ? Moto.shared() : null;
const DB = 'commit_pipeline';
let uri;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(() => {
  uri = pg.createDatabase(DB);
  pg.psql(`CREATE TABLE people (id bigint PRIMARY KEY, name text, born date);
           INSERT INTO people SELECT g, 'person ' || g, DATE '1960-01-01' + (g % 20000) FROM generate_series(1, 300000) g;
           CREATE TABLE visits (id bigint PRIMARY KEY, person_id bigint, note text);
           INSERT INTO visits SELECT g, g % 1000 + 1, 'visit ' || g FROM generate_series(1, 50000) g;`, DB);
});

// Automated snapshot `minute` minutes after eventBase, named as RDS names it.
const automated = (instance, minute) => {
  const time = eventTime(minute);
  const name = time.toISOString().slice(0, 16).replace(/[T:]/g, '-');
  return rdsSnsEvent({
    sourceType: 'db-snapshot', sourceId: `rds:${instance}-${name}`,
    code: 'RDS-EVENT-0091', message: 'Automated snapshot created', time: rdsTime(time),
  });
};

// Every partition's marker lists only files that exist at their sizes; no temp file, no attempt
// record.
function checkLake(lake, problems) {
  for (const [table, folder] of Object.entries(landedPartitions(lake))) {
    const marker = JSON.parse(readFileSync(path.join(folder, '_SUCCESS'), 'utf8'));
    const names = readdirSync(folder);
    for (const f of marker.files) {
      if (!names.includes(f.key) || statSync(path.join(folder, f.key)).size !== f.bytes) problems.push(`${table}: ${f.key} listed, not there as listed`);
    }
    const parquet = names.filter((n) => n.endsWith('.parquet'));
    if (parquet.length !== marker.files.length) problems.push(`${table}: ${parquet.length} Parquet files, ${marker.files.length} listed`);
    const hidden = names.filter((n) => n.startsWith('.'));
    if (hidden.length) problems.push(`${table}: temp files ${hidden}`);
  }
  const attempts = path.join(lake, '_snaplake/attempts');
  if (existsSync(attempts) && readdirSync(attempts).length) problems.push(`attempt records left: ${readdirSync(attempts)}`);
}

test('one event delivered twice to two workers at once: one export, landed once, nothing dead-lettered (3 trials)', async (t) => {
  let violations = 0;
  const tally = { waited: 0, kept: 0 };
  for (let trial = 0; trial < 3; trial++) {
    const p = makePipeline({ instances: [{ id: 'dup-db', source: uri }], exportLease: '3s', prefix: 'commit-dup-' });
    const event = automated('dup-db', trial);
    publish(p, event);
    publish(p, event);
    const runs = [0, 1].map(() => snaplakeAsync(['run', '--config', p.config, '--drain']));
    const results = await Promise.all(runs.map((r) => r.done));
    const problems = [];
    for (const r of results) if (r.status !== 0) problems.push(`run exited ${r.status}: ${r.stderr.trim().split('\n').pop()}`);
    const logs = results.map((r) => r.stderr).join('\n');
    const exported = logs.match(/ exported \d+ tables/g) ?? [];
    if (exported.length !== 1) problems.push(`${exported.length} exports written, want exactly 1`);
    const exportIds = existsSync(p.exports) ? readdirSync(p.exports) : [];
    if (exportIds.length !== 1) problems.push(`export folders: ${exportIds}`);
    if (/is being written by another process/.test(logs)) tally.waited++;
    if (/COMPLETE already/.test(logs)) tally.kept++;
    const s = status(p);
    if (s.deadLetters.length) problems.push(`dead letters: ${JSON.stringify(s.deadLetters)}`);
    if (s.runs.length !== 1 || s.runs[0].stage !== 'landed') problems.push(`runs: ${JSON.stringify(s.runs.map((r) => [r.exportId, r.stage]))}`);
    checkLake(p.lake, problems);
    for (const [table, columns] of [['public.people', ['name', 'born']], ['public.visits', ['person_id', 'note']]]) {
      await assertLandedLikePostgres(pg, p, DB, table, columns).catch((e) => problems.push(e.message));
    }
    const manifests = readdirSync(path.join(p.lake, '_snaplake/landings'));
    if (manifests.length !== 1) problems.push(`manifests: ${manifests}`);
    t.diagnostic(`trial ${trial}: ${problems.length ? problems.join('; ') : 'ok'}`);
    violations += problems.length;
  }
  t.diagnostic(`3 trials: the duplicate waited for the live export in ${tally.waited}, found it COMPLETE in ${tally.kept}; ${violations} violations`);
  assert.equal(violations, 0);
  assert.ok(tally.waited >= 1, 'at least one duplicate ran while the export was being written');
});

test('two run --drain --workers 3 with 6 snapshot events of one instance (3 trials): every run landed or superseded, the lake true', async (t) => {
  let violations = 0;
  for (let trial = 0; trial < 3; trial++) {
    const p = makePipeline({ instances: [{ id: 'six-db', source: uri }], exportLease: '3s', prefix: 'commit-six-' });
    for (let k = 0; k < 6; k++) publish(p, automated('six-db', 10 * trial + k));
    const runs = [0, 1].map(() => snaplakeAsync(['run', '--config', p.config, '--drain', '--workers', '3']));
    const results = await Promise.all(runs.map((r) => r.done));
    const problems = [];
    for (const r of results) if (r.status !== 0) problems.push(`run exited ${r.status}: ${r.stderr.trim().split('\n').pop()}`);
    const s = status(p);
    if (s.deadLetters.length) problems.push(`dead letters: ${JSON.stringify(s.deadLetters)}`);
    const stages = s.runs.map((r) => r.stage);
    if (s.runs.length !== 6 || !stages.every((st) => st === 'landed' || st === 'superseded')) problems.push(`runs: ${stages}`);
    if (!stages.includes('landed')) problems.push('no run landed');
    checkLake(p.lake, problems);
    for (const [table, columns] of [['public.people', ['name', 'born']], ['public.visits', ['person_id', 'note']]]) {
      await assertLandedLikePostgres(pg, p, DB, table, columns).catch((e) => problems.push(e.message));
    }
    t.diagnostic(`trial ${trial}: runs ${JSON.stringify(stages.reduce((a, st) => ({ ...a, [st]: (a[st] ?? 0) + 1 }), {}))}: ${problems.length ? problems.join('; ') : 'ok'}`);
    violations += problems.length;
  }
  assert.equal(violations, 0);
});

// A database whose export is held: the export user is not a superuser, so a row-level security
// policy applies to it, and reading row 5 of `held` sleeps, which keeps the export busy while its
// worker is killed. Returns the source URI of the export user (password: pg.password).
function heldDatabase(name) {
  pg.createDatabase(name);
  pg.psql(`CREATE TABLE held (id int);
           INSERT INTO held SELECT g FROM generate_series(1, 10) g;
           CREATE FUNCTION hold(id int) RETURNS boolean LANGUAGE sql AS 'SELECT pg_sleep(CASE WHEN id = 5 THEN 600 ELSE 0 END) IS NOT NULL';
           ALTER TABLE held ENABLE ROW LEVEL SECURITY;
           CREATE POLICY everyone ON held FOR SELECT USING (hold(id));
           GRANT SELECT ON held TO snaplake;`, name);
  return pg.uriFor(name, 'snaplake');
}

test('a message whose worker crashed on it until max_receives shows its run dead-lettered', async () => {
  const source = heldDatabase('commit_pipeline_held');
  const env = { ...process.env, PGPASSWORD: pg.password };
  const p = makePipeline({ instances: [{ id: 'crashy-db', source }], maxReceives: 2, visibility: '2s', prefix: 'commit-crash-' });
  publish(p, automated('crashy-db', 1));
  const terminate = () => pg.psql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'commit_pipeline_held' AND pid <> pg_backend_pid();`);
  for (let crash = 0; crash < 2; crash++) {
    const { child, done } = snaplakeAsync(['run', '--config', p.config], { env });
    for (let i = 0; i < 600; i++) {
      const copying = pg.psql(`SELECT count(*) FROM pg_stat_activity WHERE datname = 'commit_pipeline_held' AND query LIKE 'COPY%';`).trim();
      if (copying !== '0') break;
      await sleep(50);
    }
    child.kill('SIGKILL');
    await done;
    terminate();
    const s = status(p);
    assert.equal(s.runs[0].stage, 'exporting', 'the run was under way when its worker died');
    await sleep(2200);  // the message becomes visible again after its visibility timeout
  }
  const r = await snaplakeAsync(['run', '--config', p.config, '--drain'], { env }).done;
  // The queue dead-lettered it (max_receives), not a worker: the drain still exits 10.
  assert.equal(r.status, 10, r.stderr);
  assert.match(r.stdout, /0 dead-lettered/);
  const s = status(p);
  assert.equal(s.deadLetters.length, 1);
  assert.match(s.deadLetters[0].cause, /received 2 times without being deleted/);
  assert.equal(s.runs[0].stage, 'dead-lettered');
  assert.match(s.runs[0].error, /received 2 times without being deleted/);
  terminate();
});

test('on SQS, a message whose worker crashed on it max_receives times is dead-lettered with that cause on the next receive, and its run shows it', { skip: !moto && 'SNAPLAKE_TEST_S3_ENDPOINT is not set' }, async () => {
  // As the stack sets them (deploy/cloudformation/snaplake.yaml): the queue's maxReceiveCount is
  // one more than max_receives, so the receive after the crashes reaches a worker, which records
  // it; with the two equal SQS would move it silently and the run would stay "exporting".
  const source = heldDatabase('commit_pipeline_held_sqs');
  const tag = `${process.pid}-${Date.now() % 100000}`;
  const create = (name, attributes) => JSON.parse(moto.aws(['sqs', 'create-queue', '--queue-name', `${name}-${tag}`,
    ...(attributes ? ['--attributes', JSON.stringify(attributes)] : []), '--output', 'json'])).QueueUrl;
  const arnOf = (url) => JSON.parse(moto.aws(['sqs', 'get-queue-attributes', '--queue-url', url, '--attribute-names', 'QueueArn', '--output', 'json'])).Attributes.QueueArn;
  const eventsDlq = create('crash-events-dlq');
  const tasksDlq = create('crash-tasks-dlq');
  const redrive = (dlq) => ({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf(dlq), maxReceiveCount: 3 }) });
  const urls = { events: create('crash-events', redrive(eventsDlq)), tasks: create('crash-tasks', redrive(tasksDlq)) };
  const dir = tempDir('commit-crash-sqs-');
  const config = path.join(dir, 'snaplake.toml');
  writeFileSync(config, `${sqsQueueToml(urls, { maxReceives: 2, visibility: '2s' })}
[export]
to = "exports"

[landing]
to = "lake"

[aws]
region = "eu-west-2"
endpoint_url = "${moto.endpoint}"

[[instances]]
id = "crashy-db"
source = "${source}"
`);
  const env = { ...moto.env(), PGPASSWORD: pg.password };
  moto.aws(['sqs', 'send-message', '--queue-url', urls.events, '--message-body', automated('crashy-db', 2)]);
  const terminate = () => pg.psql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'commit_pipeline_held_sqs' AND pid <> pg_backend_pid();`);
  const statusOf = () => {
    const r = snaplake(['status', '--config', config, '--json'], { env, cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  for (let crash = 0; crash < 2; crash++) {
    const { child, done } = snaplakeAsync(['run', '--config', config, '--stage', 'export'], { env, cwd: dir });
    let copying = false;
    for (let i = 0; i < 600 && !copying; i++) {
      copying = pg.psql(`SELECT count(*) FROM pg_stat_activity WHERE datname = 'commit_pipeline_held_sqs' AND wait_event = 'PgSleep' AND query LIKE 'COPY%';`).trim() !== '0';
      if (!copying) await sleep(50);
    }
    assert.ok(copying, `crash ${crash}: the export was seen reading the held row`);
    child.kill('SIGKILL');
    await done;
    terminate();
    assert.equal(statusOf().runs[0].stage, 'exporting', 'the run was under way when its worker died');
    await sleep(2500);  // the message becomes visible again after its visibility timeout
  }
  // The third receive: dead-lettered at once by the worker, recorded, nothing exported again.
  const r = await snaplakeAsync(['run', '--config', config, '--stage', 'export', '--drain'], { env, cwd: dir }).done;
  assert.equal(r.status, 10, r.stderr);
  assert.match(r.stdout, /1 dead-lettered/);
  assert.equal(pg.psql(`SELECT count(*) FROM pg_stat_activity WHERE datname = 'commit_pipeline_held_sqs' AND pid <> pg_backend_pid();`).trim(), '0',
    'the given-up message started no export');
  const s = statusOf();
  assert.equal(s.deadLetters.length, 1);
  assert.match(s.deadLetters[0].cause, /^received 3 times without being handled \(max_receives 2\)/);
  assert.equal(s.queues.events.dead, 1);
  assert.equal(s.runs.length, 1);
  assert.equal(s.runs[0].stage, 'dead-lettered');
  assert.match(s.runs[0].error, /received 3 times without being handled/);
  // In the dead-letter queue with its cause, as the original event (redrivable as it came).
  const dead = JSON.parse(moto.aws(['sqs', 'receive-message', '--queue-url', eventsDlq, '--message-attribute-names', 'All', '--output', 'json'])).Messages;
  assert.equal(dead.length, 1);
  assert.match(dead[0].MessageAttributes['snaplake-cause'].StringValue, /received 3 times/);
});
