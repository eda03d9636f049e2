-- The databases an export of a whole server covers: every database that is not a template and
-- accepts connections (an RDS snapshot export covers all databases of the instance).
SELECT datname AS name
FROM pg_database
WHERE NOT datistemplate AND datallowconn
ORDER BY datname;
