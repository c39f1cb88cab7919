-- constraint_without_not_valid: ADD CONSTRAINT CHECK or FOREIGN KEY without
-- NOT VALID checks every row of a large table under a lock that blocks writes.
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE customers (id int PRIMARY KEY, email text);
INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 5000) g;
CREATE TABLE orders (id int, customer_id int, amount numeric(10,2));
INSERT INTO orders SELECT g, g, g FROM generate_series(1, 5000) g;
CREATE TABLE small (id int, note varchar(40));
INSERT INTO small SELECT g, 'n' FROM generate_series(1, 10) g;
ANALYZE customers, orders, small;
SET migration_guard.mode = enforce;

-- CHECK and FOREIGN KEY on a large table: flagged; a small table: silent.
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
ALTER TABLE small ADD CONSTRAINT small_id_positive CHECK (id > 0);
-- The recipe: NOT VALID, then VALIDATE, is silent.
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;

-- Written inline in ADD COLUMN: a CHECK is validated by a scan, judged like
-- ADD CONSTRAINT; the recipe adds the column first.  A small table: silent.
ALTER TABLE orders ADD COLUMN qty int NOT NULL DEFAULT 1 CHECK (qty > 0);
ALTER TABLE small ADD COLUMN qty int NOT NULL DEFAULT 1 CHECK (qty > 0);
-- REFERENCES on a new column with no default: every value is NULL, the
-- server skips the validation (no finding) but locks the referenced table;
-- with a default it validates every row: flagged.
SELECT relation, lock_mode, effect FROM migration_guard.plan_locks('ALTER TABLE orders ADD COLUMN buyer_id int REFERENCES customers (id)') ORDER BY 1;
ALTER TABLE orders ADD COLUMN buyer_id int REFERENCES customers (id);
ALTER TABLE orders ADD COLUMN seller_id int DEFAULT 1 REFERENCES customers (id);


-- A partitioned table (issue 14.3): the CHECK is validated on every leaf,
-- 600 rows each, 1 200 in all: flagged; NOT VALID: silent.
SET migration_guard.mode = off;
CREATE TABLE cv_parts (id int, v int) PARTITION BY RANGE (id);
CREATE TABLE cv_parts_1 PARTITION OF cv_parts FOR VALUES FROM (0) TO (600);
CREATE TABLE cv_parts_2 PARTITION OF cv_parts FOR VALUES FROM (600) TO (1200);
INSERT INTO cv_parts SELECT g, g FROM generate_series(0, 1199) g;
ANALYZE cv_parts;
SELECT relation, effect, cause FROM migration_guard.plan_locks('ALTER TABLE cv_parts ADD CONSTRAINT cv_pos CHECK (v >= 0)') ORDER BY 1;
SET migration_guard.mode = enforce;
ALTER TABLE cv_parts ADD CONSTRAINT cv_pos CHECK (v >= 0);
ALTER TABLE cv_parts ADD CONSTRAINT cv_pos CHECK (v >= 0) NOT VALID;
CALL quietly('DROP TABLE cv_parts');

CALL quietly('DROP TABLE orders, customers, small');
RESET ALL;
