-- The columns of every user table, in order, with their types resolved through domains (a domain
-- exports as its base type; a domain's own typmod, e.g. numeric(10,2), applies to the base).
-- The information_schema helper functions give the precisions RDS reports in
-- originalTypeMappings. For an array (typelem set, typlen -1: what array_send sends) the element
-- type is resolved through domains the same way; the column's typmod applies to the elements
-- (numeric(10,2)[]), or else the element domain's.
WITH RECURSIVE domain_base(domain_oid, type_oid, typmod) AS (
  SELECT t.oid, t.typbasetype, t.typtypmod
  FROM pg_type t
  WHERE t.typtype = 'd'
  UNION ALL
  SELECT d.domain_oid, t.typbasetype, CASE WHEN d.typmod <> -1 THEN d.typmod ELSE t.typtypmod END
  FROM domain_base d
  JOIN pg_type t ON t.oid = d.type_oid
  WHERE t.typtype = 'd'
), resolved AS (
  SELECT d.domain_oid, d.type_oid, d.typmod
  FROM domain_base d
  JOIN pg_type t ON t.oid = d.type_oid
  WHERE t.typtype <> 'd'
)
SELECT a.attrelid::bigint AS table_oid,
       a.attname AS name,
       format_type(a.atttypid, NULL) AS original_type,
       bt.typname AS base_type,
       bt.typtype::text AS base_kind,
       COALESCE(CASE WHEN a.atttypmod <> -1 THEN a.atttypmod END, r.typmod, -1) AS typmod,
       information_schema._pg_char_max_length(bt.oid,
         COALESCE(CASE WHEN a.atttypmod <> -1 THEN a.atttypmod END, r.typmod, -1)) AS char_max_length,
       information_schema._pg_numeric_precision(bt.oid,
         COALESCE(CASE WHEN a.atttypmod <> -1 THEN a.atttypmod END, r.typmod, -1)) AS numeric_precision,
       information_schema._pg_numeric_scale(bt.oid,
         COALESCE(CASE WHEN a.atttypmod <> -1 THEN a.atttypmod END, r.typmod, -1)) AS numeric_scale,
       information_schema._pg_datetime_precision(bt.oid,
         COALESCE(CASE WHEN a.atttypmod <> -1 THEN a.atttypmod END, r.typmod, -1)) AS datetime_precision,
       -- Whether "::text" is the type's output function (psql's and COPY's text). It is for an
       -- I/O conversion cast, the one a type without a cast to text gets. A cast function may
       -- render otherwise (inet::text always shows the netmask), and so may a binary-coercible
       -- cast, which reinterprets the stored bytes: xml::text keeps <?xml version="1.0"?>,
       -- which xml's output function drops (xml.c, xml_out_internal).
       NOT EXISTS (SELECT 1 FROM pg_cast k
                   WHERE k.castsource = bt.oid AND k.casttarget = 'text'::regtype
                     AND k.castmethod IN ('f', 'b')) AS text_cast_is_output,
       COALESCE(et.typname, '') AS element_type,
       COALESCE(et.typtype::text, 'b') AS element_kind,
       COALESCE(CASE WHEN a.atttypmod <> -1 THEN a.atttypmod END, r.typmod, er.typmod, -1) AS element_typmod,
       et.oid IS NULL OR NOT EXISTS (SELECT 1 FROM pg_cast k
                   WHERE k.castsource = et.oid AND k.casttarget = 'text'::regtype
                     AND k.castmethod IN ('f', 'b')) AS element_text_cast_is_output
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN resolved r ON r.domain_oid = a.atttypid
JOIN pg_type bt ON bt.oid = COALESCE(r.type_oid, a.atttypid)
LEFT JOIN resolved er ON bt.typlen = -1 AND er.domain_oid = bt.typelem
LEFT JOIN pg_type et ON bt.typlen = -1 AND bt.typelem <> 0 AND et.oid = COALESCE(er.type_oid, bt.typelem)
WHERE c.relkind IN ('r', 'p')
  AND a.attnum > 0
  AND NOT a.attisdropped
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
ORDER BY a.attrelid, a.attnum;
