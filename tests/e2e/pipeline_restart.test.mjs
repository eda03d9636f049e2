// A database restarted in the middle of an export (issue 6, "Bad input and failures"): the
// export fails with the connection, the worker keeps serving, the message comes back after the
// retry delay, the export is done again under the same id and the data lands exactly once —
// read back with DuckDB and compared with PostgreSQL. The test owns its PostgreSQL (restart()).
// So that the restart certainly hits while data is being read, one table's row-level security
// policy sleeps in the middle of the table, but only while the server has not been restarted
// (pg_postmaster_start_time()): the export connects as a user that is not a superuser, which
// policies apply to.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';

import { Postgres } from '../harness/servers.mjs';
import {
  assertLandedLikePostgres, landedPartitions, makePipeline, parquetFiles, publish, rdsSnsEvent,
  snaplakeAsync, status,
} from './pipeline_helpers.mjs';

const pg = Postgres.start();
after(() => pg.stop());

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function seed(database, rows) {
  pg.createDatabase(database);
  pg.psql(`
    CREATE TABLE people (id bigint PRIMARY KEY, name text NOT NULL, born date);
    INSERT INTO people SELECT g, 'person ' || g, DATE '1960-01-01' + g FROM generate_series(1, ${rows}) g;
    CREATE TABLE visits (id bigint PRIMARY KEY, person_id bigint, note text);
    INSERT INTO visits SELECT g, g % ${rows} + 1, 'visit ' || g FROM generate_series(1, ${rows * 3}) g;
    GRANT SELECT ON people, visits TO snaplake;
  `, database);
}

// Reading visits stops at row `id` (for two minutes) until the server restarts.
function holdUntilRestart(database, id) {
  const started = pg.psql('SELECT pg_postmaster_start_time()').trim();
  pg.psql(`
    CREATE FUNCTION hold_until_restart(id bigint) RETURNS boolean LANGUAGE plpgsql AS $$
    BEGIN
      IF id = ${id} AND pg_postmaster_start_time() = '${started}'::timestamptz THEN
        PERFORM pg_sleep(120);
      END IF;
      RETURN true;
    END $$;
    ALTER TABLE visits ENABLE ROW LEVEL SECURITY;
    CREATE POLICY everyone ON visits FOR SELECT USING (hold_until_restart(id));
  `, database);
}

// Polls `check` until it returns something truthy (bounded, so a broken pipeline fails the test
// instead of hanging it).
async function until(what, check, tries = 600) {
  for (let i = 0; i < tries; ++i) {
    const value = check();
    if (value) return value;
    await sleep(100);
  }
  assert.fail(`gave up waiting for ${what}`);
}

test('a database restarted mid-export: the export is retried, lands once, and the worker keeps serving', async () => {
  seed('pipeline_restart', 3000);
  holdUntilRestart('pipeline_restart', 4500);
  seed('pipeline_restart_next', 500);
  const p = makePipeline({
    instances: [
      { id: 'social-care-db', source: pg.uriFor('pipeline_restart', 'snaplake') },
      { id: 'housing-db', source: pg.uriFor('pipeline_restart_next') },
    ],
    maxReceives: 4,
  });
  publish(p, rdsSnsEvent({ sourceId: 'rds:social-care-db-2026-11-25-09-10', code: 'RDS-EVENT-0091', message: 'Automated snapshot created' }));

  const worker = snaplakeAsync(['run', '--config', p.config], { env: { ...process.env, PGPASSWORD: pg.password } });
  try {
    // Mid-export: the export's COPY of visits is held halfway through the table.
    await until('the export to hold in visits', () => pg.psql(
      `SELECT count(*) FROM pg_stat_activity WHERE datname = 'pipeline_restart' AND usename = 'snaplake' AND wait_event = 'PgSleep' AND query ILIKE 'COPY%'`)
      .trim() === '1');
    const during = status(p);
    assert.equal(during.runs[0].stage, 'exporting');
    assert.equal(during.queues.events.inFlight, 1);

    // Immediate stop and start again: every connection of the export is cut.
    pg.restart();

    // The export failed, was retried after the delay and landed.
    const landed = await until('the export to land', () => status(p).runs.find((r) => r.stage === 'landed'));
    assert.equal(landed.instanceId, 'social-care-db');
    assert.ok(landed.attempts >= 2, `attempts ${landed.attempts}`);
    const retried = status(p).notes.filter((n) => n.outcome === 'retrying');
    assert.ok(retried.length >= 1, JSON.stringify(status(p).notes));
    assert.match(retried[retried.length - 1].detail, /attempt 1: /);

    // Still serving: the next event is exported and landed by the same worker.
    publish(p, rdsSnsEvent({ sourceType: 'db-instance', sourceId: 'housing-db', code: 'RDS-EVENT-0002', message: 'Finished DB Instance backup' }));
    await until('the next event to land', () => status(p).runs.filter((r) => r.stage === 'landed').length === 2);
  } finally {
    worker.child.kill('SIGTERM');
  }
  const r = await worker.done;
  assert.equal(r.status, 0, r.stderr);
  const m = r.stdout.match(/stopped: (\d+) messages done, (\d+) retried, 0 dead-lettered/);
  assert.ok(m, r.stdout);
  assert.equal(Number(m[1]), 4); // two events, two export tasks
  assert.ok(Number(m[2]) >= 1);

  // Exactly once, exactly PostgreSQL's rows: both tables of the restarted export, and the next.
  const people = await assertLandedLikePostgres(pg, p, 'pipeline_restart', 'public.people', ['name', 'born']);
  const visits = await assertLandedLikePostgres(pg, p, 'pipeline_restart', 'public.visits', ['person_id', 'note']);
  assert.equal(people.count, 3000);
  assert.equal(visits.count, 9000);
  await assertLandedLikePostgres(pg, p, 'pipeline_restart_next', 'public.people', ['name', 'born']);
  assert.deepEqual(Object.keys(landedPartitions(p.lake)).sort(), [
    'pipeline_restart/public.people', 'pipeline_restart/public.visits',
    'pipeline_restart_next/public.people', 'pipeline_restart_next/public.visits']);
  // The landed files are the retried export's files, nothing left over from the cut attempt.
  const s = status(p);
  const run = s.runs.find((x) => x.instanceId === 'social-care-db');
  const exported = readdirSync(`${p.exports}/${run.exportId}`, { recursive: true }).map(String)
    .filter((f) => f.endsWith('.parquet') && f.startsWith('pipeline_restart/'));
  assert.equal(parquetFiles(people.folder).length + parquetFiles(visits.folder).length, exported.length);
  assert.equal(s.runs.length, 2);
  assert.equal(s.deadLetters.length, 0);
  assert.equal(s.queues.events.visible + s.queues.events.inFlight + s.queues.events.delayed, 0);
});
