// The export's claim on its id under concurrency and failure (docs/commit-protocol.md,
// "Exports"), against a real PostgreSQL and moto:
// - two `snaplake export` with one id at once: one writes, the other exits 75 and writes nothing;
// - SIGKILL at random points, then a re-run with the same id: it takes over at once (the holder is
//   gone), and what it leaves is exactly the export, with PostgreSQL's rows, no temp file and no
//   unfinished multipart upload; `land` of the killed export says "abandoned" (exit 4);
// - the connection lost at random points mid-export: FAILED, and nothing but export_info visible;
// - SIGINT and SIGTERM: FAILED "interrupted", exit 130, nothing but export_info.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

import * as aws from '../harness/aws.mjs';
import { duckdbQuery } from '../harness/readers.mjs';
import { Moto, Postgres, snaplake, tempDir } from '../harness/servers.mjs';
import { listFiles, readExport } from './export_helpers.mjs';
import { snaplakeAsync } from './pipeline_helpers.mjs';

const pg = Postgres.shared();
const moto = Moto.shared();
const DB = 'commit_exports';
const ROWS = { 'public.big': 400000, 'public.small': 3, 'public.medium': 20000 };
let uri;
let fullExportMs = 1000;

before(() => {
  uri = pg.createDatabase(DB);
  pg.psql(`CREATE TABLE big (id bigint, s text);
           INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, ${ROWS['public.big']}) g;
           CREATE TABLE small (id int); INSERT INTO small VALUES (1), (2), (3);
           CREATE TABLE medium (id int, t timestamptz);
           INSERT INTO medium SELECT g, now() FROM generate_series(1, ${ROWS['public.medium']}) g;`, DB);
  // How long a whole export takes here: kills are spread over it.
  const started = Date.now();
  const r = snaplake(['export', '--source', uri, '--to', tempDir('commit-measure-'), '--export-id', 'measure']);
  assert.equal(r.status, 0, r.stderr);
  fullExportMs = Date.now() - started;
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const lastLine = (text) => text.trim().split('\n').pop();

// Hidden files (temp files of uploads) under a folder.
function hiddenFiles(folder) {
  const out = [];
  const walk = (dir) => {
    let names = [];
    try { names = readdirSync(dir); } catch { return; }
    for (const name of names) {
      if (name.startsWith('.')) out.push(path.relative(folder, path.join(dir, name)));
      else walk(path.join(dir, name));
    }
  };
  walk(folder);
  return out;
}

// Every row count of a complete export, read by DuckDB from the files export_tables_info lists.
async function exportedRows(root, id, violations) {
  const { info, tables } = readExport(root, id);
  if (info.status !== 'COMPLETE') violations.push(`${id}: status ${info.status}`);
  for (const t of tables) {
    const target = t.target.slice(DB.length + 1);
    const files = t.tableStatistics.files.map((f) => `'${path.join(root, f.key)}'`);
    const { rows: [[n]] } = await duckdbQuery(`SELECT count(*)::BIGINT FROM read_parquet([${files.join(', ')}])`);
    if (Number(n) !== ROWS[target]) violations.push(`${id}: ${target} holds ${n} rows, PostgreSQL ${ROWS[target]}`);
  }
  return { info, tables };
}

// A complete export folder holds exactly the listed files, its two metadata files and no temp file.
function checkExactFiles(root, id, tables, violations) {
  const listed = tables.flatMap((t) => t.tableStatistics.files.map((f) => f.key));
  const tablesInfo = readdirSync(path.join(root, id)).filter((f) => f.startsWith('export_tables_info_'));
  const want = [...listed, `${id}/export_info_${id}.json`, ...tablesInfo.map((f) => `${id}/${f}`)].sort();
  const got = listFiles(path.join(root)).filter((f) => f.startsWith(`${id}/`));
  if (JSON.stringify(got) !== JSON.stringify(want)) violations.push(`${id}: files ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  const hidden = hiddenFiles(path.join(root, id));
  if (hidden.length) violations.push(`${id}: temp files left: ${hidden}`);
}

test('two exports with one id at once: one writes, the other exits 75 and writes nothing (6 trials)', async (t) => {
  let violations = 0;
  const tally = { refused: 0, serialized: 0 };
  for (let trial = 0; trial < 6; trial++) {
    const root = tempDir('commit-twice-');
    const id = 'twice';
    const problems = [];
    const args = ['export', '--source', uri, '--to', root, '--export-id', id, '--jobs', '2'];
    let a, b;
    if (trial % 2 === 0) {
      // Started at the same moment: the claim decides.
      a = snaplakeAsync(args);
      b = snaplakeAsync(args);
    } else {
      // The second starts once the first is writing: it must be refused.
      a = snaplakeAsync(args);
      const info = path.join(root, id, `export_info_${id}.json`);
      for (let i = 0; i < 2000 && !existsSync(info); i++) await sleep(2);
      b = snaplakeAsync(args);
    }
    const results = await Promise.all([a.done, b.done]);
    const codes = results.map((r) => r.status).sort();
    if (JSON.stringify(codes) === '[0,75]') {
      tally.refused++;
      const refused = results.find((r) => r.status === 75);
      if (!/^snaplake: export twice is being written by another process \(pid \d+ on host .+, since .+\)$/.test(lastLine(refused.stderr))) {
        problems.push(`refused with: ${lastLine(refused.stderr)}`);
      }
    } else if (JSON.stringify(codes) === '[0,0]' && results.some((r) => /taking over from a COMPLETE export/.test(r.stderr))) {
      tally.serialized++;  // the second began after the first had finished: it replaced it, alone
    } else {
      problems.push(`exit codes ${codes}: ${results.map((r) => lastLine(r.stderr)).join(' | ')}`);
    }
    const { tables } = await exportedRows(root, id, problems);
    checkExactFiles(root, id, tables, problems);
    t.diagnostic(`trial ${trial}: ${problems.length ? problems.join('; ') : 'ok'}`);
    violations += problems.length;
  }
  t.diagnostic(`6 trials: ${tally.refused} refused with 75, ${tally.serialized} ran one after the other; ${violations} violations`);
  assert.equal(violations, 0);
  assert.ok(tally.refused >= 3, 'the second writer was refused at least in the trials that wait for the first');
});

// One kill trial: export with `id` into `to`, SIGKILL after `delay` ms, check what a landing makes
// of it, run again with the same id, check the result.
async function killTrial({ to, root, id, delay, env, problems }) {
  const args = ['export', '--source', uri, '--to', to, '--export-id', id, '--jobs', '2'];
  const { child, done } = snaplakeAsync(args, { env });
  await sleep(delay);
  child.kill('SIGKILL');
  const killed = await done;
  const where = killed.signal === 'SIGKILL' ? 'killed' : `finished (${killed.status}) before the kill`;
  // A landing never waits for a dead writer: abandoned (exit 4), not "not yet" (75) for ever.
  const lake = tempDir('commit-kill-lake-');
  const land = snaplake(['land', '--export', `${to}/${id}`, '--to', lake], { env });
  if (![0, 4, 8].includes(land.status)) problems.push(`${where}: land exited ${land.status}: ${lastLine(land.stderr)}`);
  if (land.status === 4 && !/abandoned|FAILED/.test(land.stderr)) problems.push(`${where}: land said ${lastLine(land.stderr)}`);
  const again = snaplake(args, { env });
  if (again.status !== 0) problems.push(`${where}: the re-run exited ${again.status}: ${lastLine(again.stderr)}`);
  return { where, land: land.status };
}

test('SIGKILL at random points of an export into a folder, then a re-run (12 trials)', async (t) => {
  let violations = 0;
  let killed = 0;
  const landCodes = {};
  const root = tempDir('commit-kill-');
  for (let trial = 0; trial < 12; trial++) {
    const problems = [];
    const delay = Math.round(Math.random() * fullExportMs * 1.1);
    const { where, land } = await killTrial({ to: root, root, id: 'killed', delay, env: process.env, problems });
    if (where === 'killed') killed++;
    landCodes[land] = (landCodes[land] ?? 0) + 1;
    const { tables } = await exportedRows(root, 'killed', problems);
    checkExactFiles(root, 'killed', tables, problems);
    t.diagnostic(`trial ${trial}: ${where} at ${delay} ms; land exited ${land}; ${problems.length ? problems.join('; ') : 'ok'}`);
    violations += problems.length;
  }
  t.diagnostic(`12 trials (a whole export takes ${fullExportMs} ms here), ${killed} killed mid-export, land exit codes ${JSON.stringify(landCodes)}; ${violations} violations`);
  assert.equal(violations, 0);
  // The trials are spread over the export's time: most kills land while it runs. None doing so
  // would mean the test no longer tested kills.
  assert.ok(killed >= 1, 'no trial killed the export while it ran');
});

test('SIGKILL at random points of an export into S3 (moto), then a re-run (4 trials)', async (t) => {
  let violations = 0;
  let killed = 0;
  const bucket = aws.bucketName('commit-kill');
  aws.createBuckets(moto, [bucket]);
  for (let trial = 0; trial < 4; trial++) {
    const problems = [];
    const delay = Math.round(Math.random() * fullExportMs * 1.5);
    const { where } = await killTrial({ to: `s3://${bucket}/exports`, id: 'killed', delay, env: moto.env(), problems });
    if (where === 'killed') killed++;
    const down = tempDir('commit-kill-down-');
    aws.download(moto, bucket, 'exports/', down);
    const { tables } = await exportedRows(down, 'killed', problems);
    checkExactFiles(down, 'killed', tables, problems);
    const pending = aws.pendingUploads(moto, bucket);
    if (pending.length) problems.push(`unfinished multipart uploads: ${pending}`);
    t.diagnostic(`trial ${trial}: ${where} at ${delay} ms; ${problems.length ? problems.join('; ') : 'ok'}`);
    violations += problems.length;
  }
  assert.equal(violations, 0);
  assert.ok(killed >= 1, 'no trial killed the export while it ran');
});

// The export's worker connection, once its COPY runs.
async function copyingBackend() {
  for (let i = 0; i < 2000; i++) {
    const pid = pg.psql(`SELECT pid FROM pg_stat_activity WHERE application_name = 'snaplake export worker'
                         AND state = 'active' AND query LIKE 'COPY%' ORDER BY backend_start LIMIT 1;`).trim();
    if (pid) return pid;
    await sleep(5);
  }
  return '';
}

test('the connection lost at random points mid-export: FAILED, nothing but export_info visible (4 trials)', async (t) => {
  let violations = 0;
  let lost = 0;
  for (let trial = 0; trial < 4; trial++) {
    const root = tempDir('commit-lost-');
    const problems = [];
    const { done } = snaplakeAsync(['export', '--source', uri, '--to', root, '--export-id', 'lost', '--jobs', '2']);
    const pid = await copyingBackend();
    const delay = Math.round(Math.random() * fullExportMs * 0.5);
    await sleep(delay);
    if (pid) pg.psql(`SELECT pg_terminate_backend(${pid});`);
    const r = await done;
    const { info } = readExport(root, 'lost');
    if (r.status === 0) {
      // The connection went after its last row: the export finished; it must be whole.
      await exportedRows(root, 'lost', problems);
    } else {
      lost++;
      if (info.status !== 'FAILED') problems.push(`status ${info.status}`);
      const files = listFiles(root);
      if (JSON.stringify(files) !== JSON.stringify(['lost/export_info_lost.json'])) problems.push(`visible after the failure: ${files}`);
      const hidden = hiddenFiles(root);
      if (hidden.length) problems.push(`temp files left: ${hidden}`);
    }
    t.diagnostic(`trial ${trial}: backend ${pid || '(not seen)'} terminated after ${delay} ms, exit ${r.status}: ${problems.length ? problems.join('; ') : 'ok'}`);
    violations += problems.length;
  }
  assert.equal(violations, 0);
  assert.ok(lost >= 1, 'no trial lost its connection while the export ran');
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  test(`${signal} ends an export FAILED "interrupted" with exit 130, its files removed`, async () => {
    // The export reads as a user a row-level security policy applies to: reading row 5 of `held`
    // sleeps, so the export is certainly under way when the signal comes, however fast the
    // machine (pg_sleep ends when the interrupted export cancels its COPY).
    const db = `commit_signal_${signal.toLowerCase()}`;
    const heldUri = pg.createDatabase(db).replace('postgresql://postgres@', 'postgresql://snaplake@');
    pg.psql(`CREATE TABLE held (id int); INSERT INTO held SELECT g FROM generate_series(1, 10) g;
             CREATE TABLE other (id int); INSERT INTO other VALUES (1), (2);
             CREATE FUNCTION hold(id int) RETURNS boolean LANGUAGE sql AS 'SELECT pg_sleep(CASE WHEN id = 5 THEN 600 ELSE 0 END) IS NOT NULL';
             ALTER TABLE held ENABLE ROW LEVEL SECURITY;
             CREATE POLICY everyone ON held FOR SELECT USING (hold(id));
             GRANT SELECT ON held, other TO snaplake;`, db);
    const env = { ...process.env, PGPASSWORD: pg.password };
    const root = tempDir('commit-signal-');
    const { child, done } = snaplakeAsync(['export', '--source', heldUri, '--to', root, '--export-id', 'stopped', '--jobs', '2'], { env });
    let held = false;
    for (let i = 0; i < 1200 && !held; i++) {
      held = pg.psql(`SELECT count(*) FROM pg_stat_activity WHERE datname = '${db}' AND wait_event = 'PgSleep' AND query ILIKE 'COPY%'`).trim() !== '0';
      if (!held) await sleep(25);
    }
    assert.ok(held, 'the export was seen reading the held row');
    child.kill(signal);
    const r = await done;
    assert.equal(r.status, 130, r.stderr);
    assert.match(lastLine(r.stderr), /^snaplake: export stopped interrupted \(SIGINT or SIGTERM\)$/);
    const { info } = readExport(root, 'stopped');
    assert.equal(info.status, 'FAILED');
    assert.equal(info.failureCause, 'interrupted');
    assert.deepEqual(listFiles(root), ['stopped/export_info_stopped.json']);
    assert.deepEqual(hiddenFiles(root), []);
    // Not "in progress" for ever: a landing says FAILED, and a re-run exports it.
    const land = snaplake(['land', '--export', path.join(root, 'stopped'), '--to', tempDir('lake-')]);
    assert.equal(land.status, 4, land.stderr);
    assert.match(land.stderr, /export stopped is FAILED: interrupted/);
    pg.psql('ALTER TABLE held DISABLE ROW LEVEL SECURITY;', db);
    const again = snaplake(['export', '--source', heldUri, '--to', root, '--export-id', 'stopped'], { env });
    assert.equal(again.status, 0, again.stderr);
    assert.equal(readExport(root, 'stopped').info.status, 'COMPLETE');
  });
}
