// Round trip of snaplake's Parquet writer through three independent readers (issue 2):
// every column type × required/optional × encoding (PLAIN, dictionary, dictionary that outgrows
// its cap and falls back to PLAIN) × codec (none, snappy, gzip, zstd), written by
// parquet_fixture_writer, read back by DuckDB, hyparquet and parquet-wasm (arrow-rs), and the
// values compared with what was written. DuckDB's parquet_metadata()/parquet_schema() must show
// our statistics, encodings, codec, row groups and logical types as we meant them, and hyparquet's
// page-header parser the pages we meant (dictionary page, fallback to PLAIN).
//
// One file per (nullability, encoding, codec) holds every type as a column, so 24 files cover
// the whole matrix; a problem names the file, reader and column.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  duckdbMetadata,
  pageHeaders,
  readDuckDB,
  readHyparquet,
  readParquetWasm,
} from '../harness/readers.mjs';
import { tempDir } from '../harness/servers.mjs';
import { parquetMetadata } from 'hyparquet';
import {
  CODECS,
  columnSpec,
  compareTable,
  duckdbRender,
  expectedStats,
  requireFixtureWriter,
  TYPES,
  writeFixture,
} from './fixtures.mjs';

const ROWS = 400;
const ROW_GROUP_ROWS = 150; // → row groups of 150, 150, 100 rows
const DICTIONARY_CAP = 64; // bytes: every column but BOOLEAN outgrows it within a row group

const ENCODINGS = {
  plain: { dictionary: false },
  dictionary: { dictionary: true },
  fallback: { dictionary: true, dictionary_bytes: DICTIONARY_CAP },
};

const READERS = { duckdb: readDuckDB, hyparquet: readHyparquet, wasm: readParquetWasm };

// Row r of column type t. PLAIN: the type's edge values first, then distinct fillers.
// Dictionary: the edge values, then 16 fillers over and over, so a dictionary pays off (the
// writer may abandon one that does not, see column_writer.cc). Fallback: each row group starts
// with 40 rows of 2 values (the dictionary pays off) and goes on with distinct values until the
// dictionary outgrows its cap; no edge values there (a 1000-byte string would make the
// dictionary useless from the start — the edges are covered by the other two encodings).
// In an optional column some rows are NULL (row 10, and every fifth row from 12 on).
function specValue(type, r, nullable, encoding) {
  if (nullable && (r === 10 || (r >= 12 && r % 5 === 2))) return null;
  if (encoding === 'fallback') {
    const g = Math.floor(r / ROW_GROUP_ROWS);
    const i = r % ROW_GROUP_ROWS;
    return type.filler(i < 40 ? g * ROW_GROUP_ROWS + (i % 2) : r);
  }
  if (r < type.special.length) return type.special[r];
  return type.filler(encoding === 'dictionary' ? r % 16 : r);
}

function buildCase(nullable, encoding, codec) {
  const columns = TYPES.map((t) => columnSpec(t, t.key, nullable));
  const specRows = [];
  const expectedRows = [];
  for (let r = 0; r < ROWS; r++) {
    const row = TYPES.map((t) => specValue(t, r, nullable, encoding));
    specRows.push(row);
    expectedRows.push(row.map((v, c) => (v === null ? null : TYPES[c].expect(v))));
  }
  const spec = {
    options: { codec, row_group_rows: ROW_GROUP_ROWS, ...ENCODINGS[encoding] },
    columns,
    rows: specRows,
  };
  return { spec, expectedRows };
}

function matches(want, got) {
  if (Array.isArray(want)) return want.some((w) => matches(w, got));
  if (want instanceof RegExp) return typeof got === 'string' && want.test(got);
  return want === got;
}

const DICTIONARY_ENCODINGS = new Set(['RLE_DICTIONARY', 'PLAIN_DICTIONARY']);

// Checks what the pages of each column chunk are, against the encoding we asked for.
function checkPages(file, encoding, problems) {
  for (const chunk of pageHeaders(file)) {
    const where = `row group ${chunk.rowGroup} column ${chunk.column}`;
    const dictPages = chunk.pages.filter((p) => p.type === 'DICTIONARY_PAGE');
    const dataPages = chunk.pages.filter((p) => p.type === 'DATA_PAGE' || p.type === 'DATA_PAGE_V2');
    const dictData = dataPages.filter((p) => DICTIONARY_ENCODINGS.has(p.encoding));
    const plainData = dataPages.filter((p) => p.encoding === 'PLAIN');
    const describe = chunk.pages.map((p) => `${p.type}:${p.encoding}`).join(',');
    if (dataPages.length === 0) problems.push(`${where}: no data page (${describe})`);
    if (dictPages.length > 1) problems.push(`${where}: ${dictPages.length} dictionary pages`);
    if (dictPages.length === 1 && chunk.pages[0].type !== 'DICTIONARY_PAGE') {
      problems.push(`${where}: the dictionary page is not first (${describe})`);
    }
    // BOOLEAN has two values: a dictionary never pays off and writers need not use one; its
    // data pages may be PLAIN (bit-packed) or RLE.
    if (chunk.column === 'bool') {
      if (dataPages.some((p) => !['PLAIN', 'RLE', ...DICTIONARY_ENCODINGS].includes(p.encoding))) {
        problems.push(`${where}: unexpected boolean encoding (${describe})`);
      }
      continue;
    }
    if (encoding === 'plain') {
      if (dictPages.length || plainData.length !== dataPages.length) {
        problems.push(`${where}: dictionary off but pages are ${describe}`);
      }
    } else if (encoding === 'dictionary') {
      if (dictPages.length !== 1 || dictData.length !== dataPages.length) {
        problems.push(`${where}: expected a dictionary page and dictionary-encoded data pages, got ${describe}`);
      }
    } else if (encoding === 'fallback') {
      // options.h: a column whose dictionary outgrows dictionary_bytes "falls back to PLAIN for
      // the rest of the row group": a dictionary page, dictionary pages of data, then PLAIN.
      const firstPlain = dataPages.findIndex((p) => p.encoding === 'PLAIN');
      const lastDict = dataPages.findLastIndex((p) => DICTIONARY_ENCODINGS.has(p.encoding));
      if (dictPages.length !== 1 || dictData.length === 0 || plainData.length === 0 || lastDict > firstPlain
          || dictData.length + plainData.length !== dataPages.length) {
        problems.push(`${where}: expected dictionary pages falling back to PLAIN, got ${describe}`);
      }
    }
  }
}

// Statistics, encodings, codec and row groups in DuckDB's parquet_metadata().
async function checkMetadata(metadata, codec, encoding, expectedRows, nullable, problems) {
  const groups = [...new Set(metadata.map((m) => Number(m.row_group_id)))].sort((a, b) => a - b);
  const wantGroups = Math.ceil(ROWS / ROW_GROUP_ROWS);
  if (groups.length !== wantGroups) problems.push(`${groups.length} row groups, expected ${wantGroups}`);
  const pending = [];
  for (const m of metadata) {
    const g = Number(m.row_group_id);
    const c = TYPES.findIndex((t) => t.key === m.path_in_schema);
    const type = TYPES[c];
    const where = `row group ${g} column ${m.path_in_schema}`;
    if (!type) { problems.push(`${where}: unknown column`); continue; }
    const first = g * ROW_GROUP_ROWS;
    const values = expectedRows.slice(first, first + ROW_GROUP_ROWS).map((row) => row[c]);
    if (Number(m.row_group_num_rows) !== values.length) {
      problems.push(`${where}: row_group_num_rows ${m.row_group_num_rows}, expected ${values.length}`);
    }
    if (Number(m.num_values) !== values.length) {
      problems.push(`${where}: num_values ${m.num_values}, expected ${values.length}`);
    }
    if (m.compression !== CODECS[codec]) problems.push(`${where}: compression ${m.compression}, expected ${CODECS[codec]}`);
    const encodings = m.encodings.split(',').map((e) => e.trim());
    const hasDict = encodings.some((e) => DICTIONARY_ENCODINGS.has(e));
    if (type.key !== 'bool') {
      if (encoding === 'plain' && (hasDict || m.dictionary_page_offset !== null)) {
        problems.push(`${where}: dictionary off but encodings ${m.encodings}, dictionary_page_offset ${m.dictionary_page_offset}`);
      }
      if (encoding !== 'plain' && (!hasDict || m.dictionary_page_offset === null)) {
        problems.push(`${where}: dictionary on but encodings ${m.encodings}, dictionary_page_offset ${m.dictionary_page_offset}`);
      }
      if (encoding === 'fallback' && !encodings.includes('PLAIN')) {
        problems.push(`${where}: fallback to PLAIN not listed in encodings ${m.encodings}`);
      }
    }
    const stats = expectedStats(type, values);
    // Optional columns must count their NULLs; a required column has none to count.
    if (m.stats_null_count === null || Number(m.stats_null_count) !== stats.nulls) {
      problems.push(`${where}: stats_null_count ${m.stats_null_count}, expected ${stats.nulls}${nullable ? '' : ' (required)'}`);
    }
    pending.push({ where, type, m, stats });
  }
  // Render every expected min/max the way DuckDB renders statistics, in one query. DuckDB's
  // reader drops an infinite FLOAT/DOUBLE statistic (it renders as NULL); checkFloatFooter()
  // checks those values in the footer itself.
  const shown = (type, v) => ((type.key === 'float' || type.key === 'double') && Math.abs(v) === Infinity ? null : v);
  const items = pending.flatMap(({ type, stats }) => [
    { type, value: shown(type, stats.min) },
    { type, value: shown(type, stats.max) },
  ]);
  const rendered = await duckdbRender(items);
  pending.forEach(({ where, type, m }, i) => {
    const [min, max] = [rendered[2 * i], rendered[2 * i + 1]];
    if (m.stats_min_value !== min) problems.push(`${where}: stats_min_value ${JSON.stringify(m.stats_min_value)}, expected ${JSON.stringify(min)}`);
    if (m.stats_max_value !== max) problems.push(`${where}: stats_max_value ${JSON.stringify(m.stats_max_value)}, expected ${JSON.stringify(max)}`);
    // The deprecated min/max fields, where a writer still fills them, are only meaningful for
    // signed orders (parquet.thrift, Statistics): they must then agree.
    const signed = ['bool', 'int32', 'int16', 'int64', 'float', 'double', 'date', 'time', 'ts', 'tstz'].includes(type.key);
    if (signed && m.stats_min !== null && m.stats_min !== min) problems.push(`${where}: legacy stats_min ${m.stats_min}, expected ${min}`);
    if (signed && m.stats_max !== null && m.stats_max !== max) problems.push(`${where}: legacy stats_max ${m.stats_max}, expected ${max}`);
  });
}

// FLOAT/DOUBLE statistics as hyparquet decodes the footer: NaN excluded, infinities kept, a zero
// minimum written as -0.0 and a zero maximum as +0.0.
function checkFloatFooter(file, expectedRows, problems) {
  const buf = readFileSync(file);
  const md = parquetMetadata(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  md.row_groups.forEach((rowGroup, g) => {
    for (const chunk of rowGroup.columns) {
      const key = chunk.meta_data.path_in_schema[0];
      if (key !== 'float' && key !== 'double') continue;
      const c = TYPES.findIndex((t) => t.key === key);
      const first = g * ROW_GROUP_ROWS;
      const want = expectedStats(TYPES[c], expectedRows.slice(first, first + ROW_GROUP_ROWS).map((row) => row[c]));
      const got = chunk.meta_data.statistics ?? {};
      const where = `footer row group ${g} column ${key}`;
      if (!Object.is(got.min_value ?? null, want.min)) problems.push(`${where}: min_value ${got.min_value}, expected ${want.min}`);
      if (!Object.is(got.max_value ?? null, want.max)) problems.push(`${where}: max_value ${got.max_value}, expected ${want.max}`);
    }
  });
}

function checkSchema(schema, nullable, problems) {
  const leaves = schema.filter((s) => s.num_children === null);
  if (leaves.length !== TYPES.length) problems.push(`parquet_schema has ${leaves.length} leaves, expected ${TYPES.length}`);
  for (const type of TYPES) {
    const s = leaves.find((l) => l.name === type.key);
    if (!s) { problems.push(`parquet_schema: no column ${type.key}`); continue; }
    const where = `schema of ${type.key}`;
    if (s.type !== type.column.physical) problems.push(`${where}: physical ${s.type}, expected ${type.column.physical}`);
    const repetition = nullable ? 'OPTIONAL' : 'REQUIRED';
    if (s.repetition_type !== repetition) problems.push(`${where}: repetition ${s.repetition_type}, expected ${repetition}`);
    if (type.column.type_length && Number(s.type_length) !== type.column.type_length) {
      problems.push(`${where}: type_length ${s.type_length}, expected ${type.column.type_length}`);
    }
    if (!matches(type.schema.converted, s.converted_type)) problems.push(`${where}: converted_type ${s.converted_type}, expected ${type.schema.converted}`);
    if (!matches(type.schema.logical, s.logical_type)) problems.push(`${where}: logical_type ${s.logical_type}, expected ${type.schema.logical}`);
    if (s.duckdb_type !== type.schema.duckdb) problems.push(`${where}: DuckDB reads it as ${s.duckdb_type}, expected ${type.schema.duckdb}`);
    if (type.column.logical === 'DECIMAL') {
      if (Number(s.precision) !== type.column.precision || Number(s.scale) !== type.column.scale) {
        problems.push(`${where}: precision/scale ${s.precision}/${s.scale}, expected ${type.column.precision}/${type.column.scale}`);
      }
    }
  }
}

function describeFailure(r) {
  return `status ${r.status}${r.signal ? ` (${r.signal})` : ''}: ${r.stderr.trim() || 'no message'}`;
}

// When a file with every type fails, write each column alone to name the ones that fail.
function culprits(spec, file) {
  const out = [];
  spec.columns.forEach((column, c) => {
    const r = writeFixture({ ...spec, columns: [column], rows: spec.rows.map((row) => [row[c]]) }, `${file}.${column.name}`);
    if (r.status !== 0) out.push(`column ${column.name} alone: ${describeFailure(r)}`);
  });
  return out.length ? out : ['every column alone is written fine'];
}

describe('parquet writer round trip: type × nullability × encoding × codec', () => {
  let dir;
  before(() => {
    requireFixtureWriter();
    dir = tempDir('parquet-roundtrip-');
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  for (const nullable of [false, true]) {
    for (const encoding of Object.keys(ENCODINGS)) {
      for (const codec of Object.keys(CODECS)) {
        const name = `${nullable ? 'optional' : 'required'} ${encoding} ${codec}`;
        test(name, async () => {
          const { spec, expectedRows } = buildCase(nullable, encoding, codec);
          const file = path.join(dir, `${name.replaceAll(' ', '-')}.parquet`);
          const written = writeFixture(spec, file);
          if (written.status !== 0) assert.fail(`${name}: the writer failed: ${describeFailure(written)}\n  ${culprits(spec, file).join('\n  ')}`);
          const { stats } = written;
          assert.ok(existsSync(file));
          const problems = [];
          if (stats.rows !== ROWS) problems.push(`writer reports ${stats.rows} rows`);
          if (stats.row_groups !== Math.ceil(ROWS / ROW_GROUP_ROWS)) problems.push(`writer reports ${stats.row_groups} row groups`);
          const expectedColumns = TYPES.map((t) => ({ name: t.key, type: t }));
          for (const [reader, read] of Object.entries(READERS)) {
            let actual;
            try {
              actual = await read(file);
            } catch (e) {
              problems.push(`${reader}: cannot read the file: ${e.message}`);
              continue;
            }
            problems.push(...compareTable(reader, expectedColumns, expectedRows, actual));
          }
          const { metadata, schema } = await duckdbMetadata(file);
          await checkMetadata(metadata, codec, encoding, expectedRows, nullable, problems);
          checkSchema(schema, nullable, problems);
          checkFloatFooter(file, expectedRows, problems);
          try {
            checkPages(file, encoding, problems);
          } catch (e) {
            problems.push(`page headers: ${e.message}`);
          }
          const shown = problems.length > 40 ? [...problems.slice(0, 40), `… and ${problems.length - 40} more`] : problems;
          assert.equal(problems.length, 0, `${name}:\n  ${shown.join('\n  ')}`);
        });
      }
    }
  }
});
