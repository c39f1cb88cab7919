-- drop_index_not_concurrent: DROP INDEX without CONCURRENTLY takes ACCESS
-- EXCLUSIVE on a large table (a warning: the statement runs).
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE orders (id int, note varchar(40));
INSERT INTO orders SELECT g, 'n' FROM generate_series(1, 5000) g;
CREATE INDEX orders_note_idx ON orders (note) WHERE false;
CREATE INDEX orders_id_idx ON orders (id);
CREATE TABLE small (id int, note varchar(40));
INSERT INTO small SELECT g, 'n' FROM generate_series(1, 10) g;
CREATE INDEX small_id_idx ON small (id);
ANALYZE orders, small;
SET migration_guard.mode = enforce;

-- Flagged on a large table, silent on a small one.
DROP INDEX orders_note_idx;
DROP INDEX small_id_idx;
-- The safe form is silent.
DROP INDEX CONCURRENTLY orders_id_idx;

CALL quietly('DROP TABLE orders, small');
RESET ALL;
