-- MariaDB only: the columns declared JSON in the current database. MariaDB's JSON is an alias
-- of LONGTEXT (utf8mb4_bin) with a column check constraint json_valid(`col`) of the column's
-- name, which is all that is left to tell it by (MariaDB KB, "JSON Data Type"). MySQL has a real
-- JSON type (DATA_TYPE 'json') and no TABLE_NAME in CHECK_CONSTRAINTS, so this is not run there.
SELECT c.TABLE_NAME AS table_name,
       c.COLUMN_NAME AS name
FROM information_schema.COLUMNS c
JOIN information_schema.CHECK_CONSTRAINTS k
  ON k.CONSTRAINT_SCHEMA = c.TABLE_SCHEMA
 AND k.TABLE_NAME = c.TABLE_NAME
 AND k.CHECK_CLAUSE = CONCAT('json_valid(`', REPLACE(c.COLUMN_NAME, '`', '``'), '`)')
WHERE c.TABLE_SCHEMA = DATABASE()
  AND LOWER(c.DATA_TYPE) = 'longtext';
