-- Partitioned tables (exported as the parent, one batch per leaf), inheritance (each table its
-- own rows), unlogged and empty tables; views, materialized views, sequences and foreign tables
-- are not exported.
CREATE TABLE events (id int, at date, note text) PARTITION BY RANGE (at);
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')
  PARTITION BY LIST (note);
CREATE TABLE events_2026_a PARTITION OF events_2026 FOR VALUES IN ('a');
CREATE TABLE events_2026_rest PARTITION OF events_2026 DEFAULT;
CREATE TABLE events_empty PARTITION OF events FOR VALUES FROM ('2030-01-01') TO ('2031-01-01');
-- A partition whose columns are in another order than its parent's.
CREATE TABLE events_2024 (note text, at date, id int);
ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO events SELECT g, DATE '2024-01-01' + g * 3, CASE WHEN g % 2 = 0 THEN 'a' ELSE 'b' END
FROM generate_series(1, 300) g;

CREATE TABLE no_partitions (id int) PARTITION BY HASH (id);

CREATE TABLE animal (id int, name text);
CREATE TABLE dog (barks boolean) INHERITS (animal);
CREATE TABLE puppy (age int) INHERITS (dog);
INSERT INTO animal VALUES (1, 'generic');
INSERT INTO dog VALUES (2, 'rex', true);
INSERT INTO puppy VALUES (3, 'bit', false, 1);

CREATE UNLOGGED TABLE scratch (k text, v bigint);
INSERT INTO scratch VALUES ('a', 1), ('b', NULL);

CREATE TABLE empty_table (id int, t text);
CREATE TABLE dropped_column (a int, b text, c int);
INSERT INTO dropped_column VALUES (1, 'x', 2);
ALTER TABLE dropped_column DROP COLUMN b;

CREATE VIEW v AS SELECT 1 AS one;
CREATE MATERIALIZED VIEW mv AS SELECT 1 AS one;
CREATE SEQUENCE seq;
CREATE FOREIGN DATA WRAPPER dummy_fdw;
CREATE SERVER dummy_server FOREIGN DATA WRAPPER dummy_fdw;
CREATE FOREIGN TABLE remote (id int) SERVER dummy_server;
