-- reindex_not_concurrent: REINDEX without CONCURRENTLY blocks writes, and
-- nearly every read, of a large table for the whole rebuild.
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE orders (id int, note varchar(40));
INSERT INTO orders SELECT g, 'n' FROM generate_series(1, 5000) g;
CREATE INDEX orders_note_idx ON orders (note) WHERE false;
CREATE TABLE small (id int, note varchar(40));
INSERT INTO small SELECT g, 'n' FROM generate_series(1, 10) g;
CREATE INDEX small_id_idx ON small (id);
ANALYZE orders, small;
SET migration_guard.mode = enforce;

-- An index of a large table, and the whole table: flagged.
REINDEX INDEX orders_note_idx;
REINDEX TABLE orders;
-- A small table, and the safe form: silent.
REINDEX TABLE small;
REINDEX INDEX CONCURRENTLY orders_note_idx;

CALL quietly('DROP TABLE orders, small');
RESET ALL;
