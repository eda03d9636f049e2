-- The tables of the current database that an export covers: ordinary ('r') and partitioned ('p')
-- tables, permanent or unlogged, that are not themselves partitions (a partition is exported as
-- a batch of its top-level parent, see partitions.sql). Views, materialized views, sequences and
-- foreign tables are not tables. System schemas and other sessions' temporary schemas are left
-- out. `readable` says whether the current user may SELECT it (RDS skips what it cannot read);
-- `pages` is the relation's current size in blocks, used to split it into ctid ranges;
-- `rows_estimate` the planner's row count (reltuples; 0 when never analyzed), for progress.
SELECT c.oid::bigint AS oid,
       n.nspname AS schema,
       c.relname AS name,
       c.relkind::text AS kind,
       c.relpersistence::text AS persistence,
       (has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT')) AS readable,
       (pg_relation_size(c.oid) / current_setting('block_size')::bigint) AS pages,
       GREATEST(c.reltuples, 0)::bigint AS rows_estimate
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND NOT c.relispartition
  AND c.relpersistence IN ('p', 'u')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C";
