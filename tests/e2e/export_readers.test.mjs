// The typed profile's files, with its defaults and with each override (--type), and the rds
// profile's, read by all four
// readers of tests/harness/readers.mjs — DuckDB, hyparquet, parquet-wasm (arrow-rs) and polars —
// and every value compared with PostgreSQL's own; the overrides are recorded in export_info and
// in each column's expectedExportedType.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { polarsHashes, readDuckDB, readHyparquet, readParquetWasm, readPolars, uuidFromBytes, hex } from '../harness/readers.mjs';
import { Postgres, snaplake, tempDir } from '../harness/servers.mjs';
import { canonicalPgRow, catalogColumns, expectedParquetType, expectedSql, footerTypes, quoteIdent, readExport } from './export_helpers.mjs';

const SETUP = `
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE t (
  id int, u uuid, tm time, ts timestamp, tstz timestamptz, d date, n numeric(12, 2), by bytea, js jsonb,
  e mood, f real, ai int[], at text[], an numeric(12, 2)[], ad date[], atstz timestamptz[], au uuid[],
  atm time[], aby bytea[], a2 int[][]
);
INSERT INTO t VALUES
  (1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '14:15:02.123456', '2026-11-25 14:15:02.123456',
   '1969-12-31 23:59:59.9995+00', '2026-11-25', -1234.56, '\\x00ff10', '{"b": 1, "a": [1, 2.50]}', 'happy', -0,
   '{1,NULL,3}', '{"a b",NULL,"","ü 🐘"}', '{1.50,NULL,-0.01}', '{2026-01-01,NULL,1969-12-31}',
   '{"2026-01-01 10:00:00.123456+00",NULL}', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,NULL}',
   '{00:00,NULL,24:00:00}', '{"\\\\x0102",NULL,"\\\\x"}', '{{1,2},{3,NULL}}'),
  (2, 'ffffffff-ffff-ffff-ffff-ffffffffffff', '24:00:00', '0001-01-01 00:00:00', 'infinity', '1970-01-01', 0,
   '\\x', '[]', 'sad', 3.4028235e38, '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}'),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
`;

const READERS = { duckdb: readDuckDB, hyparquet: readHyparquet, wasm: readParquetWasm, polars: readPolars };
const utf8 = new TextDecoder();

function canonicalFloat(n) {
  return Object.is(n, -0) ? '-0' : String(n);
}

// A reader's value as the text PostgreSQL's expectation has (see expectedSql): polars' hashes of
// bytes stay hashes ("#…"), compared with the hashes of the expected bytes.
function norm(reader, type, v) {
  if (v === null) return null;
  if (type.startsWith('LIST<')) return v.map((x) => norm(reader, type.slice(5, -1), x));
  if (reader === 'polars' && (type === 'BINARY' || type === 'UUID')) return `#${v}`;
  if (v instanceof Uint8Array) {
    if (type === 'UUID') return uuidFromBytes(v); // arrow-rs without the arrow.uuid extension
    if (type === 'BINARY') return hex(v);
    return utf8.decode(v); // ENUM as arrow-rs reads it: bytes
  }
  if (type === 'FLOAT' || type === 'DOUBLE') return canonicalFloat(v);
  return String(v);
}

// PostgreSQL's expectation for polars: the bytes' hex hashed in polars. And one limitation of
// polars' Time (0 <= t < 24h): PostgreSQL's 24:00:00 in a TIME column (time=time) reads as NULL
// there (docs/type-mapping.md, compatibility table).
function hashed(type, text) {
  if (text === null) return null;
  if (type.startsWith('LIST<')) return text.map((x) => hashed(type.slice(5, -1), x));
  if (type === 'TIME' && text === '86400000000') return null;
  if (type === 'BINARY') return `#${polarsHashes([text])[0]}`;
  if (type === 'UUID') return `#${polarsHashes([text.replaceAll('-', '')])[0]}`;
  return text;
}

const VARIANTS = [
  { profile: 'rds' },
  {},
  { uuid: 'uuid' },
  { time: 'micros' },
  { time: 'time' },
  { timestamp: 'millis' },
  { uuid: 'uuid', time: 'time', timestamp: 'millis' },
];

for (const { profile = 'typed', ...overrides } of VARIANTS) {
  const label = profile === 'rds' ? 'rds' : Object.entries(overrides).map(([k, v]) => `${k}=${v}`).join(' ') || 'defaults';
  test(`${profile} export (${label}) read by DuckDB, hyparquet, parquet-wasm and polars`, async () => {
    const pg = Postgres.shared();
    const db = `readers_${label.replaceAll(/[^a-z]+/g, '_')}`;
    pg.createDatabase(db);
    pg.psql(SETUP, db);
    const root = tempDir('readers-');
    const id = `readers-${label.replaceAll(/[^a-z]+/g, '-')}`;
    const flags = Object.entries(overrides).flatMap(([k, v]) => ['--type', `${k}=${v}`]);
    const r = snaplake(['export', '--source', pg.uriFor(db), '--to', root, '--export-id', id, '--types', profile, ...flags]);
    assert.equal(r.status, 0, r.stderr);

    const { info, tables } = readExport(root, id);
    const [table] = tables;
    const exported = Object.fromEntries(table.schemaMetadata.originalTypeMappings.map((m) => [m.columnName, m.expectedExportedType]));
    if (profile === 'typed') {
      assert.deepEqual(info.snaplake.typeOverrides, { uuid: 'string', time: 'string', timestamp: 'micros', ...overrides });
      assert.equal(exported.u, overrides.uuid === 'uuid' ? 'fixed_len_byte_array(16) (UUID)' : 'binary (UTF8)');
      assert.equal(exported.tm, { micros: 'int64', time: 'int64 (TIME_MICROS)' }[overrides.time] ?? 'binary (UTF8)');
      assert.equal(exported.tstz, `int64 (TIMESTAMP_${overrides.timestamp === 'millis' ? 'MILLIS' : 'MICROS'}, UTC)`);
      assert.equal(exported.ai, 'list<int32>');
      assert.match(table.warningMessage, /column 'a2': 1 multi-dimensional array\(s\) flattened/);
    } else {
      assert.equal(info.snaplake.typeOverrides, undefined);
      assert.equal(exported.ai, 'binary (UTF8)');
      assert.equal(table.warningMessage, undefined);
    }

    const columns = catalogColumns(pg, db, 'public', 't');
    const types = columns.map((c) => expectedParquetType(profile, c, overrides));
    const asTime = { ...overrides, time: overrides.time === 'micros' ? 'time' : overrides.time };
    const expect = columns.map((c) => expectedParquetType(profile, c, asTime));
    const file = path.join(root, table.tableStatistics.files[0].key);
    assert.equal(table.tableStatistics.files.length, 1);
    assert.deepEqual(await footerTypes(file), Object.fromEntries(columns.map((c, i) => [c.name, types[i]])));

    const select = columns.map((c, i) => expectedSql(expect[i], quoteIdent(c.name), overrides)).join(', ');
    const want = JSON.parse(pg.psql(`SELECT json_agg(json_build_array(${select}) ORDER BY id) FROM t;`, db))
      .map((row) => canonicalPgRow(expect, row));
    for (const [reader, read] of Object.entries(READERS)) {
      const got = await read(file);
      assert.deepEqual(got.columns.map((c) => c.name), columns.map((c) => c.name), reader);
      const rows = got.rows.map((row) => row.map((v, i) => norm(reader, expect[i], v))).sort((a, b) => Number(a[0]) - Number(b[0]));
      // (time=micros is plain INT64, which polars reads whatever its value.)
      const polarsTypes = expect.map((t, i) => (types[i].includes('TIME') ? t : t.replace('TIME', 'INT64')));
      const expected = reader === 'polars' ? want.map((row) => row.map((v, i) => hashed(polarsTypes[i], v))) : want;
      for (let i = 0; i < expected.length; i++) {
        assert.deepEqual(rows[i], expected[i], `${reader}: row ${i + 1} (${label})`);
      }
      assert.equal(rows.length, expected.length, reader);
    }
  });
}
