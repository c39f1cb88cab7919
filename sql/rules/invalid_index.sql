-- invalid_index: a failed CREATE INDEX CONCURRENTLY leaves an INVALID index,
-- which costs every write and is never used.
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE orders (id int, customer_id int, status text);
INSERT INTO orders SELECT g, g, 'new' FROM generate_series(1, 5000) g;
ANALYZE orders;
SET migration_guard.mode = enforce;

INSERT INTO orders VALUES (5001, 1, 'new');
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
-- with no INVALID index left, the table is silent again
ALTER TABLE orders ADD COLUMN flag2 boolean;

CALL quietly('DROP TABLE orders');
RESET ALL;
