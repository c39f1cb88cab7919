-- default_partition_scan: a new partition (CREATE TABLE ... PARTITION OF,
-- ATTACH PARTITION) makes the server read a large default partition under
-- ACCESS EXCLUSIVE, unless the default's own constraints exclude the bound.
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE events (id int, kind text) PARTITION BY RANGE (id);
CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (0) TO (1000);
CREATE TABLE events_default PARTITION OF events DEFAULT;
INSERT INTO events SELECT g, 'k' FROM generate_series(0, 5999) g;
CREATE TABLE few (id int) PARTITION BY LIST (id);
CREATE TABLE few_1 PARTITION OF few FOR VALUES IN (1);
CREATE TABLE few_default PARTITION OF few DEFAULT;
INSERT INTO few VALUES (1), (2);
CREATE TABLE events_new (id int, kind text);
SELECT pg_stat_force_next_flush();
ANALYZE events, few, events_new;
SET migration_guard.mode = enforce;

-- Flagged: the large default partition would be read whole.
CREATE TABLE events_2 PARTITION OF events FOR VALUES FROM (6000) TO (7000);
ALTER TABLE events ATTACH PARTITION events_new FOR VALUES FROM (7000) TO (8000);
-- Silent: a small default partition.
CREATE TABLE few_3 PARTITION OF few FOR VALUES IN (3);

-- The recipe: a CHECK constraint excluding the bound, validated under SHARE
-- UPDATE EXCLUSIVE; then the server skips the scan, and the statement is
-- silent (its plan says so too).
ALTER TABLE events_default ADD CONSTRAINT events_default_excludes_new
  CHECK (NOT (id IS NOT NULL AND id >= 6000 AND id < 7000)) NOT VALID;
ALTER TABLE events_default VALIDATE CONSTRAINT events_default_excludes_new;
SELECT relation, lock_mode, effect
  FROM migration_guard.plan_locks('CREATE TABLE events_2 PARTITION OF events FOR VALUES FROM (6000) TO (7000)')
 ORDER BY relation;
CREATE TABLE events_2 PARTITION OF events FOR VALUES FROM (6000) TO (7000);
ALTER TABLE events_default DROP CONSTRAINT events_default_excludes_new;

-- review() says the same.
SELECT stmt_no, rule, relation FROM migration_guard.review($$
  CREATE TABLE events_3 PARTITION OF events FOR VALUES FROM (8000) TO (9000);
  CREATE TABLE few_4 PARTITION OF few FOR VALUES IN (4);
$$);

-- The bound is evaluated as the parent's owner, in a security-restricted
-- operation: a function the owner may not call (but the superuser running
-- the statement may) leaves the default partition unproven, and neither
-- plan() nor the statement, which the server accepts, fails.
SET migration_guard.mode = off;
CREATE ROLE regress_mg_dps_owner;
CREATE FUNCTION dps_admin_bound() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 42';
REVOKE EXECUTE ON FUNCTION dps_admin_bound() FROM PUBLIC;
CREATE TABLE dps (id int) PARTITION BY LIST (id);
CREATE TABLE dps_default PARTITION OF dps DEFAULT;
ALTER TABLE dps OWNER TO regress_mg_dps_owner;
SET migration_guard.mode = enforce;
SELECT relation, lock_mode, effect
  FROM migration_guard.plan_locks('CREATE TABLE dps_42 PARTITION OF dps FOR VALUES IN (dps_admin_bound())')
 ORDER BY relation;
CREATE TABLE dps_42 PARTITION OF dps FOR VALUES IN (dps_admin_bound());
-- ATTACH evaluates it for the partition's own check too.
CREATE TABLE dps_43 (id int CHECK (id = 43));
SELECT relation, lock_mode, effect
  FROM migration_guard.plan_locks('ALTER TABLE dps ATTACH PARTITION dps_43 FOR VALUES IN (dps_admin_bound() + 1)')
 ORDER BY relation;
ALTER TABLE dps ATTACH PARTITION dps_43 FOR VALUES IN (dps_admin_bound() + 1);
SET migration_guard.mode = off;
DROP TABLE dps;
DROP FUNCTION dps_admin_bound();
DROP ROLE regress_mg_dps_owner;

SET migration_guard.mode = off;
CALL quietly('DROP TABLE events, events_new, few');
RESET ALL;
