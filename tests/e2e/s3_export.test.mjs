// `snaplake export --to s3://…` against moto_server, checked with independent tools: awscli lists
// and downloads what landed, DuckDB reads the Parquet files, values are compared with
// PostgreSQL's. Then the same export through a fault-injecting proxy (500/503 answers, dropped
// connections, some mid-upload): it still completes, with the same objects, no partial object
// and no unfinished multipart upload. Failures are one clear line without secrets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

import { spawn } from 'node:child_process';

import { Moto, Postgres, snaplake, snaplakeBin, tempDir } from '../harness/servers.mjs';
import { duckdbQuery } from '../harness/readers.mjs';
import { FaultProxy } from '../harness/faultproxy.mjs';

const sql = (s) => `'${s.replaceAll("'", "''")}'`;
let pg, moto, uri, bucket;

before(() => {
  pg = Postgres.shared();
  moto = Moto.shared();
  uri = pg.createDatabase('s3_export');
  // ~150k rows of poorly compressible text: one table file spans several 8 MiB multipart parts.
  pg.psql(`
    CREATE TABLE public.items (id bigint PRIMARY KEY, name text, amount numeric(12,2));
    INSERT INTO public.items
      SELECT g, md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text) || md5((g * 17)::text) || md5((g * 19)::text),
             (g % 1000) / 7.0
      FROM generate_series(1, 150000) g;
    CREATE TABLE public.small (k text, v int);
    INSERT INTO public.small VALUES ('a', 1), ('b', NULL), ('ü "quoted"', 3);
  `, 's3_export');
  bucket = `snaplake-e2e-${process.pid}`;
  moto.aws(['s3', 'mb', `s3://${bucket}`]);
});

after(() => {
  if (!process.env.SNAPLAKE_TEST_S3_ENDPOINT) moto?.stop();
});

// snaplake without blocking this process's event loop (the fault proxy runs in it).
function snaplakeAsync(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(snaplakeBin, args, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function files(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p); else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

// Every object under s3://bucket/prefix as { key (relative), size }, listed by awscli.
function s3Listing(prefix) {
  const out = JSON.parse(moto.aws(['s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', prefix]) || '{}');
  return (out.Contents ?? []).map((o) => ({ key: o.Key.slice(prefix.length), size: o.Size }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

function unfinishedUploads() {
  const out = JSON.parse(moto.aws(['s3api', 'list-multipart-uploads', '--bucket', bucket]) || '{}');
  return out.Uploads ?? [];
}

async function checkAgainstPostgres(prefix) {
  const dir = tempDir('s3-download-');
  moto.aws(['s3', 'cp', '--recursive', '--only-show-errors', `s3://${bucket}/${prefix}`, dir]);
  const downloaded = files(dir);
  const items = downloaded.filter((f) => f.includes('public.items/') && f.endsWith('.parquet'));
  assert.ok(items.length >= 1, `no items files in ${downloaded.join(', ')}`);
  for (const f of downloaded) assert.ok(statSync(path.join(dir, f)).size > 0, `${f} is empty`);
  const glob = sql(path.join(dir, 's3_export', 'public.items', '*', '*.parquet'));
  const { rows } = await duckdbQuery(
    `SELECT count(*)::BIGINT, sum(id)::BIGINT, count(DISTINCT name)::BIGINT, sum(CAST(amount AS DECIMAL(18,2)))::VARCHAR
     FROM read_parquet(${glob})`);
  const expected = pg.psql(
    'SELECT count(*), sum(id), count(DISTINCT name), sum(amount) FROM public.items', 's3_export').trim().split('|');
  assert.deepEqual(rows[0].map(String), expected);
  const small = await duckdbQuery(
    `SELECT k, v FROM read_parquet(${sql(path.join(dir, 's3_export', 'public.small', '*', '*.parquet'))}) ORDER BY k`);
  assert.deepEqual(small.rows.map((r) => [r[0], r[1] === null ? null : Number(r[1])]),
    [['a', 1], ['b', null], ['ü "quoted"', 3]]);
  return downloaded;
}

test('export to S3: awscli lists and downloads it, DuckDB reads values equal to PostgreSQL', async () => {
  const r = snaplake(['export', '--source', uri, '--to', `s3://${bucket}/exports`, '--export-id', 'clean'],
    { env: moto.env() });
  assert.equal(r.status, 0, r.stderr);
  const listing = s3Listing('exports/clean/');
  const keys = listing.map((o) => o.key);
  assert.ok(keys.includes('export_info_clean.json'), keys.join('\n'));
  assert.ok(keys.some((k) => /^export_tables_info_clean_from_.*\.json$/.test(k)), keys.join('\n'));
  assert.ok(listing.some((o) => o.key.includes('public.items/') && o.size > (8 << 20)),
    `expected an items file larger than one 8 MiB part: ${JSON.stringify(listing)}`);
  const downloaded = await checkAgainstPostgres('exports/clean/');
  assert.deepEqual(downloaded, keys);
  assert.deepEqual(unfinishedUploads(), []);
});

test('export to S3 through 500/503 answers and dropped connections completes without duplicates', async () => {
  const proxy = await FaultProxy.start(moto.endpoint, FaultProxy.every({ 503: 5, 500: 7, drop: 9, midUpload: 2 }));
  try {
    const r = await snaplakeAsync(['export', '--source', uri, '--to', `s3://${bucket}/exports`, '--export-id', 'faulty'],
      moto.env({ AWS_ENDPOINT_URL: proxy.url }));
    assert.equal(r.status, 0, r.stderr);
  } finally {
    await proxy.close();
  }
  assert.ok(proxy.stats.injected[503] > 0 && proxy.stats.injected[500] > 0 && proxy.stats.injected.drop > 0,
    JSON.stringify(proxy.stats));
  assert.ok(proxy.log.some((l) => l.action === 'drop-mid'), 'no upload was cut half-way');
  const faulty = s3Listing('exports/faulty/');
  const clean = s3Listing('exports/clean/');
  const shape = (listing, id) => listing.map((o) => o.key.replaceAll(id, 'ID')).sort();
  assert.deepEqual(shape(faulty, 'faulty'), shape(clean, 'clean'));
  await checkAgainstPostgres('exports/faulty/');
  assert.deepEqual(unfinishedUploads(), []);
});

test('a missing bucket is one clear line naming it', () => {
  const r = snaplake(['export', '--source', uri, '--to', 's3://snaplake-no-such-bucket/x', '--export-id', 'nb'],
    { env: moto.env() });
  assert.notEqual(r.status, 0);
  const lines = r.stderr.trim().split('\n');
  const last = lines[lines.length - 1];
  assert.match(last, /s3:\/\/snaplake-no-such-bucket/);
  assert.match(last, /NoSuchBucket/);
});

test('rejected credentials fail clearly and never show the secret', () => {
  const strict = Moto.start(0);  // checks every signature
  try {
    const secret = 'S3cr3t/ValueThatMustNeverBeShown+42';
    const r = snaplake(['export', '--source', uri, '--to', `s3://${bucket}/x`, '--export-id', 'denied'],
      { env: strict.env({ AWS_ACCESS_KEY_ID: 'AKIASNAPLAKETEST0000', AWS_SECRET_ACCESS_KEY: secret }) });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /HTTP 403 InvalidAccessKeyId|HTTP 403 SignatureDoesNotMatch/);
    assert.match(r.stderr, new RegExp(`s3://${bucket}/x`));
    assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret), 'the secret leaked');
  } finally {
    strict.stop();
  }
});
