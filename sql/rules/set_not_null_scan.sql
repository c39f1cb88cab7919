-- set_not_null_scan: SET NOT NULL scans a large table under ACCESS EXCLUSIVE
-- unless a valid CHECK constraint proves it.
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE orders (id int, status text);
INSERT INTO orders SELECT g, 'new' FROM generate_series(1, 5000) g;
CREATE TABLE small (id int, note varchar(40));
INSERT INTO small SELECT g, 'n' FROM generate_series(1, 10) g;
ANALYZE orders, small;
SET migration_guard.mode = enforce;

ALTER TABLE orders ALTER COLUMN status SET NOT NULL;
ALTER TABLE small ALTER COLUMN note SET NOT NULL;
-- ... silent when a valid CHECK constraint proves it (the recipe).
ALTER TABLE orders ADD CONSTRAINT orders_status_not_null CHECK (status IS NOT NULL) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_status_not_null;
ALTER TABLE orders ALTER COLUMN status SET NOT NULL;
ALTER TABLE orders DROP CONSTRAINT orders_status_not_null;

CALL quietly('DROP TABLE orders, small');
RESET ALL;
