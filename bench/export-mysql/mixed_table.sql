-- The mixed table of the MySQL export benchmark, deterministic (no RAND()), the MySQL shape of
-- bench/export/mixed_table.sql: run with @rows set (SET @rows = 1000000; SOURCE …). bigint key,
-- int, 20–60 character text, DECIMAL(12,2), TIMESTAMP(6), DATE, TINYINT(1), a uuid as CHAR(36),
-- small JSON; about 1 in 17 values NULL in every column but id.
DROP TABLE IF EXISTS t;
CREATE TABLE t (
  id BIGINT PRIMARY KEY, quantity INT, name VARCHAR(60), amount DECIMAL(12, 2),
  created_at TIMESTAMP(6) NULL, birth_date DATE, active TINYINT(1), external_id CHAR(36),
  attributes JSON
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
SET @@session.time_zone = '+00:00';
INSERT INTO t
SELECT seq,
       IF(seq % 17 = 1, NULL, (seq * 7919) % 100000),
       IF(seq % 17 = 2, NULL, SUBSTR(CONCAT(MD5(seq), ' ', MD5(seq * 31)), 1, 20 + (seq * 13) % 41)),
       IF(seq % 17 = 3, NULL, ((seq * 104729) % 100000000) / 100.0),
       IF(seq % 17 = 4, NULL, TIMESTAMP '2020-01-01 00:00:00' + INTERVAL (seq * 37) SECOND),
       IF(seq % 17 = 5, NULL, DATE '1940-01-01' + INTERVAL ((seq * 7) % 29000) DAY),
       IF(seq % 17 = 6, NULL, seq % 3 = 0),
       IF(seq % 17 = 7, NULL, CONCAT_WS('-', SUBSTR(MD5(CONCAT(seq, 'u')), 1, 8), SUBSTR(MD5(CONCAT(seq, 'u')), 9, 4),
                                  SUBSTR(MD5(CONCAT(seq, 'u')), 13, 4), SUBSTR(MD5(CONCAT(seq, 'u')), 17, 4),
                                  SUBSTR(MD5(CONCAT(seq, 'u')), 21, 12))),
       IF(seq % 17 = 8, NULL, JSON_OBJECT('k', seq % 100, 'tag', CONCAT('x', seq % 7), 'ok', seq % 2 = 0))
FROM seq_1_to_1000000000
WHERE seq <= @rows;
ANALYZE TABLE t;
