-- The base tables of the current database (USE db first): no views, no MariaDB sequences (a
-- sequence is a one-row table of counters, not data). MariaDB's system-versioned tables are
-- base tables whose SELECT returns the current rows. `transactional` says whether the engine
-- takes part in a consistent snapshot (InnoDB: yes; MyISAM, Aria, MEMORY, CSV: no; those must
-- be read while the snapshot's lock is held). The estimates are information_schema's (InnoDB
-- samples them), for progress and planning only.
SELECT t.TABLE_NAME AS name,
       t.ENGINE AS engine,
       COALESCE(e.TRANSACTIONS = 'YES', 0) AS transactional,
       COALESCE(t.TABLE_ROWS, 0) AS rows_estimate,
       COALESCE(t.DATA_LENGTH, 0) AS bytes_estimate,
       (t.CREATE_OPTIONS LIKE '%partitioned%') AS partitioned
FROM information_schema.TABLES t
LEFT JOIN information_schema.ENGINES e ON e.ENGINE = t.ENGINE
WHERE t.TABLE_SCHEMA = DATABASE()
  AND t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')
ORDER BY CAST(t.TABLE_NAME AS BINARY);
