// LIST columns from snaplake's writer (src/parquet/schema.h): NULL lists, empty lists, NULL
// elements and long lists of every element kind the typed profile writes, across many pages and
// row groups, with and without dictionaries, read back by DuckDB, hyparquet, parquet-wasm and
// polars and compared with what was written (values as tests/harness/readers.mjs normalizes
// them).
import assert from 'node:assert/strict';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { test } from 'node:test';

import { pageHeaders, polarsHashes, readDuckDB, readHyparquet, readParquetWasm, readPolars, uuidFromBytes } from '../harness/readers.mjs';
import { tempDir } from '../harness/servers.mjs';
import { requireFixtureWriter, show, writeFixtureOrThrow } from './fixtures.mjs';

// Element kinds: the fixture writer's column spec, a value for element k, and its normalized form.
const KINDS = {
  int32: { column: { physical: 'INT32' }, value: (k) => k - 500, want: (v) => v },
  int64: { column: { physical: 'INT64' }, value: (k) => String(BigInt(k) * 10000000000n), want: (v) => BigInt(v) },
  string: { column: { physical: 'BYTE_ARRAY', logical: 'STRING' }, value: (k) => `s${k % 37}ü`, want: (v) => v },
  decimal: {
    column: { physical: 'INT64', logical: 'DECIMAL', precision: 12, scale: 2 },
    value: (k) => `${k % 2 ? '-' : ''}${k}.${String(k % 100).padStart(2, '0')}`,
    want: (v) => v,
  },
  date: { column: { physical: 'INT32', logical: 'DATE' }, value: (k) => 20000 + (k % 400), want: (v) => v },
  timestamptz: {
    column: { physical: 'INT64', logical: 'TIMESTAMP', utc_adjusted: true },
    value: (k) => String(1767225600000000n + BigInt(k) * 1000001n),
    want: (v) => BigInt(v),
  },
  millis: {
    column: { physical: 'INT64', logical: 'TIMESTAMP_MILLIS', utc_adjusted: true },
    value: (k) => String(1767225600000n + BigInt(k) * 7n),
    want: (v) => BigInt(v) * 1000n,
  },
  uuid: {
    column: { physical: 'FIXED_LEN_BYTE_ARRAY', logical: 'UUID', type_length: 16 },
    value: (k) => `a0eebc99-9c0b-4ef8-bb6d-${String(k).padStart(12, '0')}`,
    want: (v) => v,
  },
  bytes: { column: { physical: 'BYTE_ARRAY' }, value: (k) => (k % 256).toString(16).padStart(2, '0').repeat(1 + (k % 5)), want: (v) => v },
  double: { column: { physical: 'DOUBLE' }, value: (k) => k / 8, want: (v) => v },
  bool: { column: { physical: 'BOOLEAN' }, value: (k) => k % 3 === 0, want: (v) => v },
};

// Row r of a kind: every 7th a NULL list, every 11th an empty one, otherwise r % 9 elements with
// every 5th element NULL (the first element of a row is never NULL, so pages start on values too).
function listOf(r, value) {
  if (r % 7 === 3) return null;
  if (r % 11 === 4) return [];
  return Array.from({ length: r % 9 + (r % 50 === 0 ? 300 : 0) }, (_, e) => (e % 5 === 4 ? null : value(r * 13 + e)));
}

function hexOf(kind, v) {
  return kind === 'uuid' ? v.replaceAll('-', '') : v;
}

// What each reader returns for one written element of a kind.
function expected(kind, v, reader) {
  if (v === null) return null;
  if (kind === 'bytes') return reader === 'polars' ? { hex: v } : Uint8Array.from(Buffer.from(v, 'hex'));
  if (kind === 'uuid' && reader === 'polars') return { hex: hexOf(kind, v) };
  if (kind === 'uuid' && reader === 'wasm') return Uint8Array.from(Buffer.from(hexOf(kind, v), 'hex'));
  return KINDS[kind].want(v);
}

const READERS = { duckdb: readDuckDB, hyparquet: readHyparquet, wasm: readParquetWasm, polars: readPolars };

for (const dictionary of [true, false]) {
  test(`LIST columns of every element kind read back by four readers (dictionary ${dictionary})`, async () => {
    requireFixtureWriter();
    const rows = 3000;
    const kinds = Object.keys(KINDS);
    const spec = {
      options: { codec: 'snappy', dictionary, page_bytes: 4096, row_group_rows: 1000 },
      columns: [{ name: 'id', physical: 'INT32', nullable: false }, ...kinds.map((k) => ({ name: k, list: true, ...KINDS[k].column }))],
      rows: Array.from({ length: rows }, (_, r) => [r, ...kinds.map((k) => listOf(r, KINDS[k].value))]),
    };
    const file = path.join(tempDir('lists-'), 'lists.parquet');
    const stats = writeFixtureOrThrow(spec, file);
    assert.equal(stats.rows, rows);
    assert.equal(stats.row_groups, 3);
    // Many pages per chunk, each starting a row (the writer never splits a row's list).
    const chunks = pageHeaders(file).filter((c) => c.column === 'int64.list.element');
    assert.ok(chunks.every((c) => c.pages.filter((p) => p.type === 'DATA_PAGE').length > 3), 'several data pages per chunk');

    // polars reports bytes as hashes: hash the written bytes the same way.
    const hashes = {};
    for (const k of ['bytes', 'uuid']) {
      const hexes = spec.rows.flatMap((row) => row[1 + kinds.indexOf(k)] ?? []).map((v) => (v === null ? null : hexOf(k, v)));
      const h = polarsHashes(hexes);
      hexes.forEach((x, i) => { if (x !== null) hashes[x] = h[i]; });
    }
    for (const [reader, read] of Object.entries(READERS)) {
      const got = await read(file);
      assert.deepEqual(got.columns.map((c) => c.name), ['id', ...kinds], reader);
      for (const [c, kind] of kinds.entries()) {
        let mismatches = 0;
        const examples = [];
        for (let r = 0; r < rows; r++) {
          const written = spec.rows[r][c + 1];
          let want = written === null ? null : written.map((v) => expected(kind, v, reader));
          if (want && reader === 'polars') want = want.map((v) => (v && v.hex ? hashes[v.hex] : v));
          if (!isDeepStrictEqual(got.rows[r][c + 1], want)) {
            mismatches++;
            if (examples.length < 2) examples.push(`row ${r}: got ${show(got.rows[r][c + 1])}, expected ${show(want)}`);
          }
        }
        assert.equal(mismatches, 0, `${reader}: ${kind}: ${examples.join('; ')}`);
      }
      assert.deepEqual(got.rows.map((row) => row[0]), Array.from({ length: rows }, (_, r) => r), `${reader}: id`);
    }
  });
}
