-- The facts of a large partition tree (issue 19): more than 16 partitions are
-- read in one pass over pg_inherits, pg_class and pg_index; the totals must be
-- exactly the sum of what each leaf alone gives (rows, TOAST included), the
-- nested level and its leaves counted.  The output is the same as with the
-- one-relation path (each leaf through the catalog caches) of before.
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE pf (id int, v text) PARTITION BY LIST (id);
DO $$ BEGIN
  FOR i IN 0..29 LOOP
    EXECUTE format('CREATE TABLE pf_%s PARTITION OF pf FOR VALUES IN (%s)', i, i);
  END LOOP;
END $$;
-- a nested level with its own leaves
CREATE TABLE pf_sub PARTITION OF pf FOR VALUES IN (100, 101) PARTITION BY LIST (id);
CREATE TABLE pf_sub_a PARTITION OF pf_sub FOR VALUES IN (100);
CREATE TABLE pf_sub_b PARTITION OF pf_sub FOR VALUES IN (101);
INSERT INTO pf SELECT g % 30, 'v' || g FROM generate_series(1, 3000) g;
INSERT INTO pf SELECT 100 + g % 2, 'w' || g FROM generate_series(1, 600) g;
-- a value large enough to go to TOAST in one partition
INSERT INTO pf SELECT 7, string_agg(md5(g::text), '') FROM generate_series(1, 2000) g;
ANALYZE pf;
-- a failed CREATE INDEX CONCURRENTLY leaves an INVALID index on pf_3
INSERT INTO pf VALUES (3, 'v3');
CREATE UNIQUE INDEX CONCURRENTLY pf_3_v_uniq ON pf_3 (v);
SELECT indisvalid FROM pg_index WHERE indexrelid = 'pf_3_v_uniq'::regclass;

-- the whole tree at once, then each leaf alone (the one-relation path)
CREATE TEMP TABLE tree_total AS
  SELECT rows_estimate FROM migration_guard.plan('ALTER TABLE pf ALTER COLUMN v SET NOT NULL')
   WHERE relation = 'public.pf';
CREATE TEMP TABLE leaf_rows AS
  SELECT c.relname, (SELECT p.rows_estimate
                       FROM migration_guard.plan(format('ALTER TABLE %I ALTER COLUMN v SET NOT NULL', c.relname)) p
                      WHERE p.relation = 'public.' || c.relname) AS rows_estimate
    FROM pg_partition_tree('pf') t JOIN pg_class c ON c.oid = t.relid
   WHERE t.isleaf;
SELECT count(*) AS leaves, sum(rows_estimate) AS leaf_sum FROM leaf_rows;
SELECT rows_estimate AS tree_total, (SELECT sum(rows_estimate) FROM leaf_rows) = rows_estimate AS equal
  FROM tree_total;
-- every leaf of the tree, nested ones included, is in the model of a statement on the parent
SELECT count(*) AS relations FROM migration_guard.plan_locks('ALTER TABLE pf ADD COLUMN w int');
-- the INVALID index of pf_3 is among pf_3's facts, read in the same pass
SELECT rule, relation FROM migration_guard.review('SET lock_timeout = ''1s''; ALTER TABLE pf_3 ADD COLUMN w int')
 WHERE rule = 'invalid_index';
DROP INDEX pf_3_v_uniq;
-- the hook sees the same total (3601 rows): a warned ALTER on the parent
SET migration_guard.mode = warn;
SET lock_timeout = '1s';
ALTER TABLE pf ALTER COLUMN v SET NOT NULL;
RESET lock_timeout;
SET migration_guard.mode = off;
DROP TABLE pf;
RESET ALL;

-- A one-level tree of 200 partitions (its facts without a pass over
-- pg_inherits): the history row of an ALTER on the parent lists the parent
-- and every partition, a long array that reads back whole.
SET migration_guard.mode = off;
CREATE TABLE pf_wide (id int, v text) PARTITION BY HASH (id);
DO $$ BEGIN
  FOR i IN 0..199 LOOP
    EXECUTE format('CREATE TABLE pf_wide_%s PARTITION OF pf_wide FOR VALUES WITH (MODULUS 200, REMAINDER %s)', i, i);
  END LOOP;
END $$;
INSERT INTO pf_wide SELECT g, 'v' || g FROM generate_series(1, 2000) g;
ANALYZE pf_wide;
SELECT count(*) AS relations FROM migration_guard.plan_locks('ALTER TABLE pf_wide ADD COLUMN w int');
-- the totals are exactly the sum of what each leaf alone gives, rows and bytes
CREATE TEMP TABLE wide_total AS
  SELECT rows_estimate, bytes_estimate
    FROM migration_guard.plan('ALTER TABLE pf_wide ALTER COLUMN v SET NOT NULL')
   WHERE relation = 'public.pf_wide';
CREATE TEMP TABLE wide_leaves AS
  SELECT p.rows_estimate, p.bytes_estimate
    FROM pg_partition_tree('pf_wide') t JOIN pg_class c ON c.oid = t.relid,
         LATERAL migration_guard.plan(format('ALTER TABLE %I ALTER COLUMN v SET NOT NULL', c.relname)) p
   WHERE t.isleaf AND p.relation = 'public.' || c.relname;
SELECT count(*) AS leaves, sum(l.rows_estimate) = t.rows_estimate AS rows_equal,
       sum(l.bytes_estimate) = t.bytes_estimate AS bytes_equal,
       sum(l.bytes_estimate) = (SELECT sum(pg_relation_size(relid) + COALESCE(pg_relation_size(NULLIF(c.reltoastrelid, 0)), 0))
                                  FROM pg_partition_tree('pf_wide') JOIN pg_class c ON c.oid = relid
                                 WHERE isleaf) AS bytes_are_the_files
  FROM wide_leaves l, wide_total t GROUP BY t.rows_estimate, t.bytes_estimate;
SET migration_guard.mode = warn;
SET lock_timeout = '1s';
ALTER TABLE pf_wide ADD COLUMN w int;
RESET lock_timeout;
SELECT array_length(relations, 1) AS relations, relations[1] AS first, relations[201] AS last,
       (SELECT count(DISTINCT r) FROM unnest(relations) r) AS distinct_names
  FROM migration_guard.history WHERE statement = 'ALTER TABLE pf_wide ADD COLUMN w int';
SET migration_guard.mode = off;
DROP TABLE pf_wide;
RESET ALL;
