-- concurrently_in_transaction: a CONCURRENTLY statement inside a transaction
-- block always fails (the server's own error would come anyway).
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE orders (id int, status text);
INSERT INTO orders SELECT g, 'new' FROM generate_series(1, 5000) g;
CREATE TABLE events (id int, kind text) PARTITION BY RANGE (id);
CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (0) TO (10000);
CREATE TABLE events_2 PARTITION OF events FOR VALUES FROM (10000) TO (20000);
INSERT INTO events SELECT g, 'k' FROM generate_series(0, 9999) g;
ANALYZE orders, events;
SET migration_guard.mode = enforce;

-- Inside BEGIN ... COMMIT: flagged.
BEGIN;
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
ROLLBACK;
BEGIN;
ALTER TABLE events DETACH PARTITION events_1 CONCURRENTLY;
ROLLBACK;
-- Outside: silent.
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
ALTER TABLE events DETACH PARTITION events_1 CONCURRENTLY;

CALL quietly('DROP TABLE orders, events, events_1');
RESET ALL;
