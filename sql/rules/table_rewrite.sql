-- table_rewrite: the table_rewrite event trigger, the server's own word that a
-- rewrite is about to start, catches what no prediction saw.
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = enforce;
CREATE TABLE big (id int, amount numeric(10,2), note varchar(20));
INSERT INTO big SELECT g, g, 'n' FROM generate_series(1, 5000) g;
ANALYZE big;
CREATE TABLE small (id int);
INSERT INTO small SELECT g FROM generate_series(1, 10) g;

-- A type change that rewrites: rejected, and the table is left as it was.
SELECT relfilenode AS before FROM pg_class WHERE relname = 'big' \gset
ALTER TABLE big ALTER COLUMN id TYPE bigint;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT relfilenode = :before AS unchanged FROM pg_class WHERE relname = 'big';
-- A volatile default rewrites; a constant one does not.
ALTER TABLE big ADD COLUMN r float8 DEFAULT random();
ALTER TABLE big ADD COLUMN c int DEFAULT 42;
-- SET UNLOGGED rewrites.
ALTER TABLE big SET UNLOGGED;
-- Binary-coercible changes do not rewrite: no event, no message.
ALTER TABLE big ALTER COLUMN note TYPE varchar(40);
ALTER TABLE big ALTER COLUMN note TYPE text;
-- Small tables are rewritten in a moment: no message.
ALTER TABLE small ALTER COLUMN id TYPE bigint;
-- warn mode: the rewrite goes ahead after the warning.
SET migration_guard.mode = warn;
ALTER TABLE big ALTER COLUMN id TYPE bigint;
-- A table created in this transaction: nobody else can see it.
BEGIN;
CREATE TABLE fresh AS SELECT g AS id FROM generate_series(1, 5000) g;
ALTER TABLE fresh ALTER COLUMN id TYPE bigint;
COMMIT;

-- ALTER COLUMN ... TYPE ... USING, as Django and knex write every type
-- change: judged with the server's own rewrite test.  A binary-coercible
-- change written with USING does not rewrite: silent, relfilenode kept.
SET migration_guard.mode = enforce;
SELECT relfilenode AS before FROM pg_class WHERE relname = 'big' \gset
ALTER TABLE big ALTER COLUMN amount TYPE numeric(12,2) USING amount::numeric(12,2);
ALTER TABLE big ALTER COLUMN note TYPE varchar USING "note"::varchar;
SELECT relfilenode = :before AS unchanged FROM pg_class WHERE relname = 'big';
-- A USING that computes values: flagged, and the recipe's backfill and
-- trigger use the USING expression (runnable).  A length check is a
-- rewrite too (plan).
ALTER TABLE big ALTER COLUMN amount TYPE numeric(14,2) USING round(amount * 100) / 100;
SELECT effect FROM migration_guard.plan_locks('ALTER TABLE big ALTER COLUMN note TYPE varchar(80) USING note::varchar(80)');

-- ADD COLUMN whose values are written into every row (identity, serial,
-- GENERATED ... STORED, a domain with constraints): rewrites, judged by the
-- rule (the prediction used to silence the server's own event).
SET migration_guard.mode = enforce;
CREATE DOMAIN positive AS int CHECK (VALUE > 0);
CREATE DOMAIN plain_int AS int;
SELECT relfilenode AS before FROM pg_class WHERE relname = 'big' \gset
ALTER TABLE big ADD COLUMN p positive;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
ALTER TABLE big ADD COLUMN i int GENERATED ALWAYS AS IDENTITY;
ALTER TABLE big ADD COLUMN s bigserial;
ALTER TABLE big ADD COLUMN g int GENERATED ALWAYS AS (id * 2) STORED;
\set VERBOSITY default
SELECT relfilenode = :before AS unchanged FROM pg_class WHERE relname = 'big';
-- warn mode: one warning (from the prediction), not a second one from the event.
SET migration_guard.mode = warn;
ALTER TABLE big ADD COLUMN p positive;
-- Safe sides: a domain without constraints, and a small table: silent.
SET migration_guard.mode = enforce;
ALTER TABLE big ADD COLUMN q plain_int;
ALTER TABLE small ADD COLUMN p positive;
-- What the server skips: SET ACCESS METHOD / SET TABLESPACE to the current
-- one rewrites nothing: silent, relfilenode kept.
SELECT relfilenode AS before FROM pg_class WHERE relname = 'big' \gset
ALTER TABLE big SET ACCESS METHOD heap;
ALTER TABLE big SET TABLESPACE pg_default;
SELECT relfilenode = :before AS unchanged FROM pg_class WHERE relname = 'big';

CALL quietly('DROP TABLE big, small, fresh');
DROP DOMAIN positive, plain_int;
RESET ALL;

-- VACUUM FULL and CLUSTER rewrite too (the hook sees both).
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE customers (id int PRIMARY KEY, email text);
INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 5000) g;
CREATE TABLE orders (id int, note varchar(40));
INSERT INTO orders SELECT g, 'n' FROM generate_series(1, 5000) g;
CREATE TABLE small (id int, note varchar(40));
INSERT INTO small SELECT g, 'n' FROM generate_series(1, 10) g;
ANALYZE customers, orders, small;
SET migration_guard.mode = enforce;
VACUUM FULL orders;
VACUUM FULL small;
CLUSTER customers USING customers_pkey;
-- ... and a rewrite no prediction saw, reported by the table_rewrite event:
-- ALTER TYPE on the composite type of a typed table.
CREATE TYPE order_row AS (id int, total int);
CREATE TABLE typed_orders OF order_row;
INSERT INTO typed_orders SELECT g, g FROM generate_series(1, 5000) g;
ALTER TYPE order_row ALTER ATTRIBUTE total TYPE bigint CASCADE;


-- A partitioned table (issue 14.3): a rewrite of it is one of each leaf, its
-- facts the sums; each leaf alone (600 rows) is under the threshold, the two
-- together are not.
SET migration_guard.mode = off;
CREATE TABLE tr_parts (id int, v int) PARTITION BY RANGE (id);
CREATE TABLE tr_parts_1 PARTITION OF tr_parts FOR VALUES FROM (0) TO (600);
CREATE TABLE tr_parts_2 PARTITION OF tr_parts FOR VALUES FROM (600) TO (1200);
INSERT INTO tr_parts SELECT g, g FROM generate_series(0, 1199) g;
CREATE TABLE tr_small_parts (id int, v int) PARTITION BY RANGE (id);
CREATE TABLE tr_small_parts_1 PARTITION OF tr_small_parts FOR VALUES FROM (0) TO (100);
INSERT INTO tr_small_parts SELECT g, g FROM generate_series(0, 9) g;
ANALYZE tr_parts, tr_small_parts;
SELECT relation, effect, cause FROM migration_guard.plan_locks('ALTER TABLE tr_parts ALTER COLUMN v TYPE bigint') ORDER BY 1;
SET migration_guard.mode = enforce;
ALTER TABLE tr_parts ALTER COLUMN v TYPE bigint;
ALTER TABLE tr_parts ADD COLUMN r float8 DEFAULT random();
-- silent: a small tree
ALTER TABLE tr_small_parts ALTER COLUMN v TYPE bigint;
CALL quietly('DROP TABLE tr_parts, tr_small_parts');

-- SET TABLESPACE to another tablespace copies the table's files under ACCESS
-- EXCLUSIVE (issue 14.4): flagged on a large table, silent on a small one
-- and to the tablespace it is in already.
SET migration_guard.mode = off;
SET allow_in_place_tablespaces = on;
CREATE TABLESPACE tr_ts LOCATION '';
SET migration_guard.mode = enforce;
ALTER TABLE orders SET TABLESPACE tr_ts;
ALTER TABLE small SET TABLESPACE tr_ts;
ALTER TABLE orders SET TABLESPACE pg_default;
ALTER TABLE small SET TABLESPACE pg_default;
-- Its undo moves the table back (the history's, and the report's rollback).
SELECT rollback_sql FROM migration_guard.history
 WHERE statement = 'ALTER TABLE small SET TABLESPACE tr_ts' ORDER BY id DESC LIMIT 1;
SELECT (migration_guard.report('ALTER TABLE small SET TABLESPACE tr_ts', 'json')::jsonb)
       -> 'rollback' -> 0 ->> 'sql' AS report_rollback;
SET migration_guard.mode = off;
DROP TABLESPACE tr_ts;
RESET allow_in_place_tablespaces;

CALL quietly('DROP TABLE customers, orders, small, typed_orders');
CALL quietly('DROP TYPE order_row');
RESET ALL;
