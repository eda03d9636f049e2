// The landing's commit protocol under concurrency (docs/commit-protocol.md, "Landings"): K = 6
// exports of one database, taken the same day, landed at once into one landing root, into a
// folder and into S3 (moto), over several trials. After each trial every invariant is checked:
// - every _SUCCESS lists only files that exist, with the listed sizes and row counts; while the
//   landings race, a watcher checks the same for whatever marker is current at each moment;
// - each partition folder, read as Athena reads it (every Parquet file, markers ignored), holds
//   exactly the newest snapshot's rows;
// - no temp file, no unfinished multipart upload, no attempt record is left;
// - every landing exits 0, the newest one "landed";
// - a late landing of an older snapshot changes nothing (the partition is byte-identical) and says
//   it is superseded.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as aws from '../harness/aws.mjs';
import { duckdbQuery } from '../harness/readers.mjs';
import { Moto, Postgres, snaplake, tempDir } from '../harness/servers.mjs';
import { snaplakeAsync } from './pipeline_helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const K = 6;
const TABLES = ['public.people', 'public.orders'];
// Snapshot k: people has 1500 + 211k rows, orders 700 + 97k, every row tagged snap = k.
const rowsOf = (table, k) => (table === 'public.people' ? 1500 + 211 * k : 700 + 97 * k);
const sql = (s) => `'${s.replaceAll("'", "''")}'`;

const pg = Postgres.shared();
const moto = Moto.shared();
let uri;
let folderExports;  // { root, ids, date }
let s3Exports;      // { bucket, ids, date }

function snapshotSql(k) {
  return `TRUNCATE people, orders;
    INSERT INTO people SELECT g, ${k}, md5(g::text || '${k}') FROM generate_series(1, ${rowsOf('public.people', k)}) g;
    INSERT INTO orders SELECT g, ${k}, (g * 1.25)::numeric(12,2) FROM generate_series(1, ${rowsOf('public.orders', k)}) g;`;
}

// K exports, one per snapshot of the data, in order; their import dates must all be one day (the
// test retries across midnight UTC).
function makeExports(to, env) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const ids = [];
    const dates = new Set();
    for (let k = 0; k < K; k++) {
      pg.psql(snapshotSql(k), 'commit_landings');
      const id = `chaos-${process.pid}-${attempt}-${k}`;
      const r = snaplake(['export', '--source', uri, '--to', to, '--export-id', id, '--json'], { env });
      assert.equal(r.status, 0, r.stderr);
      dates.add(JSON.parse(r.stdout).snapshotTime.slice(0, 10));
      ids.push(id);
    }
    if (dates.size === 1) return { ids, date: [...dates][0].replaceAll('-', '') };
  }
  throw new Error('the exports kept straddling midnight UTC');
}

const partitionOf = (table, date) =>
  `unrestricted/commit_landings/${table}/import_year=${date.slice(0, 4)}/import_month=${date.slice(4, 6)}/import_day=${date.slice(6)}/import_date=${date}/`;

before(() => {
  uri = pg.createDatabase('commit_landings');
  pg.psql(`CREATE TABLE people (id int PRIMARY KEY, snap int, name text);
           CREATE TABLE orders (id bigint, snap int, amount numeric(12,2));`, 'commit_landings');
  const root = tempDir('commit-exports-');
  folderExports = { root, ...makeExports(root, process.env) };
  const bucket = aws.bucketName('commit-exports');
  aws.createBuckets(moto, [bucket]);
  s3Exports = { bucket, ...makeExports(`s3://${bucket}/exports`, moto.env()) };
});

function shuffled(list) {
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

// Lands every export at once, in a random order with random small delays; resolves each one's
// { id, status, stdout, stderr, result }.
async function landAll(ids, location, to, env) {
  const runs = shuffled(ids).map(async (id) => {
    await new Promise((r) => setTimeout(r, Math.random() * 10));
    const started = Date.now();
    const { done } = snaplakeAsync(['land', '--export', location(id), '--to', to, '--json', '--jobs', '2'], { env });
    const r = await done;
    let result = null;
    try { result = JSON.parse(r.stdout); } catch { /* reported below */ }
    return { id, ...r, result, started, ended: Date.now() };
  });
  return Promise.all(runs);
}

// How many of the landings ran at the same moment at most, and how they ended: evidence that
// the trial raced at all.
function raceSummary(runs) {
  const edges = runs.flatMap((r) => [[r.started, 1], [r.ended, -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, d] of edges) { now += d; most = Math.max(most, now); }
  const outcomes = {};
  for (const r of runs) outcomes[r.result?.outcome ?? 'error'] = (outcomes[r.result?.outcome ?? 'error'] ?? 0) + 1;
  return { most, outcomes };
}

function checkRuns(runs, ids, violations) {
  for (const r of runs) {
    if (r.status !== 0 || !r.result) violations.push(`land ${r.id} exited ${r.status}: ${r.stderr.trim().split('\n').pop()}`);
  }
  const newest = runs.find((r) => r.id === ids[K - 1]);
  if (newest?.result?.outcome !== 'landed') violations.push(`the newest export ${ids[K - 1]} did not land: ${newest?.result?.outcome}`);
  for (const r of runs) {
    if (r.result && !['landed', 'superseded'].includes(r.result.outcome)) violations.push(`land ${r.id}: outcome ${r.result.outcome}`);
  }
}

// Row count of every file from its footer (DuckDB), keyed by file path.
async function footerRows(files) {
  if (files.length === 0) return {};
  const list = files.map(sql).join(', ');
  const { rows } = await duckdbQuery(`SELECT file_name, num_rows::BIGINT FROM parquet_file_metadata([${list}])`);
  return Object.fromEntries(rows.map(([f, n]) => [f, Number(n)]));
}

// Every invariant of one partition folder (a local folder: the lake's, or S3's downloaded copy
// with `listed` giving the sizes S3 reported).
async function checkPartition(folder, table, date, violations, { sizes } = {}) {
  const where = `${table} ${date}`;
  const names = existsSync(folder) ? readdirSync(folder) : [];
  const hidden = names.filter((n) => n.startsWith('.'));
  if (hidden.length) violations.push(`${where}: temp files left: ${hidden}`);
  if (!names.includes('_SUCCESS')) {
    violations.push(`${where}: no _SUCCESS`);
    return null;
  }
  const marker = JSON.parse(readFileSync(path.join(folder, '_SUCCESS'), 'utf8'));
  const sizeOf = (name) => (sizes ? sizes[name] : statSync(path.join(folder, name)).size);
  const present = marker.files.filter((f) => names.includes(f.key));
  for (const f of marker.files) {
    if (!names.includes(f.key)) violations.push(`${where}: _SUCCESS of ${marker.exportId} lists ${f.key}, which is not there`);
    else if (sizeOf(f.key) !== f.bytes) violations.push(`${where}: ${f.key} has ${sizeOf(f.key)} bytes, _SUCCESS says ${f.bytes}`);
  }
  const rows = await footerRows(present.map((f) => path.join(folder, f.key)));
  for (const f of present) {
    if (rows[path.join(folder, f.key)] !== f.rows) violations.push(`${where}: ${f.key} holds ${rows[path.join(folder, f.key)]} rows, _SUCCESS says ${f.rows}`);
  }
  // As Athena reads it: every Parquet file in the folder, the marker ignored.
  const parquet = names.filter((n) => n.endsWith('.parquet'));
  if (parquet.length !== marker.files.length) violations.push(`${where}: ${parquet.length} Parquet files, _SUCCESS lists ${marker.files.length}`);
  if (parquet.length) {
    const { rows: [[count, lo, hi]] } = await duckdbQuery(
      `SELECT count(*)::BIGINT, min(snap), max(snap) FROM read_parquet(${sql(path.join(folder, '*.parquet'))})`);
    const newest = K - 1;
    if (Number(count) !== rowsOf(table, newest) || lo !== newest || hi !== newest) {
      violations.push(`${where}: read as Athena does, ${count} rows of snapshots ${lo}..${hi}; want ${rowsOf(table, newest)} of ${newest}`);
    }
  }
  return marker;
}

// Watches the lake's markers while the landings race (see watch_markers.py for the S3 twin): a
// look is conclusive when the marker did not change while its files were checked.
function watchFolderMarkers(lake, date) {
  const state = { looks: 0, conclusive: 0, violations: [], stop: false };
  const folders = TABLES.map((t) => path.join(lake, partitionOf(t, date)));
  const read = (f) => { try { return readFileSync(path.join(f, '_SUCCESS'), 'utf8'); } catch { return null; } };
  const loop = async () => {
    while (!state.stop) {
      for (const folder of folders) {
        const before = read(folder);
        if (before === null) continue;
        const missing = [];
        for (const f of JSON.parse(before).files) {
          let size = null;
          try { size = statSync(path.join(folder, f.key)).size; } catch { /* missing */ }
          if (size !== f.bytes) missing.push(`${f.key}: ${size} bytes, listed ${f.bytes}`);
        }
        state.looks++;
        if (read(folder) !== before) continue;
        state.conclusive++;
        for (const m of missing) state.violations.push(`while racing, ${JSON.parse(before).exportId}'s marker: ${m}`);
      }
      await new Promise((r) => setImmediate(r));
    }
  };
  state.done = loop();
  return state;
}

function fingerprint(folder) {
  return Object.fromEntries(readdirSync(folder).sort().map((n) => [n, createHash('sha256').update(readFileSync(path.join(folder, n))).digest('hex')]));
}

test('K=6 concurrent landings of one database into one folder, 15 trials: every invariant holds', async (t) => {
  const { root, ids, date } = folderExports;
  const trials = 15;
  let violationCount = 0;
  let looks = 0;
  let overlap = K;  // the fewest landings that overlapped in any trial
  for (let trial = 0; trial < trials; trial++) {
    const lake = tempDir('commit-lake-');
    const violations = [];
    const watcher = watchFolderMarkers(lake, date);
    const runs = await landAll(ids, (id) => path.join(root, id), lake, process.env);
    const race = raceSummary(runs);
    overlap = Math.min(overlap, race.most);
    watcher.stop = true;
    await watcher.done;
    looks += watcher.conclusive;
    violations.push(...watcher.violations);
    checkRuns(runs, ids, violations);
    for (const table of TABLES) {
      const folder = path.join(lake, partitionOf(table, date));
      const marker = await checkPartition(folder, table, date, violations);
      if (marker && marker.exportId !== ids[K - 1]) violations.push(`${table}: _SUCCESS names ${marker.exportId}, not the newest ${ids[K - 1]}`);
    }
    const attempts = path.join(lake, '_snaplake/attempts');
    if (existsSync(attempts) && readdirSync(attempts).length) violations.push(`attempt records left: ${readdirSync(attempts)}`);

    // Redelivery: an older snapshot landed again, late, changes nothing and says why.
    const folders = TABLES.map((table) => path.join(lake, partitionOf(table, date)));
    const before = folders.map(fingerprint);
    const late = snaplake(['land', '--export', path.join(root, ids[1]), '--to', lake, '--json']);
    if (late.status !== 0) violations.push(`late landing exited ${late.status}: ${late.stderr}`);
    else if (JSON.parse(late.stdout).outcome !== 'superseded' || JSON.parse(late.stdout).supersededBy !== ids[K - 1]) {
      violations.push(`late landing: ${late.stdout}`);
    }
    const after = folders.map(fingerprint);
    if (JSON.stringify(after) !== JSON.stringify(before)) violations.push('the late landing changed a partition');

    t.diagnostic(`trial ${trial}: ${race.most} landings at once, outcomes ${JSON.stringify(race.outcomes)}, ${violations.length} violations${violations.length ? ': ' + violations.join('; ') : ''}`);
    violationCount += violations.length;
  }
  t.diagnostic(`folder: ${trials} trials of ${K} concurrent landings (at least ${overlap} at once in every trial), ${looks} conclusive looks at the markers while racing, ${violationCount} violations`);
  assert.ok(overlap >= 2, 'the landings raced');
  assert.equal(violationCount, 0);
});

test('K=6 concurrent landings of one database into S3 (moto), 5 trials: every invariant holds', async (t) => {
  const { bucket, ids, date } = s3Exports;
  const trials = 5;
  let violationCount = 0;
  let looks = 0;
  let overlap = K;  // the fewest landings that overlapped in any trial
  for (let trial = 0; trial < trials; trial++) {
    const raw = aws.bucketName('commit-raw');
    aws.createBuckets(moto, [raw]);
    const violations = [];
    const stop = path.join(tempDir('watch-'), 'stop');
    const watcher = spawn('python3', [path.join(here, 'fixtures/commit/watch_markers.py'), raw, stop,
      ...TABLES.map((table) => partitionOf(table, date))], { env: moto.env(), stdio: ['ignore', 'pipe', 'inherit'] });
    let watched = '';
    watcher.stdout.on('data', (d) => { watched += d; });
    const watcherDone = new Promise((r) => watcher.on('exit', r));
    const runs = await landAll(ids, (id) => `s3://${bucket}/exports/${id}`, `s3://${raw}`, moto.env());
    const race = raceSummary(runs);
    overlap = Math.min(overlap, race.most);
    writeFileSync(stop, '');
    await watcherDone;
    const w = JSON.parse(watched);
    looks += w.conclusive;
    for (const v of w.violations) violations.push(`while racing: ${JSON.stringify(v)}`);
    checkRuns(runs, ids, violations);

    const down = tempDir('commit-down-');
    for (const table of TABLES) {
      const prefix = partitionOf(table, date);
      const sizes = Object.fromEntries(aws.listKeys(moto, raw, prefix).map((o) => [o.key.slice(prefix.length), o.size]));
      const folder = path.join(down, table);
      aws.download(moto, raw, prefix, folder);
      const marker = await checkPartition(folder, table, date, violations, { sizes });
      if (marker && marker.exportId !== ids[K - 1]) violations.push(`${table}: _SUCCESS names ${marker.exportId}`);
    }
    const pending = aws.pendingUploads(moto, raw);
    if (pending.length) violations.push(`unfinished multipart uploads left: ${pending}`);
    const records = aws.listKeys(moto, raw, '_snaplake/attempts/');
    if (records.length) violations.push(`attempt records left: ${records.map((o) => o.key)}`);

    const before = aws.listKeys(moto, raw, 'unrestricted/');
    const late = snaplake(['land', '--export', `s3://${bucket}/exports/${ids[0]}`, '--to', `s3://${raw}`, '--json'], { env: moto.env() });
    if (late.status !== 0 || JSON.parse(late.stdout).outcome !== 'superseded') violations.push(`late landing: ${late.status} ${late.stdout} ${late.stderr}`);
    if (JSON.stringify(aws.listKeys(moto, raw, 'unrestricted/')) !== JSON.stringify(before)) violations.push('the late landing changed a partition');

    t.diagnostic(`trial ${trial}: ${race.most} landings at once, outcomes ${JSON.stringify(race.outcomes)}, ${violations.length} violations${violations.length ? ': ' + violations.join('; ') : ''}`);
    violationCount += violations.length;
  }
  t.diagnostic(`S3: ${trials} trials of ${K} concurrent landings (at least ${overlap} at once in every trial), ${looks} conclusive looks at the markers while racing, ${violationCount} violations`);
  assert.ok(overlap >= 2, 'the landings raced');
  assert.equal(violationCount, 0);
});
