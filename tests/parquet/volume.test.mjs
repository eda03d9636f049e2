// The Parquet writer beyond the type matrix (roundtrip.test.mjs): multi-megabyte values, many
// row groups and pages, row groups cut by size, statistics at the edges (zeros, NaN, all NULL),
// an empty file, and the footer's created_by and key-value metadata. Values are read back by
// DuckDB, hyparquet and parquet-wasm and compared with what was written.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { parquetMetadata } from 'hyparquet';

import {
  duckdbMetadata,
  duckdbQuery,
  pageHeaders,
  readDuckDB,
  readHyparquet,
  readParquetWasm,
} from '../harness/readers.mjs';
import { tempDir } from '../harness/servers.mjs';
import {
  CODECS,
  compareTable,
  generatedValue,
  requireFixtureWriter,
  TYPES,
  writeFixtureOrThrow,
} from './fixtures.mjs';

const READERS = { duckdb: readDuckDB, hyparquet: readHyparquet, wasm: readParquetWasm };
const typeOf = (key) => TYPES.find((t) => t.key === key);

function footer(file) {
  const buf = readFileSync(file);
  return parquetMetadata(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

async function readAllAndCompare(file, expectedColumns, expectedRows) {
  const problems = [];
  for (const [reader, read] of Object.entries(READERS)) {
    try {
      problems.push(...compareTable(reader, expectedColumns, expectedRows, await read(file)));
    } catch (e) {
      problems.push(`${reader}: cannot read the file: ${e.message}`);
    }
  }
  return problems;
}

const utf8 = new TextEncoder();
function compareBytes(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

describe('parquet writer: volume and edges', () => {
  let dir;
  before(() => {
    requireFixtureWriter();
    dir = tempDir('parquet-volume-');
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  for (const codec of Object.keys(CODECS)) {
    test(`multi-megabyte values (${codec})`, async () => {
      const bigText = { repeat: 'x😀é', count: 300000 }; // 2.1 MB of UTF-8, 4-byte characters
      const bigBytes = { repeat: 'ab\u0001', count: 700000 }; // 2.1 MB
      const columns = [
        { name: 'id', physical: 'INT32', nullable: false },
        { name: 'text', physical: 'BYTE_ARRAY', logical: 'STRING', nullable: true },
        { name: 'blob', physical: 'BYTE_ARRAY', nullable: true },
      ];
      const rows = [[1, bigText, bigBytes], [2, '', ''], [3, null, null], [4, 'small', '00']];
      const file = path.join(dir, `big-${codec}.parquet`);
      writeFixtureOrThrow({ options: { codec }, columns, rows }, file);

      const text = 'x😀é'.repeat(300000);
      const blob = new Uint8Array(Buffer.from('ab\u0001'.repeat(700000), 'latin1'));
      const expected = [[1, text, blob], [2, '', new Uint8Array()], [3, null, null], [4, 'small', new Uint8Array([0])]];
      const expectedColumns = [
        { name: 'id', type: typeOf('int32') },
        { name: 'text', type: typeOf('string') },
        { name: 'blob', type: typeOf('binary') },
      ];
      const problems = await readAllAndCompare(file, expectedColumns, expected);

      // Statistics of huge values may be left out or truncated (then flagged inexact and still a
      // bound), but never wrong.
      const { metadata } = await duckdbMetadata(file);
      for (const m of metadata.filter((x) => x.path_in_schema === 'text')) {
        if (Number(m.stats_null_count) !== 1) problems.push(`text: null_count ${m.stats_null_count}, expected 1`);
        if (m.stats_min_value !== null && m.stats_min_value !== '') problems.push(`text: min ${JSON.stringify(m.stats_min_value.slice(0, 40))}, expected ''`);
        if (m.stats_max_value !== null && m.stats_max_value !== text) {
          if (m.max_is_exact !== false) problems.push('text: truncated max not flagged inexact');
          if (compareBytes(utf8.encode(m.stats_max_value), utf8.encode(text)) < 0) problems.push('text: truncated max is below the maximum');
        }
      }
      assert.equal(problems.length, 0, problems.join('\n'));
    });
  }

  test('many row groups and many pages (generated rows)', async () => {
    const ROWS = 40000;
    const GROUP = 3000;
    const columns = [
      { name: 'id', physical: 'INT64', nullable: false, gen: { start: 0, step: 1 } },
      { name: 'n', physical: 'INT32', nullable: true, gen: { start: -50000, step: 3, null_every: 7 } },
      { name: 's', physical: 'BYTE_ARRAY', logical: 'STRING', nullable: true, gen: { prefix: 'name-ü-', modulo: 500, null_every: 11 } },
      { name: 'd', physical: 'DOUBLE', nullable: false, gen: { start: -1000.5, step: 0.25 } },
      { name: 'amount', physical: 'INT64', logical: 'DECIMAL', precision: 12, scale: 2, nullable: true, gen: { start: -500000, step: 37, null_every: 13 } },
      { name: 'ts', physical: 'INT64', logical: 'TIMESTAMP', utc_adjusted: true, nullable: false, gen: { start: -2208988800000000, step: 1000000007 } },
      { name: 'day', physical: 'INT32', logical: 'DATE', nullable: true, gen: { start: -10000, step: 1, modulo: 3000, null_every: 5 } },
      { name: 'u', physical: 'FIXED_LEN_BYTE_ARRAY', logical: 'UUID', type_length: 16, nullable: true, gen: { modulo: 1000, null_every: 17 } },
    ];
    const file = path.join(dir, 'many.parquet');
    const stats = writeFixtureOrThrow({
      options: { codec: 'zstd', row_group_rows: GROUP, page_bytes: 2048 },
      columns,
      generate: { rows: ROWS },
    }, file);
    const groups = Math.ceil(ROWS / GROUP);
    assert.equal(stats.rows, ROWS);
    assert.equal(stats.row_groups, groups);

    const expected = Array.from({ length: ROWS }, (_, r) => columns.map((c) => generatedValue(c, r, ROWS)));
    const keys = { id: 'int64', n: 'int32', s: 'string', d: 'double', amount: null, ts: 'tstz', day: 'date', u: 'uuid' };
    const expectedColumns = columns.map((c) => ({
      name: c.name,
      type: keys[c.name] ? typeOf(keys[c.name]) : { type: 'DECIMAL(12,2)' },
    }));
    const problems = await readAllAndCompare(file, expectedColumns, expected);

    const { metadata } = await duckdbMetadata(file);
    const rowGroups = new Set(metadata.map((m) => Number(m.row_group_id)));
    if (rowGroups.size !== groups) problems.push(`${rowGroups.size} row groups in parquet_metadata, expected ${groups}`);
    for (const m of metadata.filter((x) => x.path_in_schema === 'id')) {
      const g = Number(m.row_group_id);
      const want = [String(g * GROUP), String(Math.min(ROWS, (g + 1) * GROUP) - 1)];
      if (m.stats_min_value !== want[0] || m.stats_max_value !== want[1]) {
        problems.push(`row group ${g} id: stats ${m.stats_min_value}..${m.stats_max_value}, expected ${want.join('..')}`);
      }
    }
    // 3000 INT64 values are 24 kB PLAIN: with 2 kB pages each chunk has about 12 pages.
    for (const chunk of pageHeaders(file).filter((c) => c.column === 'id')) {
      const values = Math.min(GROUP, ROWS - chunk.rowGroup * GROUP);
      const data = chunk.pages.filter((p) => p.type === 'DATA_PAGE' || p.type === 'DATA_PAGE_V2');
      if (data.length < Math.floor((values * 8) / 2048)) problems.push(`row group ${chunk.rowGroup} id: ${data.length} data pages for ${values} values`);
      const sum = data.reduce((a, p) => a + p.numValues, 0);
      if (sum !== values) problems.push(`row group ${chunk.rowGroup} id: pages hold ${sum} values, expected ${values}`);
    }
    // DuckDB skips row groups by their statistics: a range query reads the right rows.
    const { rows: [[count, sum]] } = await duckdbQuery(
      `SELECT count(*), sum(id) FROM read_parquet('${file}') WHERE id BETWEEN 20000 AND 20999`);
    if (count !== 1000n || sum !== 20499500n) problems.push(`range query: count ${count}, sum ${sum}`);
    assert.equal(problems.length, 0, problems.slice(0, 40).join('\n'));
  });

  test('row groups cut by size (row_group_bytes)', async () => {
    const ROWS = 60000;
    const TARGET = 256 * 1024;
    const columns = [
      { name: 'id', physical: 'INT64', nullable: false, gen: { start: 0, step: 1 } },
      { name: 'text', physical: 'BYTE_ARRAY', logical: 'STRING', nullable: false, gen: { prefix: 'a fairly long text value to fill pages quickly, row ' } },
    ];
    const file = path.join(dir, 'by-size.parquet');
    const stats = writeFixtureOrThrow({
      options: { codec: 'snappy', row_group_bytes: TARGET, dictionary: false },
      columns,
      generate: { rows: ROWS },
    }, file);
    const md = footer(file);
    const problems = [];
    if (md.row_groups.length < 4) problems.push(`${md.row_groups.length} row groups for ~3.5 MB at a 256 kB target`);
    if (stats.row_groups !== md.row_groups.length) problems.push(`writer reports ${stats.row_groups} row groups, footer has ${md.row_groups.length}`);
    const total = md.row_groups.reduce((a, g) => a + Number(g.num_rows), 0);
    if (total !== ROWS) problems.push(`row groups hold ${total} rows`);
    md.row_groups.forEach((g, i) => {
      // A group closes once its encoded size reaches the target: at most about one page more.
      if (Number(g.total_byte_size) > 2 * TARGET) problems.push(`row group ${i}: ${g.total_byte_size} bytes for a ${TARGET}-byte target`);
    });
    const { rows: [[count, sum, last]] } = await duckdbQuery(
      `SELECT count(*), sum(id), max(text) FILTER (WHERE id = ${ROWS - 1}) FROM read_parquet('${file}')`);
    if (count !== BigInt(ROWS) || sum !== BigInt((ROWS * (ROWS - 1)) / 2)) problems.push(`DuckDB reads ${count} rows, sum ${sum}`);
    if (last !== `a fairly long text value to fill pages quickly, row ${ROWS - 1}`) problems.push(`last row ${last}`);
    assert.equal(problems.length, 0, problems.join('\n'));
  });

  test('statistics at the edges: signed zeros, NaN, all NULL', async () => {
    // Row groups of 3 rows (parquet.thrift, Statistics and ColumnOrder): NaN never enters
    // min/max, a zero minimum is written -0.0 and a zero maximum +0.0, a group without a
    // non-NaN value has no min/max, NULLs are counted.
    const columns = [
      { name: 'f', physical: 'FLOAT', nullable: true },
      { name: 'd', physical: 'DOUBLE', nullable: true },
      { name: 's', physical: 'BYTE_ARRAY', logical: 'STRING', nullable: true },
    ];
    const rows = [
      [0, 0, 'b'], [1, 1, 'a'], [2, 2, ''],
      [-1, -1, 'é'], ['-0', '-0', 'e'], ['NaN', 'NaN', null],
      ['NaN', 'NaN', null], ['NaN', 'NaN', null], [null, null, null],
      [null, null, null], [null, null, null], [null, null, null],
    ];
    const want = [
      { min: -0, max: 2, nulls: 0, smin: '', smax: 'b' },
      { min: -1, max: 0, nulls: 0, smin: 'e', smax: 'é', snulls: 1 },
      { min: null, max: null, nulls: 1, smin: null, smax: null, snulls: 3 },
      { min: null, max: null, nulls: 3, smin: null, smax: null, snulls: 3 },
    ];
    const file = path.join(dir, 'edges.parquet');
    writeFixtureOrThrow({ options: { codec: 'none', row_group_rows: 3 }, columns, rows }, file);
    const problems = [];
    footer(file).row_groups.forEach((g, i) => {
      for (const chunk of g.columns) {
        const name = chunk.meta_data.path_in_schema[0];
        const s = chunk.meta_data.statistics ?? {};
        const w = want[i];
        const [min, max, nulls] = name === 's' ? [w.smin, w.smax, w.snulls ?? w.nulls] : [w.min, w.max, w.nulls];
        const got = [s.min_value ?? null, s.max_value ?? null, s.null_count === undefined ? null : Number(s.null_count)];
        if (name === 's' && got[0] !== null) got[0] = typeof got[0] === 'string' ? got[0] : new TextDecoder().decode(got[0]);
        if (name === 's' && got[1] !== null) got[1] = typeof got[1] === 'string' ? got[1] : new TextDecoder().decode(got[1]);
        if (!Object.is(got[0], min) || !Object.is(got[1], max) || got[2] !== nulls) {
          problems.push(`row group ${i} ${name}: min/max/nulls ${got.map(String).join(' / ')}, expected ${[min, max, nulls].map((v) => (Object.is(v, -0) ? '-0' : String(v))).join(' / ')}`);
        }
      }
    });
    const expectedRows = rows.map((r) => [typeOf('float').expect(r[0] ?? 0), typeOf('double').expect(r[1] ?? 0), r[2]]
      .map((v, c) => (r[c] === null ? null : v)));
    problems.push(...await readAllAndCompare(file,
      [{ name: 'f', type: typeOf('float') }, { name: 'd', type: typeOf('double') }, { name: 's', type: typeOf('string') }],
      expectedRows));
    assert.equal(problems.length, 0, problems.join('\n'));
  });

  test('a file without rows', async () => {
    const columns = TYPES.map((t) => ({ name: t.key, nullable: true, ...t.column }));
    const file = path.join(dir, 'empty.parquet');
    const stats = writeFixtureOrThrow({ columns, rows: [] }, file);
    assert.equal(stats.rows, 0);
    const problems = await readAllAndCompare(file, TYPES.map((t) => ({ name: t.key, type: t })), []);
    assert.equal(problems.length, 0, problems.join('\n'));
  });

  test('created_by and key-value metadata', async () => {
    const schemaJson = JSON.stringify({ table: 'public.t', columns: [{ name: 'id', type: 'bigint' }] });
    const file = path.join(dir, 'kv.parquet');
    writeFixtureOrThrow({
      options: { created_by: 'snaplake version 9.8.7 (build abc123)', key_value_metadata: { 'snaplake.source_schema': schemaJson, 'ünïcode key': 'välue 😀' } },
      columns: [{ name: 'id', physical: 'INT64', nullable: false }],
      rows: [['1']],
    }, file);
    const md = footer(file);
    assert.equal(md.created_by, 'snaplake version 9.8.7 (build abc123)');
    assert.deepEqual(
      Object.fromEntries(md.key_value_metadata.map((kv) => [kv.key, kv.value])),
      { 'snaplake.source_schema': schemaJson, 'ünïcode key': 'välue 😀' },
    );
    const { rows } = await duckdbQuery(`SELECT decode(key), decode(value) FROM parquet_kv_metadata('${file}') ORDER BY 1`);
    assert.deepEqual(rows, [['snaplake.source_schema', schemaJson], ['ünïcode key', 'välue 😀']]);

    const plain = path.join(dir, 'default-created-by.parquet');
    writeFixtureOrThrow({ columns: [{ name: 'id', physical: 'INT64' }], rows: [['1']] }, plain);
    // "<application> version <semver> (build <hash>)": the form readers parse (options.h).
    assert.match(footer(plain).created_by, /^snaplake version \d+\.\d+\.\d+ \(build [^)]+\)$/);
  });
});
