-- The primary-key columns of every table of the current database, in key order: a table whose
-- key is one integer column can be split into key ranges (plan.h).
SELECT s.TABLE_NAME AS table_name,
       s.COLUMN_NAME AS name,
       s.SEQ_IN_INDEX AS position
FROM information_schema.STATISTICS s
WHERE s.TABLE_SCHEMA = DATABASE()
  AND s.INDEX_NAME = 'PRIMARY'
ORDER BY CAST(s.TABLE_NAME AS BINARY), s.SEQ_IN_INDEX;
