-- Every rule of the catalog: flagged on a large (or non-empty) table, silent
-- on a small or empty one and on its safe form.  Rejections in enforce mode
-- leave the fixtures as they are.
SET migration_guard.large_table_rows = 1000;
SELECT id, severity FROM migration_guard.rules ORDER BY id;
SET migration_guard.mode = off;

CREATE TABLE customers (id int PRIMARY KEY, email text);
INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 5000) g;
CREATE TABLE orders (id int, customer_id int, note varchar(40), amount numeric(10,2), status text);
INSERT INTO orders SELECT g, g, 'n', g, 'new' FROM generate_series(1, 5000) g;
CREATE INDEX orders_note_idx ON orders (note) WHERE false;
CREATE TABLE small (id int, note varchar(40));
INSERT INTO small SELECT g, 'n' FROM generate_series(1, 10) g;
CREATE INDEX small_id_idx ON small (id);
CREATE TABLE empty (id int, note text);
ANALYZE customers, orders, small, empty;
SET migration_guard.mode = enforce;

-- drop_index_not_concurrent
DROP INDEX orders_note_idx;
DROP INDEX small_id_idx;
CREATE INDEX small_id_idx ON small (id);

-- reindex_not_concurrent
REINDEX INDEX orders_note_idx;
REINDEX TABLE orders;
REINDEX TABLE small;
REINDEX INDEX CONCURRENTLY orders_note_idx;

-- set_not_null_scan (the hint names the recipe of the running version: the
-- versions test shows it in full)
\set VERBOSITY terse
ALTER TABLE orders ALTER COLUMN status SET NOT NULL;
\set VERBOSITY default
ALTER TABLE small ALTER COLUMN note SET NOT NULL;
-- ... silent when a valid CHECK constraint proves it (the recipe).
ALTER TABLE orders ADD CONSTRAINT orders_status_not_null CHECK (status IS NOT NULL) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_status_not_null;
ALTER TABLE orders ALTER COLUMN status SET NOT NULL;
ALTER TABLE orders DROP CONSTRAINT orders_status_not_null;

-- constraint_without_not_valid: CHECK and FOREIGN KEY
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
ALTER TABLE small ADD CONSTRAINT small_id_positive CHECK (id > 0);
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;

-- unique_constraint_builds_index: UNIQUE, PRIMARY KEY, EXCLUDE
ALTER TABLE orders ADD CONSTRAINT orders_id_key UNIQUE (id);
\set VERBOSITY terse
ALTER TABLE orders ADD PRIMARY KEY (id);
\set VERBOSITY default
ALTER TABLE orders ADD CONSTRAINT orders_id_excl EXCLUDE USING btree (id WITH =);
ALTER TABLE small ADD CONSTRAINT small_id_key UNIQUE (id);
-- ... silent with USING INDEX (the recipe).
CREATE UNIQUE INDEX CONCURRENTLY orders_id_key ON orders (id);
ALTER TABLE orders ADD CONSTRAINT orders_id_key UNIQUE USING INDEX orders_id_key;

-- type_change_narrowing (and the predicted table_rewrite)
ALTER TABLE orders ALTER COLUMN note TYPE varchar(10);
ALTER TABLE small ALTER COLUMN note TYPE varchar(10);
ALTER TABLE orders ALTER COLUMN amount TYPE numeric(10,1);
ALTER TABLE orders ALTER COLUMN customer_id TYPE smallint;
-- widening is binary coercible: no rewrite, nothing lost
ALTER TABLE orders ALTER COLUMN note TYPE varchar(80);
ALTER TABLE orders ALTER COLUMN note TYPE text;
ALTER TABLE orders ALTER COLUMN amount TYPE numeric(12,2);

-- table_rewrite: VACUUM FULL and CLUSTER (the hook sees both)
VACUUM FULL orders;
VACUUM FULL small;
CLUSTER customers USING customers_pkey;
-- ... and a rewrite no prediction saw, reported by the table_rewrite event:
-- ALTER TYPE on the composite type of a typed table.
CREATE TYPE order_row AS (id int, total int);
CREATE TABLE typed_orders OF order_row;
INSERT INTO typed_orders SELECT g, g FROM generate_series(1, 5000) g;
ALTER TYPE order_row ALTER ATTRIBUTE total TYPE bigint CASCADE;

-- attach_partition_scan
CREATE TABLE events (id int, kind text) PARTITION BY RANGE (id);
CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (0) TO (10000);
CREATE TABLE events_2 (id int, kind text);
INSERT INTO events_2 SELECT g, 'k' FROM generate_series(10000, 15000) g;
ALTER TABLE events ATTACH PARTITION events_2 FOR VALUES FROM (10000) TO (20000);
-- ... silent when a valid CHECK constraint implies the bound (the recipe).
ALTER TABLE events_2 ADD CONSTRAINT events_2_bound
  CHECK (id IS NOT NULL AND id >= 10000 AND id < 20000) NOT VALID;
ALTER TABLE events_2 VALIDATE CONSTRAINT events_2_bound;
ALTER TABLE events ATTACH PARTITION events_2 FOR VALUES FROM (10000) TO (20000);

-- detach_partition_blocking (a warning: the statement runs)
INSERT INTO events SELECT g, 'k' FROM generate_series(0, 4999) g;
ANALYZE events;
-- concurrently_in_transaction: the statement would fail anyway
BEGIN;
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
ROLLBACK;
BEGIN;
ALTER TABLE events DETACH PARTITION events_1 CONCURRENTLY;
ROLLBACK;

ALTER TABLE events DETACH PARTITION events_1 CONCURRENTLY;
ALTER TABLE events ATTACH PARTITION events_1 FOR VALUES FROM (0) TO (10000);
ALTER TABLE events DETACH PARTITION events_1;

-- refresh_matview_blocking
CREATE MATERIALIZED VIEW order_totals AS SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id;
-- PostgreSQL 16+ extends a relation being filled by several pages at once;
-- VACUUM drops the empty ones, so the size is the same on every version.
VACUUM order_totals;
CREATE UNIQUE INDEX ON order_totals (customer_id);
REFRESH MATERIALIZED VIEW order_totals;
REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals;

-- drop_table, truncate_table, drop_column: data loss, even on a small table;
-- an empty one is silent.
DROP TABLE small;
TRUNCATE small;
ALTER TABLE small DROP COLUMN note;
DROP TABLE empty;
CREATE TABLE empty (id int, note text);
TRUNCATE empty;
ALTER TABLE empty DROP COLUMN note;

-- invalid_index: a failed CREATE INDEX CONCURRENTLY leaves an INVALID index
INSERT INTO orders VALUES (5001, 1, 'dup', 1, 'new');
CREATE UNIQUE INDEX CONCURRENTLY orders_customer_uniq ON orders (customer_id);
SELECT indexrelid::regclass, indisvalid FROM pg_index WHERE indexrelid = 'orders_customer_uniq'::regclass;
DELETE FROM orders WHERE id = 5001;
-- the same name again: it would fail; the same definition: a second useless index
CREATE UNIQUE INDEX CONCURRENTLY orders_customer_uniq ON orders (customer_id);
CREATE UNIQUE INDEX CONCURRENTLY orders_customer_key ON orders (customer_id);
-- any other statement on the table mentions it
ALTER TABLE orders ADD COLUMN flag boolean;
-- the recipe: drop the invalid one first, then build again
DROP INDEX CONCURRENTLY orders_customer_uniq;
CREATE UNIQUE INDEX CONCURRENTLY orders_customer_uniq ON orders (customer_id);

-- rename_column, rename_table: the running application breaks
ALTER TABLE orders RENAME COLUMN note TO remark;
ALTER TABLE orders RENAME TO purchase_orders;
BEGIN;
CREATE TABLE scratch (a int);
ALTER TABLE scratch RENAME COLUMN a TO b;
ALTER TABLE scratch RENAME TO scratch2;
COMMIT;

SET migration_guard.mode = off;
DROP TABLE purchase_orders, customers, small, empty, events, events_1, events_2, typed_orders, scratch2 CASCADE;
DROP TYPE order_row;
RESET ALL;
