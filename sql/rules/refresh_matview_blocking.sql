-- refresh_matview_blocking: REFRESH MATERIALIZED VIEW without CONCURRENTLY
-- blocks the readers of the view for the whole refresh (a warning: the
-- statement runs).  How long that is depends on what the view's query reads,
-- through the views it names, not on the view's own size.
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE orders (id int, customer_id int, amount numeric(10,2));
INSERT INTO orders SELECT g, g, g FROM generate_series(1, 5000) g;
CREATE TABLE regions (id int, name text);
INSERT INTO regions SELECT g, 'r' || g FROM generate_series(1, 10) g;
CREATE MATERIALIZED VIEW order_totals AS SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id;
-- PostgreSQL 16+ extends a relation being filled by several pages at once;
-- VACUUM drops the empty ones, so the size is the same on every version.
VACUUM order_totals;
CREATE UNIQUE INDEX ON order_totals (customer_id);
CREATE MATERIALIZED VIEW order_count AS SELECT count(*) AS n FROM orders;
CREATE MATERIALIZED VIEW huge_orders AS SELECT * FROM orders WHERE amount > 1000000;
CREATE VIEW recent_orders AS SELECT * FROM orders WHERE id > 10 AND customer_id IN (SELECT id FROM regions);
CREATE MATERIALIZED VIEW recent_count AS SELECT count(*) AS n FROM recent_orders;
CREATE MATERIALIZED VIEW region_list AS SELECT * FROM regions;
CREATE MATERIALIZED VIEW unfilled AS SELECT customer_id FROM orders WITH NO DATA;
ANALYZE orders, regions, order_totals, order_count, huge_orders, recent_count, region_list;
SET migration_guard.mode = enforce;

-- A large view: flagged; so is a one-row view, an empty one, and one that
-- reads a large table through a view: their query reads 5000 rows.
REFRESH MATERIALIZED VIEW order_totals;
REFRESH MATERIALIZED VIEW order_count;
REFRESH MATERIALIZED VIEW huge_orders;
REFRESH MATERIALIZED VIEW recent_count;
-- Silent: a view over a small table; the safe form; WITH NO DATA (reads
-- nothing); a view never populated (no reader can read it, and CONCURRENTLY
-- is refused for it); one created in this transaction (nobody else sees it).
REFRESH MATERIALIZED VIEW region_list;
REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals;
BEGIN;
REFRESH MATERIALIZED VIEW order_count WITH NO DATA;
ROLLBACK;
REFRESH MATERIALIZED VIEW unfilled;
BEGIN;
CREATE MATERIALIZED VIEW fresh AS SELECT * FROM orders;
REFRESH MATERIALIZED VIEW fresh;
ROLLBACK;

-- What the refresh locks: the view, and what its query reads (through the
-- view it names, ACCESS SHARE); catalog only, nothing is run.
SELECT stmt_no, relation, lock_mode, effect
  FROM migration_guard.plan_locks('REFRESH MATERIALIZED VIEW recent_count; REFRESH MATERIALIZED VIEW recent_count WITH NO DATA')
 ORDER BY 1, 2;

ANALYZE order_count;  -- the refreshes above left its estimate unset
-- review(): the same verdicts; a view the script created is known by its
-- statement: silent in the transaction that created it, judged after (by
-- what it reads), silent while it has no data.
SELECT stmt_no, rule, relation, message, detail FROM migration_guard.review($$
REFRESH MATERIALIZED VIEW order_count;
REFRESH MATERIALIZED VIEW region_list;
BEGIN;
CREATE MATERIALIZED VIEW made_here AS SELECT * FROM recent_orders;
REFRESH MATERIALIZED VIEW made_here;
COMMIT;
REFRESH MATERIALIZED VIEW made_here;
CREATE MATERIALIZED VIEW made_empty AS SELECT * FROM orders WITH NO DATA;
REFRESH MATERIALIZED VIEW made_empty;
REFRESH MATERIALIZED VIEW made_empty;
CREATE MATERIALIZED VIEW made_small AS SELECT * FROM regions;
REFRESH MATERIALIZED VIEW made_small;
$$) ORDER BY 1, 2;

CALL quietly('DROP TABLE orders, regions CASCADE');
RESET ALL;
