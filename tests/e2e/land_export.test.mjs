// `snaplake export` then `snaplake land`, on folders and on S3 (moto): every landed table read
// with DuckDB and compared, value by value as text, with what PostgreSQL holds.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { Moto, Postgres, snaplake, tempDir } from '../harness/servers.mjs';
import { duckdbQuery } from '../harness/readers.mjs';

const DB = 'land_e2e';
let pg;

// table -> the columns compared (as text) and the ordering key.
const tables = [
  // A double's text differs between engines (PostgreSQL '1', DuckDB '1.0'): compare 3 × score
  // rounded, an integer both print alike (score = id / 3).
  { schema: 'public', table: 'people', cols: ['id', 'name', 'born', { name: 'score', expr: (c) => `round(${c} * 3)::bigint` }] },
  { schema: 'sales', table: 'orders', cols: ['id', 'amount', 'placed', 'note'] },
  { schema: 'public', table: 'Odd Name', cols: ['id', 'v'] },
  { schema: 'public', table: 'nothing', cols: ['id'] },
  { schema: 'public', table: 'measurements', cols: ['id', 'region', 'value'] }, // partitioned
];

before(() => {
  pg = Postgres.shared();
  pg.createDatabase(DB);
  pg.psql(`
    CREATE SCHEMA sales;
    CREATE TABLE public.people (id int PRIMARY KEY, name text, born date, score double precision);
    INSERT INTO public.people SELECT g, CASE WHEN g % 10 = 0 THEN NULL ELSE 'person ' || g || ' ü' END,
      DATE '1950-01-01' + g, g / 3.0 FROM generate_series(1, 5000) g;
    CREATE TABLE sales.orders (id bigint PRIMARY KEY, amount numeric(12,2), placed timestamptz, note varchar(20));
    INSERT INTO sales.orders SELECT g, (g % 997) * 1.25, TIMESTAMPTZ '2026-01-01 00:00:00+00' + g * INTERVAL '37 minutes',
      'n' || (g % 13) FROM generate_series(1, 20000) g;
    CREATE TABLE public."Odd Name" (id int, v text);
    INSERT INTO public."Odd Name" VALUES (1, 'a'), (2, 'b');
    CREATE TABLE public.nothing (id int);
    CREATE TABLE public.measurements (id int, region text, value int) PARTITION BY LIST (region);
    CREATE TABLE public.measurements_north PARTITION OF public.measurements FOR VALUES IN ('north');
    CREATE TABLE public.measurements_south PARTITION OF public.measurements FOR VALUES IN ('south');
    INSERT INTO public.measurements SELECT g, CASE WHEN g % 2 = 0 THEN 'north' ELSE 'south' END, g * 2
      FROM generate_series(1, 3000) g;
  `, DB);
});

const q = (s) => `'${s.replaceAll("'", "''")}'`;
const ident = (s) => `"${s.replaceAll('"', '""')}"`;

// One text digest of a table: every column as text, rows ordered by id.
function digestExpr(cols, cast) {
  const column = (c) => (typeof c === 'string' ? ident(c) : c.expr(ident(c.name)));
  const row = cols.map((c) => `coalesce(${cast(column(c))}, '<null>')`).join(` || '|' || `);
  return `count(*) AS n, coalesce(md5(string_agg(${row}, E'\\n' ORDER BY ${ident('id')})), '') AS digest`;
}

function pgDigest(t) {
  const out = pg.psql(`SET TimeZone = 'UTC'; SET DateStyle = 'ISO';
    SELECT ${digestExpr(t.cols, (c) => `(${c})::text`)} FROM ${ident(t.schema)}.${ident(t.table)};`, DB).trim();
  const [n, digest] = out.split('|');
  return { n: Number(n), digest };
}

async function duckDigest(folder, t) {
  const files = readdirSync(folder).filter((f) => f.endsWith('.parquet'));
  if (files.length === 0) return { n: 0, digest: '' };
  const list = `[${files.map((f) => q(path.join(folder, f))).join(', ')}]`;
  const { rows } = await duckdbQuery(`SELECT ${digestExpr(t.cols, (c) => `(${c})::VARCHAR`)} FROM read_parquet(${list})`);
  return { n: Number(rows[0][0]), digest: rows[0][1] };
}

function importDateOf(exportFolder, id) {
  const info = JSON.parse(readFileSync(path.join(exportFolder, `export_info_${id}.json`), 'utf8'));
  const d = new Date(info.snapshotTime);
  const [y, m, day] = [d.getUTCFullYear(), String(d.getUTCMonth() + 1).padStart(2, '0'), String(d.getUTCDate()).padStart(2, '0')];
  return { y: String(y), m, d: day, ymd: `${y}${m}${day}` };
}

// The landed table folders, found from the manifest (the export decides the folder names).
function landedTables(manifest) {
  return Object.fromEntries(manifest.tables.map((t) => [t.target, t.partition]));
}

async function compareAll(lakeFolder, manifest, date) {
  const partitions = landedTables(manifest);
  for (const t of tables) {
    const target = `${DB}.${t.schema}.${t.table}`;
    const partition = partitions[target];
    assert.ok(partition, `${target} landed (manifest has ${Object.keys(partitions)})`);
    assert.ok(partition.startsWith(`unrestricted/${DB}/`), partition);
    assert.ok(partition.endsWith(`/import_year=${date.y}/import_month=${date.m}/import_day=${date.d}/import_date=${date.ymd}/`), partition);
    const folder = path.join(lakeFolder, partition);
    const names = readdirSync(folder);
    assert.ok(names.includes('_SUCCESS'), `${target}: _SUCCESS`);
    assert.deepEqual(await duckDigest(folder, t), pgDigest(t), `${target}: DuckDB vs PostgreSQL`);
  }
}

test('export -> land on folders: every table equals PostgreSQL', async () => {
  const root = tempDir('land-export-');
  const exports = path.join(root, 'exports');
  let r = snaplake(['export', '--source', pg.uriFor(DB), '--to', exports, '--export-id', 'exp-pg-1']);
  assert.equal(r.status, 0, r.stderr);
  const lake = path.join(root, 'lake');
  r = snaplake(['land', '--export', path.join(exports, 'exp-pg-1'), '--to', lake, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const manifest = JSON.parse(readFileSync(path.join(lake, '_snaplake/landings/exp-pg-1.json'), 'utf8'));
  await compareAll(lake, manifest, importDateOf(path.join(exports, 'exp-pg-1'), 'exp-pg-1'));

  // Landing again changes nothing.
  r = snaplake(['land', '--export', path.join(exports, 'exp-pg-1'), '--to', lake, '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).filesCopied, 0);
});

test('export -> land on S3 (moto): every table equals PostgreSQL', async () => {
  const moto = Moto.shared();
  const exportBucket = `land-e2e-exports-${process.pid}`;
  const raw = `land-e2e-raw-${process.pid}`;
  moto.aws(['s3', 'mb', `s3://${exportBucket}`]);
  moto.aws(['s3', 'mb', `s3://${raw}`]);
  let r = snaplake(['export', '--source', pg.uriFor(DB), '--to', `s3://${exportBucket}/rds`, '--export-id', 'exp-pg-s3'],
    { env: moto.env() });
  assert.equal(r.status, 0, r.stderr);
  r = snaplake(['land', '--export', `s3://${exportBucket}/rds/exp-pg-s3`, '--to', `s3://${raw}`, '--json'], { env: moto.env() });
  assert.equal(r.status, 0, r.stderr);
  // Download with the aws CLI (an independent client) and compare.
  const down = tempDir('land-export-s3-');
  moto.aws(['s3', 'cp', '--recursive', '--quiet', `s3://${raw}`, down]);
  moto.aws(['s3', 'cp', '--recursive', '--quiet', `s3://${exportBucket}/rds/exp-pg-s3`, path.join(down, '_export')]);
  const manifest = JSON.parse(readFileSync(path.join(down, '_snaplake/landings/exp-pg-s3.json'), 'utf8'));
  await compareAll(down, manifest, importDateOf(path.join(down, '_export'), 'exp-pg-s3'));
});

// The reference system's date rules: a backdated run's override (IMPORT_DATE_OVERRIDE), and the
// date in the snapshot's identifier; an override that is no calendar date is refused before
// anything is copied.
test('land --import-date and --import-date-from snapshot_id choose the partition', () => {
  const exports = tempDir('land-dates-exports-');
  let r = snaplake(['export', '--source', pg.uriFor(DB), '--to', exports, '--export-id', 'exp-dates', '--only', `${DB}.public.people`]);
  assert.equal(r.status, 0, r.stderr);
  const exportFolder = path.join(exports, 'exp-dates');
  const partitionOf = (stdout) => JSON.parse(stdout).tables[0].partition;

  for (const bad of ['2024-03-15', '20240230', '2024031', 'yesterday']) {
    const lake = tempDir('land-dates-bad-');
    r = snaplake(['land', '--export', exportFolder, '--to', lake, '--import-date', bad, '--json']);
    assert.equal(r.status, 2, `${bad}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`invalid import date '${bad}': expected YYYYMMDD`));
    assert.deepEqual(readdirSync(lake), [], 'nothing landed');
  }

  let lake = tempDir('land-dates-');
  r = snaplake(['land', '--export', exportFolder, '--to', lake, '--import-date', '20240315', '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).importDate, '20240315');
  assert.match(partitionOf(r.stdout), /\/import_year=2024\/import_month=03\/import_day=15\/import_date=20240315\/$/);

  // The export's source is no snapshot: the snapshot_id rule falls back to its time, with a warning.
  lake = tempDir('land-dates-');
  r = snaplake(['land', '--export', exportFolder, '--to', lake, '--import-date-from', 'snapshot_id', '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).importDate, importDateOf(exportFolder, 'exp-dates').ymd);
  assert.match(r.stderr, /carries no date; the import date is its time/);

  r = snaplake(['land', '--export', exportFolder, '--to', lake, '--import-date-from', 'event']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--import-date-from/);
});
