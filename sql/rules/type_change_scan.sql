-- type_change_scan: a type change without a rewrite that validates the
-- column's CHECK constraints again or builds its indexes again.
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE orders (id int, amount numeric(10,2) CONSTRAINT orders_amount_check CHECK (amount >= 0),
                     email text, note varchar(20));
INSERT INTO orders SELECT g, g, 'e' || g, 'n' FROM generate_series(1, 5000) g;
CREATE INDEX orders_email_idx ON orders (email);
CREATE TABLE small (id int, amount numeric(10,2) CHECK (amount >= 0));
INSERT INTO small SELECT g, g FROM generate_series(1, 10) g;
ANALYZE orders, small;
SET migration_guard.mode = enforce;

-- Flagged: the CHECK constraint is validated again, the index built again.
ALTER TABLE orders ALTER COLUMN amount TYPE numeric(12,2);
ALTER TABLE orders ALTER COLUMN email TYPE text COLLATE "C";
SELECT rule, message FROM migration_guard.review(
  'ALTER TABLE orders ALTER COLUMN amount TYPE numeric(12,2)') WHERE rule = 'type_change_scan';
-- Silent: a small table; nothing depends on the column; the same
-- collation; the recipe.
ALTER TABLE small ALTER COLUMN amount TYPE numeric(12,2);
ALTER TABLE orders ALTER COLUMN note TYPE varchar(40);
ALTER TABLE orders ALTER COLUMN email TYPE text;
ALTER TABLE orders DROP CONSTRAINT orders_amount_check, ALTER COLUMN amount TYPE numeric(12,2);
ALTER TABLE orders ADD CONSTRAINT orders_amount_check CHECK (amount >= 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_check;
SELECT relation, lock_mode, effect FROM migration_guard.plan_locks(
  'ALTER TABLE orders ALTER COLUMN amount TYPE numeric(14,2)');

CALL quietly('DROP TABLE orders, small');
RESET ALL;
