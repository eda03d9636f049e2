-- The columns of every table of the current database, in order, as information_schema
-- describes them. Generated columns (VIRTUAL, STORED, MariaDB's PERSISTENT) are read as values;
-- MySQL 8's DEFAULT_GENERATED is a default expression, not a generated column.
SELECT c.TABLE_NAME AS table_name,
       c.COLUMN_NAME AS name,
       LOWER(c.DATA_TYPE) AS data_type,
       c.COLUMN_TYPE AS column_type,
       (c.COLUMN_TYPE LIKE '% unsigned%') AS is_unsigned,
       c.CHARACTER_SET_NAME AS charset,
       c.COLLATION_NAME AS collation,
       c.CHARACTER_MAXIMUM_LENGTH AS char_max_length,
       c.NUMERIC_PRECISION AS numeric_precision,
       c.NUMERIC_SCALE AS numeric_scale,
       c.DATETIME_PRECISION AS datetime_precision,
       (c.EXTRA LIKE '%VIRTUAL GENERATED%' OR c.EXTRA LIKE '%STORED GENERATED%'
        OR c.EXTRA LIKE '%PERSISTENT GENERATED%') AS is_generated
FROM information_schema.COLUMNS c
WHERE c.TABLE_SCHEMA = DATABASE()
ORDER BY CAST(c.TABLE_NAME AS BINARY), c.ORDINAL_POSITION;
