-- type_change_narrowing: a column type change that can fail or lose data,
-- on any table with rows (a large one is also rewritten: table_rewrite).
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE orders (id int, customer_id int, note varchar(40), amount numeric(10,2));
INSERT INTO orders SELECT g, g, 'n', g FROM generate_series(1, 5000) g;
CREATE TABLE small (id int, note varchar(40));
INSERT INTO small SELECT g, 'n' FROM generate_series(1, 10) g;
ANALYZE orders, small;
SET migration_guard.mode = enforce;

-- Shorter varchar, fewer decimals, a smaller integer: flagged, even on a
-- small table.
ALTER TABLE orders ALTER COLUMN note TYPE varchar(10);
ALTER TABLE small ALTER COLUMN note TYPE varchar(10);
ALTER TABLE orders ALTER COLUMN amount TYPE numeric(10,1);
ALTER TABLE orders ALTER COLUMN customer_id TYPE smallint;
-- Widening is binary coercible: no rewrite, nothing lost.
ALTER TABLE orders ALTER COLUMN note TYPE varchar(80);
ALTER TABLE orders ALTER COLUMN note TYPE text;
ALTER TABLE orders ALTER COLUMN amount TYPE numeric(12,2);

CALL quietly('DROP TABLE orders, small');
RESET ALL;
