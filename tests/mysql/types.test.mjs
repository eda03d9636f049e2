// The MySQL building blocks end to end, before they are wired into the exporter: a table with
// every type family goes through snapshot → catalog → mapping → slice reader → batch decoder →
// Parquet (tests/mysql/mysql_table_to_parquet), in both profiles, and DuckDB, hyparquet and
// parquet-wasm read every value back; each is compared with what the server computes for it (in
// a UTC session: the server's own zone is +05:30). NULLs, extremes, empty strings, 4-byte
// UTF-8, latin1, zero dates and dates with zero parts, negative and over-24h TIME values included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

import { Mariadb, root, tempDir } from '../harness/servers.mjs';
import { readDuckDB, readHyparquet, readParquetWasm } from '../harness/readers.mjs';
import { adapt, names, readerType, serverRows, setup, spec } from './every_type.mjs';

const driver = path.join(process.env.SNAPLAKE_BIN ? path.dirname(process.env.SNAPLAKE_BIN) : path.join(root, 'build'),
  'tests/mysql/mysql_table_to_parquet');
const database = 'snaplake_types_e2e';

function exportTable(db, profile, jobs = 1) {
  const dir = tempDir(`mysql-${profile}-`);
  const r = spawnSync(driver, ['--source', db.uriFor(''), '--database', database, '--table', 'every_type',
    '--to', dir, '--types', profile, '--jobs', String(jobs)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { dir, result: JSON.parse(r.stdout) };
}

for (const profile of ['rds', 'typed']) {
  test(`every MySQL type family (${profile}) reads back as the server's values in DuckDB, hyparquet and parquet-wasm`, async () => {
    const db = Mariadb.shared();
    db.createDatabase(database);
    db.sql(setup, database);
    const { dir, result } = exportTable(db, profile);
    assert.equal(result.rows, 6);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.parquet')), ['part-0.parquet']);
    const expected = serverRows(db, database, profile);
    for (const [readerName, read] of [['duckdb', readDuckDB], ['hyparquet', readHyparquet], ['parquet-wasm', readParquetWasm]]) {
      const file = path.join(dir, 'part-0.parquet');
      const got = await read(file);
      assert.deepEqual(got.columns.map((c) => c.name), names, readerName);
      for (let k = 0; k < names.length; k++) {
        assert.equal(got.columns[k].type, readerType(spec(names[k], profile)[0], readerName),
          `${readerName}: type of ${names[k]}`);
      }
      const rows = [...got.rows].sort((a, b) => a[0] - b[0]);
      assert.equal(rows.length, expected.length);
      for (let r = 0; r < rows.length; r++) {
        for (let k = 0; k < names.length; k++) {
          const want = expected[r][k];
          const have = adapt(spec(names[k], profile)[0], readerName, rows[r][k]);
          const where = `${readerName}: row id=${expected[r][0]}, column ${names[k]} (${profile})`;
          if (typeof want === 'number' && typeof have === 'number') assert.ok(Object.is(have, want), `${where}: ${have} != ${want}`);
          else assert.deepEqual(have, want, where);
        }
      }
    }
    // The one rule: what a TIMESTAMP/DATE/TIME column cannot hold is NULL, and counted.
    const counts = Object.fromEntries(result.columns.map((c) => [c.name, c.unrepresentable]));
    assert.equal(counts.dtm0, 1); // 0000-00-00 00:00:00
    assert.equal(counts.dtm3, 2); // 2024-00-15, 2024-05-00
    assert.equal(counts.dtm6, 1); // 2024-05-00
    assert.equal(counts.ts, 1); // the zero TIMESTAMP
    assert.equal(counts.dt, profile === 'typed' ? 3 : 0); // a string in rds: kept as written
    assert.equal(counts.tm, 0); // text in both profiles by default: every TIME value is kept
    for (const n of ['ti', 'biu', 'vc', 'lat', 'js', 'd65', 'bl']) assert.equal(counts[n], 0, n);
    // originalTypeMappings material, as the PostgreSQL mapping records it.
    const byName = Object.fromEntries(result.columns.map((c) => [c.name, c]));
    assert.equal(byName.biu.originalType, 'bigint unsigned');
    assert.equal(byName.biu.expectedExportedType, 'fixed_len_byte_array (DECIMAL(20,0))');
    assert.equal(byName.js.originalType, 'longtext');
    assert.equal(byName.ts.expectedExportedType, 'int64 (TIMESTAMP_MICROS, UTC)');
    assert.match(result.mode, /^(BACKUP_STAGE|FTWRL)$/);
    assert.ok(result.binlog.file.length > 0);
  });
}

test('a table split by key ranges across three snapshot workers holds every row once', async () => {
  const db = Mariadb.shared();
  db.createDatabase(database);
  db.sql(`CREATE TABLE big (id BIGINT PRIMARY KEY, v VARCHAR(20));
    INSERT INTO big SELECT CAST(seq AS SIGNED) * 3 - 4000, CONCAT('v', seq) FROM seq_1_to_3000;`, database);
  const dir = tempDir('mysql-split-');
  const r = spawnSync(driver, ['--source', db.uriFor(''), '--database', database, '--table', 'big',
    '--to', dir, '--jobs', '3'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.slices.length, 3);
  assert.equal(result.rows, 3000);
  const ids = [];
  for (const f of result.files) {
    const got = await readDuckDB(path.join(dir, f));
    assert.ok(got.rows.length > 900, f);
    for (const row of got.rows) ids.push(row[0]);
  }
  ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  assert.deepEqual(ids, Array.from({ length: 3000 }, (_, k) => BigInt((k + 1) * 3 - 4000)));
});
