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


-- A partitioned table (issue 14.3): each leaf is scanned unless its own
-- constraints prove the column; the finding gives the sum over the leaves
-- scanned.  The proven leaf (900 rows) is left out: 1 200 rows remain.
SET migration_guard.mode = off;
CREATE TABLE nn_parts (id int, v int) PARTITION BY RANGE (id);
CREATE TABLE nn_parts_a PARTITION OF nn_parts FOR VALUES FROM (0) TO (900);
CREATE TABLE nn_parts_b PARTITION OF nn_parts FOR VALUES FROM (900) TO (1500);
CREATE TABLE nn_parts_c PARTITION OF nn_parts FOR VALUES FROM (1500) TO (2100);
INSERT INTO nn_parts SELECT g, g FROM generate_series(0, 2099) g;
ALTER TABLE nn_parts_a ADD CONSTRAINT nn_parts_a_v CHECK (v IS NOT NULL);
ANALYZE nn_parts;
SELECT relation, effect, cause FROM migration_guard.plan_locks('ALTER TABLE nn_parts ALTER COLUMN v SET NOT NULL') ORDER BY 1;
SET migration_guard.mode = enforce;
ALTER TABLE nn_parts ALTER COLUMN v SET NOT NULL;
-- with a second leaf proven, 600 rows remain: silent
SET migration_guard.mode = off;
ALTER TABLE nn_parts_b ADD CONSTRAINT nn_parts_b_v CHECK (v IS NOT NULL);
SET migration_guard.mode = enforce;
ALTER TABLE nn_parts ALTER COLUMN v SET NOT NULL;
CALL quietly('DROP TABLE nn_parts');

CALL quietly('DROP TABLE orders, small');
RESET ALL;
