-- migration_guard demo: a table of 200 000 rows, a few classic migration
-- accidents, and their safe forms.  Run by test/demo.sh in a throwaway cluster.
\set ON_ERROR_STOP off
\pset footer off
CREATE EXTENSION migration_guard;
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, created_at timestamptz, total numeric(12,2));
INSERT INTO orders
  SELECT g, g % 5000, now() - g * interval '1 second', g % 1000
  FROM generate_series(1, 200000) g;
ANALYZE orders;
SELECT pg_size_pretty(pg_total_relation_size('orders')) AS orders_size;
-- Every migration should bound its lock waits (rule lock_timeout_missing).
SET lock_timeout = '10s';

\echo
\echo '== 1. mode = warn (the default): the index is built, with a warning and the safe statement'
CREATE INDEX orders_customer_idx ON orders (customer_id);
DROP INDEX CONCURRENTLY orders_customer_idx;

\echo
\echo '== 2. mode = enforce: the same statement is rejected (SQLSTATE MG001)'
SET migration_guard.mode = enforce;
CREATE INDEX orders_customer_idx ON orders (customer_id);
\echo SQLSTATE :LAST_ERROR_SQLSTATE

\echo
\echo '== 3. ... and its safe form goes through'
CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);

\echo
\echo '== 4. a NOT NULL column without a default would fail after taking ACCESS EXCLUSIVE'
ALTER TABLE orders ADD COLUMN status text NOT NULL;
ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';

\echo
\echo '== 5. a type change that rewrites the whole table (the table_rewrite event is the safety net)'
ALTER TABLE orders ALTER COLUMN customer_id TYPE text;

\echo
\echo '== 6. small tables are left alone'
CREATE TABLE countries (code text);
INSERT INTO countries VALUES ('fr'), ('de');
CREATE INDEX countries_code_idx ON countries (code);
ALTER TABLE countries ADD COLUMN name text;
\echo 'no message: nobody waits for a two-row table'

\echo
\echo '== 7. the plan of a migration, without executing anything'
SELECT stmt_no, command, relation, lock_mode, other_locks, effect, rows_estimate
  FROM migration_guard.plan($$
    ALTER TABLE orders ADD COLUMN shipped_at timestamptz;
    ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);
    ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2);
    CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at);
    ALTER TABLE orders ALTER COLUMN created_at SET NOT NULL;
  $$);

\echo
\echo '== 8. the report of a migration, for the pull request (also: migration-guard review FILE)'
\set QUIET on
\pset format unaligned
\pset tuples_only on
\set QUIET off
SELECT migration_guard.report($$
  BEGIN;
  ALTER TABLE orders ADD COLUMN shipped_at timestamptz;
  ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);
  UPDATE orders SET shipped_at = created_at WHERE id < 1000;
  COMMIT;
  CREATE INDEX orders_created_idx ON orders (created_at);
$$);
\set QUIET on
\pset format aligned
\pset tuples_only off
\set QUIET off

\echo
\echo '== 9. what ran, and the SQL that undoes it (migration_guard.history, rollback_script)'
SELECT id, command, decision, findings, reversible FROM migration_guard.history ORDER BY id;
\set QUIET on
\pset format unaligned
\pset tuples_only on
\set QUIET off
SELECT migration_guard.rollback_script(now() - interval '1 hour');
