// Shared pieces of the Parquet writer's verification: running parquet_fixture_writer, the
// catalogue of column types with their interesting values, the order each type's statistics use,
// and the comparison of what a reader returned with what was written. Values follow the
// normalization of tests/harness/readers.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import { decimalString, duckdbQuery, hex, uuidFromBytes } from '../harness/readers.mjs';
import { root, snaplakeBin } from '../harness/servers.mjs';

// The fixture writer sits in the same build tree as the snaplake binary.
export const fixtureWriterPath = process.env.SNAPLAKE_PARQUET_FIXTURE_WRITER
  ?? path.join(path.dirname(snaplakeBin), 'tests/parquet/parquet_fixture_writer');

export function requireFixtureWriter() {
  if (!existsSync(fixtureWriterPath)) {
    throw new Error(`parquet_fixture_writer not found at ${fixtureWriterPath}: build the target `
      + `parquet_fixture_writer (cmake --build <build> --target parquet_fixture_writer) or set `
      + `SNAPLAKE_PARQUET_FIXTURE_WRITER (root ${root})`);
  }
}

// Writes `spec` to `out`; returns { status, stdout, stderr, stats }.
export function writeFixture(spec, out) {
  const r = spawnSync(fixtureWriterPath, ['-', out], {
    input: JSON.stringify(spec),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.error) throw r.error;
  let stats;
  if (r.status === 0) stats = JSON.parse(r.stdout);
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, stats };
}

export function writeFixtureOrThrow(spec, out) {
  const r = writeFixture(spec, out);
  if (r.status !== 0) {
    throw new Error(`parquet_fixture_writer failed (status ${r.status}${r.signal ? `, ${r.signal}` : ''}) `
      + `for ${out}: ${r.stderr.trim()}`);
  }
  return r.stats;
}

// Smallest FIXED_LEN_BYTE_ARRAY width that holds DECIMAL(p): 10^p - 1 <= 2^(8n-1) - 1.
export function decimalByteWidth(precision) {
  for (let n = 1; n <= 16; n++) if (10n ** BigInt(precision) <= 1n << BigInt(8 * n - 1)) return n;
  throw new Error(`precision ${precision} too large`);
}

// "-1.5" at scale 2 → -150n
export function unscaled(text, scale) {
  const m = /^([-+]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m) throw new Error(`not a decimal: ${text}`);
  const fraction = (m[3] ?? '').padEnd(scale, '0');
  if (fraction.length > scale) throw new Error(`too many fraction digits: ${text}`);
  const v = BigInt(`${m[2] || '0'}${fraction}` || '0');
  return m[1] === '-' ? -v : v;
}

function floatFromSpec(v) {
  if (typeof v === 'number') return v;
  return { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 }[v];
}

function bytesFromHex(h) {
  return new Uint8Array(Buffer.from(h.replaceAll('-', ''), 'hex'));
}

// Unsigned lexicographic byte order (Parquet's order for BYTE_ARRAY, FLBA, STRING, UUID).
function compareBytes(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
const utf8 = new TextEncoder();
const numeric = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

// The column types under test. Each has:
//   column     the spec's column (without name/nullable)
//   type       the canonical type (readers.mjs) that every reader should report…
//   readers    …except where a reader cannot represent it: { reader: { type, adapt } }, where
//              adapt(actual) turns that reader's value into the canonical one (documented there)
//   special    values in spec form that hit the edges; filler(r) a distinct value for row r
//   expect(v)  spec value → normalized value
//   order      comparison for min/max in the type's Parquet sort order (NaN excluded elsewhere)
//   statSql(v) SQL that renders a normalized value the way DuckDB renders its statistics
//              (parquet_metadata casts the decoded statistic to the column type, then VARCHAR)
//   schema     what parquet_schema() must report: converted type, logical type (regex), DuckDB type
const int = (v) => v;
const big = (v) => BigInt(v);
const sqlStr = (s) => `'${String(s).replaceAll("'", "''")}'`;
const floatSql = (cast) => (v) => {
  const text = Object.is(v, -0) ? '-0.0' : Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v);
  return `${sqlStr(text)}::${cast}`;
};

function decimalType(name, physical, precision, scale, special, fillerUnscaled) {
  const width = physical === 'FIXED_LEN_BYTE_ARRAY' ? decimalByteWidth(precision) : undefined;
  return {
    key: name,
    column: { physical, logical: 'DECIMAL', precision, scale, ...(width ? { type_length: width } : {}) },
    type: `DECIMAL(${precision},${scale})`,
    special,
    filler: (r) => decimalString(fillerUnscaled(r), scale),
    expect: (v) => decimalString(unscaled(v, scale), scale),
    order: (a, b) => numeric(unscaled(a, scale), unscaled(b, scale)),
    statSql: (v) => `${sqlStr(v)}::DECIMAL(${precision},${scale})`,
    schema: {
      converted: 'DECIMAL',
      logical: new RegExp(`^DecimalType\\(scale=${scale}, precision=${precision}\\)`),
      duckdb: `DECIMAL(${precision},${scale})`,
    },
  };
}

function timestampType(key, utc) {
  return {
    key,
    column: { physical: 'INT64', logical: 'TIMESTAMP', utc_adjusted: utc },
    type: utc ? 'TIMESTAMPTZ' : 'TIMESTAMP',
    special: ['0', '-1', '1', '-62135596800000000', '253402300799999999', '-2208988800000000', '-86399999999'],
    filler: (r) => String(BigInt(r - 200) * 7776000000001n + (utc ? 17n : 0n)),
    expect: big,
    order: numeric,
    statSql: (v) => `make_timestamp((${v})::BIGINT)${utc ? '::TIMESTAMPTZ' : ''}`,
    schema: {
      // TIMESTAMP_MICROS is the legacy annotation of UTC-adjusted timestamps only
      // (LogicalTypes.md, "Timestamp"); for local timestamps writers differ, so either is fine.
      converted: utc ? 'TIMESTAMP_MICROS' : [null, 'TIMESTAMP_MICROS'],
      logical: new RegExp(`^TimestampType\\(isAdjustedToUTC=${utc ? 1 : 0}, unit=TimeUnit\\(MILLIS=<null>, MICROS=MicroSeconds\\(\\)`),
      duckdb: utc ? 'TIMESTAMP WITH TIME ZONE' : 'TIMESTAMP',
    },
  };
}

export const TYPES = [
  {
    key: 'bool',
    column: { physical: 'BOOLEAN' },
    type: 'BOOLEAN',
    special: [true, false],
    filler: (r) => r % 3 === 0,
    expect: int,
    order: (a, b) => Number(a) - Number(b),
    statSql: (v) => `${v}`,
    schema: { converted: null, logical: null, duckdb: 'BOOLEAN' },
  },
  {
    key: 'int32',
    column: { physical: 'INT32' },
    type: 'INT32',
    special: [-2147483648, 2147483647, 0, -1],
    filler: (r) => r * 104729 - 20000000,
    expect: int,
    order: numeric,
    statSql: (v) => `(${v})::INTEGER`,
    // INT_32 is optional for a plain INT32 (the physical type says it all).
    schema: { converted: [null, 'INT_32'], logical: [null, /^IntType\(bitWidth=(32|\x20), isSigned=1\)/], duckdb: 'INTEGER' },
  },
  {
    key: 'int16',
    column: { physical: 'INT32', logical: 'INT16' },
    type: 'INT16',
    special: [-32768, 32767, 0],
    filler: (r) => r * 73 - 15000,
    expect: int,
    order: numeric,
    statSql: (v) => `(${v})::SMALLINT`,
    // DuckDB prints the Thrift i8 bitWidth as a character (16 → '\x10').
    schema: { converted: 'INT_16', logical: /^IntType\(bitWidth=(16|\x10), isSigned=1\)/, duckdb: 'SMALLINT' },
  },
  {
    key: 'int64',
    column: { physical: 'INT64' },
    type: 'INT64',
    special: ['-9223372036854775808', '9223372036854775807', '0', '-1'],
    filler: (r) => String(BigInt(r) * 12345678910111n - 2000000000000000n),
    expect: big,
    order: numeric,
    statSql: (v) => `(${v})::BIGINT`,
    schema: { converted: [null, 'INT_64'], logical: [null, /^IntType\(bitWidth=(64|\x40), isSigned=1\)/], duckdb: 'BIGINT' },
  },
  {
    key: 'float',
    column: { physical: 'FLOAT' },
    type: 'FLOAT',
    special: ['-0', 0, 'NaN', 'Infinity', '-Infinity', 3.4028234663852886e38, 1.401298464324817e-45, -1.5],
    filler: (r) => Math.fround((r - 200) * 0.375),
    expect: (v) => Math.fround(floatFromSpec(v)),
    order: numeric,
    statSql: floatSql('FLOAT'),
    schema: { converted: null, logical: null, duckdb: 'FLOAT' },
  },
  {
    key: 'double',
    column: { physical: 'DOUBLE' },
    type: 'DOUBLE',
    special: ['-0', 0, 'NaN', 'Infinity', '-Infinity', 1.7976931348623157e308, 5e-324, -2.5],
    filler: (r) => (r - 200) * 1.0625e10 + 0.5,
    expect: floatFromSpec,
    order: numeric,
    statSql: floatSql('DOUBLE'),
    schema: { converted: null, logical: null, duckdb: 'DOUBLE' },
  },
  {
    key: 'binary',
    column: { physical: 'BYTE_ARRAY' },
    type: 'BINARY',
    special: ['', '00', 'ffffffff', '00ff00ff'],
    filler: (r) => `${r.toString(16).padStart(6, '0')}ff`,
    expect: bytesFromHex,
    order: compareBytes,
    statSql: (v) => `from_hex(${sqlStr(hex(v))})`,
    schema: { converted: null, logical: null, duckdb: 'BLOB' },
  },
  {
    // FIXED_LEN_BYTE_ARRAY without annotation; width 4 (and the decimal of width 8 below) is
    // word-sized, which a writer may special-case.
    key: 'flba4',
    column: { physical: 'FIXED_LEN_BYTE_ARRAY', type_length: 4 },
    type: 'BINARY',
    readers: {
      // arrow-rs reads an unannotated FIXED_LEN_BYTE_ARRAY as FixedSizeBinary(4): same bytes.
      wasm: { type: 'FIXED_LEN_BINARY(4)' },
    },
    special: ['00000000', 'ffffffff', '7fffffff', '80000000'],
    filler: (r) => (r * 2654435761 % 4294967296).toString(16).padStart(8, '0'),
    expect: bytesFromHex,
    order: compareBytes,
    statSql: (v) => `from_hex(${sqlStr(hex(v))})`,
    schema: { converted: null, logical: null, duckdb: 'BLOB' },
  },
  {
    key: 'string',
    column: { physical: 'BYTE_ARRAY', logical: 'STRING' },
    type: 'STRING',
    special: ['', 'a', 'ü', '😀𝄞', '日本語テキスト', 'line\nbreak\ttab', '\'quote"', 'A'.repeat(1000)],
    filler: (r) => `s${r}-ñ-😀`,
    expect: int,
    order: (a, b) => compareBytes(utf8.encode(a), utf8.encode(b)),
    statSql: (v) => sqlStr(v),
    schema: { converted: 'UTF8', logical: [null, /^StringType\(\)/], duckdb: 'VARCHAR' },
  },
  {
    key: 'json',
    column: { physical: 'BYTE_ARRAY', logical: 'JSON' },
    type: 'JSON',
    readers: {
      // arrow-rs (parquet-wasm 0.8) reads JSON as plain Utf8 without the arrow.json extension.
      wasm: { type: 'STRING' },
    },
    special: ['{}', '[1,2,3]', '{"emoji":"😀","nested":{"a":[null,true]}}', '""'],
    filler: (r) => `{"r":${r},"t":"ü"}`,
    expect: int,
    order: (a, b) => compareBytes(utf8.encode(a), utf8.encode(b)),
    statSql: (v) => sqlStr(v),
    schema: { converted: 'JSON', logical: /^JsonType\(\)/, duckdb: 'JSON' },
  },
  {
    key: 'enum',
    column: { physical: 'BYTE_ARRAY', logical: 'ENUM' },
    type: 'ENUM',
    readers: {
      // DuckDB reads an ENUM-annotated BYTE_ARRAY as VARCHAR (its ENUM needs the value list,
      // which Parquet does not carry).
      duckdb: { type: 'STRING' },
      // arrow-rs has no enum type and reads an ENUM column as Binary: compare its bytes as UTF-8.
      wasm: { type: 'BINARY', adapt: (v) => (v === null ? null : new TextDecoder('utf-8', { fatal: true }).decode(v)) },
    },
    special: ['', 'red', 'grün'],
    filler: (r) => `v${r}`,
    expect: int,
    order: (a, b) => compareBytes(utf8.encode(a), utf8.encode(b)),
    statSql: (v) => sqlStr(v),
    schema: { converted: 'ENUM', logical: /^EnumType\(\)/, duckdb: 'VARCHAR' },
  },
  {
    key: 'uuid',
    column: { physical: 'FIXED_LEN_BYTE_ARRAY', logical: 'UUID', type_length: 16 },
    type: 'UUID',
    readers: {
      // arrow-rs (parquet-wasm 0.8) reads UUID as FixedSizeBinary(16) without the arrow.uuid
      // extension: compare its 16 bytes rendered as a UUID.
      wasm: { type: 'FIXED_LEN_BINARY(16)', adapt: (v) => (v === null ? null : uuidFromBytes(v)) },
    },
    special: ['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '123e4567-e89b-12d3-a456-426614174000'],
    filler: (r) => `00000000-0000-4000-8000-${r.toString(16).padStart(12, '0')}`,
    expect: (v) => v.toLowerCase(),
    order: (a, b) => numeric(a, b), // lowercase hex text sorts like its bytes, unsigned
    statSql: (v) => sqlStr(v),
    // UUID has no converted type (LogicalTypes.md).
    schema: { converted: null, logical: /^UUIDType\(\)/, duckdb: 'UUID' },
  },
  decimalType('dec_i32', 'INT32', 9, 2, ['9999999.99', '-9999999.99', '0.00', '-0.01', '0.10'],
    (r) => BigInt(r - 200) * 1234567n),
  decimalType('dec_i64', 'INT64', 18, 4, ['99999999999999.9999', '-99999999999999.9999', '0.0000', '-0.0001'],
    (r) => BigInt(r - 200) * 1234567890123n),
  decimalType('dec_38_10', 'FIXED_LEN_BYTE_ARRAY', 38, 10,
    ['9999999999999999999999999999.9999999999', '-9999999999999999999999999999.9999999999', '0.0000000000', '-0.0000000001'],
    (r) => BigInt(r - 200) * 10n ** 35n + 123n),
  decimalType('dec_38_0', 'FIXED_LEN_BYTE_ARRAY', 38, 0,
    ['99999999999999999999999999999999999999', '-99999999999999999999999999999999999999', '0', '-1', '1'],
    (r) => BigInt(r - 200) * 10n ** 35n - 5n),
  decimalType('dec_20_3', 'FIXED_LEN_BYTE_ARRAY', 20, 3, ['99999999999999999.999', '-99999999999999999.999', '0.000'],
    (r) => BigInt(r - 200) * 10n ** 17n + 7n),
  decimalType('dec_18_3_flba', 'FIXED_LEN_BYTE_ARRAY', 18, 3, ['999999999999999.999', '-999999999999999.999', '0.000', '0.001'],
    (r) => BigInt(r - 200) * 4000000000000001n),
  decimalType('dec_5_2_flba', 'FIXED_LEN_BYTE_ARRAY', 5, 2, ['999.99', '-999.99', '0.00', '-0.01'],
    (r) => BigInt((r - 200) * 97)),
  {
    key: 'date',
    column: { physical: 'INT32', logical: 'DATE' },
    type: 'DATE',
    // 1970-01-01, 1969-12-31, 0001-01-01, 9999-12-31, 1900-01-01
    special: [0, -1, -719162, 2932896, -25567],
    filler: (r) => r * 53 - 10000,
    expect: int,
    order: numeric,
    statSql: (v) => `(DATE '1970-01-01' + (${v}))`,
    schema: { converted: 'DATE', logical: [null, /^DateType\(\)/], duckdb: 'DATE' },
  },
  {
    key: 'time',
    column: { physical: 'INT64', logical: 'TIME' },
    type: 'TIME',
    special: ['0', '86399999999', '1'],
    filler: (r) => String((BigInt(r) * 215999999n) % 86400000000n),
    expect: big,
    order: numeric,
    statSql: (v) => `(TIME '00:00:00' + to_microseconds((${v})::BIGINT))`,
    schema: {
      converted: 'TIME_MICROS',
      logical: /^TimeType\(isAdjustedToUTC=0, unit=TimeUnit\(MILLIS=<null>, MICROS=MicroSeconds\(\)/,
      duckdb: 'TIME',
    },
  },
  timestampType('ts', false),
  timestampType('tstz', true),
];

export const CODECS = {
  none: 'UNCOMPRESSED',
  snappy: 'SNAPPY',
  gzip: 'GZIP',
  zstd: 'ZSTD',
};

// A column spec for a catalogue type.
export function columnSpec(type, name, nullable) {
  return { name, nullable, ...type.column };
}

// The canonical type each reader should report for a catalogue type, and how to adapt its values.
export function readerExpectation(type, reader) {
  const special = type.readers?.[reader];
  return { type: special?.type ?? type.type, adapt: special?.adapt ?? ((v) => v) };
}

// Compares a reader's { columns, rows } with the expected columns ({ name, type: catalogue type })
// and rows (normalized). Returns a list of human-readable problems (empty when equal).
export function compareTable(reader, expectedColumns, expectedRows, actual) {
  const problems = [];
  const names = actual.columns.map((c) => c.name);
  const wantNames = expectedColumns.map((c) => c.name);
  if (!isDeepStrictEqual(names, wantNames)) {
    problems.push(`${reader}: columns ${JSON.stringify(names)}, expected ${JSON.stringify(wantNames)}`);
    return problems;
  }
  if (actual.rows.length !== expectedRows.length) {
    problems.push(`${reader}: ${actual.rows.length} rows, expected ${expectedRows.length}`);
    return problems;
  }
  expectedColumns.forEach((col, c) => {
    const want = readerExpectation(col.type, reader);
    if (actual.columns[c].type !== want.type) {
      problems.push(`${reader}: column ${col.name} has type ${actual.columns[c].type} `
        + `(${actual.columns[c].readerType}), expected ${want.type}`);
      return;
    }
    let mismatches = 0;
    const examples = [];
    for (let r = 0; r < expectedRows.length; r++) {
      const got = want.adapt(actual.rows[r][c]);
      const exp = expectedRows[r][c];
      if (!isDeepStrictEqual(got, exp)) {
        mismatches++;
        if (examples.length < 3) examples.push(`row ${r}: got ${show(got)}, expected ${show(exp)}`);
      }
    }
    if (mismatches) problems.push(`${reader}: column ${col.name}: ${mismatches} values differ; ${examples.join('; ')}`);
  });
  return problems;
}

export function show(v) {
  if (v instanceof Uint8Array) return `bytes[${v.length}] ${hex(v.subarray(0, 24))}${v.length > 24 ? '…' : ''}`;
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…(${v.length} chars)` : v);
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

// Expected statistics of one column over `values` (normalized, null = NULL), in the type's sort
// order: NaN never counts (parquet.thrift, ColumnOrder); a zero minimum is -0.0 and a zero
// maximum +0.0 (parquet.thrift, "TypeDefinedOrder" notes for floating point).
export function expectedStats(type, values) {
  let min;
  let max;
  let nulls = 0;
  for (const v of values) {
    if (v === null) { nulls++; continue; }
    if (typeof v === 'number' && Number.isNaN(v)) continue;
    if (min === undefined || type.order(v, min) < 0) min = v;
    if (max === undefined || type.order(v, max) > 0) max = v;
  }
  if (type.key === 'float' || type.key === 'double') {
    if (min === 0) min = -0;
    if (max === 0) max = 0;
  }
  return { min: min ?? null, max: max ?? null, nulls };
}

// Renders normalized values as DuckDB renders statistics, in one query.
export async function duckdbRender(items) {
  if (items.length === 0) return [];
  const exprs = items.map(({ type, value }) => (value === null ? 'NULL' : `(${type.statSql(value)})::VARCHAR`));
  const out = [];
  for (let i = 0; i < exprs.length; i += 500) {
    const { rows } = await duckdbQuery(`SELECT ${exprs.slice(i, i + 500).map((e, k) => `${e} AS v${k}`).join(', ')}`);
    out.push(...rows[0]);
  }
  return out;
}

// The value parquet_fixture_writer generates for row r of a column with a "gen" spec (mirrors
// append_generated() in parquet_fixture_writer.cc), normalized.
export function generatedValue(column, r, rows) {
  const g = column.gen ?? {};
  if (g.null_every > 0 && r % g.null_every === 0) return null;
  const k = r % (g.modulo > 0 ? g.modulo : rows);
  const start = g.start ?? 0;
  const step = g.step ?? 1;
  if (column.logical === 'DECIMAL') return decimalString(BigInt(start) + BigInt(k) * BigInt(step), column.scale ?? 0);
  switch (column.physical) {
    case 'BOOLEAN': return k % 2 === 1;
    case 'INT32': return start + k * step;
    case 'INT64': return BigInt(start) + BigInt(k) * BigInt(step);
    case 'FLOAT': return Math.fround(start + k * step);
    case 'DOUBLE': return start + k * step;
    default:
      if (column.logical === 'UUID') return uuidFromBytes(Buffer.from(BigInt(k).toString(16).padStart(32, '0'), 'hex'));
      if (['STRING', 'JSON', 'ENUM'].includes(column.logical)) return `${g.prefix ?? ''}${k}`;
      return new Uint8Array(Buffer.from(`${g.prefix ?? ''}${k}`, 'utf8'));
  }
}
