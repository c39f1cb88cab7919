-- Plain inheritance is followed like partitioning (docs/security.md): a
-- statement on a parent that recurses reaches the children's rows.  TRUNCATE
-- judges each child with its own facts; ALTER TABLE is judged on the parent
-- with the sums over the parent and the children it scans or rewrites (issue
-- 14.3); ONLY and NO INHERIT stay on the parent.
SET migration_guard.mode = off;
SET migration_guard.large_table_rows = 1000;
CREATE TABLE inh_parent (id int, v int);
CREATE TABLE inh_child_big () INHERITS (inh_parent);
CREATE TABLE inh_child_small () INHERITS (inh_parent);
CREATE TABLE inh_child_empty () INHERITS (inh_parent);
INSERT INTO inh_child_big SELECT g, g FROM generate_series(1, 5000) g;
INSERT INTO inh_child_small VALUES (1, 1);
SELECT pg_stat_force_next_flush() \gset
ANALYZE inh_parent, inh_child_big, inh_child_small, inh_child_empty;

SELECT stmt_no, rule, relation FROM migration_guard.review(
  'TRUNCATE inh_parent;
   TRUNCATE ONLY inh_parent;
   ALTER TABLE inh_parent ALTER COLUMN v SET NOT NULL;
   ALTER TABLE inh_parent ADD CONSTRAINT v_positive CHECK (v > 0);
   ALTER TABLE inh_parent ADD CONSTRAINT v_positive CHECK (v > 0) NOT VALID;
   ALTER TABLE inh_parent ADD CONSTRAINT v_small CHECK (v < 10) NO INHERIT;
   ALTER TABLE ONLY inh_parent ADD CONSTRAINT v_small CHECK (v < 10) NO INHERIT;')
 WHERE rule <> 'lock_timeout_missing' ORDER BY 1, 2, 3;

-- What ALTER TABLE on the parent does to each child (plan_locks), and the
-- summed facts its findings give.
SELECT relation, lock_mode, effect, cause FROM migration_guard.plan_locks(
  'ALTER TABLE inh_parent ALTER COLUMN v TYPE bigint') ORDER BY relation;
SELECT relation, lock_mode, effect, cause FROM migration_guard.plan_locks(
  'ALTER TABLE inh_parent ADD COLUMN r float8 DEFAULT random()') ORDER BY relation;
SELECT relation, lock_mode, effect, cause FROM migration_guard.plan_locks(
  'ALTER TABLE inh_parent ADD CONSTRAINT v_positive CHECK (v > 0) NOT VALID') ORDER BY relation;
SELECT rule, relation, detail FROM migration_guard.review(
  'SET lock_timeout = ''1s''; ALTER TABLE inh_parent ALTER COLUMN v TYPE bigint')
 ORDER BY 1, 2;
-- a child proven NOT NULL by its own CHECK is not scanned, nor counted
ALTER TABLE inh_child_big ADD CONSTRAINT big_v_nn CHECK (v IS NOT NULL);
SELECT relation, effect FROM migration_guard.plan_locks(
  'ALTER TABLE inh_parent ALTER COLUMN v SET NOT NULL') ORDER BY relation;
SELECT rule, relation, detail FROM migration_guard.review(
  'SET lock_timeout = ''1s''; ALTER TABLE inh_parent ALTER COLUMN v SET NOT NULL');
ALTER TABLE inh_child_big DROP CONSTRAINT big_v_nn;

-- At run time, in enforce: the parent itself is empty, its children are not.
SET migration_guard.mode = enforce;
SET lock_timeout = '5s';
TRUNCATE inh_parent;
-- ONLY touches the (empty) parent alone: silent.
TRUNCATE ONLY inh_parent;
-- the type change rewrites the children: refused, once (the children's own
-- table_rewrite events were foreseen)
ALTER TABLE inh_parent ALTER COLUMN v TYPE bigint;

RESET lock_timeout;
SET migration_guard.mode = off;
DROP TABLE inh_parent CASCADE;
RESET ALL;
