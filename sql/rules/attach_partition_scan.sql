-- attach_partition_scan: ATTACH PARTITION scans a large partition under
-- ACCESS EXCLUSIVE when no constraint implies its bound.
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE events (id int, kind text) PARTITION BY RANGE (id);
CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (0) TO (10000);
CREATE TABLE events_2 (id int, kind text);
INSERT INTO events_2 SELECT g, 'k' FROM generate_series(10000, 15000) g;
CREATE TABLE events_3 (id int, kind text);
INSERT INTO events_3 SELECT g, 'k' FROM generate_series(20000, 20009) g;
SET migration_guard.mode = enforce;

-- A large partition whose bound no constraint implies: flagged.
ALTER TABLE events ATTACH PARTITION events_2 FOR VALUES FROM (10000) TO (20000);
-- A small one: silent.
ALTER TABLE events ATTACH PARTITION events_3 FOR VALUES FROM (20000) TO (30000);
-- ... silent when a valid CHECK constraint implies the bound (the recipe).
ALTER TABLE events_2 ADD CONSTRAINT events_2_bound
  CHECK (id IS NOT NULL AND id >= 10000 AND id < 20000) NOT VALID;
ALTER TABLE events_2 VALIDATE CONSTRAINT events_2_bound;
ALTER TABLE events ATTACH PARTITION events_2 FOR VALUES FROM (10000) TO (20000);

CALL quietly('DROP TABLE events');
RESET ALL;
