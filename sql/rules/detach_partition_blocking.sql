-- detach_partition_blocking: DETACH PARTITION without CONCURRENTLY locks a
-- large partitioned table against all access (a warning: the statement runs).
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE events (id int, kind text) PARTITION BY RANGE (id);
CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (0) TO (10000);
CREATE TABLE events_2 PARTITION OF events FOR VALUES FROM (10000) TO (20000);
INSERT INTO events SELECT g, 'k' FROM generate_series(0, 9999) g;
CREATE TABLE few (id int) PARTITION BY LIST (id);
CREATE TABLE few_1 PARTITION OF few FOR VALUES IN (1);
INSERT INTO few VALUES (1);
ANALYZE events, few;
SET migration_guard.mode = enforce;

-- The safe form, CONCURRENTLY, is silent.
ALTER TABLE events DETACH PARTITION events_1 CONCURRENTLY;
ALTER TABLE events ATTACH PARTITION events_1 FOR VALUES FROM (0) TO (10000);
-- Without it: flagged on a large partitioned table, silent on a small one.
ALTER TABLE events DETACH PARTITION events_1;
ALTER TABLE few DETACH PARTITION few_1;

CALL quietly('DROP TABLE events, events_1, few, few_1');
RESET ALL;
