-- The leaf partitions of every top-level partitioned table (sub-partitions flattened), each read
-- with its own rows (FROM ONLY) as one batch of the parent. Foreign-table partitions hold no
-- local data and are left out, as foreign tables are.
SELECT p.oid::bigint AS parent,
       l.relid::oid::bigint AS oid,
       ln.nspname AS schema,
       lc.relname AS name,
       (has_schema_privilege(ln.oid, 'USAGE') AND has_table_privilege(lc.oid, 'SELECT')) AS readable,
       (pg_relation_size(lc.oid) / current_setting('block_size')::bigint) AS pages,
       GREATEST(lc.reltuples, 0)::bigint AS rows_estimate
FROM pg_class p
CROSS JOIN LATERAL pg_partition_tree(p.oid) l
JOIN pg_class lc ON lc.oid = l.relid
JOIN pg_namespace ln ON ln.oid = lc.relnamespace
WHERE p.relkind = 'p'
  AND NOT p.relispartition
  AND l.isleaf
  AND lc.relkind = 'r'
ORDER BY p.oid, ln.nspname COLLATE "C", lc.relname COLLATE "C";
