-- The partitions of every partitioned table of the current database, leaves only: the
-- subpartitions of a subpartitioned table, else its partitions. Each is read on its own with
-- SELECT … FROM t PARTITION (p) and exported as one batch of its table, as RDS does.
SELECT p.TABLE_NAME AS table_name,
       COALESCE(p.SUBPARTITION_NAME, p.PARTITION_NAME) AS name,
       COALESCE(p.TABLE_ROWS, 0) AS rows_estimate,
       COALESCE(p.DATA_LENGTH, 0) AS bytes_estimate
FROM information_schema.PARTITIONS p
WHERE p.TABLE_SCHEMA = DATABASE()
  AND p.PARTITION_NAME IS NOT NULL
ORDER BY CAST(p.TABLE_NAME AS BINARY), p.PARTITION_ORDINAL_POSITION,
         p.SUBPARTITION_ORDINAL_POSITION;
