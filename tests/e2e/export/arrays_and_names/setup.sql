-- Arrays of every element kind (typed: LIST; rds: PostgreSQL's text), with NULL elements, empty
-- and NULL arrays, multi-dimensional arrays (flattened in row-major order), lower bounds other
-- than 1, and elements the Parquet type cannot hold; and column names that differ only in case.
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN amount AS numeric(10, 2);

CREATE TABLE arrays (
  id int, ai int[], ai8 bigint[], ai2 smallint[], at text[], avc varchar(5)[], an numeric(12, 2)[],
  ann numeric[], ad date[], ats timestamp[], atstz timestamptz[], au uuid[], atm time[], ab bool[],
  aby bytea[], af float8[], aj jsonb[], ae mood[], adom amount[], aiv interval[], ainet inet[],
  a2 int[][], a3 text[][][]
);
INSERT INTO arrays VALUES
  (1, '{1,NULL,-2147483648,2147483647}', '{9223372036854775807,NULL}', '{-32768,32767}',
   '{"a b","c,d","",NULL,"NULL","ü 🐘"}', '{abc,NULL}', '{1.50,-0.01,NULL,99999999.99}',
   '{1.5,NaN,NULL,-1e-20}', '{2026-01-01,NULL,1970-01-01,0001-01-01}',
   '{"2026-01-01 10:00:00.123456",NULL,"1969-12-31 23:59:59.999999"}',
   '{"2026-01-01 10:00:00.5+02",NULL}', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,NULL,00000000-0000-0000-0000-000000000000}',
   '{14:15:02.123456,NULL,24:00:00}', '{t,f,NULL}', '{"\\x00ff",NULL,"\\x"}', '{1.5,NULL,-0,Infinity}',
   '{"{\"a\": [1, 2.50]}",NULL,"[]"}', '{happy,NULL,sad}', '{1.25,NULL}', '{"1 day",NULL}',
   '{192.168.0.1/24,NULL}', '{{1,2},{3,NULL}}', '{{{a,b},{c,d}},{{e,f},{g,NULL}}}'),
  (2, '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}',
   '{}', '{}', '{}', '{}', '{}'),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL, NULL, NULL, NULL, NULL),
  (4, '[0:2]={7,8,9}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{infinity,2000-02-29}',
   '{-infinity}', '{infinity,"2000-01-01 00:00:00+00"}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NaN}',
   '{NULL}', '{ok}', '{NULL}', '{NULL}', '{NULL}', '[2:3][5:5]={{1},{2}}', '{{{x}}}');

-- Athena, Glue and Spark (by default) fold case: "A" and "a" would be one column to them.
CREATE TABLE "Names" ("A" int, a int, "B" text, b text, "b " text, "Ü" int, "ü" int);
INSERT INTO "Names" VALUES (1, 2, 'B', 'b', 'b space', 3, 4), (NULL, NULL, NULL, NULL, NULL, NULL, NULL);
