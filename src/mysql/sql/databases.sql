-- The databases an export of a whole server covers: every schema but the server's own
-- (mysql, information_schema, performance_schema, sys) and RDS's administration schema, which
-- RDS keeps from its users. Byte order, so that the order does not depend on a collation.
SELECT SCHEMA_NAME AS name
FROM information_schema.SCHEMATA
WHERE SCHEMA_NAME NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys', 'rdsadmin')
ORDER BY CAST(SCHEMA_NAME AS BINARY);
