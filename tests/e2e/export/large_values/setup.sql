-- Large values (text and bytea of several MB, beyond one data page) and tables big enough to be
-- split into ctid ranges (> 2048 blocks), exported with --jobs 3: 3 encoding threads fed by 2
-- COPY streams, so 2 ranges. wide_rows has ~40 MB of COPY data per range, past the 32 MB the
-- first encoder takes alone, so the second encoder writes parts of each range too.
CREATE TABLE blobs (id int, t text, b bytea);
INSERT INTO blobs VALUES
  (1, repeat('ü-large text ', 300000), decode(repeat('00ff7f80', 1500000), 'hex')),
  (2, '', ''),
  (3, NULL, NULL),
  (4, repeat(md5('x'), 70000), sha256('x'));
CREATE TABLE many_rows (id bigint, n int, s text, f double precision) WITH (fillfactor = 50);
INSERT INTO many_rows SELECT g, (g % 1000)::int, md5(g::text), g / 7.0 FROM generate_series(1, 150000) g;
CREATE TABLE wide_rows (id bigint, s text);
INSERT INTO wide_rows SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 280000) g;
