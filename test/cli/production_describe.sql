-- The schema as pg_get_*def() describe it: what test/cli/production.sh
-- compares between production and the shadow (--keep-shadow).
SELECT kind || ' ' || name || ': ' || def FROM (
  SELECT 'index' AS kind, c.relname::text AS name,
         pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END AS def
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
   WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'constraint', conrelid::regclass || '.' || conname,
         pg_get_constraintdef(oid) || CASE WHEN convalidated THEN '' ELSE ' (not valid)' END
    -- NOT NULL constraints (rows from PostgreSQL 18 on) are compared as the
    -- columns' NOT NULL; their names differ on partitions created otherwise.
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid <> 0
     AND contype <> 'n'
  UNION ALL
  SELECT 'column', attrelid::regclass || '.' || attname,
         format_type(atttypid, atttypmod) || CASE WHEN attnotnull THEN ' not null' ELSE '' END
         || coalesce(' default ' || pg_get_expr(adbin, adrelid), '')
         || coalesce(' identity ' || nullif(attidentity::text, ''), '')
         || coalesce(' generated ' || nullif(attgenerated::text, ''), '')
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
     AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT 'partition', c.oid::regclass::text,
         coalesce(pg_get_expr(c.relpartbound, c.oid), 'inherits') || ' of ' || i.inhparent::regclass
    FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid
   WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
  UNION ALL
  SELECT 'partition key', partrelid::regclass::text, pg_get_partkeydef(partrelid) FROM pg_partitioned_table
  UNION ALL
  SELECT 'type', t.typname, t.typtype::text || coalesce(' ' || format_type(t.typbasetype, t.typtypmod), '')
    FROM pg_type t WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd')
) s ORDER BY 1;
