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


-- The partitioned table's index with no match on the partition is built on
-- it under its ACCESS EXCLUSIVE lock (issue 14.3), even when the bound is
-- proven: flagged.
SET migration_guard.mode = off;
CREATE INDEX events_kind_idx ON events (kind);
CREATE TABLE events_4 (id int, kind text,
  CONSTRAINT events_4_bound CHECK (id IS NOT NULL AND id >= 30000 AND id < 40000));
INSERT INTO events_4 SELECT g, 'k' FROM generate_series(30000, 35000) g;
ANALYZE events_4;
SELECT relation, lock_mode, effect, cause FROM migration_guard.plan_locks(
  'ALTER TABLE events ATTACH PARTITION events_4 FOR VALUES FROM (30000) TO (40000)') ORDER BY 1;
SET migration_guard.mode = enforce;
ALTER TABLE events ATTACH PARTITION events_4 FOR VALUES FROM (30000) TO (40000);
-- the recipe: the matching index, built CONCURRENTLY first, is attached instead: silent
CREATE INDEX CONCURRENTLY ON events_4 USING btree (kind);
SELECT relation, lock_mode, effect FROM migration_guard.plan_locks(
  'ALTER TABLE events ATTACH PARTITION events_4 FOR VALUES FROM (30000) TO (40000)') ORDER BY 1;
ALTER TABLE events ATTACH PARTITION events_4 FOR VALUES FROM (30000) TO (40000);

CALL quietly('DROP TABLE events');
RESET ALL;
