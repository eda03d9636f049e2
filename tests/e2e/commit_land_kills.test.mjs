// A landing SIGKILLed at random points (docs/commit-protocol.md, "Landings", "Sweeping"): a lake
// holds an older export of 24 tables; a newer export's landing is killed at a random moment
// between its start and its end, over several trials, into a folder and into S3 (moto). Right
// after each kill, every _SUCCESS (the old export's or the new one's) lists only files that
// exist, at their sizes; then the landing is run again, and every partition holds exactly the new
// export's rows and files, with no temp file, no unfinished multipart upload and no attempt
// record left.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import * as aws from '../harness/aws.mjs';
import { duckdbQuery } from '../harness/readers.mjs';
import { Moto, Postgres, snaplake, tempDir } from '../harness/servers.mjs';
import { snaplakeAsync } from './pipeline_helpers.mjs';

const pg = Postgres.shared();
const moto = Moto.shared();
const DB = 'commit_land_kills';
const TABLES = Array.from({ length: 24 }, (_, i) => `t${String(i).padStart(2, '0')}`);
const ROWS = 3000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let exportsRoot;
let bucket;
let date;
let landMs = 500;
let landS3Ms = 2000;

function setSnap(snap) {
  pg.psql(TABLES.map((t) => `UPDATE ${t} SET snap = ${snap};`).join('\n'), DB);
}

before(() => {
  const uri = pg.createDatabase(DB);
  pg.psql(TABLES.map((t) => `CREATE TABLE ${t} (id int, snap int, s text);
    INSERT INTO ${t} SELECT g, 0, md5(g::text) FROM generate_series(1, ${ROWS}) g;`).join('\n'), DB);
  exportsRoot = tempDir('commit-lk-exports-');
  bucket = aws.bucketName('commit-lk');
  aws.createBuckets(moto, [bucket]);
  for (let attempt = 0; ; attempt++) {
    const dates = new Set();
    for (const [snap, id] of [[0, 'old'], [1, 'new']]) {
      setSnap(snap);
      for (const [to, env] of [[exportsRoot, process.env], [`s3://${bucket}/exports`, moto.env()]]) {
        const r = snaplake(['export', '--source', uri, '--to', to, '--export-id', id, '--json'], { env });
        assert.equal(r.status, 0, r.stderr);
        dates.add(JSON.parse(r.stdout).snapshotTime.slice(0, 10));
      }
    }
    if (dates.size === 1) { date = [...dates][0].replaceAll('-', ''); break; }
    assert.ok(attempt < 2, 'the exports kept straddling midnight UTC');
  }
  const lake = tempDir('commit-lk-measure-');
  const started = Date.now();
  assert.equal(snaplake(['land', '--export', path.join(exportsRoot, 'new'), '--to', lake]).status, 0);
  landMs = Date.now() - started;
  const raw = aws.bucketName('commit-lk-measure');
  aws.createBuckets(moto, [raw]);
  const s3Started = Date.now();
  assert.equal(snaplake(['land', '--export', `s3://${bucket}/exports/new`, '--to', `s3://${raw}`], { env: moto.env() }).status, 0);
  landS3Ms = Date.now() - s3Started;
});

const partitionOf = (table) =>
  `unrestricted/${DB}/public.${table}/import_year=${date.slice(0, 4)}/import_month=${date.slice(4, 6)}/import_day=${date.slice(6)}/import_date=${date}/`;

// The markers' promise, checked on a local folder (the lake, or S3's objects as `sizes` says).
function checkMarkers(listFolder, readMarker, problems, label) {
  const seen = {};
  for (const table of TABLES) {
    const { names, sizes } = listFolder(partitionOf(table));
    const marker = readMarker(partitionOf(table));
    if (!marker) { problems.push(`${label} ${table}: no _SUCCESS`); continue; }
    seen[marker.exportId] = (seen[marker.exportId] ?? 0) + 1;
    for (const f of marker.files) {
      if (!names.includes(f.key)) problems.push(`${label} ${table}: ${marker.exportId}'s _SUCCESS lists ${f.key}, which is not there`);
      else if (sizes[f.key] !== f.bytes) problems.push(`${label} ${table}: ${f.key} has ${sizes[f.key]} bytes, listed ${f.bytes}`);
    }
  }
  return seen;
}

async function checkFinal(folderOf, problems) {
  for (const table of TABLES) {
    const folder = folderOf(partitionOf(table));
    const names = readdirSync(folder);
    const hidden = names.filter((n) => n.startsWith('.'));
    if (hidden.length) problems.push(`${table}: temp files left: ${hidden}`);
    const marker = JSON.parse(readFileSync(path.join(folder, '_SUCCESS'), 'utf8'));
    if (marker.exportId !== 'new') problems.push(`${table}: _SUCCESS names ${marker.exportId}`);
    const parquet = names.filter((n) => n.endsWith('.parquet')).sort();
    if (JSON.stringify(parquet) !== JSON.stringify(marker.files.map((f) => f.key).sort())) problems.push(`${table}: files ${parquet}, listed ${marker.files.map((f) => f.key)}`);
    const { rows: [[n, lo, hi]] } = await duckdbQuery(`SELECT count(*)::BIGINT, min(snap), max(snap) FROM read_parquet('${folder}/*.parquet')`);
    if (Number(n) !== ROWS || lo !== 1 || hi !== 1) problems.push(`${table}: read as Athena does, ${n} rows of snapshots ${lo}..${hi}`);
  }
}

const localLister = (lake) => (prefix) => {
  const folder = path.join(lake, prefix);
  const names = existsSync(folder) ? readdirSync(folder) : [];
  return { names, sizes: Object.fromEntries(names.map((n) => [n, statSync(path.join(folder, n)).size])) };
};
const localMarker = (lake) => (prefix) => {
  try { return JSON.parse(readFileSync(path.join(lake, prefix, '_SUCCESS'), 'utf8')); } catch { return null; }
};

test('a landing SIGKILLed at random points into a folder, then run again (12 trials)', async (t) => {
  let violations = 0;
  for (let trial = 0; trial < 12; trial++) {
    const lake = tempDir('commit-lk-lake-');
    const problems = [];
    assert.equal(snaplake(['land', '--export', path.join(exportsRoot, 'old'), '--to', lake]).status, 0);
    const delay = Math.round(Math.random() * landMs * 1.1);
    const { child, done } = snaplakeAsync(['land', '--export', path.join(exportsRoot, 'new'), '--to', lake]);
    await sleep(delay);
    child.kill('SIGKILL');
    const killed = await done;
    const seen = checkMarkers(localLister(lake), localMarker(lake), problems, 'after the kill:');
    const again = snaplake(['land', '--export', path.join(exportsRoot, 'new'), '--to', lake]);
    if (again.status !== 0) problems.push(`the re-run exited ${again.status}: ${again.stderr}`);
    await checkFinal((prefix) => path.join(lake, prefix), problems);
    const attempts = path.join(lake, '_snaplake/attempts');
    if (existsSync(attempts) && readdirSync(attempts).length) problems.push(`attempt records left: ${readdirSync(attempts)}`);
    t.diagnostic(`trial ${trial}: ${killed.signal === 'SIGKILL' ? 'killed' : 'finished'} at ${delay} ms, markers then ${JSON.stringify(seen)}: ${problems.length ? problems.join('; ') : 'ok'}`);
    violations += problems.length;
  }
  t.diagnostic(`12 trials (a whole landing takes ${landMs} ms here); ${violations} violations`);
  assert.equal(violations, 0);
});

test('a landing SIGKILLed at random points into S3 (moto), then run again (4 trials)', async (t) => {
  let violations = 0;
  const env = moto.env();
  for (let trial = 0; trial < 4; trial++) {
    const raw = aws.bucketName('commit-lk-raw');
    aws.createBuckets(moto, [raw]);
    const problems = [];
    assert.equal(snaplake(['land', '--export', `s3://${bucket}/exports/old`, '--to', `s3://${raw}`], { env }).status, 0);
    const delay = Math.round(Math.random() * landS3Ms * 1.1);
    const { child, done } = snaplakeAsync(['land', '--export', `s3://${bucket}/exports/new`, '--to', `s3://${raw}`], { env });
    await sleep(delay);
    child.kill('SIGKILL');
    const killed = await done;
    const snapshot = tempDir('commit-lk-after-kill-');
    aws.download(moto, raw, 'unrestricted/', snapshot);
    const objects = aws.listKeys(moto, raw, 'unrestricted/');
    const lister = (prefix) => {
      const here = objects.filter((o) => o.key.startsWith(prefix)).map((o) => [o.key.slice(prefix.length), o.size]);
      return { names: here.map(([n]) => n), sizes: Object.fromEntries(here) };
    };
    const seen = checkMarkers(lister, (prefix) => localMarker(snapshot)(prefix.slice('unrestricted/'.length)), problems, 'after the kill:');
    const again = snaplake(['land', '--export', `s3://${bucket}/exports/new`, '--to', `s3://${raw}`], { env });
    if (again.status !== 0) problems.push(`the re-run exited ${again.status}: ${again.stderr}`);
    const down = tempDir('commit-lk-down-');
    aws.download(moto, raw, '', down);
    await checkFinal((prefix) => path.join(down, prefix), problems);
    const pending = aws.pendingUploads(moto, raw);
    if (pending.length) problems.push(`unfinished multipart uploads: ${pending}`);
    const records = aws.listKeys(moto, raw, '_snaplake/attempts/');
    if (records.length) problems.push(`attempt records left: ${records.map((o) => o.key)}`);
    t.diagnostic(`trial ${trial}: ${killed.signal === 'SIGKILL' ? 'killed' : 'finished'} at ${delay} ms, markers then ${JSON.stringify(seen)}: ${problems.length ? problems.join('; ') : 'ok'}`);
    violations += problems.length;
  }
  t.diagnostic(`4 trials (a whole landing takes ${landS3Ms} ms on moto); ${violations} violations`);
  assert.equal(violations, 0);
});
