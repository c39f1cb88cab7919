-- What differs between the server versions the extension is tested on (15
-- and 18, docs/versions.md): the recipes the hints name and the model.  The
-- rest of the suite is the same on both; this test is not:
-- expected/versions.out is PostgreSQL 15's output, versions_1.out 18's.
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
SELECT current_setting('server_version_num')::int >= 180000 AS pg18 \gset
CREATE TABLE v_customers (id int PRIMARY KEY);
INSERT INTO v_customers SELECT g FROM generate_series(1, 5000) g;
CREATE TABLE v_orders (id int, customer_id int, status text, note text);
INSERT INTO v_orders SELECT g, g, 'new', 'n' FROM generate_series(1, 5000) g;
CREATE TABLE v_small (id int);
INSERT INTO v_small SELECT g FROM generate_series(1, 10) g;
CREATE TABLE v_events (id int, customer_id int) PARTITION BY RANGE (id);
CREATE TABLE v_events_1 PARTITION OF v_events FOR VALUES FROM (0) TO (10000);
INSERT INTO v_events SELECT g, g FROM generate_series(1, 5000) g;
ANALYZE v_customers, v_orders, v_small, v_events, v_events_1;
SET migration_guard.mode = enforce;

-- SET NOT NULL: 15 proves it with a validated CHECK constraint first (then
-- SET NOT NULL needs no scan, and the CHECK goes); 18 adds the NOT NULL
-- constraint itself NOT VALID and validates it.
ALTER TABLE v_orders ALTER COLUMN status SET NOT NULL;
-- The recommended migration of a script follows the same recipe, the
-- validation in a transaction of its own.
SELECT migration_guard.report($$
    BEGIN;
    ALTER TABLE v_orders ALTER COLUMN status SET NOT NULL;
    COMMIT;
  $$) AS report \gset
SELECT substring(:'report' from '## Recommended migration.*') AS recommended;
-- PRIMARY KEY: its columns become NOT NULL the same way.
ALTER TABLE v_orders ADD PRIMARY KEY (id);
-- ADD COLUMN ... NOT NULL without a default: the second recipe.
ALTER TABLE v_orders ADD COLUMN region text NOT NULL;
-- A foreign key on a partitioned table: 15 cannot add it NOT VALID (partition
-- by partition); 18 can.
ALTER TABLE v_events ADD CONSTRAINT v_events_customer_fk FOREIGN KEY (customer_id) REFERENCES v_customers (id);
-- A STORED generated column is written into every row: 18 suggests a VIRTUAL one.
ALTER TABLE v_orders ADD COLUMN tripled int GENERATED ALWAYS AS (id * 3) STORED;
ALTER TABLE v_small ADD COLUMN tripled int GENERATED ALWAYS AS (id * 3) STORED;
-- GRANT and REVOKE take ACCESS SHARE on the tables they name on 18, no lock on 15.
SELECT relation, lock_mode, effect
  FROM migration_guard.plan_locks('GRANT SELECT ON v_orders, v_customers TO public') ORDER BY relation;
SELECT relation, lock_mode, effect
  FROM migration_guard.plan_locks('REVOKE SELECT ON ALL TABLES IN SCHEMA public FROM public');

-- The recipe of the hint, step by step, comes out clean, and the column is
-- NOT NULL at the end.
\if :pg18
ALTER TABLE v_orders ADD CONSTRAINT v_orders_status_not_null NOT NULL status NOT VALID;
ALTER TABLE v_orders VALIDATE CONSTRAINT v_orders_status_not_null;
\else
ALTER TABLE v_orders ADD CONSTRAINT v_orders_status_not_null CHECK (status IS NOT NULL) NOT VALID;
ALTER TABLE v_orders VALIDATE CONSTRAINT v_orders_status_not_null;
ALTER TABLE v_orders ALTER COLUMN status SET NOT NULL;
ALTER TABLE v_orders DROP CONSTRAINT v_orders_status_not_null;
\endif
SELECT attnotnull FROM pg_attribute WHERE attrelid = 'v_orders'::regclass AND attname = 'status';
INSERT INTO v_orders (id, status) VALUES (0, NULL);

\if :pg18
-- PostgreSQL 18 only.
-- ADD CONSTRAINT ... NOT NULL is SET NOT NULL with a name: flagged the same
-- way; NOT VALID, silent.
ALTER TABLE v_orders ADD CONSTRAINT v_orders_note_nn NOT NULL note;
ALTER TABLE v_orders ADD CONSTRAINT v_orders_note_nn NOT NULL note NOT VALID;
SELECT relation, lock_mode, effect
  FROM migration_guard.plan_locks('ALTER TABLE v_orders ADD CONSTRAINT c NOT NULL customer_id');
SELECT relation, lock_mode, effect
  FROM migration_guard.plan_locks('ALTER TABLE v_orders ADD CONSTRAINT c NOT NULL customer_id NOT VALID');
-- SET NOT NULL of a column whose NOT NULL constraint is NOT VALID validates
-- it under ACCESS EXCLUSIVE: the hint says to validate it instead.
ALTER TABLE v_orders ALTER COLUMN note SET NOT NULL;
ALTER TABLE v_orders VALIDATE CONSTRAINT v_orders_note_nn;
SELECT conname, convalidated FROM pg_constraint
 WHERE conrelid = 'v_orders'::regclass AND contype = 'n' ORDER BY conname;
-- Validating it in the transaction that added it keeps the ACCESS EXCLUSIVE
-- lock through the scan (review() of a script).
SELECT stmt_no, rule, message FROM migration_guard.review($$
  BEGIN;
  ALTER TABLE v_orders ADD CONSTRAINT v_orders_cust_nn NOT NULL customer_id NOT VALID;
  ALTER TABLE v_orders VALIDATE CONSTRAINT v_orders_cust_nn;
  COMMIT;
$$) WHERE rule <> 'lock_timeout_missing' ORDER BY stmt_no, rule;
-- The same script in its safe form: separate transactions, nothing to say
-- but the lock timeouts.
SELECT stmt_no, rule FROM migration_guard.review($$
  ALTER TABLE v_orders ADD CONSTRAINT v_orders_cust_nn NOT NULL customer_id NOT VALID;
  ALTER TABLE v_orders VALIDATE CONSTRAINT v_orders_cust_nn;
  ALTER TABLE v_orders ALTER COLUMN customer_id SET NOT NULL;
$$) WHERE rule <> 'lock_timeout_missing' ORDER BY stmt_no, rule;
-- A virtual generated column is computed when read: no rewrite, silent; a
-- STORED one is written into every row (flagged above).
SELECT relation, lock_mode, effect, cause
  FROM migration_guard.plan_locks('ALTER TABLE v_orders ADD COLUMN doubled int GENERATED ALWAYS AS (id * 2) VIRTUAL');
SELECT relation, lock_mode, effect, cause
  FROM migration_guard.plan_locks('ALTER TABLE v_orders ADD COLUMN doubled int GENERATED ALWAYS AS (id * 2) STORED');
ALTER TABLE v_orders ADD COLUMN doubled int GENERATED ALWAYS AS (id * 2);
SET migration_guard.mode = off;
ALTER TABLE v_orders ADD COLUMN tripled int GENERATED ALWAYS AS (id * 3) STORED;
SET migration_guard.mode = enforce;
-- SET EXPRESSION (17+): a stored column is computed again for every row, a
-- virtual one is not.
SELECT relation, lock_mode, effect, cause
  FROM migration_guard.plan_locks('ALTER TABLE v_orders ALTER COLUMN doubled SET EXPRESSION AS (id * 4)');
SELECT relation, lock_mode, effect, cause
  FROM migration_guard.plan_locks('ALTER TABLE v_orders ALTER COLUMN tripled SET EXPRESSION AS (id * 4)');
ALTER TABLE v_orders ALTER COLUMN tripled SET EXPRESSION AS (id * 4);
ALTER TABLE v_orders ALTER COLUMN doubled SET EXPRESSION AS (id * 4);
-- The foreign key of the partitioned table, NOT VALID then validated.
ALTER TABLE v_events ADD CONSTRAINT v_events_customer_fk FOREIGN KEY (customer_id) REFERENCES v_customers (id) NOT VALID;
ALTER TABLE v_events VALIDATE CONSTRAINT v_events_customer_fk;
\endif

SET migration_guard.mode = off;
DROP TABLE v_events, v_orders, v_small, v_customers;
RESET ALL;
