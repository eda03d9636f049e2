// Four independent Parquet readers behind one shape, so a test can read a file that snaplake
// wrote and compare what each implementation sees:
//
//   readDuckDB(file)       DuckDB's C++ reader (@duckdb/node-api), one instance per process
//   readHyparquet(file)    hyparquet (pure JS) with hyparquet-compressors (snappy, gzip, zstd, …)
//   readParquetWasm(file)  Arrow's Rust reader (parquet-wasm) → Arrow IPC → apache-arrow
//   readPolars(file)       polars' own Rust reader (nodejs-polars), values cast inside polars
//
// Each returns { columns: [{ name, type, readerType }], rows: [[value, …], …] }, and
// duckdbMetadata(file) returns { metadata, schema }: the rows of DuckDB's parquet_metadata()
// and parquet_schema() (counts as BigInt, statistics as the strings DuckDB decodes them to).
// `file` may also be an array of files for duckdbMetadata (one query for many files).
// pageHeaders(file) walks every column chunk with hyparquet's page-header parser and returns
// [{ rowGroup, column, pages: [{ type, encoding, numValues, compressedSize, uncompressedSize }] }]
// (to see dictionary pages, fallback to PLAIN, and page counts).
//
// NORMALIZATION — every reader returns the same JS value for the same Parquet value:
//   NULL                     null
//   BOOLEAN                  true / false
//   INT16, INT32             number
//   INT64                    BigInt
//   FLOAT, DOUBLE            number; NaN, ±Infinity and -0 kept (compare with Object.is);
//                            FLOAT is the float32 value widened exactly to a double
//   BINARY (plain BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY without annotation)
//                            Uint8Array (a plain one, never a Buffer, so deepStrictEqual works)
//   STRING, JSON, ENUM       string (JSON as its text, not parsed: the bytes are compared)
//   UUID                     lowercase 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx'
//   DECIMAL(p,s)             string of the exact value with exactly s digits after the point
//                            ('-123.45', '0.00', '7' when s = 0); never a float
//   DATE                     number: days since 1970-01-01 (negative before 1970)
//   TIME                     BigInt: microseconds since midnight
//   TIMESTAMP, TIMESTAMPTZ   BigInt: microseconds since 1970-01-01 00:00:00 (UTC when adjusted),
//                            whatever the unit in the file (MILLIS × 1000)
//   LIST<T>                  an array of T's values (NULL elements null; an empty list [])
//
// polars' JS bindings cannot hand Binary values to JavaScript (nor read a schema holding one):
// readPolars returns BINARY and UUID values (FIXED_LEN_BYTE_ARRAY) as polars' hash of their bytes,
// a decimal string; polarsHashes(hexes) hashes expected bytes the same way, inside polars.
// JSON and ENUM (which polars reads as Binary) are cast to String inside polars, DECIMAL to its
// exact String, dates, times and timestamps to their integers.
// Column `type` is the canonical name above ('DECIMAL(12,2)', 'TIMESTAMPTZ' for
// isAdjustedToUTC=true); `readerType` is the reader's own name for it. A reader that cannot tell
// a logical type reports what it does see (e.g. 'STRING' for an ENUM in DuckDB,
// 'FIXED_LEN_BINARY(16)' for a UUID without Arrow's uuid extension, 'STRING' for JSON in
// arrow-rs without the arrow.json extension) — tests decide what that
// means; this module never guesses.
//
// duckdbQuery(sql) runs any SQL on the shared instance with the same normalization; beyond the
// types above, lists become arrays, structs objects, maps [key, value] pairs, intervals
// { months, days, micros }, and timestamps of any unit microseconds.
//
// Helpers: decimalString(unscaled, scale), uuidFromBytes(bytes), hex(bytes),
// daysToIso(days), microsToIso(micros), footerColumns(file) (the top-level columns of a file with
// their canonical types, from the footer).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

import { DuckDBInstance } from '@duckdb/node-api';
import {
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBIntervalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTimeValue,
  DuckDBUUIDValue,
} from '@duckdb/node-api';
import { parquetMetadata, parquetRead } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { compressors } from 'hyparquet-compressors';
import { readParquet } from 'parquet-wasm';
import { tableFromIPC, Type, Vector } from 'apache-arrow';

const pl = createRequire(import.meta.url)('nodejs-polars');

// ---------------------------------------------------------------------------------------------
// Value helpers

// The exact decimal text of unscaled / 10^scale.
export function decimalString(unscaled, scale) {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

export function hex(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function uuidFromBytes(bytes) {
  const h = hex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function daysToIso(days) {
  return new Date(days * 86400000).toISOString().slice(0, 10);
}

export function microsToIso(micros) {
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const sub = ((micros % 1000000n) + 1000000n) % 1000000n;
  return `${new Date(Number(ms)).toISOString().slice(0, 19)}.${sub.toString().padStart(6, '0')}`;
}

// Big-endian two's complement bytes → BigInt.
function signedFromBigEndian(bytes) {
  if (bytes.length === 0) return 0n;
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  const bits = BigInt(bytes.length * 8);
  if (bytes[0] & 0x80) value -= 1n << bits;
  return value;
}

function plainBytes(u8) {
  return new Uint8Array(u8); // copies: never a Buffer or a view into a larger (wasm) buffer
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

// ---------------------------------------------------------------------------------------------
// DuckDB

let duckdbConnection; // one DuckDB instance per process (a promise of its connection)

export function duckdb() {
  duckdbConnection ??= DuckDBInstance.create(':memory:').then((db) => db.connect());
  return duckdbConnection;
}

function sqlString(s) {
  return `'${String(s).replaceAll("'", "''")}'`;
}

function sqlFileList(file) {
  return Array.isArray(file) ? `[${file.map(sqlString).join(', ')}]` : sqlString(file);
}

function duckdbCanonicalType(t) {
  if (t.alias === 'JSON') return 'JSON'; // DuckDB's JSON is VARCHAR with an alias
  const s = t.toString();
  const simple = {
    BOOLEAN: 'BOOLEAN',
    SMALLINT: 'INT16',
    INTEGER: 'INT32',
    BIGINT: 'INT64',
    FLOAT: 'FLOAT',
    DOUBLE: 'DOUBLE',
    BLOB: 'BINARY',
    VARCHAR: 'STRING',
    JSON: 'JSON',
    UUID: 'UUID',
    DATE: 'DATE',
    TIME: 'TIME',
    TIMESTAMP: 'TIMESTAMP',
    'TIMESTAMP WITH TIME ZONE': 'TIMESTAMPTZ',
  };
  if (simple[s]) return simple[s];
  const m = /^DECIMAL\((\d+),(\d+)\)$/.exec(s);
  if (m) return `DECIMAL(${m[1]},${m[2]})`;
  if (s.startsWith('ENUM(')) return 'ENUM';
  if (t.valueType && s.endsWith('[]')) return `LIST<${duckdbCanonicalType(t.valueType)}>`;
  return s;
}

function normalizeDuckDBValue(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') return v;
  if (v instanceof DuckDBDecimalValue) return decimalString(v.value, v.scale);
  if (v instanceof DuckDBDateValue) return v.days;
  if (v instanceof DuckDBTimestampTZValue || v instanceof DuckDBTimestampValue) return v.micros;
  if (v instanceof DuckDBTimeValue) return v.micros;
  if (v instanceof DuckDBBlobValue) return plainBytes(v.bytes);
  if (v instanceof DuckDBUUIDValue) return v.toString();
  // Beyond Parquet's flat types (for duckdbQuery() over arbitrary SQL):
  if (v instanceof DuckDBTimestampSecondsValue) return v.seconds * 1000000n;
  if (v instanceof DuckDBTimestampMillisecondsValue) return v.millis * 1000n;
  if (v instanceof DuckDBTimestampNanosecondsValue) return v.nanos / 1000n;
  if (v instanceof DuckDBListValue || v instanceof DuckDBArrayValue) return v.items.map(normalizeDuckDBValue);
  if (v instanceof DuckDBStructValue) {
    return Object.fromEntries(Object.entries(v.entries).map(([k, x]) => [k, normalizeDuckDBValue(x)]));
  }
  if (v instanceof DuckDBMapValue) return v.entries.map((e) => [normalizeDuckDBValue(e.key), normalizeDuckDBValue(e.value)]);
  if (v instanceof DuckDBIntervalValue) return { months: v.months, days: v.days, micros: v.micros };
  throw new Error(`readers.mjs: no normalization for DuckDB value ${v?.constructor?.name}: ${v}`);
}

// Runs SQL on the shared instance; returns normalized { columns, rows }.
export async function duckdbQuery(sql) {
  const connection = await duckdb();
  const reader = await connection.runAndReadAll(sql);
  const types = reader.columnTypes();
  const columns = reader.columnNames().map((name, i) => ({
    name,
    type: duckdbCanonicalType(types[i]),
    readerType: types[i].alias ?? types[i].toString(),
  }));
  const rows = reader.getRows().map((row) => row.map(normalizeDuckDBValue));
  return { columns, rows };
}

export async function readDuckDB(file) {
  return duckdbQuery(`SELECT * FROM read_parquet(${sqlString(file)})`);
}

export async function duckdbMetadata(file) {
  const connection = await duckdb();
  const list = sqlFileList(file);
  const metadata = (await connection.runAndReadAll(`SELECT * FROM parquet_metadata(${list})`)).getRowObjectsJS();
  const schema = (await connection.runAndReadAll(`SELECT * FROM parquet_schema(${list})`)).getRowObjectsJS();
  return { metadata, schema };
}

// ---------------------------------------------------------------------------------------------
// The canonical type of a Parquet schema element (as hyparquet decodes the footer).

function annotation(element) {
  const lt = element.logical_type?.type;
  const ct = element.converted_type;
  if (lt === 'DECIMAL' || ct === 'DECIMAL') return 'DECIMAL';
  if (lt === 'STRING' || ct === 'UTF8') return 'STRING';
  if (lt === 'JSON' || ct === 'JSON') return 'JSON';
  if (lt === 'ENUM' || ct === 'ENUM') return 'ENUM';
  if (lt === 'UUID') return 'UUID';
  if (lt === 'DATE' || ct === 'DATE') return 'DATE';
  if (lt === 'TIME' || ct === 'TIME_MICROS' || ct === 'TIME_MILLIS') return 'TIME';
  if (lt === 'TIMESTAMP') return element.logical_type.isAdjustedToUTC ? 'TIMESTAMPTZ' : 'TIMESTAMP';
  // Legacy converted types alone were always UTC-normalized (LogicalTypes.md, "TIMESTAMP").
  if (ct === 'TIMESTAMP_MICROS' || ct === 'TIMESTAMP_MILLIS') return 'TIMESTAMPTZ';
  if ((lt === 'INTEGER' && element.logical_type.bitWidth === 16) || ct === 'INT_16') return 'INT16';
  return undefined;
}

function parquetCanonicalType(element) {
  const a = annotation(element);
  if (a === 'DECIMAL') {
    const p = element.logical_type?.precision ?? element.precision;
    const s = element.logical_type?.scale ?? element.scale ?? 0;
    return `DECIMAL(${p},${s})`;
  }
  if (a) return a;
  switch (element.type) {
    case 'BOOLEAN': return 'BOOLEAN';
    case 'INT32': return 'INT32';
    case 'INT64': return 'INT64';
    case 'FLOAT': return 'FLOAT';
    case 'DOUBLE': return 'DOUBLE';
    case 'BYTE_ARRAY':
    case 'FIXED_LEN_BYTE_ARRAY': return 'BINARY';
    default: return element.type;
  }
}

// ---------------------------------------------------------------------------------------------
// hyparquet

function toArrayBuffer(file) {
  const buf = readFileSync(file);
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
}

// The top-level columns of a footer's schema: each a leaf, or a three-level LIST (group (LIST),
// repeated group, leaf) as snaplake writes them. { name, type, leaf, list }.
function topLevelColumns(schema) {
  const out = [];
  for (let i = 1; i < schema.length; i++) {
    const e = schema[i];
    if (!e.num_children) {
      out.push({ name: e.name, type: parquetCanonicalType(e), leaf: e, list: false });
      continue;
    }
    const isList = e.logical_type?.type === 'LIST' || e.converted_type === 'LIST';
    const leaf = schema[i + 2];
    if (!isList || e.num_children !== 1 || schema[i + 1].num_children !== 1 || leaf?.num_children) {
      throw new Error(`readers.mjs: group '${e.name}' is not a three-level LIST of a leaf`);
    }
    out.push({ name: e.name, type: `LIST<${parquetCanonicalType(leaf)}>`, leaf, list: true, group: e });
    i += 2;
  }
  return out;
}

export function footerColumns(file) {
  return topLevelColumns(parquetMetadata(toArrayBuffer(file)).schema);
}

export async function readHyparquet(file) {
  const arrayBuffer = toArrayBuffer(file);
  const metadata = parquetMetadata(arrayBuffer);
  const top = topLevelColumns(metadata.schema);
  const leaves = top.map((c) => c.leaf);
  const columns = top.map((c) => ({
    name: c.name,
    type: c.type,
    readerType: [c.list ? 'LIST' : '', c.leaf.type, c.leaf.converted_type, c.leaf.logical_type?.type].filter(Boolean).join('/'),
  }));
  // hyparquet turns DECIMAL into a float, which loses digits: hand it the schema without the
  // decimal annotation so that it returns the unscaled integers (or FLBA bytes), and scale here.
  const raw = {
    ...metadata,
    schema: metadata.schema.map((e) =>
      annotation(e) === 'DECIMAL' ? { ...e, converted_type: undefined, logical_type: undefined } : e),
  };
  let rows;
  await parquetRead({
    file: arrayBuffer,
    metadata: raw,
    compressors,
    utf8: false,
    rowFormat: 'array',
    parsers: {
      timestampFromMilliseconds: (ms) => BigInt(ms) * 1000n,
      timestampFromMicroseconds: (us) => BigInt(us),
      timestampFromNanoseconds: (ns) => BigInt(ns) / 1000n,
      dateFromDays: (days) => days,
      stringFromBytes: (bytes) => bytes && utf8.decode(bytes),
      jsonFromBytes: (bytes) => bytes && utf8.decode(bytes),
    },
    onComplete: (r) => { rows = r; },
  });
  const normalizers = top.map((c) => {
    const one = hyparquetNormalizer(c.leaf, c.list ? c.type.slice(5, -1) : c.type);
    return c.list ? (v) => v.map((x) => (x === null || x === undefined ? null : one(x))) : one;
  });
  return { columns, rows: rows.map((row) => row.map((v, i) => (v === null || v === undefined ? null : normalizers[i](v)))) };
}

function hyparquetNormalizer(element, type) {
  if (type.startsWith('DECIMAL')) {
    const scale = element.logical_type?.scale ?? element.scale ?? 0;
    return (v) => decimalString(v instanceof Uint8Array ? signedFromBigEndian(v) : BigInt(v), scale);
  }
  switch (type) {
    case 'STRING':
    case 'JSON':
    case 'ENUM':
      return (v) => (v instanceof Uint8Array ? utf8.decode(v) : v);
    case 'UUID':
      return (v) => (v instanceof Uint8Array ? uuidFromBytes(v) : v.toLowerCase());
    case 'BINARY':
      return (v) => plainBytes(v);
    case 'TIME':
      return (v) => (element.converted_type === 'TIME_MILLIS' ? BigInt(v) * 1000n : BigInt(v));
    case 'TIMESTAMP':
    case 'TIMESTAMPTZ':
      return (v) => BigInt(v);
    case 'INT64':
      return (v) => BigInt(v);
    default:
      return (v) => v;
  }
}

// ---------------------------------------------------------------------------------------------
// parquet-wasm (arrow-rs) → apache-arrow

function arrowCanonicalType(field) {
  const t = field.type;
  const extension = field.metadata?.get('ARROW:extension:name');
  switch (t.typeId) {
    case Type.Bool: return 'BOOLEAN';
    case Type.Int:
      if (!t.isSigned) return `UINT${t.bitWidth}`;
      return { 16: 'INT16', 32: 'INT32', 64: 'INT64' }[t.bitWidth] ?? `INT${t.bitWidth}`;
    case Type.Float:
      return { 1: 'FLOAT', 2: 'DOUBLE' }[t.precision] ?? `FLOAT${t.precision}`;
    case Type.Binary:
    case Type.LargeBinary: return 'BINARY';
    case Type.Utf8:
    case Type.LargeUtf8:
      return extension === 'arrow.json' ? 'JSON' : 'STRING';
    case Type.FixedSizeBinary:
      return extension === 'arrow.uuid' ? 'UUID' : `FIXED_LEN_BINARY(${t.byteWidth})`;
    case Type.Decimal: return `DECIMAL(${t.precision},${t.scale})`;
    case Type.Date: return 'DATE';
    case Type.Time: return 'TIME';
    case Type.Timestamp: return t.timezone ? 'TIMESTAMPTZ' : 'TIMESTAMP';
    case Type.Dictionary: return arrowCanonicalType({ type: t.dictionary, metadata: field.metadata });
    case Type.List:
    case Type.LargeList: return `LIST<${arrowCanonicalType(t.children[0])}>`;
    default: return String(t);
  }
}

// A function (data, i) → normalized value for one Arrow Data chunk, reading the raw buffers where
// apache-arrow's own getters would round (dates and timestamps become milliseconds).
function arrowGetter(field) {
  const t = field.type;
  const unitToMicros = (unit) => [1000000n, 1000n, 1n, null][unit]; // SECOND, MILLI, MICRO, NANO
  switch (t.typeId) {
    case Type.Date:
      // DateUnit.DAY = 0 (Int32 days); DateUnit.MILLISECOND = 1 (Int64 ms)
      return t.unit === 0
        ? (d, i) => d.values[d.offset + i]
        : (d, i) => Number(BigInt(d.values[d.offset + i]) / 86400000n);
    case Type.Timestamp:
    case Type.Time: {
      const f = unitToMicros(t.unit);
      return (d, i) => {
        const v = BigInt(d.values[d.offset + i]);
        return f === null ? v / 1000n : v * f;
      };
    }
    case Type.Decimal: {
      const words = t.bitWidth / 32;
      return (d, i) => {
        const base = (d.offset + i) * words;
        let v = 0n;
        for (let w = words - 1; w >= 0; w--) v = (v << 32n) | BigInt(d.values[base + w]);
        if (v >> BigInt(t.bitWidth - 1)) v -= 1n << BigInt(t.bitWidth);
        return decimalString(v, t.scale);
      };
    }
    case Type.Binary:
    case Type.LargeBinary:
      return (d, i, vec) => plainBytes(vec.get(i));
    case Type.FixedSizeBinary:
      return field.metadata?.get('ARROW:extension:name') === 'arrow.uuid'
        ? (d, i, vec) => uuidFromBytes(vec.get(i))
        : (d, i, vec) => plainBytes(vec.get(i));
    case Type.Int:
      return t.bitWidth === 64 ? (d, i, vec) => BigInt(vec.get(i)) : (d, i, vec) => vec.get(i);
    case Type.List:
    case Type.LargeList: {
      const get = arrowGetter(t.children[0]);
      return (d, i) => {
        const child = d.children[0];
        const vec = new Vector([child]);
        const out = [];
        for (let j = Number(d.valueOffsets[d.offset + i]); j < Number(d.valueOffsets[d.offset + i + 1]); j++) {
          out.push(child.getValid(j) ? get(child, j, vec) : null);
        }
        return out;
      };
    }
    default:
      return (d, i, vec) => vec.get(i);
  }
}

export async function readParquetWasm(file) {
  const bytes = new Uint8Array(readFileSync(file));
  const table = tableFromIPC(readParquet(bytes).intoIPCStream());
  const columns = table.schema.fields.map((f) => ({
    name: f.name,
    type: arrowCanonicalType(f),
    readerType: String(f.type),
  }));
  const rows = Array.from({ length: table.numRows }, () => new Array(columns.length));
  table.schema.fields.forEach((field, c) => {
    const vector = table.getChildAt(c);
    const get = arrowGetter(field);
    let row = 0;
    for (const data of vector.data) {
      const chunk = new Vector([data]);
      for (let i = 0; i < data.length; i++, row++) {
        rows[row][c] = data.getValid(i) ? get(data, i, chunk) : null;
      }
    }
  });
  return { columns, rows };
}

// ---------------------------------------------------------------------------------------------
// Page headers (hyparquet's Thrift decoder): what pages each column chunk holds.

export function pageHeaders(file) {
  const arrayBuffer = toArrayBuffer(file);
  const metadata = parquetMetadata(arrayBuffer);
  const out = [];
  metadata.row_groups.forEach((rowGroup, g) => {
    for (const chunk of rowGroup.columns) {
      const m = chunk.meta_data;
      const start = Number(m.dictionary_page_offset ?? m.data_page_offset);
      const end = start + Number(m.total_compressed_size);
      const reader = { view: new DataView(arrayBuffer), offset: start };
      const pages = [];
      while (reader.offset < end) {
        const h = parquetHeader(reader);
        const header = h.dictionary_page_header ?? h.data_page_header ?? h.data_page_header_v2;
        pages.push({
          type: h.type,
          encoding: header?.encoding,
          numValues: header?.num_values,
          compressedSize: h.compressed_page_size,
          uncompressedSize: h.uncompressed_page_size,
        });
        reader.offset += h.compressed_page_size;
      }
      out.push({ rowGroup: g, column: m.path_in_schema.join('.'), pages });
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// nodejs-polars: everything a JS value cannot carry is converted by polars expressions first.

function polarsHash(e) {
  return pl.when(e.isNotNull()).then(e.hash().cast(pl.Utf8)).otherwise(pl.lit(null).cast(pl.Utf8));
}

// The polars expression that turns a value of canonical `type` into something JS can take, and
// the function that normalizes what comes out.
function polarsConversion(type, leaf) {
  const big = (v) => BigInt(v);
  if (type === 'BINARY' || type === 'UUID' && leaf.type === 'FIXED_LEN_BYTE_ARRAY') {
    return [polarsHash, (v) => v];
  }
  if (type.startsWith('DECIMAL') || type === 'JSON' || type === 'ENUM' || type === 'UUID') {
    return [(e) => e.cast(pl.Utf8), (v) => v];
  }
  switch (type) {
    case 'INT64': return [(e) => e.cast(pl.Utf8), big];
    case 'DATE': return [(e) => e.cast(pl.Int32), (v) => v];
    case 'TIME': return [(e) => e.cast(pl.Int64).cast(pl.Utf8), (v) => BigInt(v) / 1000n]; // nanoseconds
    case 'TIMESTAMP':
    case 'TIMESTAMPTZ': {
      const millis = leaf.logical_type?.unit === 'MILLIS' || leaf.converted_type === 'TIMESTAMP_MILLIS';
      return [(e) => e.cast(pl.Int64).cast(pl.Utf8), millis ? (v) => BigInt(v) * 1000n : big];
    }
    default: return [(e) => e, (v) => v];
  }
}

export async function readPolars(file) {
  const top = footerColumns(file);
  const conversions = top.map((c) => polarsConversion(c.list ? c.type.slice(5, -1) : c.type, c.leaf));
  const exprs = top.map((c, i) => {
    const [convert] = conversions[i];
    return (c.list ? pl.col(c.name).lst.eval(convert(pl.element())) : convert(pl.col(c.name))).alias(c.name);
  });
  const df = pl.scanParquet(file).select(...exprs).collectSync();
  const columns = top.map((c) => ({ name: c.name, type: c.type, readerType: String(df.getColumn(c.name).dtype) }));
  const series = top.map((c, i) => {
    const normalize = conversions[i][1];
    const one = (v) => (v === null || v === undefined ? null : normalize(v));
    return df.getColumn(c.name).toArray().map((v) => (v === null || v === undefined ? null : c.list ? Array.from(v, one) : one(v)));
  });
  const rows = Array.from({ length: df.height }, (_, r) => series.map((s) => s[r]));
  return { columns, rows };
}

// polars' hash of each value's bytes (hex strings, null for NULL), as readPolars reports BINARY.
export function polarsHashes(hexes) {
  const df = pl.DataFrame({ h: hexes }).select(polarsHash(pl.col('h').str.decode('hex')).alias('h'));
  return df.getColumn('h').toArray();
}
