-- Every type family of docs/type-mapping.md's mapping, with NULLs and extremes.
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'ü ñ');
CREATE TYPE pair AS (a int, b text);
CREATE DOMAIN amount AS numeric(12, 2);
CREATE DOMAIN amount2 AS amount;
CREATE DOMAIN short_text AS varchar(10);

CREATE TABLE numbers (
  i2 smallint, i4 integer, i8 bigint, s4 serial, s8 bigserial,
  f4 real, f8 double precision,
  n numeric, n12 numeric(12, 2), n38 numeric(38, 10), n18 numeric(18, 0), n40 numeric(40, 5),
  d amount2, m money, b boolean
);
INSERT INTO numbers (i2, i4, i8, f4, f8, n, n12, n38, n18, n40, d, m, b) VALUES
  (-32768, -2147483648, -9223372036854775808, -3.4028235e38, -1.7976931348623157e308,
   -123456789012345678901234567890.123456789, -9999999999.99, -9999999999999999999999999999.9999999999,
   -999999999999999999, -12345678901234567890123456789012345.12345, -0.01, -92233720368547758.08, false),
  (32767, 2147483647, 9223372036854775807, 3.4028235e38, 1.7976931348623157e308,
   0.000000000000000000001, 9999999999.99, 9999999999999999999999999999.9999999999,
   999999999999999999, 12345678901234567890123456789012345.12345, 1234.5, 92233720368547758.07, true),
  (0, 0, 0, -0, -0, 0, 0, 0, 0, 0, 0, 0, true),
  (1, 1, 1, 1.17549435e-38, 4.9e-324, 'NaN', 'NaN', 0.0000000001, 1, 'NaN', 1, 1, false),
  (2, 2, 2, 'NaN', 'NaN', 'Infinity', 0.1, NULL, NULL, NULL, 'NaN', NULL, NULL),
  (3, 3, 3, 'Infinity', '-Infinity', '-Infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (4, 4, 4, 0.1, 0.1, 3.14159, 3.14, 3.14, 3, 3.14, 3.14, 3.14, NULL),
  (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

CREATE TABLE texts (
  t text, v varchar(20), c char(6), sv short_text, nm name, ch "char", x xml, bits bit(5), vb varbit,
  by bytea, js json, jb jsonb, e mood, u uuid, tsv tsvector
);
INSERT INTO texts VALUES
  ('plain', 'varchar', 'ab', 'dom', 'a_name', 'q', '<a>1</a>', B'10101', B'1', '\x00ff10', '{"b": 1, "a": [1, 2.50]}',
   '{"b": 1, "a": [1, 2.50]}', 'happy', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'a fat cat'),
  ('', '', '', '', '', ' ', '<b/>', B'00000', B'', '', '[]', '[]', 'sad', '00000000-0000-0000-0000-000000000000', ''),
  (E'tab\there\nnewline "quotes" \\backslash ünïcødé 🐘 日本語', 'x', 'ü', 'ü', 'Ünï', 'ü', NULL, NULL, NULL,
   '\x5c0027', '{"s": "ü \" \\ \n"}', '{"s": "ü \" \\ \n", "n": 1e400}', 'ü ñ', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', 'ü:1A'),
  (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
-- xml's output function drops a version-1.0 declaration (and its encoding, and the newline after
-- it), keeps one with standalone or another version; ::text keeps the stored bytes.
INSERT INTO texts (t, x) VALUES
  ('xml 1.0', '<?xml version="1.0"?><a>1</a>'),
  ('xml encoding', E'<?xml version="1.0" encoding="UTF-8"?>\n<b/>'),
  ('xml standalone', '<?xml version="1.0" standalone="yes"?><c/>'),
  ('xml 1.1', '<?xml version="1.1"?><d/>'),
  ('xml content', 'text <e/> more');

CREATE TABLE times (
  d date, t time, t3 time(3), tz timetz, ts timestamp, ts0 timestamp(0), tstz timestamptz, iv interval
);
INSERT INTO times VALUES
  ('2026-11-25', '14:15:02.123456', '14:15:02.123', '14:15:02+05:30', '2026-11-25 14:15:02.123456',
   '2026-11-25 14:15:02', '2026-11-25 14:15:02.123456+02', '1 year 2 mons 3 days 04:05:06.789'),
  ('1970-01-01', '00:00', '00:00', '00:00+00', '1970-01-01 00:00', '1970-01-01', '1970-01-01 00:00+00', '0'),
  ('0001-01-01', '23:59:59.999999', '23:59:59.999', '23:59:59-12', '0001-01-01 00:00:00', '1900-02-28 12:00',
   '0001-01-01 00:00:00+00', '-1 days -00:00:01'),
  ('4713-01-01 BC', '24:00:00', '12:00', '12:00+14', '4713-01-01 00:00:00 BC', '294276-12-31 23:59:59',
   '1999-12-31 23:59:59.999999-08', '178000000 years'),
  ('5874897-12-31', '12:00', NULL, NULL, '294276-12-31 23:59:59.999999', NULL, '2000-01-01 00:00+00', NULL),
  ('infinity', NULL, NULL, NULL, 'infinity', '-infinity', 'infinity', NULL),
  ('-infinity', NULL, NULL, NULL, '-infinity', NULL, '-infinity', NULL),
  (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

CREATE TABLE structured (
  ai integer[], at text[], a2 int[][], r int4range, dr daterange, p pair, ip inet, cidr_ cidr, mac macaddr,
  pt point, bx box, ci circle, ln line, lseg_ lseg, pa path, po polygon
);
INSERT INTO structured VALUES
  ('{1,2,NULL}', '{"a b","c,d","","NULL",null}', '{{1,2},{3,4}}', '[1,10)', '[2026-01-01,2026-02-01)', ROW(1, 'x y'),
   '192.168.0.1/24', '10.0.0.0/8', '08:00:2b:01:02:03', '(1.5,2)', '((0,0),(1,1))', '<(1,1),2>', '{1,-1,0}',
   '[(0,0),(1,1)]', '((0,0),(1,1),(2,0))', '((0,0),(1,1),(2,0))'),
  ('{}', '{}', NULL, 'empty', NULL, ROW(NULL, NULL), '::1', '::/0', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

-- Not tables: never exported.
CREATE VIEW a_view AS SELECT * FROM numbers;
CREATE MATERIALIZED VIEW a_matview AS SELECT * FROM numbers;
CREATE SEQUENCE a_sequence;
