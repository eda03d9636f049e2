// `snaplake land` on exports that mimic what RDS writes (Parquet by DuckDB, RDS's JSON without
// per-file statistics), folder -> folder: both layouts, re-landing, status refusals and a landing
// killed half-way. What landed is read back with DuckDB, not with snaplake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { snaplake, snaplakeBin, tempDir } from '../harness/servers.mjs';
import { duckdbQuery } from '../harness/readers.mjs';
import { defaultTables, makeRdsExport, writeParquet } from './fixtures/rds_export/make_rds_export.mjs';

const partitionOf = (database, schema, table, date = { y: '2026', m: '11', d: '24' }) =>
  `unrestricted/${database}/${schema}.${table}/import_year=${date.y}/import_month=${date.m}/` +
  `import_day=${date.d}/import_date=${date.y}${date.m}${date.d}`;

// Every file below dir: relative path -> { size, mtimeMs }.
function listing(dir) {
  const out = {};
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const s = statSync(p);
        out[path.relative(dir, p)] = { size: s.size, mtimeMs: s.mtimeMs };
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

const sql = (s) => `'${s.replaceAll("'", "''")}'`;

async function countAndSum(folder) {
  const { rows } = await duckdbQuery(
    `SELECT count(*), coalesce(sum(id), 0)::BIGINT FROM read_parquet(${sql(path.join(folder, '*.parquet'))})`);
  return { count: Number(rows[0][0]), sum: Number(rows[0][1]) };
}

function expectedSum(t) {
  let sum = 0;
  for (const batch of t.batches) for (const r of batch) sum += ((r.from + r.to) * (r.to - r.from + 1)) / 2;
  return sum;
}

for (const layout of ['batch', 'flat']) {
  test(`lands an RDS-written export (${layout} layout) folder -> folder, verified by DuckDB`, async () => {
    const root = tempDir('land-rds-');
    const exp = await makeRdsExport(path.join(root, 'exports'), { layout, tablesInfoParts: 2 });
    const lake = path.join(root, 'lake');
    const r = snaplake(['land', '--export', exp.dir, '--to', lake, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    assert.equal(result.exportId, 'rds-export-1');
    assert.equal(result.importDate, '20261124'); // snapshotTime 2026-11-24T23:59:58.123Z, in UTC

    const files = listing(lake);
    for (const [i, t] of defaultTables.entries()) {
      const partition = partitionOf('socialcare', t.schema, t.table);
      const landed = Object.keys(files).filter((k) => k.startsWith(partition + '/')).map((k) => k.slice(partition.length + 1)).sort();
      // Batch folders flattened into the names, the export id in front (RDS's UUID names could
      // be shared by two exports); RDS's own _SUCCESS markers are not copied.
      const expected = exp.tables[i].files
        .map((rel) => 'rds-export-1-' + rel.slice(`socialcare/${t.schema}.${t.table}/`.length).replaceAll('/', '-'))
        .concat('_SUCCESS').sort();
      assert.deepEqual(landed, expected, `${t.table}: landed files`);
      const marker = JSON.parse(readFileSync(path.join(lake, partition, '_SUCCESS'), 'utf8'));
      assert.equal(marker.exportId, 'rds-export-1');
      if (exp.tables[i].rows > 0) {
        const got = await countAndSum(path.join(lake, partition));
        assert.deepEqual(got, { count: exp.tables[i].rows, sum: expectedSum(t) }, `${t.table}: rows`);
      }
      assert.equal(marker.rows, exp.tables[i].rows);
    }
    const manifest = JSON.parse(readFileSync(path.join(lake, '_snaplake/landings/rds-export-1.json'), 'utf8'));
    assert.equal(manifest.tables.length, defaultTables.length);
    assert.equal(manifest.rows, exp.tables.reduce((a, t) => a + t.rows, 0));
    // Nothing else landed.
    const expectedCount = exp.tables.reduce((a, t) => a + t.files.length + 1, 0) + 1;
    assert.equal(Object.keys(files).length, expectedCount);
  });
}

test('landing the same export again changes nothing (listing and mtimes)', async () => {
  const root = tempDir('land-again-');
  const exp = await makeRdsExport(path.join(root, 'exports'));
  const lake = path.join(root, 'lake');
  assert.equal(snaplake(['land', '--export', exp.dir, '--to', lake]).status, 0);
  const before = listing(lake);
  const r = snaplake(['land', '--export', exp.dir, '--to', lake, '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).filesCopied, 0);
  assert.deepEqual(listing(lake), before);
});

test('an export IN_PROGRESS is refused as "not yet" (exit 75), a FAILED one with its cause', async () => {
  const root = tempDir('land-status-');
  const lake = path.join(root, 'lake');
  const running = await makeRdsExport(path.join(root, 'a'), { status: 'IN_PROGRESS', exportId: 'exp-running' });
  let r = snaplake(['land', '--export', running.dir, '--to', lake]);
  assert.equal(r.status, 75, r.stderr);
  assert.match(r.stderr, /export exp-running is not complete yet \(IN_PROGRESS\)/);

  const failed = await makeRdsExport(path.join(root, 'b'), {
    status: 'FAILED', exportId: 'exp-failed', failureCause: 'The IAM role arn:aws:iam::1:role/x cannot use the KMS key',
  });
  r = snaplake(['land', '--export', failed.dir, '--to', lake]);
  assert.notEqual(r.status, 0);
  assert.notEqual(r.status, 75);
  assert.match(r.stderr, /export exp-failed is FAILED: The IAM role arn:aws:iam::1:role\/x cannot use the KMS key/);
  assert.equal(r.stderr.trim().split('\n').length, 1, 'a one-line cause');
  assert.deepEqual(listing(lake), {}, 'nothing landed');

  r = snaplake(['land', '--export', path.join(root, 'nowhere'), '--to', lake]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /no export_info_<id>\.json/);
});

test('a landing killed half-way and run again ends complete and duplicate-free', async (t) => {
  const root = tempDir('land-kill-');
  // One table of many files: one DuckDB file copied under RDS-style names.
  const exp = await makeRdsExport(path.join(root, 'exports'), {
    exportId: 'exp-big',
    tables: [{ schema: 'public', table: 'big', batches: [[{ from: 1, to: 20000 }]] }],
  });
  const folder = path.join(exp.dir, 'socialcare/public.big/1');
  const [first] = readdirSync(folder).filter((f) => f.endsWith('.parquet'));
  const copies = 400;
  for (let i = 1; i < copies; i++) {
    copyFileSync(path.join(folder, first), path.join(folder, `part-${String(i).padStart(5, '0')}-copy.gz.parquet`));
  }
  const lake = path.join(root, 'lake');
  const partition = path.join(lake, partitionOf('socialcare', 'public', 'big'));

  // Kill it as soon as some files are staged (jobs 1: the copies are sequential). Staged files
  // are hidden temp files: nothing of the landing is visible before it is decided.
  const child = spawn(snaplakeBin, ['land', '--export', exp.dir, '--to', lake, '--jobs', '1'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let killed = false;
  for (;;) {
    const staged = existsSync(partition) ? readdirSync(partition).filter((f) => f.includes('.tmp-')).length : 0;
    if (staged >= 5) { killed = child.kill('SIGKILL'); break; }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const end = await exited;
  if (killed && end.signal === 'SIGKILL') {
    // Nothing is published before every file is staged, and _SUCCESS comes last: a kill while
    // copying leaves nothing visible; one while publishing (a fast machine stages 400 files
    // between two looks) leaves the rest staged; one after _SUCCESS leaves the whole landing.
    const after = readdirSync(partition);
    const staged = after.filter((f) => f.includes('.tmp-')).length;
    const visible = after.filter((f) => !f.startsWith('.'));
    const published = visible.filter((f) => f.endsWith('.parquet')).length;
    if (visible.includes('_SUCCESS')) {
      assert.equal(published, copies, '_SUCCESS before every file was published');
    } else {
      assert.ok(visible.length === 0 || staged + published === copies,
        `published before staging finished: ${published} visible, ${staged} staged of ${copies}`);
    }
    t.diagnostic(`killed with ${staged} staged and ${published} published of ${copies}`);
  } else {
    t.diagnostic('the landing finished before it could be killed; re-run checked anyway');
  }

  const r = snaplake(['land', '--export', exp.dir, '--to', lake, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.tables[0].files, copies);
  // The killed landing's staged temp files (".<name>.tmp-<random>", src/store/local_store.h) were
  // swept by the re-run (their writer is gone); every object is there exactly once.
  const all = readdirSync(partition).sort();
  const names = all.filter((n) => !n.startsWith('.'));
  assert.deepEqual(all.filter((n) => n.startsWith('.')), [], 'no hidden file left');
  assert.equal(names.length, copies + 1, 'every file once, plus _SUCCESS');
  assert.ok(names.includes('_SUCCESS'));
  assert.ok(names.every((n) => n === '_SUCCESS' || n.endsWith('.gz.parquet')), `unexpected files: ${names.filter((n) => !n.endsWith('.parquet'))}`);
  const got = await countAndSum(partition);
  assert.deepEqual(got, { count: copies * 20000, sum: copies * (20000 * 20001) / 2 });
});

test('a stale file from an earlier attempt is removed before _SUCCESS; a partial file is replaced', async () => {
  const root = tempDir('land-stale-');
  const exp = await makeRdsExport(path.join(root, 'exports'));
  const lake = path.join(root, 'lake');
  const partition = path.join(lake, partitionOf('socialcare', 'public', 'events'));
  const events = exp.tables.find((t) => t.table === 'events');
  const firstName = 'rds-export-1-' + events.files[0].slice('socialcare/public.events/'.length).replaceAll('/', '-');
  // A previous, interrupted attempt: a truncated copy of one file and a file not in the export.
  await writeParquet(path.join(partition, 'part-99999-leftover.gz.parquet'), 1, 10);
  writeFileSync(path.join(partition, firstName), 'PAR1 truncated');
  const r = snaplake(['land', '--export', exp.dir, '--to', lake]);
  assert.equal(r.status, 0, r.stderr);
  const names = readdirSync(partition).sort();
  assert.equal(names.includes('part-99999-leftover.gz.parquet'), false);
  assert.equal(names.length, events.files.length + 1);
  assert.deepEqual(await countAndSum(partition), { count: 5000, sum: (5000 * 5001) / 2 });
});
