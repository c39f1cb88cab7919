-- migration_guard.review() and report(): a whole migration judged in sequence,
-- without executing anything.
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE orders (id int PRIMARY KEY, customer_id int, status text, total numeric(10,2));
INSERT INTO orders SELECT g, g % 100, 'new', g FROM generate_series(1, 5000) g;
CREATE TABLE customers (id int PRIMARY KEY, name text);
INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 5000) g;
ANALYZE orders, customers;
SET migration_guard.mode = warn;

-- The unsafe forms are flagged, statement by statement.
SELECT stmt_no, rule, severity, relation, message
  FROM migration_guard.review($$
    CREATE INDEX orders_customer_idx ON orders (customer_id);
    ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
    ALTER TABLE orders ALTER COLUMN status SET NOT NULL;
    ALTER TABLE orders ADD COLUMN region text NOT NULL;
  $$);

-- Nothing was executed.  (PostgreSQL 18 also lists NOT NULL constraints in
-- pg_constraint: the table's own NOT NULL columns are not counted.)
SELECT count(*) AS indexes FROM pg_indexes WHERE tablename = 'orders';
SELECT count(*) AS constraints FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype <> 'n';

-- The safe recipes come out clean, whole-script aware: the CHECK constraint
-- added NOT VALID and validated earlier in the script proves NOT NULL.
SELECT stmt_no, rule, message
  FROM migration_guard.review($$
    CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);
    ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
    ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;
    ALTER TABLE orders ADD CONSTRAINT orders_status_not_null CHECK (status IS NOT NULL) NOT VALID;
    ALTER TABLE orders VALIDATE CONSTRAINT orders_status_not_null;
    ALTER TABLE orders ALTER COLUMN status SET NOT NULL;
    ALTER TABLE orders DROP CONSTRAINT orders_status_not_null;
  $$);

-- A table created earlier in the script is new and empty.
SELECT stmt_no, rule, message
  FROM migration_guard.review($$
    CREATE TABLE invoices (id int, order_id int);
    CREATE INDEX invoices_order_idx ON invoices (order_id);
    ALTER TABLE invoices ADD COLUMN amount numeric NOT NULL;
    ALTER TABLE invoices ALTER COLUMN order_id SET NOT NULL;
  $$);
-- ... even when it replaces an existing table of the same name.
SELECT stmt_no, rule
  FROM migration_guard.review($$
    ALTER TABLE customers RENAME TO customers_old;
    CREATE TABLE customers (id int PRIMARY KEY, name text);
    CREATE INDEX customers_name_idx ON customers (name);
  $$);

-- A default on a sequence the script creates first: the server cannot cook
-- it yet, and the review goes on (nextval() is volatile: a rewrite).
SELECT stmt_no, rule, message
  FROM migration_guard.review($$
    CREATE SEQUENCE orders_seq;
    ALTER TABLE orders ADD COLUMN seq_no bigint DEFAULT nextval('orders_seq');
    ALTER TABLE orders ADD COLUMN other bigint DEFAULT no_such_function();
  $$);

-- A column added earlier in the script, then SET NOT NULL: a scan under
-- ACCESS EXCLUSIVE (and every existing row holds NULL).
SELECT stmt_no, rule
  FROM migration_guard.review($$
    ALTER TABLE orders ADD COLUMN shipped boolean;
    ALTER TABLE orders ALTER COLUMN shipped SET NOT NULL;
  $$);

-- Transactions: CONCURRENTLY inside BEGIN ... COMMIT will fail; a strong lock
-- taken early is held through the long statements that follow; NOT VALID and
-- VALIDATE in one transaction defeat the recipe.
SELECT stmt_no, rule, severity, message
  FROM migration_guard.review($$
    BEGIN;
    ALTER TABLE customers ADD COLUMN vip boolean;
    CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);
    ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;
    ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;
    ALTER TABLE customers ALTER COLUMN name SET NOT NULL;
    COMMIT;
    CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
  $$);
-- Committing between the steps is clean.
SELECT stmt_no, rule
  FROM migration_guard.review($$
    BEGIN;
    ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;
    COMMIT;
    BEGIN;
    ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;
    COMMIT;
  $$);
-- Migration tools that wrap each file in a transaction: in_transaction => true.
SELECT stmt_no, rule
  FROM migration_guard.review('CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);', in_transaction => true);
SELECT stmt_no, rule
  FROM migration_guard.review('CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);', in_transaction => false);

-- The report: Markdown for people, JSON for machines.
SELECT migration_guard.report($$
    ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
    CREATE INDEX orders_status_idx ON orders (status);
    ALTER TABLE orders ADD COLUMN note text;
    UPDATE orders SET note = 'x' WHERE id < 10;
  $$) AS report \gset
SELECT :'report' ~ '# Migration review' AS title,
       :'report' ~ '## Tables affected' AS tables,
       :'report' ~ '## Safety' AS safety,
       :'report' ~ '## Locks' AS locks,
       :'report' ~ '## Rollback plan' AS rollback,
       :'report' ~ '## Recommended migration' AS recommended,
       :'report' ~ 'HIGH|CRITICAL' AS risk,
       :'report' ~ 'CREATE INDEX CONCURRENTLY orders_status_idx' AS safe_form,
       :'report' ~ 'DROP INDEX public.orders_status_idx;' AS undo;  -- built without CONCURRENTLY: dropped so (as the history says)
SELECT r->>'risk' AS risk, r->>'type' AS type,
       jsonb_array_length(r->'statements') AS statements,
       (SELECT count(*) FROM jsonb_array_elements(r->'statements') s,
                             jsonb_array_elements(s->'findings')) AS findings
  FROM (SELECT migration_guard.report($$
          CREATE INDEX orders_status_idx ON orders (status);
          ALTER TABLE orders ADD COLUMN "odd ""name""" text;
          COMMENT ON TABLE orders IS E'line one\nline two\ttab';
        $$, format => 'json')::jsonb AS r) x;
SELECT migration_guard.report('SELECT 1', format => 'json')::jsonb->>'risk' AS risk_of_nothing;

-- Bad input: clear errors with a SQLSTATE, never a crash.
SELECT * FROM migration_guard.review('ALTER TABLE orders ADD COLUMN');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT * FROM migration_guard.review(E'CREATE INDEX CONCURRENTLY a ON orders (id);\nALTER TABLE orders\n  ADD COLUMN x int NOT NULL DEFAULT;');
SELECT migration_guard.report('SELECT 1', format => 'html');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT * FROM migration_guard.review('');
SELECT * FROM migration_guard.review(NULL);
SELECT migration_guard.report(NULL) IS NULL AS null_in_null_out;
SELECT stmt_no, rule FROM migration_guard.review('DROP TABLE no_such_table; ALTER TABLE no_such_table ADD COLUMN x int NOT NULL; CREATE INDEX ON no_such_table (x);');
-- A 10 MB script.
SELECT stmt_no, rule
  FROM migration_guard.review('-- ' || repeat('x', 10 * 1024 * 1024) || E'\nCREATE INDEX ON orders (total);');
SELECT count(*) AS findings
  FROM migration_guard.review(repeat('CREATE INDEX ON orders (total); ', 5000));

CALL quietly('DROP TABLE orders, customers');
RESET ALL;
