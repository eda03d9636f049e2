// The MySQL type-family table of issue 13 (every_type: every type family, NULLs, extremes, empty
// strings, 4-byte UTF-8, latin1, zero dates and dates with zero parts, negative and over-24h
// TIME), what the server says each value is, and how each reader names and returns each type.
// Shared by tests/mysql/types.test.mjs (the building blocks' driver) and
// tests/e2e/export_mysql.test.mjs (`snaplake export --source mysql://`).
const nines = (n) => '9'.repeat(n);

export const setup = `
SET SESSION sql_mode = '';
CREATE TABLE every_type (
  id INT PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,
  mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
  b1 BIT(1), b10 BIT(10), b64 BIT(64),
  d92 DECIMAL(9,2), d18 DECIMAL(18,4), d38 DECIMAL(38,10), d65 DECIMAL(65,30),
  f FLOAT, dbl DOUBLE,
  dt DATE, dtm0 DATETIME, dtm3 DATETIME(3), dtm6 DATETIME(6), ts TIMESTAMP(6) NULL DEFAULT NULL,
  tm TIME(6), yr YEAR,
  c CHAR(5), vc VARCHAR(50), tx TEXT, lat VARCHAR(20) CHARACTER SET latin1,
  l1txt TEXT CHARACTER SET latin1, vcb VARCHAR(10) CHARACTER SET binary,
  bn BINARY(4), vb VARBINARY(10), bl BLOB,
  en ENUM('small','medium','large'), st SET('a','b','c'),
  js JSON, g GEOMETRY, pt POINT,
  gen_v BIGINT AS (i + 1) VIRTUAL, gen_s VARCHAR(60) AS (CONCAT(vc, '!')) STORED
) DEFAULT CHARSET = utf8mb4;
INSERT INTO every_type (id, ti, tiu, si, siu, mi, miu, i, iu, bi, biu, b1, b10, b64, d92, d18, d38, d65,
  f, dbl, dt, dtm0, dtm3, dtm6, ts, tm, yr, c, vc, tx, lat, l1txt, vcb, bn, vb, bl, en, st, js, g, pt) VALUES
 (1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0, b'0', b'0', 0,
  -${nines(7)}.99, -${nines(14)}.9999, -${nines(28)}.${nines(10)}, -${nines(35)}.${nines(30)},
  -3.40282e38, -1.7976931348623157e308, '1000-01-01', '1000-01-01 00:00:00', '1000-01-01 00:00:00.000',
  '1000-01-01 00:00:00.000000', '1970-01-01 00:00:01', '-838:59:59', 1901, '', '', '', '', '', '',
  x'00000000', '', '', 'small', '', '[]', ST_GeomFromText('POINT(0 0)'), ST_GeomFromText('POINT(-180 -90)')),
 (2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807,
  18446744073709551615, b'1', b'1111111111', 18446744073709551615,
  ${nines(7)}.99, ${nines(14)}.9999, ${nines(28)}.${nines(10)}, ${nines(35)}.${nines(30)},
  3.14159274, 0.30000000000000004, '9999-12-31', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999',
  '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999', '838:59:59.000000', 2155,
  'abcde', '😀 four bytes 𝄞 ü', REPEAT('long text é ', 1000), 'café ÿ', 'Ærø', 'raw\\0bytes',
  x'ffffffff', x'00ff', x'0001feff80', 'large', 'a,b,c', '{"k": [1, 2.5, "é"], "n": null}',
  ST_GeomFromText('LINESTRING(0 0, 1 1, 2 3)'), ST_GeomFromText('POINT(1.5 -2.25)')),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL),
 (4, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, b'1', b'0101010101', 1, 0.00, 0.0000, 0, 0, 0, -0.0, '0000-00-00',
  '0000-00-00 00:00:00', '2024-00-15 10:00:00', '2024-05-00 00:00:00', '0000-00-00 00:00:00',
  '00:00:00', 0, 'x', 'x', 'x', 'x', 'x', 'x', x'01020304', x'00', x'00', 'medium', 'b', '{}',
  ST_GeomFromText('POLYGON((0 0, 1 0, 1 1, 0 0))'), ST_GeomFromText('POINT(0 0)')),
 (5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, b'0', b'1000000000', 9223372036854775808, 1234567.89,
  -12345678901234.5678, 1.5, -0.000000000000000000000000000001, 1.17549435e-38, 2.2250738585072014e-308,
  '2024-00-10', '2024-02-29 13:14:15', '2024-05-00 00:00:00', '1969-12-31 23:59:59.999999',
  '2024-06-30 12:00:00.5', '12:34:56.789', 2024, 'ab', 'tab\\there\\nnew line', 'nul \\0 inside', '€ cp1252',
  'ÿ', 'z', x'00000001', x'', x'', 'small', 'a,c', '"just a string"',
  ST_GeomFromText('MULTIPOINT((1 2), (3 4))'), ST_GeomFromText('POINT(10 20)')),
 (6, -1, 200, -2, 60000, -3, 16000000, -4, 4000000000, -5, 9223372036854775807, b'1', b'0000000001', 255,
  -0.01, 0.0001, -1, 1, 16777216, 1e300, '2024-05-00', '1970-01-01 00:00:00', '1999-12-31 23:59:59.5',
  '2000-01-01 00:00:00.000001', '2001-09-09 01:46:40', '24:00:00', 1970, 'ü', '', '', '', '', '',
  x'7f000000', x'31', x'c3', 'large', 'a', '{"a": {"b": [true, false]}}',
  ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 1))'), ST_GeomFromText('POINT(-0.5 0.5)'));
`;

// What the server says each column's value is, as an expression giving text the test parses
// (HEX for anything that is bytes or text, so the client's escaping never matters).
const utf8 = (c) => `HEX(CONVERT(${c} USING utf8mb4))`;
const micros = (c) => `TIMESTAMPDIFF(MICROSECOND, '1970-01-01', ${c})`; // NULL for zero dates
const bitBytes = (c, n) => `LPAD(HEX(${c}), ${Math.ceil(n / 8) * 2}, '0')`;

const toText = (h) => Buffer.from(h, 'hex').toString('utf8');
const toBytes = (h) => new Uint8Array(Buffer.from(h, 'hex'));
const int = (s) => Number(s);
const big = (s) => BigInt(s);
const same = (s) => s;
const num = (s) => Number(s);

// name → { rds: [type, expression, parse], typed: […] } (typed defaults to rds).
const ints = (c) => ({ rds: ['INT32', c, int] });
export const columns = {
  ti: ints('ti'), tiu: { rds: ['INT16', 'tiu', int] }, si: ints('si'), siu: ints('siu'), mi: ints('mi'),
  miu: { rds: ['INT64', 'miu', big] }, i: ints('i'), iu: { rds: ['INT64', 'iu', big] },
  bi: { rds: ['INT64', 'bi', big] }, biu: { rds: ['DECIMAL(20,0)', 'CAST(biu AS CHAR)', same] },
  b1: { rds: ['BINARY', bitBytes('b1', 1), toBytes], typed: ['BOOLEAN', 'b1 = 1', (s) => s === '1'] },
  b10: { rds: ['BINARY', bitBytes('b10', 10), toBytes] },
  b64: { rds: ['BINARY', bitBytes('b64', 64), toBytes] },
  d92: { rds: ['DECIMAL(9,2)', 'CAST(d92 AS CHAR)', same] },
  d18: { rds: ['DECIMAL(18,4)', 'CAST(d18 AS CHAR)', same] },
  d38: { rds: ['DECIMAL(38,10)', 'CAST(d38 AS CHAR)', same] },
  d65: { rds: ['STRING', 'CAST(d65 AS CHAR)', same] },
  // FLOAT is widened exactly; the server's DOUBLE text of it round-trips.
  f: { rds: ['DOUBLE', 'CAST(f AS DOUBLE)', num] },
  dbl: { rds: ['DOUBLE', 'dbl', num] },
  dt: { rds: ['STRING', 'CAST(dt AS CHAR)', same], typed: ['DATE', "DATEDIFF(dt, '1970-01-01')", int] },
  dtm0: { rds: ['TIMESTAMP', micros('dtm0'), big] },
  dtm3: { rds: ['TIMESTAMP', micros('dtm3'), big] },
  dtm6: { rds: ['TIMESTAMP', micros('dtm6'), big] },
  ts: { rds: ['TIMESTAMPTZ', micros('ts'), big] },
  // The server's text in both profiles: typed keeps TIME as text by default, since Spark 3 and
  // Hive cannot read TIME(MICROS) (the overrides are tested in export_mysql.test.mjs).
  tm: { rds: ['STRING', 'CAST(tm AS CHAR)', same] },
  yr: ints('yr'),
  c: { rds: ['BINARY', 'HEX(c)', toBytes], typed: ['STRING', utf8('c'), toText] },
  vc: { rds: ['STRING', utf8('vc'), toText] },
  tx: { rds: ['STRING', utf8('tx'), toText] },
  lat: { rds: ['STRING', utf8('lat'), toText] },
  l1txt: { rds: ['STRING', utf8('l1txt'), toText] },
  vcb: { rds: ['BINARY', 'HEX(vcb)', toBytes] },
  bn: { rds: ['BINARY', 'HEX(bn)', toBytes] },
  vb: { rds: ['BINARY', 'HEX(vb)', toBytes] },
  bl: { rds: ['BINARY', 'HEX(bl)', toBytes] },
  en: { rds: ['STRING', utf8('en'), toText], typed: ['ENUM', utf8('en'), toText] },
  st: { rds: ['STRING', utf8('st'), toText] },
  js: { rds: ['STRING', utf8('js'), toText], typed: ['JSON', utf8('js'), toText] },
  g: { rds: ['BINARY', 'HEX(ST_AsBinary(g))', toBytes] },
  pt: { rds: ['BINARY', 'HEX(ST_AsBinary(pt))', toBytes] },
  gen_v: { rds: ['INT64', 'gen_v', big] },
  gen_s: { rds: ['STRING', utf8('gen_s'), toText] },
};
export const names = ['id', ...Object.keys(columns)];
export const spec = (name, profile) => (name === 'id' ? ['INT32', 'id', int] : (columns[name][profile] ?? columns[name].rds));

// Rows as the server computes them for a profile: [[value, …], …] ordered by id.
export function serverRows(db, database, profile) {
  const exprs = names.map((n) => spec(n, profile)[1]);
  const out = db.sql(`SELECT ${exprs.join(', ')} FROM every_type ORDER BY id`, database);
  return out.trimEnd().split('\n').map((line) => line.split('\t').map((v, k) =>
    (v === 'NULL' ? null : spec(names[k], profile)[2](v))));
}

// Readers' types, by the canonical names of readers.mjs, and how a reader's value of that type
// compares with the server's (as tests/parquet/fixtures.mjs has them): DuckDB reads an ENUM as
// STRING (its ENUM needs the value list, which Parquet does not carry); arrow-rs (parquet-wasm)
// has no enum type and reads one as BINARY (its bytes are the UTF-8 text), and reads JSON as
// STRING without the arrow.json extension.
export function readerType(expected, reader) {
  if (reader === 'duckdb' && expected === 'ENUM') return 'STRING';
  if (reader === 'parquet-wasm' && expected === 'ENUM') return 'BINARY';
  if (reader === 'parquet-wasm' && expected === 'JSON') return 'STRING';
  return expected;
}
export function adapt(expected, reader, value) {
  if (reader === 'parquet-wasm' && expected === 'ENUM' && value !== null) {
    return new TextDecoder('utf-8', { fatal: true }).decode(value);
  }
  return value;
}

