-- not_valid_validated_in_same_transaction: in a reviewed script, VALIDATE
-- CONSTRAINT in the transaction that added the constraint NOT VALID keeps the
-- strong lock through the validation scan.
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,2));
INSERT INTO orders SELECT g, g FROM generate_series(1, 5000) g;
CREATE TABLE small (id int, total numeric(10,2));
INSERT INTO small SELECT g, g FROM generate_series(1, 10) g;
ANALYZE orders, small;
SET migration_guard.mode = warn;

-- In one transaction: flagged.
SELECT stmt_no, rule, severity, message
  FROM migration_guard.review($$
    BEGIN;
    ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;
    ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;
    COMMIT;
  $$);
-- Committing between the steps, or a small table: silent.
SELECT stmt_no, rule
  FROM migration_guard.review($$
    BEGIN;
    ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;
    COMMIT;
    BEGIN;
    ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;
    COMMIT;
  $$);
SELECT stmt_no, rule
  FROM migration_guard.review($$
    BEGIN;
    ALTER TABLE small ADD CONSTRAINT small_total_positive CHECK (total > 0) NOT VALID;
    ALTER TABLE small VALIDATE CONSTRAINT small_total_positive;
    COMMIT;
  $$);
-- Nothing was executed.
SELECT count(*) AS constraints FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'c';

CALL quietly('DROP TABLE orders, small');
RESET ALL;
