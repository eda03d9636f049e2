// Several workers on one embedded queue: two processes share the work without doing any of it
// twice, and a worker killed with SIGKILL in the middle of an export loses nothing: its message
// comes back after the visibility timeout, another worker completes it, and nothing is
// duplicated or half-landed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';

import { Postgres } from '../harness/servers.mjs';
import {
  assertLandedLikePostgres, landedPartitions, makePipeline, parquetFiles, publish, rdsSnsEvent,
  runDrain, snaplakeAsync, status,
} from './pipeline_helpers.mjs';

const pg = Postgres.shared();

function seed(database, rows) {
  pg.createDatabase(database);
  pg.psql(`
    CREATE TABLE people (id bigint PRIMARY KEY, name text NOT NULL, born date);
    INSERT INTO people SELECT g, 'person ' || g, DATE '1960-01-01' + g FROM generate_series(1, ${rows}) g;
  `, database);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('two workers on one queue share the events without duplicates', async () => {
  const instances = [];
  for (const name of ['a', 'b', 'c', 'd', 'e']) {
    seed(`pipeline_two_${name}`, 300);
    instances.push({ id: `db-${name}`, source: pg.uriFor(`pipeline_two_${name}`) });
  }
  const p = makePipeline({ instances });
  for (const i of instances) {
    publish(p, rdsSnsEvent({ sourceType: 'db-instance', sourceId: i.id, code: 'RDS-EVENT-0002', message: 'Finished DB Instance backup' }));
  }
  const workers = [0, 1].map(() => snaplakeAsync(['run', '--config', p.config, '--drain']));
  const results = await Promise.all(workers.map((w) => w.done));
  let done = 0;
  for (const r of results) {
    assert.equal(r.status, 0, r.stderr);
    const m = r.stdout.match(/drained: (\d+) messages done, 0 retried, 0 dead-lettered/);
    assert.ok(m, r.stdout);
    done += Number(m[1]);
  }
  // 5 events and 5 export tasks, each handled once across both workers.
  assert.equal(done, 10);
  const exportLines = results.flatMap((r) => r.stderr.split('\n').filter((l) => l.includes(' exporting instance ')));
  assert.equal(exportLines.length, 5, exportLines.join('\n'));
  assert.equal(readdirSync(p.exports).length, 5);
  for (const i of instances) {
    const db = i.source.split('/').pop();
    await assertLandedLikePostgres(pg, p, db, 'public.people', ['name', 'born']);
  }
  const s = status(p);
  assert.equal(s.runs.length, 5);
  for (const run of s.runs) {
    assert.equal(run.stage, 'landed');
    assert.equal(run.attempts, 1);
  }
});

test('a worker killed with SIGKILL mid-export: the message returns and another worker completes it once', async () => {
  seed('pipeline_killed', 2000);
  const p = makePipeline({ instances: [{ id: 'social-care-db', source: pg.uriFor('pipeline_killed') }], visibility: '3s' });
  publish(p, rdsSnsEvent({ sourceId: 'rds:social-care-db-2026-11-25-09-10', code: 'RDS-EVENT-0091', message: 'Automated snapshot created' }));

  // Hold a lock on the table so that the export blocks while reading it: the worker is
  // certainly in the middle of the export when it is killed.
  const locker = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', pg.uriFor('pipeline_killed')], { stdio: ['pipe', 'pipe', 'pipe'] });
  locker.stdin.write('BEGIN; LOCK TABLE people IN ACCESS EXCLUSIVE MODE; SELECT 1;\n');
  await new Promise((resolve) => locker.stdout.once('data', resolve));

  const first = snaplakeAsync(['run', '--config', p.config]);
  // Wait until the export waits on the lock.
  let waiting = false;
  for (let i = 0; i < 300 && !waiting; ++i) {
    await sleep(100);
    waiting = pg.psql(`SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE NOT l.granted AND c.relname = 'people'`, 'pipeline_killed').trim() !== '0';
  }
  assert.ok(waiting, 'the export never reached the locked table');
  const during = status(p);
  assert.equal(during.runs[0].stage, 'exporting');
  assert.equal(during.queues.events.inFlight, 1);
  first.child.kill('SIGKILL');
  const killed = await first.done;
  assert.equal(killed.signal, 'SIGKILL');

  locker.stdin.end('COMMIT;\n');
  await new Promise((resolve) => locker.on('exit', resolve));

  // Another worker: the message is invisible until the visibility timeout passes, then it is
  // received again (receive count 2), exported under the same id and landed.
  const second = runDrain(p);
  assert.match(second.stdout, /drained: 2 messages done, 0 retried, 0 dead-lettered/);

  const { folder, count } = await assertLandedLikePostgres(pg, p, 'pipeline_killed', 'public.people', ['name', 'born']);
  assert.equal(count, 2000);
  assert.deepEqual(Object.keys(landedPartitions(p.lake)), ['pipeline_killed/public.people']);
  assert.equal(readdirSync(p.exports).length, 1);
  const s = status(p);
  assert.equal(s.runs.length, 1);
  assert.equal(s.runs[0].stage, 'landed');
  assert.equal(s.runs[0].attempts, 2);
  assert.equal(s.deadLetters.length, 0);
  // The landed files are exactly the export's files: nothing left over from the killed attempt.
  const exported = readdirSync(p.exports, { recursive: true }).filter((f) => String(f).endsWith('.parquet'));
  assert.equal(parquetFiles(folder).length, exported.length);
});

test('SIGTERM stops an idle worker cleanly', async () => {
  const p = makePipeline({ instances: [] });
  const w = snaplakeAsync(['run', '--config', p.config]);
  // Its signal handlers are installed before it says what it serves; a SIGTERM before that would
  // meet the default action instead.
  await new Promise((resolve) => {
    let seen = '';
    w.child.stderr.on('data', (d) => { seen += d; if (seen.includes('serving stage')) resolve(); });
  });
  await sleep(300);  // idle: waiting on its queues
  w.child.kill('SIGTERM');
  const r = await w.done;
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /stopped: 0 messages done/);
});
