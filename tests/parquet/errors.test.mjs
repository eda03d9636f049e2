// A value that does not fit its column is a clear error naming the column, and never a file
// (file_writer.h): parquet_fixture_writer exits 1 with the writer's message, and neither the
// output nor its temporary remains — also when row groups had already been written.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { tempDir } from '../harness/servers.mjs';
import { decimalByteWidth, requireFixtureWriter, writeFixture } from './fixtures.mjs';

const CASES = [
  {
    name: 'DECIMAL(5,2) on INT32 given 1000.00 (6 digits)',
    column: { name: 'amount_small', physical: 'INT32', logical: 'DECIMAL', precision: 5, scale: 2 },
    bad: '1000.00',
    good: '999.99',
  },
  {
    name: 'DECIMAL(18,2) on INT64 given -10^16 (19 digits)',
    column: { name: 'amount_big', physical: 'INT64', logical: 'DECIMAL', precision: 18, scale: 2 },
    bad: '-10000000000000000.00',
    good: '-9999999999999999.99',
  },
  {
    name: 'DECIMAL(38,0) on FIXED_LEN_BYTE_ARRAY given 10^38 (39 digits)',
    column: { name: 'huge', physical: 'FIXED_LEN_BYTE_ARRAY', logical: 'DECIMAL', precision: 38, scale: 0, type_length: decimalByteWidth(38) },
    bad: '100000000000000000000000000000000000000',
    good: '99999999999999999999999999999999999999',
  },
  {
    name: 'DECIMAL(4,1) on a 2-byte FIXED_LEN_BYTE_ARRAY given -1000.0',
    column: { name: 'narrow', physical: 'FIXED_LEN_BYTE_ARRAY', logical: 'DECIMAL', precision: 4, scale: 1, type_length: decimalByteWidth(4) },
    bad: '-1000.0',
    good: '-999.9',
  },
  {
    name: 'UUID given 15 bytes',
    column: { name: 'id_uuid', physical: 'FIXED_LEN_BYTE_ARRAY', logical: 'UUID', type_length: 16 },
    bad: { hex: '00112233445566778899aabbccddee' },
    good: '00112233-4455-6677-8899-aabbccddeeff',
  },
  {
    name: 'UUID given 17 bytes',
    column: { name: 'other_uuid', physical: 'FIXED_LEN_BYTE_ARRAY', logical: 'UUID', type_length: 16 },
    bad: { hex: '00112233445566778899aabbccddeeff00' },
    good: '00112233-4455-6677-8899-aabbccddeeff',
  },
  {
    name: 'FIXED_LEN_BYTE_ARRAY(4) given 5 bytes',
    column: { name: 'four_bytes', physical: 'FIXED_LEN_BYTE_ARRAY', type_length: 4 },
    bad: '0011223344',
    good: '00112233',
  },
  {
    name: 'NULL in a REQUIRED INT64 column',
    column: { name: 'must_have', physical: 'INT64', nullable: false },
    bad: null,
    good: '1',
  },
  {
    name: 'NULL in a REQUIRED STRING column',
    column: { name: 'label', physical: 'BYTE_ARRAY', logical: 'STRING', nullable: false },
    bad: null,
    good: 'x',
  },
];

// Leftovers of an aborted write: the output or any temporary next to it.
function leftovers(dir, out) {
  return readdirSync(dir).filter((f) => f.startsWith(path.basename(out)));
}

describe('parquet writer: values that do not fit their column', () => {
  let dir;
  before(() => {
    requireFixtureWriter();
    dir = tempDir('parquet-errors-');
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  for (const c of CASES) {
    const columns = [{ name: 'id', physical: 'INT32', nullable: false }, { nullable: true, ...c.column }];

    test(`${c.name}: first row`, () => {
      const out = path.join(dir, `${c.column.name}-first.parquet`);
      const r = writeFixture({ columns, rows: [[1, c.bad]] }, out);
      assert.equal(r.status, 1, `writer accepted it (status ${r.status}); stderr: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`'?${c.column.name}'?`), `message names the column: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
      assert.deepEqual(leftovers(dir, out), [], 'no file and no temporary remain');
    });

    test(`${c.name}: after row groups were written`, () => {
      const out = path.join(dir, `${c.column.name}-late.parquet`);
      const rows = Array.from({ length: 50 }, (_, i) => [i, c.good]);
      rows.push([50, c.bad]);
      const r = writeFixture({ options: { row_group_rows: 7, codec: 'zstd' }, columns, rows }, out);
      assert.equal(r.status, 1, `writer accepted it (status ${r.status}); stderr: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(c.column.name), `message names the column: ${r.stderr}`);
      assert.deepEqual(leftovers(dir, out), [], 'no file and no temporary remain');
    });

    test(`${c.name}: the good value is accepted`, () => {
      const out = path.join(dir, `${c.column.name}-good.parquet`);
      const r = writeFixture({ columns, rows: [[1, c.good]] }, out);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(existsSync(out));
    });
  }

  // Column settings that cannot fit together are rejected before any value (schema.h validate).
  const SCHEMAS = [
    { name: 'DECIMAL(10) on INT32', column: { name: 'too_wide_i32', physical: 'INT32', logical: 'DECIMAL', precision: 10, scale: 0 } },
    { name: 'DECIMAL(19) on INT64', column: { name: 'too_wide_i64', physical: 'INT64', logical: 'DECIMAL', precision: 19, scale: 0 } },
    { name: 'DECIMAL(39)', column: { name: 'p39', physical: 'FIXED_LEN_BYTE_ARRAY', logical: 'DECIMAL', precision: 39, scale: 0, type_length: 17 } },
    { name: 'DECIMAL scale > precision', column: { name: 'bad_scale', physical: 'INT64', logical: 'DECIMAL', precision: 5, scale: 6 } },
    { name: 'DECIMAL(20) in 8 bytes', column: { name: 'short_flba', physical: 'FIXED_LEN_BYTE_ARRAY', logical: 'DECIMAL', precision: 20, scale: 0, type_length: 8 } },
    { name: 'UUID 8 bytes wide', column: { name: 'short_uuid', physical: 'FIXED_LEN_BYTE_ARRAY', logical: 'UUID', type_length: 8 } },
    { name: 'STRING on INT32', column: { name: 'int_string', physical: 'INT32', logical: 'STRING' } },
    { name: 'DATE on INT64', column: { name: 'long_date', physical: 'INT64', logical: 'DATE' } },
  ];
  for (const s of SCHEMAS) {
    test(`schema rejected: ${s.name}`, () => {
      const out = path.join(dir, `${s.column.name}.parquet`);
      const r = writeFixture({ columns: [s.column], rows: [] }, out);
      assert.equal(r.status, 1, `writer accepted it (status ${r.status}); stderr: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(s.column.name), `message names the column: ${r.stderr}`);
      assert.deepEqual(leftovers(dir, out), [], 'no file and no temporary remain');
    });
  }
});
