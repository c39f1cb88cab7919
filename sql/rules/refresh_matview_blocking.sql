-- refresh_matview_blocking: REFRESH MATERIALIZED VIEW without CONCURRENTLY
-- blocks the readers of a large view (a warning: the statement runs).
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE orders (id int, customer_id int, amount numeric(10,2));
INSERT INTO orders SELECT g, g, g FROM generate_series(1, 5000) g;
CREATE MATERIALIZED VIEW order_totals AS SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id;
-- PostgreSQL 16+ extends a relation being filled by several pages at once;
-- VACUUM drops the empty ones, so the size is the same on every version.
VACUUM order_totals;
CREATE UNIQUE INDEX ON order_totals (customer_id);
CREATE MATERIALIZED VIEW order_count AS SELECT count(*) AS n FROM orders;
ANALYZE orders, order_totals, order_count;
SET migration_guard.mode = enforce;

-- A large view: flagged; a small one, and the safe form: silent.
REFRESH MATERIALIZED VIEW order_totals;
REFRESH MATERIALIZED VIEW order_count;
REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals;

CALL quietly('DROP TABLE orders CASCADE');
RESET ALL;
