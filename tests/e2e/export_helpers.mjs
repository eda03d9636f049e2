// Shared by the export end-to-end tests: read an export's metadata, read a table back with
// DuckDB, ask PostgreSQL for the same values, and compute docs/type-mapping.md's mapping on our own.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

import { duckdbQuery, hex, readHyparquet } from '../harness/readers.mjs';

export function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

// export_info and the merged perTableStatus of an export folder (<root>/<id>).
export function readExport(root, id) {
  const folder = path.join(root, id);
  const info = readJson(path.join(folder, `export_info_${id}.json`));
  const tablesFiles = readdirSync(folder).filter((f) => f.startsWith(`export_tables_info_${id}_from_`));
  const tables = tablesFiles.flatMap((f) => readJson(path.join(folder, f)).perTableStatus);
  return { folder, info, tables, tablesFiles };
}

// Every file under a folder, relative to it.
export function listFiles(folder) {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(path.relative(folder, full));
    }
  };
  walk(folder);
  return out.sort();
}

export function quoteIdent(name) {
  return `"${name.replaceAll('"', '""')}"`;
}

// The columns of a table with their domain-resolved base type, straight from the catalog; an
// array's element too (domain-resolved; `element` is null for other types), with whether its
// ::text is its output function (no cast function or binary-coercible cast to text).
export function catalogColumns(pg, db, schema, table) {
  const sql = `
    WITH RECURSIVE base(attnum, attname, typid, typmod, depth) AS (
      SELECT a.attnum, a.attname, a.atttypid, a.atttypmod, 0
      FROM pg_attribute a
      WHERE a.attrelid = (${sqlLiteral(quoteIdent(schema) + '.' + quoteIdent(table))})::regclass
        AND a.attnum > 0 AND NOT a.attisdropped
      UNION ALL
      SELECT b.attnum, b.attname, t.typbasetype, CASE WHEN b.typmod = -1 THEN t.typtypmod ELSE b.typmod END, b.depth + 1
      FROM base b JOIN pg_type t ON t.oid = b.typid WHERE t.typtype = 'd'
    ), elem(attnum, typid, typmod) AS (
      SELECT b.attnum, t.typelem, b.typmod
      FROM base b JOIN pg_type t ON t.oid = b.typid
      WHERE t.typtype <> 'd' AND t.typlen = -1 AND t.typelem <> 0
      UNION ALL
      SELECT e.attnum, t.typbasetype, CASE WHEN e.typmod = -1 THEN t.typtypmod ELSE e.typmod END
      FROM elem e JOIN pg_type t ON t.oid = e.typid WHERE t.typtype = 'd'
    )
    SELECT json_agg(json_build_object('name', b.attname, 'type', t.typname, 'kind', t.typtype, 'typmod', b.typmod,
                    'element', (SELECT json_build_object('type', et.typname, 'kind', et.typtype, 'typmod', e.typmod,
                                  'textIsOutput', NOT EXISTS (SELECT 1 FROM pg_cast k WHERE k.castsource = et.oid
                                    AND k.casttarget = 'text'::regtype AND k.castmethod IN ('f', 'b')))
                                FROM elem e JOIN pg_type et ON et.oid = e.typid
                                WHERE e.attnum = b.attnum AND et.typtype <> 'd'))
                    ORDER BY b.attnum)
    FROM base b JOIN pg_type t ON t.oid = b.typid WHERE t.typtype <> 'd';`;
  return JSON.parse(pg.psql(sql, db));
}

export function sqlLiteral(s) {
  return `'${s.replaceAll("'", "''")}'`;
}

// docs/type-mapping.md, as the readers name the Parquet types; `overrides` as `--type` sets them
// ({ uuid: 'string' | 'uuid', time: 'string' | 'micros' | 'time', timestamp: 'micros' | 'millis' }).
export function expectedParquetType(profile, column, overrides = {}) {
  const shared = { int8: 'INT64', int4: 'INT32', int2: 'INT16', float4: 'FLOAT', float8: 'DOUBLE', bool: 'BOOLEAN', bytea: 'BINARY' };
  if (shared[column.type]) return shared[column.type];
  if (profile === 'typed') {
    if (column.type === 'numeric' && column.typmod >= 4) {
      const p = ((column.typmod - 4) >> 16) & 0xffff;
      const s = ((((column.typmod - 4) & 0x7ff) ^ 1024) - 1024);
      if (p >= 1 && p <= 38 && s >= 0 && s <= p) return `DECIMAL(${p},${s})`;
    }
    const time = { string: 'STRING', micros: 'INT64', time: 'TIME' }[overrides.time ?? 'string'];
    const uuid = { string: 'STRING', uuid: 'UUID' }[overrides.uuid ?? 'string'];
    const typed = { date: 'DATE', time, timestamp: 'TIMESTAMP', timestamptz: 'TIMESTAMPTZ', uuid, json: 'JSON', jsonb: 'JSON' };
    if (typed[column.type]) return typed[column.type];
    if (column.kind === 'e') return 'ENUM';
    // An array: a LIST of its element's type. Elements that arrive as text (not decoded from
    // their binary form) are cast ::text[] by the server, so an element type whose ::text is not
    // its output function (inet, xml) keeps the whole array as text.
    if (column.element) {
      const e = column.element;
      const element = expectedParquetType(profile, e, overrides);
      const binary = shared[e.type] || ['text', 'varchar', 'bpchar', 'name', 'date', 'time', 'timestamp', 'timestamptz', 'uuid'].includes(e.type)
        || element.startsWith('DECIMAL');
      if (binary || e.textIsOutput) return `LIST<${element}>`;
    }
  }
  return 'STRING';
}

// The SQL that makes PostgreSQL say, as text, what the reader's normalized value of the
// (a time written as plain INT64 microseconds, time=micros, is expected as 'TIME': the same text)
// expression c must be (a LIST: a JSON array of its elements' texts, multi-dimensional arrays in
// row-major order as unnest reads them).
export function expectedSql(type, c, overrides = {}) {
  if (type.startsWith('LIST<')) {
    const element = expectedSql(type.slice(5, -1), 'e', overrides);
    return `CASE WHEN ${c} IS NOT NULL THEN COALESCE((SELECT json_agg(${element} ORDER BY o) FROM unnest(${c}) WITH ORDINALITY AS u(e, o)), '[]'::json) END`;
  }
  if (['INT64', 'INT32', 'INT16'].includes(type)) return `${c}::text`;
  if (type === 'FLOAT' || type === 'DOUBLE') return `${c}::text`;
  if (type === 'BOOLEAN') return `CASE WHEN ${c} THEN 'true' WHEN NOT ${c} THEN 'false' END`;
  if (type === 'BINARY') return `encode(${c}, 'hex')`;
  // The type's output function, what psql shows (format's %s; NULL stays NULL).
  // num_nulls, not IS NULL: a composite whose fields are all NULL is itself not NULL.
  if (['STRING', 'JSON', 'ENUM', 'UUID'].includes(type)) return `CASE WHEN num_nulls(${c}) = 0 THEN format('%s', ${c}) END`;
  if (type.startsWith('DECIMAL')) return `CASE WHEN ${c}::text NOT IN ('NaN', 'Infinity', '-Infinity') THEN ${c}::text END`;
  if (type === 'DATE') return `CASE WHEN isfinite(${c}) THEN (${c} - DATE '1970-01-01')::text END`;
  if (type === 'TIME') return `(EXTRACT(epoch FROM ${c}) * 1000000)::bigint::text`;
  if (type === 'TIMESTAMP' || type === 'TIMESTAMPTZ') {
    // Beyond int64 microseconds since 1970 (after year 294247) cannot be held either. With
    // timestamp=millis the instant's millisecond (floored), in microseconds as readers report it.
    const micros = overrides.timestamp === 'millis'
      ? `(floor(EXTRACT(epoch FROM ${c}) * 1000) * 1000)::bigint::text`
      : `(EXTRACT(epoch FROM ${c}) * 1000000)::bigint::text`;
    return `CASE WHEN isfinite(${c}) AND EXTRACT(epoch FROM ${c}) * 1000000 <= 9223372036854775807
                 THEN ${micros} END`;
  }
  throw new Error(`no expectation for Parquet type ${type}`);
}

function canonicalFloat(n) {
  if (Object.is(n, -0)) return '-0';
  return String(n);
}

// A reader value as the same text as expectedSql's.
function canonical(type, value) {
  if (value === null) return null;
  if (type.startsWith('LIST<')) return value.map((v) => canonical(type.slice(5, -1), v));
  if (type === 'FLOAT') return canonicalFloat(value);
  if (type === 'DOUBLE') return canonicalFloat(value);
  if (type === 'BINARY') return hex(value);
  return String(value);
}
function canonicalPg(type, text) {
  if (text === null) return null;
  if (type.startsWith('LIST<')) return text.map((v) => canonicalPg(type.slice(5, -1), v));
  if (type === 'FLOAT') return canonicalFloat(Math.fround(Number(text)));
  if (type === 'DOUBLE') return canonicalFloat(Number(text));
  return text;
}

// Reads every file of a table with DuckDB, and PostgreSQL's rows of it, and compares them as
// multisets of rows (file order follows batches and ctid ranges, not any ORDER BY). `types` maps
// each column's name in the files to its Parquet type; `sources` (optional) its name in
// PostgreSQL where that differs (a column renamed for case-insensitive engines).
export async function compareTable(pg, { db, schema, table, kind, files, types, sources = {}, overrides = {} }) {
  const expectedColumns = Object.keys(types);
  const parts = await Promise.all(files.map((f) => duckdbQuery(`SELECT * FROM read_parquet('${f.replaceAll("'", "''")}')`)));
  for (const part of parts) {
    assert.deepEqual(part.columns.map((c) => c.name), expectedColumns, `${table}: column names`);
  }
  const got = parts.flatMap((p) => p.rows).map((row) => JSON.stringify(row.map((v, i) => canonical(types[expectedColumns[i]], v))));
  const only = kind === 'p' ? '' : 'ONLY ';
  const select = expectedColumns.map((c) => expectedSql(types[c], quoteIdent(sources[c] ?? c), overrides)).join(', ');
  const text = pg.psql(`SELECT COALESCE(json_agg(json_build_array(${select})), '[]') FROM ${only}${quoteIdent(schema)}.${quoteIdent(table)};`, db);
  const want = JSON.parse(text).map((row) => JSON.stringify(row.map((v, i) => canonicalPg(types[expectedColumns[i]], v))));
  got.sort();
  want.sort();
  assert.equal(got.length, want.length, `${schema}.${table}: row count`);
  for (let i = 0; i < want.length; i++) assert.equal(got[i], want[i], `${schema}.${table}: row ${i}`);
  return got.length;
}

// Every value of a reader's normalized rows as the text compareTable compares (exported for the
// tests that read with several readers).
export function canonicalRow(types, row) {
  return row.map((v, i) => canonical(types[i], v));
}
export function canonicalPgRow(types, row) {
  return row.map((v, i) => canonicalPg(types[i], v));
}

// The Parquet types of a file as its footer declares them (hyparquet).
export async function footerTypes(file) {
  const { columns } = await readHyparquet(file);
  return Object.fromEntries(columns.map((c) => [c.name, c.type]));
}
