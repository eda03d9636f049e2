-- The mixed table of the export benchmark, deterministic (no random()): psql -v rows=N.
-- bigint, int, 20–60 character text, numeric(12,2), timestamptz, date, bool, uuid, small json;
-- about 1 in 17 values NULL in every column but id.
DROP TABLE IF EXISTS t;
CREATE TABLE t (
  id bigint, quantity integer, name text, amount numeric(12, 2), created_at timestamptz,
  birth_date date, active boolean, external_id uuid, attributes json
);
INSERT INTO t
SELECT g,
       CASE WHEN g % 17 = 1 THEN NULL ELSE (g * 7919) % 100000 END,
       CASE WHEN g % 17 = 2 THEN NULL ELSE substr(md5(g::text) || ' ' || md5((g * 31)::text), 1, (20 + (g * 13) % 41)::int) END,
       CASE WHEN g % 17 = 3 THEN NULL ELSE ((g * 104729) % 100000000) / 100.0 END,
       CASE WHEN g % 17 = 4 THEN NULL ELSE timestamptz '2020-01-01 00:00:00+00' + g * interval '37 seconds' END,
       CASE WHEN g % 17 = 5 THEN NULL ELSE date '1940-01-01' + ((g * 7) % 29000)::int END,
       CASE WHEN g % 17 = 6 THEN NULL ELSE g % 3 = 0 END,
       CASE WHEN g % 17 = 7 THEN NULL ELSE md5(g::text || 'u')::uuid END,
       CASE WHEN g % 17 = 8 THEN NULL ELSE json_build_object('k', g % 100, 'tag', 'x' || (g % 7), 'ok', g % 2 = 0) END
FROM generate_series(1::bigint, :rows) g;
VACUUM ANALYZE t;
