// The pipeline on embedded defaults (SQLite queue, local folders): an RDS snapshot event in the
// exact form AWS delivers it (SNS envelope in SQS) -> `snaplake run --drain` -> the database
// landed with _SUCCESS, read back with DuckDB and compared with PostgreSQL. Malformed messages
// are dead-lettered with their cause and shown by `snaplake status`; events of unknown
// instances and non-events are dropped without harm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { Postgres, snaplake } from '../harness/servers.mjs';
import {
  assertLandedLikePostgres, landedPartitions, makePipeline, parquetFiles, publish, rdsSnsEvent,
  runDrain, status, eventTime, idStamp,
} from './pipeline_helpers.mjs';

const pg = Postgres.shared();

function seed(database) {
  pg.createDatabase(database);
  pg.psql(`
    CREATE TABLE people (id bigint PRIMARY KEY, name text NOT NULL, born date, balance numeric(10,2));
    INSERT INTO people SELECT g, 'person ' || g || CASE WHEN g % 7 = 0 THEN ' ünïcode ✓' ELSE '' END,
      DATE '1950-01-01' + g * 11, CASE WHEN g % 5 = 0 THEN NULL ELSE g * 1.25 END
      FROM generate_series(1, 700) g;
    CREATE SCHEMA care;
    CREATE TABLE care.visits (id serial PRIMARY KEY, person_id bigint, note text, at timestamptz);
    INSERT INTO care.visits (person_id, note, at)
      SELECT g % 700 + 1, 'visit ' || g, TIMESTAMPTZ '2026-01-01 00:00:00+00' + g * interval '37 minutes'
      FROM generate_series(1, 2500) g;
  `, database);
}

test('an SNS-enveloped RDS snapshot event is exported and landed, verified against PostgreSQL', async () => {
  seed('pipeline_social_care');
  const p = makePipeline({ instances: [{ id: 'social-care-db', source: pg.uriFor('pipeline_social_care') }] });
  // A manual snapshot of the instance (its name starts with the instance id) ...
  publish(p, rdsSnsEvent({ sourceId: 'social-care-db-manual-20261125', code: 'RDS-EVENT-0042' }));
  // ... the same event delivered twice (SQS is at-least-once) ...
  publish(p, rdsSnsEvent({ sourceId: 'social-care-db-manual-20261125', code: 'RDS-EVENT-0042' }));
  // ... the greeting of a new subscription, an event of another instance, a non-snapshot event.
  publish(p, JSON.stringify({
    Type: 'Notification', MessageId: 'x', TopicArn: 'arn:aws:sns:eu-west-2:123456789012:t',
    Message: 'This is a message to notify that RDS will attempt to send you event notifications of type db-snapshot to the topic arn:aws:sns:eu-west-2:123456789012:t',
  }));
  publish(p, rdsSnsEvent({ sourceType: 'db-instance', sourceId: 'payroll-db', code: 'RDS-EVENT-0002', message: 'Finished DB Instance backup' }));
  publish(p, rdsSnsEvent({ sourceType: 'db-instance', sourceId: 'social-care-db', code: 'RDS-EVENT-0006', message: 'DB instance restarted' }));

  const r = runDrain(p);
  assert.match(r.stdout, /drained: \d+ messages done, 0 retried, 0 dead-lettered/);

  const people = await assertLandedLikePostgres(pg, p, 'pipeline_social_care', 'public.people', ['name', 'born', 'balance']);
  await assertLandedLikePostgres(pg, p, 'pipeline_social_care', 'care.visits', ['person_id', 'note', 'at']);
  assert.deepEqual(Object.keys(landedPartitions(p.lake)).sort(),
    ['pipeline_social_care/care.visits', 'pipeline_social_care/public.people']);
  // The date partition is the snapshot's (UTC): the export ran today.
  const today = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  assert.ok(people.folder.endsWith(`import_date=${today}`), people.folder);
  assert.ok(existsSync(path.join(people.folder, '_SUCCESS')));

  // Exactly one export, although the event came twice.
  const exportIds = readdirSync(p.exports);
  assert.equal(exportIds.length, 1, `exports: ${exportIds}`);
  assert.match(exportIds[0], new RegExp(`^social-care-db-${idStamp(eventTime())}-[0-9a-f]{8}$`));

  const s = status(p);
  assert.equal(s.runs.length, 1);
  const run = s.runs[0];
  assert.equal(run.stage, 'landed');
  assert.equal(run.exportId, exportIds[0]);
  assert.equal(run.instanceId, 'social-care-db');
  assert.equal(run.snapshotId, 'social-care-db-manual-20261125');
  assert.equal(run.eventId, 'RDS-EVENT-0042');
  assert.equal(run.tables, 2);
  assert.equal(run.rows, 700 + 2500);
  assert.equal(run.error, '');
  assert.equal(s.deadLetters.length, 0);
  for (const q of Object.values(s.queues)) assert.deepEqual([q.visible, q.inFlight, q.delayed, q.dead], [0, 0, 0, 0]);
  const outcomes = s.notes.map((n) => n.outcome).sort();
  assert.deepEqual(outcomes, ['dropped', 'ignored', 'ignored']);
  assert.ok(s.notes.some((n) => n.outcome === 'dropped' && n.detail.includes("'payroll-db'")), JSON.stringify(s.notes));

  // Running again changes nothing: no new export, the same files.
  const before = parquetFiles(people.folder);
  publish(p, rdsSnsEvent({ sourceId: 'social-care-db-manual-20261125', code: 'RDS-EVENT-0042' }));
  runDrain(p);
  assert.deepEqual(parquetFiles(people.folder), before);
  assert.equal(readdirSync(p.exports).length, 1);
});

test('malformed messages are dead-lettered with a clear cause, shown by status, and the worker keeps serving', async () => {
  seed('pipeline_malformed');
  const p = makePipeline({ instances: [{ id: 'social-care-db', source: pg.uriFor('pipeline_malformed') }] });
  const good = rdsSnsEvent({ sourceType: 'db-instance', sourceId: 'social-care-db', code: 'RDS-EVENT-0002', message: 'Finished DB Instance backup' });
  publish(p, good.slice(0, 90)); // truncated
  publish(p, 'hello, not json');
  publish(p, JSON.stringify({ Type: 'Notification', Message: JSON.stringify({ 'Event Source': 'db-snapshot', 'Source ID': 'x' }) }));
  publish(p, '{"snaplake_event": "snapshot", "instance_id": "social-care-db", "size": 1e999}'); // beyond a double
  publish(p, good);

  const r = runDrain(p, [], process.env, 10);
  assert.match(r.stdout, /4 dead-lettered/);

  const s = status(p);
  assert.equal(s.deadLetters.length, 4);
  const causes = s.deadLetters.map((d) => d.cause);
  for (const c of causes) assert.match(c, /^invalid input: /);
  assert.ok(causes.some((c) => /malformed message: .*parse error/.test(c)), causes.join('\n'));
  assert.ok(causes.some((c) => /no "Event ID"/.test(c)), causes.join('\n'));
  assert.ok(causes.some((c) => /malformed message: number overflow parsing '1e999'/.test(c)), causes.join('\n'));
  assert.equal(s.queues.events.dead, 4);
  assert.equal(s.notes.filter((n) => n.outcome === 'dead-lettered').length, 4);
  // The good event behind them was served.
  assert.equal(s.runs.length, 1);
  assert.equal(s.runs[0].stage, 'landed');
  await assertLandedLikePostgres(pg, p, 'pipeline_malformed', 'public.people', ['name', 'born', 'balance']);

  // The text form shows them too.
  const text = snaplake(['status', '--config', p.config]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /dead letters\n(  .* message \S+ \(received \d+ times\)\n      cause: invalid input: .*\n( {13}\S.*\n)*){4}/);
});

test('an unreachable database is retried a bounded number of times, then dead-lettered with the cause', () => {
  const p = makePipeline({ instances: [{ id: 'gone-db', source: 'postgresql://postgres@127.0.0.1:1/nothing' }], maxReceives: 2 });
  publish(p, rdsSnsEvent({ sourceType: 'db-instance', sourceId: 'gone-db', code: 'RDS-EVENT-0002', message: 'Finished DB Instance backup' }));
  // A drain that dead-lettered exits 10, so that cron can alert; one without exits 0 (above).
  const r = runDrain(p, [], process.env, 10);
  assert.match(r.stdout, /1 dead-lettered/);
  assert.match(r.stderr, /drained with dead letters: 1 dead-lettered/);
  const s = status(p);
  assert.equal(s.deadLetters.length, 1);
  assert.match(s.deadLetters[0].cause, /127\.0\.0\.1/);
  // The run ended where its message did: dead-lettered, with the same cause.
  assert.equal(s.runs[0].stage, 'dead-lettered');
  assert.match(s.runs[0].error, /gave up after 2 attempts: .*127\.0\.0\.1/);
  assert.ok(s.runs[0].attempts >= 1 && s.runs[0].attempts <= 2, `attempts ${s.runs[0].attempts}`);
});

// The text view's cause as one string: its wrapped lines joined, as printable() escaped it.
function textCause(stdout) {
  const m = stdout.match(/dead letters\n  .*\(received \d+ times\)\n      cause: (.*\n(?: {13}\S.*\n)*)/);
  assert.ok(m, stdout);
  return m[1].split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
}

test('a message dead-lettered by an unreachable database is redriven once the database is back, and lands', async () => {
  seed('pipeline_redrive');
  const gone = 'postgresql://postgres@127.0.0.1:1/pipeline_redrive';
  const p = makePipeline({ instances: [{ id: 'redrive-db', source: gone }], maxReceives: 2 });
  publish(p, rdsSnsEvent({ sourceId: 'redrive-db-manual-20261201', code: 'RDS-EVENT-0042' }));
  runDrain(p, [], process.env, 10);
  let s = status(p);
  assert.equal(s.deadLetters.length, 1);
  const [dead] = s.deadLetters;

  // status shows the whole cause, wrapped rather than cut, also in a narrow terminal's width
  // (100 columns when stdout is a pipe): its end, where the useful part is, is there.
  const text = snaplake(['status', '--config', p.config]);
  assert.equal(text.status, 0, text.stderr);
  const printable = dead.cause.replaceAll('\n', '\\n').replaceAll('\t', '\\t');
  assert.ok(printable.length > 100, `a cause longer than a line: ${printable}`);
  assert.equal(textCause(text.stdout).replace(/ +/g, ' '), printable.replace(/ +/g, ' '));
  const causeLines = text.stdout.match(/\n      cause: .*\n(?: {13}\S.*\n)*/)[0].split('\n').filter(Boolean);
  assert.ok(causeLines.length > 1, 'wrapped');
  for (const line of causeLines) assert.ok([...line].length <= 100, line);

  // Bad input: no such queue, no such id; nothing moves.
  let r = snaplake(['redrive', '--config', p.config, '--queue', 'nothing']);
  assert.equal(r.status, 2, r.stderr);
  r = snaplake(['redrive', '--config', p.config, '--id', '999999']);
  assert.equal(r.status, 8, r.stderr);
  assert.match(r.stderr, /no dead letter '999999'/);
  s = status(p);
  assert.equal(s.queues.events.dead, 1);

  // The database is back: the same event, redriven by its id, is exported and landed.
  writeFileSync(p.config, readFileSync(p.config, 'utf8').replace(gone, pg.uriFor('pipeline_redrive')));
  r = snaplake(['redrive', '--config', p.config, '--queue', 'events', '--id', dead.messageId]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'events: 1 redriven\n');
  s = status(p);
  assert.deepEqual([s.queues.events.visible, s.queues.events.dead], [1, 0]);
  const run = runDrain(p);
  assert.match(run.stdout, /drained: 2 messages done, 0 retried, 0 dead-lettered/);
  s = status(p);
  assert.equal(s.deadLetters.length, 0);
  assert.equal(s.runs[0].stage, 'landed');
  await assertLandedLikePostgres(pg, p, 'pipeline_redrive', 'public.people', ['name', 'born', 'balance']);
});

test('a configuration error names the key and the file', () => {
  const p = makePipeline({ instances: [] });
  const bad = path.join(p.dir, 'bad.toml');
  writeFileSync(bad, '[queue]\nmax_recieves = 3\n');
  const r = snaplake(['run', '--config', bad, '--drain']);
  assert.equal(r.status, 3);
  assert.match(r.stderr, /bad\.toml.*unknown key 'max_recieves'/);
});
